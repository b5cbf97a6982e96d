//! Protocols and transports in asyncio's shape: [`create_server`], [`create_connection`],
//! the [`Protocol`] trait and the [`Transport`].
//!
//! Streams let a task *ask* for data (`reader.readline().await`). Protocols are the other way
//! round: the loop *tells* a protocol object what happened, by calling its methods, which are
//! plain functions, not `async`. They cannot wait; they react, and answer through the
//! transport, whose `write` never blocks.
//!
//! ```text
//!  connection task (one per connection)              your Protocol
//!  ────────────────────────────────────              ─────────────
//!  accepted ───────────────────────────────────────▶ connection_made(transport)
//!  loop { wait until readable (unless paused)
//!         read ─ n bytes ──────────────────────────▶ data_received(&bytes)
//!              ─ end of file ──────────────────────▶ eof_received() -> keep open?
//!  }        write buffer above / below its marks ──▶ pause_writing() / resume_writing()
//!  transport closed and flushed, or an error ──────▶ connection_lost(error)
//! ```
//!
//! The methods run on the connection's task, one at a time, never nested; anything slow done in
//! one of them stalls the whole loop, exactly as in asyncio.

use std::cell::Cell;
use std::fmt;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::rc::Rc;
use std::task::{Poll, Waker};

use crate::byte_stream::ByteStream;
use crate::net::{TcpListener, TcpStream};
use crate::streams::{ClearReader, LoopBuffer, Server};
use crate::write_buffer::WriteBuffer;

// ANCHOR: protocol
/// The callbacks of one connection (asyncio's `asyncio.Protocol`). Every method has a default
/// that does nothing, so a protocol implements only what it needs.
pub trait Protocol: 'static {
    /// The connection is established. Keep `transport` (it is cheap to clone) to write back.
    fn connection_made(&mut self, transport: Transport) {
        let _ = transport;
    }

    /// Some bytes arrived. They are a piece of the stream, not a message: a message may come
    /// in several pieces, or several messages in one. They are lent for the call (they sit in
    /// the loop's read buffer, which the next read reuses): copy what you keep.
    fn data_received(&mut self, data: &[u8]) {
        let _ = data;
    }

    /// The peer will send nothing more. Return `false` (the default) to close the transport,
    /// `true` to keep it open, for example to finish writing an answer and close it yourself.
    fn eof_received(&mut self) -> bool {
        false
    }

    /// The write buffer went above its high-water mark: stop producing until `resume_writing`.
    fn pause_writing(&mut self) {}

    /// The write buffer fell to its low-water mark: producing may go on.
    fn resume_writing(&mut self) {}

    /// The connection is closed: `None` after a normal close or end of file, `Some(error)` if
    /// it failed (reset by the peer, ...). Called exactly once, last.
    fn connection_lost(&mut self, error: Option<io::Error>) {
        let _ = error;
    }
}
// ANCHOR_END: protocol

impl<P: Protocol + ?Sized> Protocol for Box<P> {
    fn connection_made(&mut self, transport: Transport) {
        (**self).connection_made(transport);
    }
    fn data_received(&mut self, data: &[u8]) {
        (**self).data_received(data);
    }
    fn eof_received(&mut self) -> bool {
        (**self).eof_received()
    }
    fn pause_writing(&mut self) {
        (**self).pause_writing();
    }
    fn resume_writing(&mut self) {
        (**self).resume_writing();
    }
    fn connection_lost(&mut self, error: Option<io::Error>) {
        (**self).connection_lost(error);
    }
}

/// A protocol's handle on its connection (asyncio's transport). Clones share the connection.
#[derive(Clone)]
pub struct Transport {
    /// State shared with the connection's task and the other clones.
    shared: Rc<TransportShared>,
}

/// What a connection's transports and its task share.
struct TransportShared {
    /// Outgoing bytes, and the connection itself.
    buffer: Rc<WriteBuffer>,
    /// `pause_reading` was called: the task does not read until `resume_reading`.
    reading_paused: Cell<bool>,
    /// The connection's task while reading is paused, for `resume_reading` to wake. (Every
    /// other change it waits for, `close` and `abort` included, is the write buffer's, and
    /// wakes it through the buffer's waiters.)
    paused_reader: Cell<Option<Waker>>,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("buffered", &self.shared.buffer.len())
            .field("reading_paused", &self.shared.reading_paused.get())
            .field("closing", &self.shared.buffer.is_closing())
            .finish()
    }
}

impl Transport {
    /// Queues `data` for sending; never blocks. What the kernel does not take at once is sent
    /// by the loop later (watch [`get_write_buffer_size`](Self::get_write_buffer_size), or
    /// implement [`Protocol::pause_writing`]).
    ///
    /// After [`close`](Self::close) or [`abort`](Self::abort), the data is dropped.
    ///
    /// # Panics
    /// After [`write_eof`](Self::write_eof).
    #[track_caller]
    pub fn write(&self, data: &[u8]) {
        self.shared.buffer.write(data);
    }

    /// Sends the peer an end of file after the buffered bytes; reading goes on.
    pub fn write_eof(&self) {
        self.shared.buffer.write_eof();
    }

    /// Stops reading and closes the connection once the buffered bytes are sent; then the
    /// protocol's `connection_lost(None)` is called.
    pub fn close(&self) {
        self.shared.buffer.close();
    }

    /// Closes the connection at once, dropping whatever is still buffered; then the protocol's
    /// `connection_lost(None)` is called (asyncio's `transport.abort()`).
    pub fn abort(&self) {
        self.shared.buffer.abort();
    }

    /// True once `close` has been called (or the connection failed).
    pub fn is_closing(&self) -> bool {
        self.shared.buffer.is_closing()
    }

    /// Stops calling `data_received` until [`resume_reading`](Self::resume_reading): the bytes
    /// wait in the kernel, whose buffer fills, and TCP then slows the sender down.
    pub fn pause_reading(&self) {
        self.shared.reading_paused.set(true);
    }

    /// Starts calling `data_received` again.
    pub fn resume_reading(&self) {
        if self.shared.reading_paused.replace(false) {
            if let Some(waker) = self.shared.paused_reader.take() {
                waker.wake();
            }
        }
    }

    /// True unless reading is paused.
    pub fn is_reading(&self) -> bool {
        !self.shared.reading_paused.get()
    }

    /// Bytes written but not yet taken by the kernel.
    pub fn get_write_buffer_size(&self) -> usize {
        self.shared.buffer.len()
    }

    /// Sets the marks at which `pause_writing` and `resume_writing` are called (the low one
    /// is a quarter of the high one by default).
    ///
    /// # Panics
    /// If `low > high`.
    #[track_caller]
    pub fn set_write_buffer_limits(&self, high: usize, low: Option<usize>) {
        self.shared.buffer.set_limits(high, low);
    }

    /// The address of the other end (asyncio's `get_extra_info('peername')`).
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.shared.buffer.stream.peer_addr()
    }
}

/// What the connection's task handles next.
enum Next {
    /// This many bytes were read into the loop's buffer, lent until `data_received` returns.
    Data(LoopBuffer, usize),
    /// The peer sent its end of file: for `eof_received`.
    Eof,
    /// The transport is closed and flushed: time for `connection_lost(None)`.
    Closed,
    /// The write buffer crossed a mark: `pause_writing` (true) or `resume_writing` (false).
    WritingPaused(bool),
    /// Reading or writing failed: `connection_lost(Some(error))`.
    Failed(io::Error),
}

// ANCHOR: drive
/// The task behind one connection: reads, and turns what happens into calls on `protocol`.
async fn drive(stream: TcpStream, mut protocol: impl Protocol) {
    let stream = Rc::new(ByteStream::Tcp(stream));
    let shared = Rc::new(TransportShared {
        buffer: WriteBuffer::new(stream.clone()),
        reading_paused: Cell::new(false),
        paused_reader: Cell::new(None),
    });
    protocol.connection_made(Transport {
        shared: shared.clone(),
    });
    let _clear = ClearReader(&stream);
    let buffer = &shared.buffer;
    let mut eof = false;
    let mut writing_paused = false;
    let mut error = None;
    loop {
        let next = std::future::poll_fn(|cx| {
            // Changes of the write buffer (paused, resumed, failed, closed) wake this task.
            buffer.add_waiter(cx);
            if buffer.is_paused() != writing_paused {
                return Poll::Ready(Next::WritingPaused(buffer.is_paused()));
            }
            if buffer.is_closed() {
                return Poll::Ready(Next::Closed);
            }
            if let Some(e) = buffer.error() {
                return Poll::Ready(Next::Failed(e));
            }
            // Closing (the buffer is still being sent) or after the end of file: nothing to
            // read; the buffer wakes the task when it is closed.
            if buffer.is_closing() || eof {
                return Poll::Pending;
            }
            // Paused: `resume_reading` wakes the task.
            if shared.reading_paused.get() {
                shared.paused_reader.set(Some(cx.waker().clone()));
                return Poll::Pending;
            }
            // Otherwise read, into the loop's buffer: a connection that waits holds none. If
            // nothing is there, the reactor wakes the task when the socket is readable.
            let mut data = LoopBuffer::lend();
            match stream.poll_read(cx, &mut data) {
                Poll::Ready(Ok(0)) => Poll::Ready(Next::Eof),
                Poll::Ready(Ok(n)) => Poll::Ready(Next::Data(data, n)),
                Poll::Ready(Err(e)) => Poll::Ready(Next::Failed(e)),
                Poll::Pending => Poll::Pending,
            }
        })
        .await;
        match next {
            // The buffer goes back to the loop when `data` is dropped, after the call.
            Next::Data(data, n) => protocol.data_received(&data[..n]),
            Next::Eof => {
                eof = true;
                // asyncio: a protocol that does not ask to stay open is closed.
                if !protocol.eof_received() {
                    buffer.close();
                }
            }
            Next::WritingPaused(true) => {
                writing_paused = true;
                protocol.pause_writing();
            }
            Next::WritingPaused(false) => {
                writing_paused = false;
                protocol.resume_writing();
            }
            Next::Closed => break,
            Next::Failed(e) => {
                // Give up on the connection: what is buffered cannot be sent reliably.
                error = Some(e);
                buffer.abort();
                break;
            }
        }
    }
    protocol.connection_lost(error);
}
// ANCHOR_END: drive

// ANCHOR: create_server
/// Listens on `addr`; for each connection, makes a protocol with `factory` and drives it in a
/// task of its own (asyncio's `loop.create_server(protocol_factory, host, port)`).
///
/// Cancel safety: safe. It completes in its first poll (binding does not wait).
pub async fn create_server<F, P>(addr: impl ToSocketAddrs, factory: F) -> io::Result<Server>
where
    F: Fn() -> P + 'static,
    P: Protocol,
{
    let listener = TcpListener::bind(addr)?;
    Server::start(listener, move |stream| drive(stream, factory()))
}
// ANCHOR_END: create_server

/// Connects to `addr` and drives `protocol` on the connection in a task of its own
/// (asyncio's `loop.create_connection`). Returns the transport; the protocol lives in the task
/// until its `connection_lost`, so share with it (an `Rc`, a [`Promise`](crate::Promise)) what
/// the caller wants to learn back.
///
/// Cancel safety: safe until it connects: dropping it then closes the socket, and the protocol
/// is dropped without `connection_made`. Dropped later, the protocol runs on in its task and
/// only the caller's transport is lost.
pub async fn create_connection<P: Protocol>(
    addr: impl ToSocketAddrs,
    protocol: P,
) -> io::Result<Transport> {
    let stream = TcpStream::connect(addr).await?;
    // connection_made runs in the task, before anything else; hand its transport back here.
    let (sender, receiver) = futures::channel::oneshot::channel();
    crate::spawn(drive(
        stream,
        Announce {
            protocol,
            sender: Some(sender),
        },
    ));
    receiver
        .await
        .map_err(|_| io::Error::other("the connection's task ended before it started"))
}

/// Wraps a protocol to send its transport back to [`create_connection`].
struct Announce<P> {
    /// The caller's protocol, which receives every callback.
    protocol: P,
    /// Where `connection_made` sends the transport; taken on first use.
    sender: Option<futures::channel::oneshot::Sender<Transport>>,
}

impl<P: Protocol> Protocol for Announce<P> {
    fn connection_made(&mut self, transport: Transport) {
        if let Some(sender) = self.sender.take() {
            let _ = sender.send(transport.clone());
        }
        self.protocol.connection_made(transport);
    }
    fn data_received(&mut self, data: &[u8]) {
        self.protocol.data_received(data);
    }
    fn eof_received(&mut self) -> bool {
        self.protocol.eof_received()
    }
    fn pause_writing(&mut self) {
        self.protocol.pause_writing();
    }
    fn resume_writing(&mut self) {
        self.protocol.resume_writing();
    }
    fn connection_lost(&mut self, error: Option<io::Error>) {
        self.protocol.connection_lost(error);
    }
}
