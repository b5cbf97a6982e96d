//! The request parser: what it accepts, what it refuses with which status, and where a head ends.

use http_lite::{parse_request, Error, Request, Version};

const LIMIT: usize = 8192;

fn parse(bytes: &[u8]) -> Result<Option<(Request, usize)>, Error> {
    parse_request(bytes, LIMIT)
}

fn complete(bytes: &[u8]) -> Request {
    let (request, len) = parse(bytes).expect("valid").expect("complete");
    assert_eq!(len, bytes.len(), "the whole input is one head");
    request
}

fn status(bytes: &[u8]) -> u16 {
    match parse(bytes) {
        Err(e) => e.status(),
        other => panic!(
            "expected an error for {:?}, got {other:?}",
            String::from_utf8_lossy(bytes)
        ),
    }
}

#[test]
fn parses_a_simple_get() {
    let request =
        complete(b"GET /index.html?x=1 HTTP/1.1\r\nHost: example.org\r\nAccept:  */* \t\r\n\r\n");
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, "/index.html?x=1");
    assert_eq!(request.path(), "/index.html");
    assert_eq!(request.version, Version::Http11);
    assert_eq!(request.headers.len(), 2);
    // Names compare case-insensitively; values lose surrounding spaces and tabs.
    assert_eq!(request.headers.get("HOST"), Some("example.org"));
    assert_eq!(request.headers.get("accept"), Some("*/*"));
    assert_eq!(request.headers.get("missing"), None);
    assert_eq!(request.content_length, 0);
}

#[test]
fn keeps_header_order_and_repeated_fields() {
    let request = complete(b"GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nx-a: 2\r\nEmpty:\r\n\r\n");
    let all: Vec<&str> = request.headers.get_all("X-A").collect();
    assert_eq!(all, ["1", "2"]);
    assert_eq!(request.headers.get("empty"), Some(""));
    let names: Vec<&str> = request.headers.iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["Host", "X-A", "x-a", "Empty"]);
}

#[test]
fn every_prefix_of_a_valid_head_asks_for_more() {
    let head = b"POST /form HTTP/1.1\r\nHost: example.org\r\nContent-Length: 3\r\n\r\n";
    for end in 0..head.len() {
        assert_eq!(parse(&head[..end]), Ok(None), "prefix of {end} bytes");
    }
    assert_eq!(complete(head).content_length, 3);
}

#[test]
fn pipelined_requests_are_parsed_one_after_the_other() {
    let mut buf = b"GET /a HTTP/1.1\r\nHost: h\r\n\r\n\
                    POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello\
                    GET /c HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n\
                    GET /d HT"
        .to_vec();
    let mut seen = Vec::new();
    while let Some((request, len)) = parse(&buf).unwrap() {
        buf.drain(..len);
        // The body is the caller's to take: it is not part of the head.
        let body: Vec<u8> = buf.drain(..request.content_length as usize).collect();
        seen.push((request.path().to_string(), body, request.keep_alive()));
    }
    assert_eq!(
        seen,
        [
            ("/a".to_string(), b"".to_vec(), true),
            ("/b".to_string(), b"hello".to_vec(), true),
            ("/c".to_string(), b"".to_vec(), false),
        ]
    );
    assert_eq!(
        buf, b"GET /d HT",
        "the unfinished request stays in the buffer"
    );
}

#[test]
fn blank_lines_before_a_request_are_skipped() {
    let bytes = b"\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n";
    let (request, len) = parse(bytes).unwrap().unwrap();
    assert_eq!(request.path(), "/");
    assert_eq!(len, bytes.len());
}

#[test]
fn malformed_request_lines_are_400() {
    for bad in [
        &b"GET  / HTTP/1.1\r\n\r\n"[..],      // two spaces
        b"GET / HTTP/1.1 \r\n\r\n",           // trailing space
        b"GET /\r\n\r\n",                     // HTTP/0.9 style, no version
        b"GET\r\n\r\n",                       // method only
        b" GET / HTTP/1.1\r\n\r\n",           // leading space
        b"GET\t/\tHTTP/1.1\r\n\r\n",          // tabs
        b"GET / http/1.1\r\n\r\n",            // the version is case-sensitive
        b"GET / HTTP/1.1x\r\n\r\n",           // not a version
        b"GET / HTTP/11\r\n\r\n",             // not a version
        b"GET / HTTP/1.a\r\n\r\n",            // not a version
        b"G@T / HTTP/1.1\r\n\r\n",            // not a token
        b"GET /a\x7fb HTTP/1.1\r\n\r\n",      // DEL in the target
        b"GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n", // raw UTF-8 in the target
        b"hello\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n", // a TLS ClientHello
    ] {
        assert_eq!(status(bad), 400, "{:?}", String::from_utf8_lossy(bad));
    }
}

#[test]
fn a_bad_request_line_is_refused_before_the_head_is_complete() {
    // No blank line yet: a parser that waited for one would make the client wait for a timeout.
    assert_eq!(status(b"NOT AN HTTP REQUEST\r\nHost: h\r\n"), 400);
    assert_eq!(status(b"GET / HTTP/1.1\r\nno colon here\r\n"), 400);
    // Binary garbage is refused even without any line end.
    assert_eq!(status(b"\x00\x01\x02"), 400);
    assert_eq!(status(b"GET /\x1b[31m"), 400);
}

#[test]
fn bare_lf_line_endings_are_400() {
    assert_eq!(status(b"GET / HTTP/1.1\n"), 400);
    assert_eq!(status(b"GET / HTTP/1.1\r\nHost: h\n\r\n"), 400);
    assert_eq!(status(b"GET / HTTP/1.1\r\nHost: h\r\n\n"), 400);
    assert_eq!(status(b"\nGET / HTTP/1.1\r\n\r\n"), 400);
    // A CR in the middle of a line is not a line end either.
    assert_eq!(status(b"GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n"), 400);
}

#[test]
fn malformed_header_lines_are_400() {
    for bad in [
        &b"GET / HTTP/1.1\r\nHost h\r\n\r\n"[..],        // no colon
        b"GET / HTTP/1.1\r\nHost : h\r\n\r\n",           // space before the colon
        b"GET / HTTP/1.1\r\n: h\r\n\r\n",                // empty name
        b"GET / HTTP/1.1\r\nHo(st: h\r\n\r\n",           // not a token
        b"GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", // obsolete line folding
        b"GET / HTTP/1.1\r\nHost: h\r\nX: a\x00b\r\n\r\n", // NUL in a value
    ] {
        assert_eq!(status(bad), 400, "{:?}", String::from_utf8_lossy(bad));
    }
}

#[test]
fn http_1_1_needs_exactly_one_host() {
    assert_eq!(status(b"GET / HTTP/1.1\r\n\r\n"), 400);
    assert_eq!(status(b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
    // HTTP/1.0 had no Host header.
    assert_eq!(complete(b"GET / HTTP/1.0\r\n\r\n").version, Version::Http10);
}

#[test]
fn other_versions_are_505_and_later_1_x_counts_as_1_1() {
    assert_eq!(status(b"GET / HTTP/2.0\r\n\r\n"), 505);
    assert_eq!(status(b"GET / HTTP/0.9\r\n\r\n"), 505);
    // Refused as soon as the request line is complete.
    assert_eq!(status(b"GET / HTTP/3.0\r\n"), 505);
    assert_eq!(
        complete(b"GET / HTTP/1.2\r\nHost: h\r\n\r\n").version,
        Version::Http11
    );
}

#[test]
fn heads_larger_than_the_limit_are_431() {
    let head = |pad: usize| {
        format!(
            "GET / HTTP/1.1\r\nHost: h\r\nX: {}\r\n\r\n",
            "a".repeat(pad)
        )
    };
    let fits = head(100);
    let limit = fits.len();
    assert!(parse_request(fits.as_bytes(), limit).unwrap().is_some());
    assert_eq!(
        parse_request(head(101).as_bytes(), limit),
        Err(Error::HeadTooLarge)
    );
    // A head that never ends is refused once the limit is reached, not after.
    let endless = "GET / HTTP/1.1\r\n".to_string() + &"X-Pad: y\r\n".repeat(100_000);
    assert_eq!(
        parse_request(&endless.as_bytes()[..limit - 1], limit),
        Ok(None)
    );
    assert_eq!(
        parse_request(&endless.as_bytes()[..limit], limit),
        Err(Error::HeadTooLarge)
    );
    assert_eq!(
        parse_request(endless.as_bytes(), limit),
        Err(Error::HeadTooLarge)
    );
    // A single line without an end, too.
    assert_eq!(
        parse_request("a".repeat(limit).as_bytes(), limit),
        Err(Error::HeadTooLarge)
    );
    assert_eq!(Error::HeadTooLarge.status(), 431);
}

#[test]
fn content_length_is_validated() {
    let with = |values: &[&str]| {
        let mut head = "POST / HTTP/1.1\r\nHost: h\r\n".to_string();
        for value in values {
            head += &format!("Content-Length: {value}\r\n");
        }
        parse((head + "\r\n").as_bytes())
    };
    let length = |values: &[&str]| with(values).unwrap().unwrap().0.content_length;
    assert_eq!(length(&[]), 0);
    assert_eq!(length(&["0"]), 0);
    assert_eq!(length(&["42"]), 42);
    assert_eq!(length(&["007"]), 7);
    assert_eq!(length(&["5, 5"]), 5);
    assert_eq!(length(&["5", "5"]), 5);
    assert_eq!(length(&["18446744073709551615"]), u64::MAX);
    for bad in [
        &["abc"][..],
        &["-1"],
        &["+5"],
        &["5 5"],
        &["0x10"],
        &[""],
        &["5,"],
        &["5, 6"],
        &["5", "6"],
        &["18446744073709551616"],
    ] {
        let result = with(bad);
        assert!(
            matches!(result, Err(Error::Malformed(_))),
            "{bad:?} gave {result:?}"
        );
    }
}

#[test]
fn transfer_encoding_is_501() {
    assert_eq!(
        status(b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"),
        501
    );
}

#[test]
fn keep_alive_follows_the_version_and_connection_header() {
    let keep = |head: &str| complete(format!("{head}\r\n").as_bytes()).keep_alive();
    assert!(keep("GET / HTTP/1.1\r\nHost: h\r\n"));
    assert!(!keep("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n"));
    assert!(!keep("GET / HTTP/1.1\r\nHost: h\r\nConnection: CLOSE\r\n"));
    assert!(!keep(
        "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\nConnection: Upgrade, close\r\n"
    ));
    assert!(keep("GET / HTTP/1.1\r\nHost: h\r\nConnection: closed\r\n"));
    assert!(!keep("GET / HTTP/1.0\r\n"));
    assert!(keep("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n"));
    assert!(!keep("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n"));
}
