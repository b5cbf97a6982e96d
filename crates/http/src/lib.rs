//! `http-lite`: just enough HTTP/1.1 for the course's HTTP lessons, strict and bounded.
//!
//! # Why
//!
//! A server that reads "until the client is done" never answers: an HTTP client keeps its
//! connection open while it waits for the response. The server has to find where a request
//! ends by itself: the head ends at the first blank line, and the body is as long as
//! `Content-Length` says. This crate does that part and nothing else, without I/O, so the
//! lessons can show the async part (reading, timeouts, keep-alive) around it.
//!
//! # What it does
//!
//! * [`parse_request`] finds a complete request head at the start of a buffer, never looking
//!   past a size limit, and tells apart "read more" (`Ok(None)`), "not HTTP" (400), "too large"
//!   (431), "another HTTP version" (505) and "chunked body" (501): see [`Error::status`].
//! * [`RequestParser`] does the same for a head that arrives in pieces, resuming where the
//!   last read stopped: a client that sends one byte at a time costs work linear in what it
//!   sends, not quadratic. [`ResponseParser`] is its twin for responses.
//! * [`Request::keep_alive`] applies HTTP/1.0's and HTTP/1.1's rules for reusing a connection.
//! * [`Response`] writes a response that always carries `Content-Length`.
//! * [`parse_response`] is the client's half, for the fetching lesson.
//!
//! It is strict where being lenient lets two programs disagree on where a message ends: bare
//! LF line endings, whitespace before a colon, folded header lines and conflicting
//! `Content-Length` values are all refused. It does not panic on any input, and how the input
//! is split into reads never changes an answer: a test feeds it random and truncated bytes, and
//! the `http_head` target in `fuzz/` (cargo-fuzz) arbitrary bytes in arbitrary pieces.
//!
//! # Example: one read loop of a server
//!
//! ```
//! use http_lite::{parse_request, Response};
//!
//! let mut buf = b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n".to_vec();
//! let mut answers = Vec::new();
//! while let Ok(Some((request, len))) = parse_request(&buf, 8192) {
//!     buf.drain(..len);
//!     answers.push(Response::text(200, format!("you asked for {}\n", request.path())));
//! }
//! assert_eq!(answers.len(), 2);
//! assert!(buf.is_empty());
//! ```

#![deny(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

mod error;
mod head;
mod request;
mod response;
mod response_head;

pub use error::Error;
pub use head::{Headers, Version};
pub use request::{parse_request, Request, RequestParser};
pub use response::{reason, Response};
pub use response_head::{parse_response, BodyLength, ResponseHead, ResponseParser};

/// A limit on the size of a head that suits the lessons: 8 KiB, like many servers' default.
pub const DEFAULT_HEAD_LIMIT: usize = 8 * 1024;
