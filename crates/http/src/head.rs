//! The part requests and responses share: finding the end of a head, splitting it into lines,
//! parsing header fields (RFC 9112, sections 2 and 5), and the rule for keeping a connection
//! open (section 9.3).
//!
//! The scanner looks at no more than `limit` bytes, so a peer that never sends the blank line
//! costs a bounded amount of memory and work. Each call starts again from the first byte; for
//! heads of a few kilobytes that is cheaper than keeping state between reads.

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
    /// The request line or status line, as the caller's `parse_start` returned it.
    pub(crate) start: S,
    /// The header fields.
    pub(crate) headers: Headers,
    /// Bytes from the start of the buffer to the end of the blank line, leading blank lines
    /// included: what the caller drops before reading a body or the next message.
    pub(crate) len: usize,
}

/// Finds a complete head at the start of `buf`.
///
/// `Ok(None)`: no blank line yet and nothing wrong so far; read more and call again.
/// `parse_start` parses the first line as soon as it is complete, so a bad request line is
/// refused without waiting for the rest of the head.
pub(crate) fn split_head<'a, S>(
    buf: &'a [u8],
    limit: usize,
    parse_start: impl Fn(&'a [u8]) -> Result<S, Error>,
) -> Result<Option<RawHead<S>>, Error> {
    let window = &buf[..buf.len().min(limit)];
    // A server should ignore blank lines before a request line (RFC 9112, 2.2): some clients
    // send a stray CRLF after a body.
    let mut pos = 0;
    while window[pos..].starts_with(b"\r\n") {
        pos += 2;
    }
    let mut start = None;
    let mut headers = Headers::default();
    loop {
        let Some(newline) = window[pos..].iter().position(|&b| b == b'\n') else {
            // An unfinished line: refuse bytes that no line may hold (NUL, ESC, a CR that is
            // not the last byte, ...) now; otherwise wait for more, up to the limit.
            let partial = &window[pos..];
            let last = partial.len().saturating_sub(1);
            for (i, &b) in partial.iter().enumerate() {
                if is_ctl(b) && b != b'\t' && !(b == b'\r' && i == last) {
                    return Err(Error::Malformed("control character in head"));
                }
            }
            if buf.len() >= limit {
                return Err(Error::HeadTooLarge);
            }
            return Ok(None);
        };
        let end = pos + newline;
        if end == pos || window[end - 1] != b'\r' {
            return Err(Error::Malformed("line ends in a bare LF, not CRLF"));
        }
        let line = &window[pos..end - 1];
        pos = end + 1;
        match start {
            None => start = Some(parse_start(line)?),
            Some(start) if line.is_empty() => {
                return Ok(Some(RawHead {
                    start,
                    headers,
                    len: pos,
                }));
            }
            Some(_) => {
                let (name, value) = parse_field(line)?;
                headers.push(name, value);
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
