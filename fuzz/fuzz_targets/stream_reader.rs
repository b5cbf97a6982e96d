//! aio's `StreamReader` (`readline`, `readuntil`, `read`, `readexactly`) with a small limit,
//! on arbitrary bytes arriving over a loopback connection in arbitrary pieces.
//!
//! Input: a byte choosing the reader's limit, a byte choosing how the bytes are split into
//! writes, a byte saying how many operations follow, the operations (a byte each), then the
//! bytes the peer sends before closing. The peer writes the next piece only when the reader
//! waits for more, so each read from the socket brings exactly one piece.
//!
//! Each result is checked against the bytes sent: what an operation returns is the next bytes
//! of the stream; a line or a `readuntil` result ends at the first separator and is never
//! longer than the limit; an over-long line is reported (`LimitOverrunError`) with the count
//! `readline` then drops; at the end, `read_to_eof` returns exactly what is left.

#![no_main]

use std::future::Future;
use std::io::{self, Write};
use std::net::{Shutdown, TcpListener};
use std::pin::pin;
use std::rc::Rc;
use std::sync::OnceLock;

use aio::sync::Event;
use aio::{IncompleteReadError, LimitOverrunError};
use libfuzzer_sys::fuzz_target;

const LIMITS: [usize; 8] = [1, 2, 3, 4, 7, 16, 64, 1024];
const SEPARATORS: [&[u8]; 4] = [b"\n", b"\r\n", b"\r\n\r\n", b"aba"];
/// The bytes go out in at most this many pieces (the last one takes the rest).
const MAX_PIECES: usize = 32;

/// The listener every run connects to (one per fuzzing process).
fn listener() -> &'static TcpListener {
    static LISTENER: OnceLock<TcpListener> = OnceLock::new();
    LISTENER.get_or_init(|| TcpListener::bind("127.0.0.1:0").expect("a loopback listener"))
}

#[derive(Debug, Clone, Copy)]
enum Op {
    ReadLine,
    ReadUntil(&'static [u8]),
    Read(usize),
    ReadExactly(usize),
}

impl Op {
    fn from_byte(b: u8) -> Op {
        let arg = usize::from(b >> 2);
        match b & 3 {
            0 => Op::ReadLine,
            1 => Op::ReadUntil(SEPARATORS[arg % SEPARATORS.len()]),
            2 => Op::Read(arg),
            _ => Op::ReadExactly(arg),
        }
    }
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Checks one operation's result against `sent[*pos..]`, the bytes not yet returned, and
/// moves `pos` past what the operation consumed.
fn check(op: Op, result: io::Result<Vec<u8>>, sent: &[u8], pos: &mut usize, limit: usize) {
    let rest = &sent[*pos..];
    let error = match result {
        Ok(bytes) => {
            assert!(
                rest.starts_with(&bytes),
                "{op:?} returned bytes not next in the stream"
            );
            match op {
                Op::ReadLine | Op::ReadUntil(_) => {
                    let separator = match op {
                        Op::ReadUntil(separator) => separator,
                        _ => b"\n",
                    };
                    assert!(bytes.len() <= limit, "{op:?}: {} bytes", bytes.len());
                    if bytes.ends_with(separator) {
                        let first = find(&bytes, separator);
                        assert_eq!(first, Some(bytes.len() - separator.len()), "{op:?}");
                    } else {
                        // Only readline returns a line without its end: the last, at EOF.
                        assert!(matches!(op, Op::ReadLine), "{op:?} without its separator");
                        assert_eq!(bytes.len(), rest.len(), "readline short of EOF");
                        assert_eq!(find(&bytes, b"\n"), None);
                    }
                }
                Op::Read(n) => {
                    assert!(bytes.len() <= n);
                    // Empty only when asked for nothing, or at the end of the stream.
                    assert!(
                        !bytes.is_empty() || n == 0 || rest.is_empty(),
                        "read({n}) empty"
                    );
                }
                Op::ReadExactly(n) => assert_eq!(bytes.len(), n),
            }
            *pos += bytes.len();
            return;
        }
        Err(error) => error,
    };
    if let Some(overrun) = LimitOverrunError::from_io(&error) {
        assert_eq!(overrun.limit, limit);
        assert!(overrun.consumed > limit, "{op:?}: {overrun:?}");
        assert!(overrun.consumed <= rest.len(), "{op:?}: {overrun:?}");
        let (separator, consumes) = match op {
            Op::ReadLine => (&b"\n"[..], true),
            Op::ReadUntil(separator) => (separator, false),
            _ => panic!("{op:?} has no limit, but {overrun:?}"),
        };
        // The separator is either not in the counted bytes, or first at their very end.
        let counted = &rest[..overrun.consumed];
        if let Some(first) = find(counted, separator) {
            assert_eq!(
                first + separator.len(),
                counted.len(),
                "{op:?}: {overrun:?}"
            );
        }
        // readline drops the long line (as far as it came); readuntil keeps it buffered.
        if consumes {
            *pos += overrun.consumed;
        }
    } else if let Some(incomplete) = IncompleteReadError::from_io(&error) {
        // At the end of the stream, with everything that was left.
        assert_eq!(incomplete.partial, rest, "{op:?}");
        match op {
            Op::ReadUntil(separator) => {
                assert_eq!(incomplete.expected, None);
                assert_eq!(find(rest, separator), None);
                assert!(rest.len() <= limit, "{op:?}: {} bytes partial", rest.len());
            }
            Op::ReadExactly(n) => {
                assert_eq!(incomplete.expected, Some(n));
                assert!(rest.len() < n);
            }
            _ => panic!("{op:?}: {incomplete:?}"),
        }
        *pos = sent.len();
    } else {
        panic!("{op:?}: unexpected error {error}");
    }
}

/// Write sizes from a seed: 1 to 32 bytes, from a small xorshift generator.
fn sizes_from(seed: u8) -> Vec<usize> {
    let mut state = u64::from(seed) | 0x9E37_79B9_7F4A_7C00;
    let most = 1 + usize::from(seed % 32);
    (0..64)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            1 + (state % most as u64) as usize
        })
        .collect()
}

/// Awaits `op`, setting `reader_waits` each time it waits.
async fn signalling<T>(reader_waits: &Event, op: impl Future<Output = T>) -> T {
    let mut op = pin!(op);
    std::future::poll_fn(|cx| {
        let poll = op.as_mut().poll(cx);
        if poll.is_pending() {
            reader_waits.set();
        }
        poll
    })
    .await
}

async fn run(limit: usize, sizes: Vec<usize>, ops: Vec<Op>, sent: Vec<u8>) {
    let (mut reader, _writer) = aio::open_connection(listener().local_addr().expect("an address"))
        .await
        .expect("connect over loopback");
    let (mut peer, _) = listener().accept().expect("accept over loopback");
    peer.set_nodelay(true).expect("nodelay");
    reader.set_limit(limit);

    let pieces: Vec<Vec<u8>> = {
        let mut pieces = Vec::new();
        let mut at = 0;
        for &size in sizes.iter().take(MAX_PIECES - 1) {
            if at == sent.len() {
                break;
            }
            let end = sent.len().min(at + size);
            pieces.push(sent[at..end].to_vec());
            at = end;
        }
        if at < sent.len() {
            pieces.push(sent[at..].to_vec());
        }
        pieces
    };
    // Set each time the reader waits for bytes: the peer sends its next piece only then, so
    // each read from the socket brings exactly one piece.
    let reader_waits = Rc::new(Event::new());
    let _peer = aio::spawn({
        let reader_waits = reader_waits.clone();
        async move {
            for piece in pieces {
                reader_waits.wait().await;
                reader_waits.clear();
                if peer.write_all(&piece).is_err() {
                    return;
                }
            }
            reader_waits.wait().await;
            let _ = peer.shutdown(Shutdown::Write);
            // Keep the socket until the reader is done, so its end of file is a clean one.
            std::future::pending::<()>().await;
        }
    });
    let mut pos = 0;
    for op in ops {
        let result = match op {
            Op::ReadLine => signalling(&reader_waits, reader.readline()).await,
            Op::ReadUntil(separator) => {
                signalling(&reader_waits, reader.readuntil(separator)).await
            }
            Op::Read(n) => signalling(&reader_waits, reader.read(n)).await,
            Op::ReadExactly(n) => signalling(&reader_waits, reader.readexactly(n)).await,
        };
        check(op, result, &sent, &mut pos, limit);
    }
    let left = signalling(&reader_waits, reader.read_to_eof())
        .await
        .expect("the rest");
    assert_eq!(left, &sent[pos..], "read_to_eof after the operations");
    assert!(reader.at_eof());
}

fuzz_target!(|data: &[u8]| {
    let [limit, seed, count, rest @ ..] = data else {
        return;
    };
    let count = usize::from(*count % 16).min(rest.len());
    let (ops, sent) = rest.split_at(count);
    let ops = ops.iter().map(|&b| Op::from_byte(b)).collect();
    let limit = LIMITS[usize::from(limit % 8)];
    aio::Builder::new().clock(aio::ClockKind::Virtual).run(run(
        limit,
        sizes_from(*seed),
        ops,
        sent.to_vec(),
    ));
});
