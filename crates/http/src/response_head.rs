//! The client side: parsing a response head and finding where its body ends.

use crate::head::{self, is_ctl, HeadScanner, Headers, Version};
use crate::Error;

/// A parsed response head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHead {
    /// The server's HTTP version.
    pub version: Version,
    /// The status code, like 200.
    pub status: u16,
    /// The reason phrase, like `OK` (may be empty; carries no meaning).
    pub reason: String,
    /// The header fields.
    pub headers: Headers,
    /// The body's length from `Content-Length`, if the server sent one.
    pub content_length: Option<u64>,
}

/// Where a response body ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyLength {
    /// After exactly this many bytes.
    Exact(u64),
    /// When the server closes the connection (no `Content-Length`: HTTP/1.0 style).
    UntilClose,
}

impl ResponseHead {
    /// How long the body is, for a response to a request with `method` (RFC 9112, 6.3):
    /// responses to `HEAD`, and 1xx, 204 and 304 responses, have none.
    pub fn body_length(&self, method: &str) -> BodyLength {
        if method == "HEAD" || self.status < 200 || self.status == 204 || self.status == 304 {
            return BodyLength::Exact(0);
        }
        match self.content_length {
            Some(n) => BodyLength::Exact(n),
            None => BodyLength::UntilClose,
        }
    }

    /// Whether the server keeps the connection open for another request.
    pub fn keep_alive(&self) -> bool {
        // Without `Content-Length` the body ends when the server closes the connection.
        self.content_length.is_some() && head::keep_alive(self.version, &self.headers)
    }
}

/// Parses the response head at the start of `buf`, looking at no more than `limit` bytes.
/// The results mean what they mean for [`parse_request`](crate::parse_request). For a head
/// that arrives in pieces, a [`ResponseParser`] resumes where it stopped.
///
/// ```
/// use http_lite::{parse_response, BodyLength};
/// let buf = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
/// let (head, len) = parse_response(buf, 8192).unwrap().unwrap();
/// assert_eq!(head.status, 200);
/// assert_eq!(head.body_length("GET"), BodyLength::Exact(2));
/// assert_eq!(&buf[len..], b"hi");
/// ```
pub fn parse_response(buf: &[u8], limit: usize) -> Result<Option<(ResponseHead, usize)>, Error> {
    ResponseParser::new(limit).parse(buf)
}

/// Parses a response head that arrives in pieces, resuming where the last call stopped: the
/// client's twin of [`RequestParser`](crate::RequestParser), and used the same way.
#[derive(Debug)]
pub struct ResponseParser {
    scanner: HeadScanner<StatusLine>,
}

impl ResponseParser {
    /// A parser for a head of at most `limit` bytes.
    pub fn new(limit: usize) -> ResponseParser {
        ResponseParser {
            scanner: HeadScanner::new(limit, parse_status_line),
        }
    }

    /// Parses the head at the start of `buf`, examining only the bytes that are new since
    /// the last call (`buf` must start with what the last call was given).
    pub fn parse(&mut self, buf: &[u8]) -> Result<Option<(ResponseHead, usize)>, Error> {
        let Some(raw) = self.scanner.scan(buf)? else {
            return Ok(None);
        };
        let (version, status, reason) = raw.start;
        let content_length = head::content_length(&raw.headers)?;
        let head = ResponseHead {
            version,
            status,
            reason,
            headers: raw.headers,
            content_length,
        };
        Ok(Some((head, raw.len)))
    }

    /// How many bytes the parser has examined since it was made: a measure of its work.
    pub fn bytes_examined(&self) -> usize {
        self.scanner.bytes_examined()
    }
}

/// A parsed status line: version, status code and reason phrase.
type StatusLine = (Version, u16, String);

/// Splits `HTTP/1.x SP 3DIGIT SP reason` (the space and reason may be missing).
fn parse_status_line(line: &[u8]) -> Result<StatusLine, Error> {
    // Refused before anything else, as the scanner refuses it in a line still arriving: the
    // answer must not depend on whether the line came in one read or in several.
    if line.iter().any(|&b| is_ctl(b) && b != b'\t') {
        return Err(Error::Malformed("control character in status line"));
    }
    let bad = Error::Malformed("status line is not `HTTP/1.1 200 OK`");
    let Some(space) = line.iter().position(|&b| b == b' ') else {
        return Err(bad);
    };
    let version = head::parse_version(&line[..space])?;
    let rest = &line[space + 1..];
    let (code, reason) = match rest {
        [a, b, c] => ([*a, *b, *c], &[][..]),
        [a, b, c, b' ', reason @ ..] => ([*a, *b, *c], reason),
        _ => return Err(bad),
    };
    if !code.iter().all(u8::is_ascii_digit) || code[0] == b'0' {
        return Err(bad);
    }
    let status = code.iter().fold(0, |n, d| n * 10 + u16::from(d - b'0'));
    Ok((
        version,
        status,
        String::from_utf8_lossy(reason).into_owned(),
    ))
}
