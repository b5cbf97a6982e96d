//! The server side: writing a response that a client can frame.
//!
//! Every response carries `Content-Length`, so the client knows where the body ends without
//! waiting for the connection to close, and the connection can carry the next request.

use std::fmt::Write;

use crate::Error;

/// A response to be written: status, header fields, body.
///
/// ```
/// let response = http_lite::Response::text(200, "Hello!\n");
/// let bytes = response.to_bytes();
/// assert!(bytes.starts_with(b"HTTP/1.1 200 OK\r\n"));
/// assert!(bytes.ends_with(b"Content-Length: 7\r\n\r\nHello!\n"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code, like 200.
    status: u16,
    /// Header fields the caller added (never `Content-Length` or `Connection`: see `to_bytes`).
    headers: Vec<(String, String)>,
    /// The body.
    body: Vec<u8>,
    /// Write `Connection: close`: the server closes the connection after this response.
    close: bool,
}

impl Response {
    /// A response with `status`, no header fields and an empty body.
    pub fn new(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            close: false,
        }
    }

    /// A `text/plain` response.
    pub fn text(status: u16, body: impl Into<String>) -> Response {
        Response::new(status)
            .header("Content-Type", "text/plain; charset=utf-8")
            .body(body.into())
    }

    /// The answer to a request that could not be parsed: its status, a one-line body, and
    /// `Connection: close` (the server no longer knows where a next request would start).
    pub fn error(error: &Error) -> Response {
        let status = error.status();
        Response::text(status, format!("{status} {}\n", reason(status))).close()
    }

    /// Adds a header field.
    ///
    /// # Panics
    /// If the name or value holds CR, LF or another control character (that would let the
    /// value write extra header lines), or if the field is `Content-Length`,
    /// `Transfer-Encoding` or `Connection`: the response writes those itself (use
    /// [`Response::close`] to close the connection).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Response {
        let (name, value) = (name.into(), value.into());
        assert!(
            !name.is_empty() && name.bytes().all(crate::head::is_tchar),
            "header name {name:?} is not a token: use letters, digits and -"
        );
        assert!(
            !value.bytes().any(|b| crate::head::is_ctl(b) && b != b'\t'),
            "header value {value:?} holds a control character: remove CR and LF first"
        );
        for own in ["content-length", "transfer-encoding", "connection"] {
            assert!(
                !name.eq_ignore_ascii_case(own),
                "the response writes {name} itself: set the body with .body(...) and use \
                 .close() to close the connection"
            );
        }
        self.headers.push((name, value));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Response {
        self.body = body.into();
        self
    }

    /// Marks the response `Connection: close`.
    pub fn close(mut self) -> Response {
        self.close = true;
        self
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// True if the response says `Connection: close`.
    pub fn closes(&self) -> bool {
        self.close
    }

    /// The body.
    pub fn body_bytes(&self) -> &[u8] {
        &self.body
    }

    /// The status line, the header fields, `Content-Length` (except for 1xx and 204, which
    /// must not carry one) and the blank line: what to send in answer to a `HEAD` request.
    pub fn head_bytes(&self) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            let _ = write!(out, "{name}: {value}\r\n"); // Writing to a String cannot fail.
        }
        if !(self.status < 200 || self.status == 204) {
            let _ = write!(out, "Content-Length: {}\r\n", self.body.len());
        }
        if self.close {
            out.push_str("Connection: close\r\n");
        }
        out.push_str("\r\n");
        out.into_bytes()
    }

    /// The whole response: [`head_bytes`](Response::head_bytes), then the body.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.head_bytes();
        out.extend_from_slice(&self.body);
        out
    }
}

/// The reason phrase for a status code (`"OK"` for 200). Unknown codes get `""`.
pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}
