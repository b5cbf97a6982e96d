//! The response writer and the client's response parser.

use http_lite::{parse_response, BodyLength, Error, Response, Version};

#[test]
fn a_response_always_carries_content_length() {
    let bytes = Response::text(200, "Hello, 127.0.0.1!\n").to_bytes();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "HTTP/1.1 200 OK\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Length: 18\r\n\
         \r\n\
         Hello, 127.0.0.1!\n"
    );
    let empty = Response::new(404).to_bytes();
    assert_eq!(
        empty,
        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
    );
}

#[test]
fn no_content_has_no_length_and_head_has_no_body() {
    assert_eq!(
        Response::new(204).to_bytes(),
        b"HTTP/1.1 204 No Content\r\n\r\n"
    );
    let response = Response::text(200, "body");
    let head = response.head_bytes();
    assert!(head.ends_with(b"Content-Length: 4\r\n\r\n"));
    assert_eq!(response.to_bytes()[head.len()..], *b"body");
}

#[test]
fn error_responses_close_the_connection() {
    let response = Response::error(&Error::HeadTooLarge);
    assert_eq!(response.status(), 431);
    assert!(response.closes());
    let text = String::from_utf8(response.to_bytes()).unwrap();
    assert!(text.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
    assert!(text.contains("\r\nConnection: close\r\n"));
    assert!(text.ends_with("\r\n\r\n431 Request Header Fields Too Large\n"));
    assert_eq!(Response::error(&Error::Malformed("x")).status(), 400);
}

#[test]
#[should_panic(expected = "control character")]
fn header_injection_is_refused() {
    let _ = Response::new(200).header("X-Name", "a\r\nSet-Cookie: evil=1");
}

#[test]
#[should_panic(expected = "writes Content-Length itself")]
fn content_length_cannot_be_set_by_hand() {
    let _ = Response::new(200).header("Content-Length", "99");
}

#[test]
fn the_client_parses_what_the_server_writes() {
    let response = Response::text(200, "twelve bytes")
        .header("X-Page", "1")
        .close();
    let mut bytes = response.to_bytes();
    bytes.extend_from_slice(b"HTTP/1.1 ...next");
    let (head, len) = parse_response(&bytes, 8192).unwrap().unwrap();
    assert_eq!(head.version, Version::Http11);
    assert_eq!(head.status, 200);
    assert_eq!(head.reason, "OK");
    assert_eq!(head.headers.get("x-page"), Some("1"));
    assert_eq!(head.body_length("GET"), BodyLength::Exact(12));
    assert!(!head.keep_alive());
    assert_eq!(&bytes[len..len + 12], b"twelve bytes");
    for end in 0..len {
        assert_eq!(parse_response(&bytes[..end], 8192), Ok(None));
    }
}

#[test]
fn body_length_rules() {
    let head = |bytes: &[u8]| parse_response(bytes, 8192).unwrap().unwrap().0;
    let ok = head(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
    assert_eq!(ok.body_length("GET"), BodyLength::Exact(5));
    assert_eq!(ok.body_length("HEAD"), BodyLength::Exact(0));
    assert!(ok.keep_alive());
    let old = head(b"HTTP/1.0 200 OK\r\n\r\n");
    assert_eq!(old.body_length("GET"), BodyLength::UntilClose);
    assert!(!old.keep_alive());
    let none = head(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n");
    assert_eq!(none.body_length("GET"), BodyLength::Exact(0));
    assert_eq!(
        head(b"HTTP/1.1 204 No Content\r\n\r\n").body_length("GET"),
        BodyLength::Exact(0)
    );
}

#[test]
fn status_lines() {
    let parse = |bytes: &[u8]| parse_response(bytes, 8192);
    let reason = |bytes: &[u8]| parse(bytes).unwrap().unwrap().0.reason;
    assert_eq!(reason(b"HTTP/1.1 200 OK\r\n\r\n"), "OK");
    assert_eq!(reason(b"HTTP/1.1 200 \r\n\r\n"), "");
    assert_eq!(reason(b"HTTP/1.1 200\r\n\r\n"), "");
    assert_eq!(reason(b"HTTP/1.1 404 Not  Found\r\n\r\n"), "Not  Found");
    for bad in [
        &b"HTTP/1.1 20 OK\r\n\r\n"[..],
        b"HTTP/1.1 2000 OK\r\n\r\n",
        b"HTTP/1.1 099 OK\r\n\r\n",
        b"HTTP/1.1  200 OK\r\n\r\n",
        b"HTTP/1.1\r\n\r\n",
        b"ICY 200 OK\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
    ] {
        assert!(
            matches!(parse(bad), Err(Error::Malformed(_))),
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
    assert_eq!(
        parse(b"HTTP/2.0 200 OK\r\n\r\n"),
        Err(Error::UnsupportedVersion)
    );
    assert_eq!(
        parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
        Err(Error::UnsupportedTransferEncoding)
    );
}

/// Found by fuzzing (`fuzz/fuzz_targets/http_head.rs`): a status line with both another
/// version and a control byte was refused as malformed (400) when it arrived in two reads,
/// because the control byte is refused before its line ends, and as another version (505)
/// when it arrived in one. The answer must not depend on how the bytes arrive.
#[test]
fn a_control_byte_in_the_status_line_is_malformed_however_the_line_arrives() {
    for line in [
        &b"HTTP/0.0 304 Not Modi\0fied\r\n\r\n"[..],
        b"HTTP/9.1 \x00 200 OK\r\n\r\n",
        b"HTTP/2.0 200 O\x1bK\r\n\r\n",
    ] {
        let nul = line.iter().position(|&b| b < 0x20).unwrap();
        let in_one_read = parse_response(line, 8192);
        assert!(
            matches!(in_one_read, Err(Error::Malformed(_))),
            "{in_one_read:?}"
        );
        let mut parser = http_lite::ResponseParser::new(8192);
        assert_eq!(
            parser.parse(&line[..=nul]).map_err(|e| e.status()),
            Err(400)
        );
    }
}
