//! The part requests and responses share: finding the end of a head, splitting it into lines,
//! parsing header fields (RFC 9112, sections 2 and 5), and the rule for keeping a connection
//! open (section 9.3).
//!
//! The scanner looks at no more than `limit` bytes, so a peer that never sends the blank line
//! costs a bounded amount of memory and work. It remembers how far it got between reads, so
//! that work is linear in the bytes received, however the peer splits them.

use crate::Error;

/// The HTTP versions a head can carry (the parser refuses others with
/// [`Error::UnsupportedVersion`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// HTTP/1.0: the connection closes after each response unless both sides ask to keep it.
    Http10,
    /// HTTP/1.1: the connection stays open unless one side says `Connection: close`.
    Http11,
}

impl Version {
    /// The version as written on the wire, like `HTTP/1.1`.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::Http10 => "HTTP/1.0",
            Version::Http11 => "HTTP/1.1",
        }
    }
}

/// Header fields in the order they arrived. Names compare case-insensitively; values are
/// trimmed of surrounding spaces and tabs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    /// `(name, value)` pairs; a name may appear more than once.
    fields: Vec<(String, String)>,
}

impl Headers {
    /// The value of the first field called `name`, if any.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The values of every field called `name`, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every field as `(name, value)`, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// How many fields there are.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// True if there are no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// True if a comma-separated list field (like `Connection: keep-alive, Upgrade`) holds
    /// `token`, comparing case-insensitively.
    pub fn has_token(&self, name: &str, token: &str) -> bool {
        self.get_all(name)
            .flat_map(|value| value.split(','))
            .any(|item| item.trim().eq_ignore_ascii_case(token))
    }

    /// Adds a field after the others (the parser builds `Headers` this way).
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.fields.push((name.into(), value.into()));
    }
}

/// A complete head: its first line parsed, its header fields split but not yet interpreted.
#[derive(Debug)]
pub(crate) struct RawHead<S> {
    /// The request line or status line, as the scanner's `parse_start` returned it.
    pub(crate) start: S,
    /// The header fields.
    pub(crate) headers: Headers,
    /// Bytes from the start of the buffer to the end of the blank line, leading blank lines
    /// included: what the caller drops before reading a body or the next message.
    pub(crate) len: usize,
}

/// Finds a complete head at the start of a buffer that grows between calls, resuming where
/// the last call stopped: each byte is searched for the line end once, and each line is parsed
/// once, as soon as it is complete.
///
/// Rescanning from the first byte on every read would let a client that sends its head one
/// byte at a time buy, for one byte of bandwidth per read, work proportional to all it has
/// sent so far: quadratic in the head's size.
#[derive(Debug)]
pub(crate) struct HeadScanner<S> {
    /// The most bytes the head may take.
    limit: usize,
    /// Parses the first line (the request line or the status line).
    parse_start: fn(&[u8]) -> Result<S, Error>,
    /// Where the line being read starts: the bytes before it are lines already parsed.
    line_start: usize,
    /// Bytes of that line before `scanned` hold no line end and no forbidden control byte. A
    /// CR at the end of what has arrived is left after it: the LF that would end the line may
    /// come with the next read.
    scanned: usize,
    /// The first line, once parsed.
    start: Option<S>,
    /// The header lines parsed so far.
    headers: Headers,
    /// How many bytes have been examined since the scanner was made (see `bytes_examined`).
    examined: usize,
}

impl<S> HeadScanner<S> {
    pub(crate) fn new(limit: usize, parse_start: fn(&[u8]) -> Result<S, Error>) -> Self {
        HeadScanner {
            limit,
            parse_start,
            line_start: 0,
            scanned: 0,
            start: None,
            headers: Headers::default(),
            examined: 0,
        }
    }

    /// How many bytes the scanner has examined in all: a measure of its work.
    pub(crate) fn bytes_examined(&self) -> usize {
        self.examined
    }

    /// Forgets the head in progress: the next call starts at the first byte of its buffer.
    fn start_over(&mut self) {
        self.line_start = 0;
        self.scanned = 0;
        self.start = None;
        self.headers = Headers::default();
    }

    /// Looks for a complete head at the start of `buf`, which holds what the last call saw
    /// and possibly more after it.
    ///
    /// `Ok(None)`: no blank line yet and nothing wrong so far; read more and call again.
    /// After any other answer the scanner starts over, for the next head. A bad first line is
    /// refused as soon as that line is complete, without waiting for the rest of the head.
    pub(crate) fn scan(&mut self, buf: &[u8]) -> Result<Option<RawHead<S>>, Error> {
        let answer = self.resume(buf);
        if !matches!(answer, Ok(None)) {
            self.start_over();
        }
        answer
    }

    /// `scan` without the starting over.
    fn resume(&mut self, buf: &[u8]) -> Result<Option<RawHead<S>>, Error> {
        if buf.len() < self.scanned {
            // Not the buffer of the last call: nothing learned from that one applies.
            self.start_over();
        }
        let window = &buf[..buf.len().min(self.limit)];
        loop {
            // Search only the bytes that arrived since the last call.
            let fresh = &window[self.scanned..];
            let Some(newline) = fresh.iter().position(|&b| b == b'\n') else {
                self.examined += fresh.len();
                // An unfinished line: refuse bytes that no line may hold (NUL, ESC, a CR that
                // is not the last byte, ...) now; otherwise wait for more, up to the limit.
                let last = fresh.len().saturating_sub(1);
                for (i, &b) in fresh.iter().enumerate() {
                    if is_ctl(b) && b != b'\t' && !(b == b'\r' && i == last) {
                        return Err(Error::Malformed("control character in head"));
                    }
                }
                self.examined += fresh.len();
                self.scanned = window.len();
                if fresh.last() == Some(&b'\r') {
                    self.scanned -= 1; // Looked at again next time: it may end the line.
                }
                if buf.len() >= self.limit {
                    return Err(Error::HeadTooLarge);
                }
                return Ok(None);
            };
            self.examined += newline + 1;
            let end = self.scanned + newline;
            if end == self.line_start || window[end - 1] != b'\r' {
                return Err(Error::Malformed("line ends in a bare LF, not CRLF"));
            }
            let line = &window[self.line_start..end - 1];
            self.examined += line.len();
            self.line_start = end + 1;
            self.scanned = end + 1;
            if self.start.is_none() {
                // A server should ignore blank lines before a request line (RFC 9112, 2.2):
                // some clients send a stray CRLF after a body.
                if !line.is_empty() {
                    self.start = Some((self.parse_start)(line)?);
                }
            } else if !line.is_empty() {
                let (name, value) = parse_field(line)?;
                self.headers.push(name, value);
            } else if let Some(start) = self.start.take() {
                // The blank line: the head is complete.
                return Ok(Some(RawHead {
                    start,
                    headers: std::mem::take(&mut self.headers),
                    len: self.line_start,
                }));
            }
        }
    }
}

/// Parses `name: value` (one header line, without CRLF).
fn parse_field(line: &[u8]) -> Result<(String, String), Error> {
    if line.starts_with(b" ") || line.starts_with(b"\t") {
        return Err(Error::Malformed("obsolete line folding"));
    }
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return Err(Error::Malformed("header line without a colon"));
    };
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
        // This includes a space before the colon, which RFC 9112 (5.1) says to refuse.
        return Err(Error::Malformed("invalid header name"));
    }
    let value = trim_ows(value);
    if value.iter().any(|&b| is_ctl(b) && b != b'\t') {
        return Err(Error::Malformed("control character in header value"));
    }
    // Names are ASCII by now; values may hold obs-text (bytes >= 0x80), kept lossily.
    Ok((
        String::from_utf8_lossy(name).into_owned(),
        String::from_utf8_lossy(value).into_owned(),
    ))
}

/// Parses `HTTP/1.0` or `HTTP/1.1`; another `HTTP/x.y` is unsupported, anything else malformed.
///
/// A later 1.x counts as 1.1, the highest 1.x this parser knows (RFC 9110, 6.2).
pub(crate) fn parse_version(bytes: &[u8]) -> Result<Version, Error> {
    match bytes {
        b"HTTP/1.0" => Ok(Version::Http10),
        [b'H', b'T', b'T', b'P', b'/', b'1', b'.', minor] if minor.is_ascii_digit() => {
            Ok(Version::Http11)
        }
        [b'H', b'T', b'T', b'P', b'/', major, b'.', minor]
            if major.is_ascii_digit() && minor.is_ascii_digit() =>
        {
            Err(Error::UnsupportedVersion)
        }
        _ => Err(Error::Malformed("invalid HTTP version")),
    }
}

/// Whether the connection may carry another message after this one (RFC 9112, 9.3):
/// `Connection: close` ends it; otherwise HTTP/1.1 keeps it open and HTTP/1.0 keeps it open
/// only with `Connection: keep-alive`.
pub(crate) fn keep_alive(version: Version, headers: &Headers) -> bool {
    if headers.has_token("connection", "close") {
        return false;
    }
    match version {
        Version::Http11 => true,
        Version::Http10 => headers.has_token("connection", "keep-alive"),
    }
}

/// The body length the headers announce: `Ok(None)` without `Content-Length`.
///
/// Several `Content-Length` values are accepted only if they are all the same number
/// (RFC 9110, 8.6); anything else could make two parsers disagree on where the message ends.
pub(crate) fn content_length(headers: &Headers) -> Result<Option<u64>, Error> {
    if headers.get("transfer-encoding").is_some() {
        return Err(Error::UnsupportedTransferEncoding);
    }
    let mut length = None;
    for item in headers
        .get_all("content-length")
        .flat_map(|value| value.split(','))
    {
        let item = item.trim();
        if item.is_empty() || !item.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::Malformed("invalid Content-Length"));
        }
        let n: u64 = item
            .parse()
            .map_err(|_| Error::Malformed("invalid Content-Length"))?;
        if length.is_some_and(|previous| previous != n) {
            return Err(Error::Malformed("conflicting Content-Length values"));
        }
        length = Some(n);
    }
    Ok(length)
}

/// A token character (RFC 9110, 5.6.2): what methods and header names are made of.
pub(crate) fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A control character: 0x00-0x1F and DEL.
pub(crate) fn is_ctl(b: u8) -> bool {
    b < 0x20 || b == 0x7f
}

/// Strips spaces and tabs at both ends.
fn trim_ows(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}
