//! The server side: parsing a request head.

use crate::head::{self, is_tchar, HeadScanner, Headers, Version};
use crate::Error;

/// A parsed request head. The body, if any, is the next [`Request::content_length`] bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method, like `GET` (case-sensitive, as HTTP says).
    pub method: String,
    /// The request target as sent, like `/search?q=rust`.
    pub target: String,
    /// HTTP/1.0 or HTTP/1.1.
    pub version: Version,
    /// The header fields.
    pub headers: Headers,
    /// The body's length from `Content-Length` (0 when absent).
    pub content_length: u64,
}

impl Request {
    /// The target's path: everything before a `?`.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// Whether the connection may carry another request after the response to this one
    /// (RFC 9112, 9.3): `Connection: close` ends it; otherwise HTTP/1.1 keeps it open and
    /// HTTP/1.0 keeps it open only with `Connection: keep-alive`.
    pub fn keep_alive(&self) -> bool {
        head::keep_alive(self.version, &self.headers)
    }
}

/// Parses the request head at the start of `buf`, looking at no more than `limit` bytes.
///
/// * `Ok(Some((request, len)))`: a complete head of `len` bytes. Drop them from the buffer;
///   the body (`request.content_length` bytes) and any pipelined request follow.
/// * `Ok(None)`: the head is not complete yet and nothing is wrong so far: read more.
/// * `Err(e)`: answer with `e.status()` and close the connection.
///
/// Each call reads `buf` from its first byte. A server that calls it again after every read
/// does work quadratic in the head's size for a client that sends a byte at a time: use a
/// [`RequestParser`], which resumes where it stopped, for a head that arrives in pieces.
///
/// ```
/// let buf = b"GET /hello HTTP/1.1\r\nHost: example.org\r\n\r\nGET /next";
/// let (request, len) = http_lite::parse_request(buf, 8192).unwrap().unwrap();
/// assert_eq!(request.path(), "/hello");
/// assert!(request.keep_alive());
/// assert_eq!(&buf[len..], b"GET /next");
/// assert_eq!(http_lite::parse_request(&buf[len..], 8192), Ok(None));
/// ```
pub fn parse_request(buf: &[u8], limit: usize) -> Result<Option<(Request, usize)>, Error> {
    RequestParser::new(limit).parse(buf)
}

/// Parses a request head that arrives in pieces, resuming where the last call stopped, so the
/// work is linear in the bytes received however they are split.
///
/// Call [`parse`](RequestParser::parse) after each read with the whole buffer: what it was
/// given last time, with the new bytes added at the end. Its answers mean what
/// [`parse_request`]'s mean, and are the same as `parse_request` gives for that buffer.
/// After a head (or an error) it starts over, ready for the next request.
///
/// ```
/// use http_lite::RequestParser;
///
/// let mut parser = RequestParser::new(8192);
/// let mut buf = Vec::new();
/// let mut found = None;
/// for &byte in b"GET /slow HTTP/1.1\r\nHost: example.org\r\n\r\n" {
///     buf.push(byte); // A client that sends one byte per read.
///     found = parser.parse(&buf).unwrap();
/// }
/// let (request, len) = found.unwrap();
/// assert_eq!((request.path(), len), ("/slow", buf.len()));
/// // Each byte was examined a few times, not once per read.
/// assert!(parser.bytes_examined() <= 4 * buf.len());
/// ```
#[derive(Debug)]
pub struct RequestParser {
    scanner: HeadScanner<RequestLine>,
}

impl RequestParser {
    /// A parser for a head of at most `limit` bytes.
    pub fn new(limit: usize) -> RequestParser {
        RequestParser {
            scanner: HeadScanner::new(limit, parse_request_line),
        }
    }

    /// Parses the head at the start of `buf`, examining only the bytes that are new since
    /// the last call (`buf` must start with what the last call was given).
    pub fn parse(&mut self, buf: &[u8]) -> Result<Option<(Request, usize)>, Error> {
        let Some(raw) = self.scanner.scan(buf)? else {
            return Ok(None);
        };
        let (method, target, version) = raw.start;
        let headers = raw.headers;
        // RFC 9112, 3.2: an HTTP/1.1 request has exactly one Host header.
        if version == Version::Http11 && headers.get_all("host").count() != 1 {
            return Err(Error::Malformed(
                "HTTP/1.1 request without exactly one Host header",
            ));
        }
        let content_length = head::content_length(&headers)?.unwrap_or(0);
        let request = Request {
            method,
            target,
            version,
            headers,
            content_length,
        };
        Ok(Some((request, raw.len)))
    }

    /// How many bytes the parser has examined since it was made: a measure of its work,
    /// which stays proportional to the bytes it was given, however they arrived.
    pub fn bytes_examined(&self) -> usize {
        self.scanner.bytes_examined()
    }
}

/// A parsed request line: method, target and version.
type RequestLine = (String, String, Version);

/// Splits `METHOD SP target SP HTTP/1.x` (single spaces, nothing else).
fn parse_request_line(line: &[u8]) -> Result<RequestLine, Error> {
    let mut parts = line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Error::Malformed(
            "request line is not `METHOD target HTTP/1.1`",
        ));
    };
    if method.is_empty() || !method.iter().all(|&b| is_tchar(b)) {
        return Err(Error::Malformed("invalid method"));
    }
    if target.is_empty() || !target.iter().all(|&b| b.is_ascii_graphic()) {
        return Err(Error::Malformed("invalid request target"));
    }
    let version = head::parse_version(version)?;
    // Both are ASCII by now, so the conversions lose nothing.
    Ok((
        String::from_utf8_lossy(method).into_owned(),
        String::from_utf8_lossy(target).into_owned(),
        version,
    ))
}
