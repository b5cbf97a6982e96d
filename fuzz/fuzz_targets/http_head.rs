//! The head parsers on arbitrary bytes, arriving in arbitrary pieces.
//!
//! Input: one byte choosing the head size limit, one byte choosing how the rest is split into
//! reads, then the bytes a peer sends. For requests and for responses, and for two splits (one
//! byte per read, and the chosen one), it feeds the bytes to one parser as a server would,
//! taking each head out of the buffer once found, and checks that:
//!
//! * nothing panics;
//! * every answer of the resumed parser is exactly what parsing its buffer at once answers;
//! * a head or an error, once found, is what parsing all the bytes at once finds (the same
//!   head, or an error with the same status): how the bytes were split does not matter;
//! * a head is never longer than the limit;
//! * the work stays linear: at most 3 bytes examined per byte given, plus 2 per call.

#![no_main]

use std::fmt::Debug;

use http_lite::{
    parse_request, parse_response, Error, Request, RequestParser, ResponseHead, ResponseParser,
};
use libfuzzer_sys::fuzz_target;

const LIMITS: [usize; 8] = [0, 1, 2, 16, 64, 256, 1024, 8192];

/// What the two parsers have in common, so one check serves both.
trait Parser {
    type Head: Debug + PartialEq;
    fn new(limit: usize) -> Self;
    fn parse(&mut self, buf: &[u8]) -> Result<Option<(Self::Head, usize)>, Error>;
    fn parse_at_once(buf: &[u8], limit: usize) -> Result<Option<(Self::Head, usize)>, Error>;
    fn bytes_examined(&self) -> usize;
}

impl Parser for RequestParser {
    type Head = Request;
    fn new(limit: usize) -> Self {
        RequestParser::new(limit)
    }
    fn parse(&mut self, buf: &[u8]) -> Result<Option<(Request, usize)>, Error> {
        RequestParser::parse(self, buf)
    }
    fn parse_at_once(buf: &[u8], limit: usize) -> Result<Option<(Request, usize)>, Error> {
        parse_request(buf, limit)
    }
    fn bytes_examined(&self) -> usize {
        RequestParser::bytes_examined(self)
    }
}

impl Parser for ResponseParser {
    type Head = ResponseHead;
    fn new(limit: usize) -> Self {
        ResponseParser::new(limit)
    }
    fn parse(&mut self, buf: &[u8]) -> Result<Option<(ResponseHead, usize)>, Error> {
        ResponseParser::parse(self, buf)
    }
    fn parse_at_once(buf: &[u8], limit: usize) -> Result<Option<(ResponseHead, usize)>, Error> {
        parse_response(buf, limit)
    }
    fn bytes_examined(&self) -> usize {
        ResponseParser::bytes_examined(self)
    }
}

/// An answer with the error reduced to its status: what must not depend on the split.
fn settled<H>(answer: Result<Option<(H, usize)>, Error>) -> Result<Option<(H, usize)>, u16> {
    answer.map_err(|e| e.status())
}

/// Feeds `input` in reads of `sizes` bytes (cycled), taking each head out of the buffer.
fn check<P: Parser>(input: &[u8], limit: usize, sizes: &[usize], compare_each_call: bool) {
    let mut parser = P::new(limit);
    let mut buf = Vec::new();
    // Where `buf` starts in `input`, and how much of `input` has been read into it.
    let (mut offset, mut read) = (0, 0);
    let mut calls = 0;
    loop {
        let answer = parser.parse(&buf);
        calls += 1;
        assert!(
            parser.bytes_examined() <= 3 * read + 2 * calls,
            "{} bytes examined for {read} bytes read in {calls} calls",
            parser.bytes_examined()
        );
        let the_end = read == input.len();
        if answer == Ok(None) {
            if compare_each_call || the_end {
                assert_eq!(
                    P::parse_at_once(&buf, limit),
                    Ok(None),
                    "resumed versus at once"
                );
            }
            if the_end {
                return;
            }
            let end = input.len().min(read + sizes[calls % sizes.len()]);
            buf.extend_from_slice(&input[read..end]);
            read = end;
            continue;
        }
        assert_eq!(
            answer,
            P::parse_at_once(&buf, limit),
            "resumed versus at once"
        );
        let at_once = settled(P::parse_at_once(&input[offset..], limit));
        let answer = settled(answer);
        assert_eq!(answer, at_once, "split versus at once");
        let Ok(Some((_, head_len))) = answer else {
            return; // An error: a server closes the connection.
        };
        assert!(head_len <= limit, "a head of {head_len} bytes");
        // The next head starts after this one, like a pipelined request.
        buf.drain(..head_len);
        offset += head_len;
    }
}

/// Read sizes from a seed: 1 to 32 bytes, from a small xorshift generator.
fn sizes_from(seed: u8) -> Vec<usize> {
    let mut state = u64::from(seed) | 0x9E37_79B9_7F4A_7C00;
    let most = 1 + usize::from(seed % 32);
    (0..64)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            1 + (state % most as u64) as usize
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let [setup, seed, input @ ..] = data else {
        return;
    };
    let limit = LIMITS[usize::from(setup % 8)];
    let sizes = sizes_from(*seed);
    // One byte per read costs a parse at once per call to compare: only at the answers.
    check::<RequestParser>(input, limit, &[1], false);
    check::<RequestParser>(input, limit, &sizes, true);
    check::<ResponseParser>(input, limit, &[1], false);
    check::<ResponseParser>(input, limit, &sizes, true);
});
