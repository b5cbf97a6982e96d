//! The write buffer behind [`StreamWriter`](crate::StreamWriter) and
//! [`Transport`](crate::Transport): `write` never blocks, the loop sends in the background.
//!
//! asyncio's transports work this way: `write(data)` tries to send at once; whatever the kernel
//! does not take is kept in a buffer and sent when the socket becomes writable again. The
//! buffer is bounded only by the writer's patience, which is what the *high-water mark* is for:
//! above it the writer is "paused" (`drain()` waits), and it is resumed when the buffer falls
//! to the *low-water mark*.
//!
//! ```text
//!  write(data) ─ buffer empty? ─yes─▶ send(2) now ─ all taken? ─yes─▶ done (no task, no wait)
//!                    │ no                               │ no
//!                    ▼                                  ▼
//!              append ◀──────────────────────────── append the rest, start the flusher task
//!                                                   (it waits for writability, sends, repeats;
//!                                                    then performs a requested EOF or close)
//! ```
//!
//! The buffer holds memory only while it holds bytes: once the flusher has sent the last of
//! them, its memory is given back, so a connection that once had a burst to send does not keep
//! the burst's room for the rest of its life.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::io;
use std::net::Shutdown;
use std::rc::Rc;
use std::task::{Context, Poll};

use crate::byte_stream::ByteStream;
use crate::waker_list::WakerList;

/// asyncio's default high-water mark for a transport's write buffer (64 KiB).
pub const DEFAULT_HIGH_WATER: usize = 64 * 1024;

/// One connection's outgoing bytes and what should happen after they are sent.
#[derive(Debug)]
pub(crate) struct WriteBuffer {
    /// The connection (shared with the reading side), or the pipe to a child's stdin.
    pub(crate) stream: Rc<ByteStream>,
    /// Bytes accepted by `write` and not yet taken by the kernel, oldest first. A ring
    /// buffer: what the kernel took is dropped from the front without moving the rest. Empty,
    /// it holds no memory (see `release`).
    buf: RefCell<VecDeque<u8>>,
    /// A flusher task is running (it owns sending while `buf` is not empty).
    flushing: Cell<bool>,
    /// The buffer went above `high` and has not yet fallen to `low`: writers should wait.
    paused: Cell<bool>,
    /// The high-water mark, in bytes.
    high: Cell<usize>,
    /// The low-water mark, in bytes.
    low: Cell<usize>,
    /// `write_eof` was called: send FIN once the buffer is empty; no more writes.
    eof: Cell<bool>,
    /// `close` was called: shut the connection once the buffer is empty; no more writes.
    closing: Cell<bool>,
    /// The connection has been shut down: by `abort`, or by `close` once the buffer was sent
    /// (or writing failed).
    closed: Cell<bool>,
    /// Why writing failed, if it did (kept as kind and message: `io::Error` is not `Clone`).
    error: RefCell<Option<(io::ErrorKind, String)>>,
    /// Tasks in `drain` or `wait_closed`, and a protocol's connection task, woken on every
    /// change of the state above.
    waiters: WakerList,
}

impl WriteBuffer {
    pub(crate) fn new(stream: Rc<ByteStream>) -> Rc<WriteBuffer> {
        Rc::new(WriteBuffer {
            stream,
            buf: RefCell::new(VecDeque::new()),
            flushing: Cell::new(false),
            paused: Cell::new(false),
            high: Cell::new(DEFAULT_HIGH_WATER),
            low: Cell::new(DEFAULT_HIGH_WATER / 4),
            eof: Cell::new(false),
            closing: Cell::new(false),
            closed: Cell::new(false),
            error: RefCell::new(None),
            waiters: WakerList::default(),
        })
    }

    /// Queues `data` for sending, sending what the kernel takes right away. Never waits.
    #[track_caller]
    pub(crate) fn write(self: &Rc<Self>, data: &[u8]) {
        if self.eof.get() {
            panic!(
                "write() after write_eof(): this side has already said it will send nothing \
                 more. Write everything first, then call write_eof() once"
            );
        }
        // Like asyncio: after close() (this task's or another's) or a failure, data goes
        // nowhere; drain() reports a failure.
        if data.is_empty() || self.closing.get() || self.error.borrow().is_some() {
            return;
        }
        let mut rest = data;
        if !self.flushing.get() {
            // Nothing queued: try the kernel now, as asyncio's transport does. A no-op waker is
            // enough because, if the socket is full, the flusher task waits with its own.
            let mut cx = Context::from_waker(futures::task::noop_waker_ref());
            match self.stream.poll_write(&mut cx, data) {
                Poll::Ready(Ok(n)) => rest = &data[n..],
                Poll::Ready(Err(e)) => return self.fail(e),
                Poll::Pending => {}
            }
        }
        if rest.is_empty() {
            return;
        }
        let len = {
            let mut buf = self.buf.borrow_mut();
            buf.extend(rest);
            buf.len()
        };
        if len > self.high.get() {
            self.paused.set(true);
        }
        self.start_flusher();
    }

    /// Bytes waiting to be sent (asyncio's `get_write_buffer_size`).
    pub(crate) fn len(&self) -> usize {
        self.buf.borrow().len()
    }

    /// Sets the high- and low-water marks. `low` defaults to a quarter of `high`.
    ///
    /// # Panics
    /// If `low > high`.
    #[track_caller]
    pub(crate) fn set_limits(&self, high: usize, low: Option<usize>) {
        let low = low.unwrap_or(high / 4);
        assert!(
            low <= high,
            "the low-water mark ({low}) must not be above the high-water mark ({high})"
        );
        self.high.set(high);
        self.low.set(low);
        self.update_paused();
    }

    /// Sends FIN once everything buffered is sent.
    pub(crate) fn write_eof(self: &Rc<Self>) {
        if self.eof.replace(true) || self.closing.get() {
            return;
        }
        if !self.flushing.get() {
            self.finish();
        }
    }

    /// Shuts the connection once everything buffered is sent. Calling it again does nothing.
    pub(crate) fn close(self: &Rc<Self>) {
        if self.closing.replace(true) {
            return;
        }
        if !self.flushing.get() {
            self.finish();
        }
        self.waiters.wake_all();
    }

    pub(crate) fn is_closing(&self) -> bool {
        self.closing.get()
    }

    /// True once the connection is shut after `close` (or `abort`).
    pub(crate) fn is_closed(&self) -> bool {
        self.closed.get()
    }

    /// Drops what is buffered and shuts the connection now (asyncio's `transport.abort()`).
    pub(crate) fn abort(&self) {
        self.closing.set(true);
        self.release();
        self.paused.set(false);
        let _ = self.stream.shutdown(Shutdown::Both);
        self.closed.set(true);
        self.waiters.wake_all();
    }

    /// The error that stopped writing, if any (a fresh copy for each caller).
    pub(crate) fn error(&self) -> Option<io::Error> {
        let error = self.error.borrow();
        error
            .as_ref()
            .map(|(kind, message)| io::Error::new(*kind, message.clone()))
    }

    /// Ready when the buffer is at or below the low-water mark (or was never above the high
    /// one); an error if writing failed.
    pub(crate) fn poll_drain(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(e) = self.error() {
            return Poll::Ready(Err(e));
        }
        if self.paused.get() {
            self.add_waiter(cx);
            return Poll::Pending;
        }
        Poll::Ready(Ok(()))
    }

    /// True while the buffer is above the high-water mark (and not yet back to the low one).
    pub(crate) fn is_paused(&self) -> bool {
        self.paused.get()
    }

    /// Wakes the current task at the next change: paused or resumed, failed, closed.
    pub(crate) fn add_waiter(&self, cx: &mut Context<'_>) {
        self.waiters.register(cx.waker());
    }

    /// Ready once `close` has done its work: buffer sent (or failed) and connection shut.
    pub(crate) fn poll_closed(&self, cx: &mut Context<'_>) -> Poll<()> {
        if self.closed.get() {
            return Poll::Ready(());
        }
        self.add_waiter(cx);
        Poll::Pending
    }

    fn start_flusher(self: &Rc<Self>) {
        if self.flushing.replace(true) {
            return;
        }
        let this = self.clone();
        crate::spawn(async move {
            // If the task is cancelled while waiting, forget its waker in the reactor.
            let _clear = ClearWriter(&this.stream);
            let result = std::future::poll_fn(|cx| this.poll_flush(cx)).await;
            this.flushing.set(false);
            match result {
                Ok(()) => this.finish(),
                Err(e) => this.fail(e),
            }
        });
    }

    /// Sends the buffer until it is empty or the socket is full.
    fn poll_flush(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            let poll = {
                let buf = self.buf.borrow();
                // The oldest bytes (the ring may wrap: the rest follows in the next round).
                let (oldest, _) = buf.as_slices();
                if oldest.is_empty() {
                    return Poll::Ready(Ok(()));
                }
                self.stream.poll_write(cx, oldest)
            };
            match poll {
                Poll::Ready(Ok(n)) => {
                    self.buf.borrow_mut().drain(..n);
                    if self.len() == 0 {
                        self.release(); // All sent: keep no memory for the next burst.
                    }
                    self.update_paused();
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    /// The buffer is empty: perform a requested close or end of file.
    fn finish(&self) {
        if self.closing.get() {
            let _ = self.stream.shutdown(Shutdown::Both);
            self.closed.set(true);
        } else if self.eof.get() {
            let _ = self.stream.shutdown(Shutdown::Write);
        }
        self.waiters.wake_all();
    }

    /// Writing failed (the peer reset the connection, ...): drop the buffer, remember why.
    fn fail(&self, e: io::Error) {
        *self.error.borrow_mut() = Some((e.kind(), e.to_string()));
        self.release();
        self.paused.set(false);
        if self.closing.get() {
            self.closed.set(true);
        }
        self.waiters.wake_all();
    }

    /// Drops what is buffered and gives its memory back (`clear` would keep the capacity).
    fn release(&self) {
        *self.buf.borrow_mut() = VecDeque::new();
    }

    fn update_paused(&self) {
        let len = self.len();
        if self.paused.get() && len <= self.low.get() {
            self.paused.set(false);
            self.waiters.wake_all();
        } else if len > self.high.get() {
            self.paused.set(true);
        }
    }
}

/// Clears the stream's waiting writer when the flusher ends, cancelled or not.
struct ClearWriter<'a>(&'a ByteStream);

impl Drop for ClearWriter<'_> {
    fn drop(&mut self) {
        self.0.clear_writer();
    }
}
