//! A head that arrives one byte at a time costs the parsers work linear in its size: they
//! resume where they stopped instead of rescanning from the first byte on every read.
//!
//! Work is counted in bytes examined (`bytes_examined`), not measured in time, so a busy
//! machine cannot make these tests fail, and a quadratic parser cannot pass them: for a head
//! of N bytes, rescanning on each of N reads examines about N²/2 bytes.

use http_lite::{parse_request, parse_response, Error, RequestParser, ResponseParser};

/// At most this many examinations per byte received: searched for a line end once, checked
/// for control bytes once while its line is unfinished, parsed once with its line.
const PER_BYTE: usize = 4;

const SIZES: [usize; 3] = [1024, 8 * 1024, 64 * 1024];

/// A request head of exactly `size` bytes made of short header lines.
fn many_lines(size: usize) -> Vec<u8> {
    let mut head = b"GET /slow HTTP/1.1\r\nHost: example.org\r\n".to_vec();
    while head.len() + 17 + 7 <= size {
        head.extend_from_slice(b"X-Pad: 12345678\r\n");
    }
    let pad = size - head.len() - b"X: \r\n\r\n".len();
    head.extend_from_slice(format!("X: {}\r\n\r\n", "a".repeat(pad)).as_bytes());
    head
}

/// A request head of exactly `size` bytes whose one header line is almost all of it: nearly
/// every read ends inside an unfinished line.
fn one_long_line(size: usize) -> Vec<u8> {
    let start = "GET /slow HTTP/1.1\r\nHost: example.org\r\nX-Long: ";
    let pad = size - start.len() - "\r\n\r\n".len();
    format!("{start}{}\r\n\r\n", "a".repeat(pad)).into_bytes()
}

/// Blank lines before the request line, which a server skips: most of the head.
fn leading_blank_lines(size: usize) -> Vec<u8> {
    let request = b"GET /slow HTTP/1.1\r\nHost: h\r\n\r\n";
    let mut head = b"\r\n".repeat((size - request.len()) / 2);
    head.extend_from_slice(request);
    head
}

/// Feeds `bytes` to a fresh parser one byte per call, as a server would see a client that
/// sends a byte at a time. Returns the last answer and the bytes examined.
fn request_bytewise(
    bytes: &[u8],
    limit: usize,
) -> (Result<Option<(http_lite::Request, usize)>, Error>, usize) {
    let mut parser = RequestParser::new(limit);
    let mut answer = Ok(None);
    for end in 1..=bytes.len() {
        answer = parser.parse(&bytes[..end]);
        if !matches!(answer, Ok(None)) {
            break;
        }
    }
    (answer, parser.bytes_examined())
}

#[test]
fn a_request_head_sent_a_byte_at_a_time_costs_linear_work() {
    for size in SIZES {
        for (shape, head) in [
            ("many lines", many_lines(size)),
            ("one long line", one_long_line(size)),
            ("leading blank lines", leading_blank_lines(size)),
        ] {
            let (answer, examined) = request_bytewise(&head, 2 * size);
            let (request, len) = answer.unwrap().unwrap();
            assert_eq!((request.path(), len), ("/slow", head.len()), "{shape}");
            assert!(
                examined <= PER_BYTE * head.len(),
                "{shape}, {size} bytes: examined {examined} bytes, more than {PER_BYTE} per byte"
            );
        }
    }
}

#[test]
fn a_head_that_never_ends_costs_linear_work_up_to_the_limit() {
    for limit in SIZES {
        let endless = [
            b"GET / HTTP/1.1\r\n".as_slice(),
            &b"X-Pad: y\r\n".repeat(limit),
        ]
        .concat();
        let (answer, examined) = request_bytewise(&endless, limit);
        assert_eq!(answer.unwrap_err(), Error::HeadTooLarge);
        assert!(
            examined <= PER_BYTE * limit,
            "limit {limit}: examined {examined} bytes"
        );
    }
}

#[test]
fn a_response_head_sent_a_byte_at_a_time_costs_linear_work() {
    for size in SIZES {
        let mut head = b"HTTP/1.1 200 OK\r\n".to_vec();
        while head.len() + 2 < size {
            head.extend_from_slice(b"X-Pad: y\r\n");
        }
        head.extend_from_slice(b"\r\n");
        let mut parser = ResponseParser::new(2 * size);
        let mut answer = None;
        for end in 1..=head.len() {
            answer = parser.parse(&head[..end]).unwrap();
        }
        assert_eq!(answer.unwrap().1, head.len());
        let examined = parser.bytes_examined();
        assert!(
            examined <= PER_BYTE * head.len(),
            "{} bytes: examined {examined}",
            head.len()
        );
    }
}

/// A resumed parse answers what a parse of the whole buffer at once answers, at every step,
/// and the parser is ready for the next head once it has found one.
#[test]
fn resuming_gives_the_same_answers_as_parsing_from_the_start() {
    let inputs: [&[u8]; 8] = [
        b"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n",
        b"\r\n\r\nGET / HTTP/1.0\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: h\r\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: h\n\r\n",
        b"GET /\x1b[31m HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: h\r\nX:\ta\t\r\n\r",
        b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
    ];
    for input in inputs {
        for limit in [16, 40, 8192] {
            // One byte per call.
            let mut parser = RequestParser::new(limit);
            for end in 0..=input.len() {
                let answer = parser.parse(&input[..end]);
                assert_eq!(
                    answer,
                    parse_request(&input[..end], limit),
                    "{input:?} at {end}"
                );
                if !matches!(answer, Ok(None)) {
                    break;
                }
            }
            // Two calls, split at every point.
            for split in 0..=input.len() {
                let mut parser = RequestParser::new(limit);
                let first = parser.parse(&input[..split]);
                assert_eq!(first, parse_request(&input[..split], limit));
                if first == Ok(None) {
                    assert_eq!(parser.parse(input), parse_request(input, limit));
                }
            }
        }
        // Responses too, with the request line swapped for a status line.
        let first_line_end = input.windows(2).position(|w| w == b"\r\n").unwrap();
        let response = [b"HTTP/1.1 200 OK".as_slice(), &input[first_line_end..]].concat();
        let mut parser = ResponseParser::new(8192);
        for end in 0..=response.len() {
            let answer = parser.parse(&response[..end]);
            assert_eq!(answer, parse_response(&response[..end], 8192));
            if !matches!(answer, Ok(None)) {
                break;
            }
        }
    }
}

#[test]
fn one_parser_reads_pipelined_requests_one_after_the_other() {
    let stream = b"GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\nGET /c HT";
    let mut parser = RequestParser::new(8192);
    let mut buf = Vec::new();
    let mut paths = Vec::new();
    for &byte in stream {
        buf.push(byte);
        if let Some((request, len)) = parser.parse(&buf).unwrap() {
            paths.push(request.path().to_string());
            buf.drain(..len);
        }
    }
    assert_eq!(paths, ["/a", "/b"]);
    assert_eq!(buf, b"GET /c HT");
    assert!(parser.bytes_examined() <= PER_BYTE * stream.len());
}

#[test]
fn a_buffer_shorter_than_the_last_one_starts_a_new_head() {
    // Not how the parser is meant to be used, but it must not panic or misread.
    let mut parser = RequestParser::new(8192);
    assert_eq!(parser.parse(b"GET /first HTTP/1.1\r\nHo"), Ok(None));
    let (request, _) = parser.parse(b"GET / HTTP/1.0\r\n\r\n").unwrap().unwrap();
    assert_eq!(request.target, "/");
}
