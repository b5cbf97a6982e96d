//! The parsers never panic, whatever the bytes, and reading more never changes an answer.
//!
//! A small property test without dependencies: a fixed-seed xorshift generator builds
//! thousands of inputs from HTTP-like pieces and random bytes, mutates valid requests and
//! truncates them at every length.

use http_lite::{parse_request, parse_response, Error};

/// A tiny deterministic pseudo-random generator (xorshift64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: &[&[u8]] = &[
    b"GET",
    b"POST",
    b"HEAD",
    b" ",
    b" ",
    b"/",
    b"/index",
    b"?q=1",
    b"HTTP/1.1",
    b"HTTP/1.0",
    b"HTTP/2.0",
    b"HTTP/1.1 200 OK",
    b"\r\n",
    b"\r\n",
    b"\r\n\r\n",
    b"\n",
    b"\r",
    b":",
    b": ",
    b"Host",
    b"Content-Length",
    b"Connection",
    b"close",
    b"keep-alive",
    b"Transfer-Encoding",
    b"chunked",
    b"5",
    b"-1",
    b"99999999999999999999999",
    b",",
    b"\t",
    b"\0",
    b"\x7f",
    b"\xff",
    b"\xc3\xa9",
];

fn random_input(rng: &mut Rng) -> Vec<u8> {
    let mut input = Vec::new();
    for _ in 0..rng.below(40) {
        if rng.below(4) == 0 {
            input.push(rng.next() as u8);
        } else {
            input.extend_from_slice(PIECES[rng.below(PIECES.len())]);
        }
    }
    input
}

fn mutated_request(rng: &mut Rng) -> Vec<u8> {
    let mut input =
        b"POST /a?b=c HTTP/1.1\r\nHost: example.org\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc"
            .to_vec();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(input.len());
        match rng.below(3) {
            0 => input[at] = rng.next() as u8,
            1 => {
                input.remove(at);
            }
            _ => input.insert(at, rng.next() as u8),
        }
    }
    input
}

/// Checks one input at every length: never a panic, a head never longer than the input or
/// the limit, and once a prefix has an answer, every longer prefix has the same one.
fn check(input: &[u8], limit: usize) {
    let mut settled: [Option<Result<usize, u16>>; 2] = [None, None];
    for end in 0..=input.len() {
        let prefix = &input[..end];
        let answers = [
            summarize(parse_request(prefix, limit).map(|r| r.map(|(_, len)| len))),
            summarize(parse_response(prefix, limit).map(|r| r.map(|(_, len)| len))),
        ];
        for (settled, answer) in settled.iter_mut().zip(answers) {
            if let Some(Ok(len)) = answer {
                assert!(len <= end && len <= limit, "{input:?}");
            }
            match settled {
                Some(before) => assert_eq!(
                    Some(*before),
                    answer,
                    "reading more changed the answer for {:?} at {end}",
                    String::from_utf8_lossy(input)
                ),
                None => *settled = answer,
            }
        }
    }
}

fn summarize(result: Result<Option<usize>, Error>) -> Option<Result<usize, u16>> {
    match result {
        Ok(None) => None,
        Ok(Some(len)) => Some(Ok(len)),
        Err(e) => Some(Err(e.status())),
    }
}

#[test]
fn random_inputs_never_panic_and_answers_are_stable() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..3000 {
        let input = if round % 2 == 0 {
            random_input(&mut rng)
        } else {
            mutated_request(&mut rng)
        };
        let limit = [0, 1, 16, 64, 8192][rng.below(5)];
        check(&input, limit);
    }
}

#[test]
fn a_valid_request_is_found_however_it_is_split() {
    let input = b"GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.1\r\n";
    let (whole, len) = parse_request(input, 8192).unwrap().unwrap();
    // Feed it in two reads, split at every point, as a slow client would.
    for split in 0..input.len() {
        let mut buf = input[..split].to_vec();
        let first = parse_request(&buf, 8192).unwrap();
        if split < len {
            assert_eq!(first, None, "split at {split}");
        }
        buf.extend_from_slice(&input[split..]);
        assert_eq!(
            parse_request(&buf, 8192).unwrap(),
            Some((whole.clone(), len))
        );
    }
}
