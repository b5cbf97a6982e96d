//! A short read or write tells the reactor what a `WouldBlock` would have told it, one system
//! call sooner: the kernel's buffer is empty (read) or full (write). These tests count how
//! often the reactor asks the kernel.

mod common;

use std::cell::Cell;
use std::future::poll_fn;
use std::io::{ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::task::Poll;
use std::time::Duration;

use common::run_virtual;

/// The Linux reactor (epoll, with `EPOLLRDHUP`) trusts a short read; the portable one, which
/// cannot tell a closed peer, asks the kernel for its `WouldBlock` as every read would.
const TRUSTS_SHORT_READS: bool = cfg!(all(target_os = "linux", not(feature = "portable")));

/// A registered socket and the peer end, which the test drives with plain blocking calls.
fn pair() -> (aio::Registered<UnixStream>, UnixStream) {
    let (ours, theirs) = UnixStream::pair().unwrap();
    ours.set_nonblocking(true).unwrap();
    (aio::Registered::new(ours).unwrap(), theirs)
}

/// Reads into `buf` through the reactor, counting the `read(2)` calls in `calls`.
async fn read(ours: &aio::Registered<UnixStream>, calls: &Cell<u32>, buf: &mut [u8]) -> usize {
    poll_fn(|cx| {
        ours.poll_read_into(cx, buf, |s, buf| {
            calls.set(calls.get() + 1);
            (&*s).read(buf)
        })
    })
    .await
    .unwrap()
}

#[test]
fn after_a_short_read_the_next_read_waits_without_asking_the_kernel() {
    run_virtual(async {
        let (ours, mut theirs) = pair();
        let calls = Cell::new(0);
        theirs.write_all(b"ping").unwrap();
        assert_eq!(read(&ours, &calls, &mut [0; 16]).await, 4);
        assert_eq!(calls.get(), 1);

        // 4 bytes of 16: the buffer is empty. Waiting needs no `WouldBlock` to prove it
        // (on the portable reactor, one `WouldBlock` read).
        let asks = if TRUSTS_SHORT_READS { 0 } else { 1 };
        let mut buf = [0; 16];
        let mut next = Box::pin(read(&ours, &calls, &mut buf));
        assert!(futures::poll!(next.as_mut()).is_pending());
        assert_eq!(
            calls.get(),
            1 + asks,
            "after a short read, the reactor asked the kernel {} time(s)",
            calls.get() - 1
        );

        // New bytes bring a new edge, which wakes the reader.
        theirs.write_all(b"pong").unwrap();
        let n = aio::timeout(Duration::from_secs(60), next).await;
        assert_eq!(n, Ok(4), "the reader missed the edge after its short read");
        assert_eq!(calls.get(), 2 + asks);
    });
}

#[test]
fn a_read_that_fills_the_buffer_asks_again() {
    run_virtual(async {
        let (ours, mut theirs) = pair();
        let calls = Cell::new(0);
        theirs.write_all(&[7; 20]).unwrap();
        assert_eq!(read(&ours, &calls, &mut [0; 16]).await, 16);
        // A full buffer proves nothing: the rest is read at once, with no edge to wait for.
        let mut rest = [0; 16];
        let mut next = Box::pin(read(&ours, &calls, &mut rest));
        assert_eq!(futures::poll!(next.as_mut()), Poll::Ready(4));
        assert_eq!(calls.get(), 2);
    });
}

#[test]
fn after_a_short_write_the_next_write_waits_for_room() {
    run_virtual(async {
        let (ours, mut theirs) = pair();
        let calls = Cell::new(0);
        let chunk = vec![1u8; 1 << 20];
        let write = || {
            poll_fn(|cx| {
                ours.poll_write_from(cx, &chunk, |s, buf| {
                    calls.set(calls.get() + 1);
                    (&*s).write(buf)
                })
            })
        };
        // The kernel takes part of a 1 MiB chunk: its buffer is now full.
        let taken = write().await.unwrap();
        assert!(0 < taken && taken < chunk.len(), "wrote {taken} bytes");
        assert_eq!(calls.get(), 1);

        let mut next = Box::pin(write());
        assert!(futures::poll!(next.as_mut()).is_pending());
        assert_eq!(
            calls.get(),
            1,
            "the reactor asked the kernel again after a short write"
        );

        // The peer reads everything: room again, announced by an edge.
        theirs.set_nonblocking(true).unwrap();
        let mut sink = vec![0; 1 << 16];
        loop {
            match theirs.read(&mut sink) {
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) => panic!("{e}"),
            }
        }
        let again = aio::timeout(Duration::from_secs(60), next).await;
        assert!(
            matches!(again, Ok(Ok(n)) if n > 0),
            "the writer missed the edge"
        );
        assert_eq!(calls.get(), 2);
    });
}
