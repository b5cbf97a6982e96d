//! What can be wrong with a message head, and the status code a server answers with.

use std::fmt;

/// Why a head could not be parsed. Each kind maps to the status a server should answer with
/// ([`Error::status`]); after any of them the connection should be closed, because the server
/// no longer knows where the next request would start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The bytes are not a well-formed HTTP/1.x head (400 Bad Request). The text says what
    /// was wrong, for logs; it is not meant for the client.
    Malformed(&'static str),
    /// The head is longer than the limit the caller gave (431 Request Header Fields Too Large).
    HeadTooLarge,
    /// A well-formed head in an HTTP version other than 1.0 or 1.1 (505 HTTP Version Not
    /// Supported).
    UnsupportedVersion,
    /// A `Transfer-Encoding` (such as `chunked`) that this parser does not decode
    /// (501 Not Implemented).
    UnsupportedTransferEncoding,
}

impl Error {
    /// The status code a server answers with.
    pub fn status(&self) -> u16 {
        match self {
            Error::Malformed(_) => 400,
            Error::HeadTooLarge => 431,
            Error::UnsupportedVersion => 505,
            Error::UnsupportedTransferEncoding => 501,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Malformed(why) => write!(f, "malformed head: {why}"),
            Error::HeadTooLarge => f.write_str("head too large"),
            Error::UnsupportedVersion => f.write_str("unsupported HTTP version"),
            Error::UnsupportedTransferEncoding => f.write_str("unsupported transfer encoding"),
        }
    }
}

impl std::error::Error for Error {}
