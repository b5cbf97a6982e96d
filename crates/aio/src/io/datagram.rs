//! Datagram protocols in asyncio's shape: [`create_datagram_endpoint`], the
//! [`DatagramProtocol`] trait and the [`DatagramTransport`].
//!
//! asyncio has no UDP streams: a UDP program there is a protocol object whose methods the loop
//! calls, as with [`Protocol`](crate::Protocol) for TCP. The differences come from UDP itself:
//! there is no connection to make or lose per peer, so one endpoint (one socket) talks to
//! everyone; every piece of data is a whole datagram and comes with its sender's address; and
//! sending never waits for the peer, so there is no flow control to pause and resume.
//!
//! ```text
//!  endpoint task (one per endpoint)                  your DatagramProtocol
//!  ────────────────────────────────                  ─────────────────────
//!  bound (before create_datagram_endpoint returns) ─▶ connection_made(transport)
//!  loop { send what sendto queued
//!         wait until readable
//!         receive ─ a datagram ────────────────────▶ datagram_received(&data, from)
//!                 ─ an error (ICMP, too large, …) ─▶ error_received(error)
//!  }      transport closed and queue sent ─────────▶ connection_lost(None)
//! ```
//!
//! The methods run on the endpoint's task, one at a time; like a stream protocol's, they
//! cannot wait. To answer later, schedule it: `aio::call_later(delay, move || t.sendto(..))`.
//!
//! For a program that wants to *ask* for the next datagram (`recv_from(...).await`, with a
//! timeout around it), use [`UdpSocket`] directly: it is what this module is built on.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::rc::Rc;
use std::task::{Poll, Waker};

use crate::net::UdpSocket;
use crate::streams::LoopBuffer;

// ANCHOR: protocol
/// The callbacks of one datagram endpoint (asyncio's `asyncio.DatagramProtocol`). Every
/// method has a default that does nothing, so a protocol implements only what it needs.
pub trait DatagramProtocol: 'static {
    /// The socket is bound. Keep `transport` (it is cheap to clone) to send.
    fn connection_made(&mut self, transport: DatagramTransport) {
        let _ = transport;
    }

    /// One whole datagram arrived from `addr`. It is lent for the call (it sits in the loop's
    /// read buffer, which the next read reuses): copy what you keep.
    fn datagram_received(&mut self, data: &[u8], addr: SocketAddr) {
        let _ = (data, addr);
    }

    /// A send or a receive failed: a datagram too large to send, or (on a connected socket)
    /// the peer's host answered "port unreachable". The endpoint stays open.
    fn error_received(&mut self, error: io::Error) {
        let _ = error;
    }

    /// The transport is closed and its queue sent. Called exactly once, last.
    fn connection_lost(&mut self, error: Option<io::Error>) {
        let _ = error;
    }
}
// ANCHOR_END: protocol

impl<P: DatagramProtocol + ?Sized> DatagramProtocol for Box<P> {
    fn connection_made(&mut self, transport: DatagramTransport) {
        (**self).connection_made(transport);
    }
    fn datagram_received(&mut self, data: &[u8], addr: SocketAddr) {
        (**self).datagram_received(data, addr);
    }
    fn error_received(&mut self, error: io::Error) {
        (**self).error_received(error);
    }
    fn connection_lost(&mut self, error: Option<io::Error>) {
        (**self).connection_lost(error);
    }
}

/// A datagram protocol's handle on its socket (asyncio's `DatagramTransport`). Clones share
/// the socket.
#[derive(Clone)]
pub struct DatagramTransport {
    /// State shared with the endpoint's task and the other clones.
    shared: Rc<Shared>,
}

/// What an endpoint's transports and its task share. (The socket itself is the task's: it
/// closes when the task ends, however many transports are still around.)
struct Shared {
    /// The address the socket is bound to.
    local_addr: SocketAddr,
    /// Datagrams `sendto` queued, with where each goes, oldest first. The task sends them as
    /// soon as it runs; they wait here only while the kernel's send buffer is full.
    queue: RefCell<VecDeque<(Vec<u8>, SocketAddr)>>,
    /// `close` was called: receive no more, send the queue, then end.
    closing: Cell<bool>,
    /// The endpoint's task while it waits, for `sendto` and `close` to wake.
    task: Cell<Option<Waker>>,
}

impl fmt::Debug for DatagramTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatagramTransport")
            .field("queued", &self.shared.queue.borrow().len())
            .field("closing", &self.shared.closing.get())
            .finish()
    }
}

impl DatagramTransport {
    // ANCHOR: sendto
    /// Queues `data` as one datagram to `addr`; never blocks. The endpoint's task sends it the
    /// next time it runs (at once, if this is called from one of the protocol's methods). If
    /// sending fails, the protocol's `error_received` says why.
    ///
    /// After [`close`](Self::close), the data is dropped.
    pub fn sendto(&self, data: &[u8], addr: SocketAddr) {
        if self.shared.closing.get() {
            return;
        }
        self.shared
            .queue
            .borrow_mut()
            .push_back((data.to_vec(), addr));
        if let Some(task) = self.shared.task.take() {
            task.wake();
        }
    }
    // ANCHOR_END: sendto

    /// Stops receiving and closes the socket once the queued datagrams are sent; then the
    /// protocol's `connection_lost(None)` is called.
    pub fn close(&self) {
        if !self.shared.closing.replace(true) {
            if let Some(task) = self.shared.task.take() {
                task.wake();
            }
        }
    }

    /// True once `close` has been called.
    pub fn is_closing(&self) -> bool {
        self.shared.closing.get()
    }

    /// Bytes queued by `sendto` and not yet taken by the kernel.
    pub fn get_write_buffer_size(&self) -> usize {
        self.shared
            .queue
            .borrow()
            .iter()
            .map(|(d, _)| d.len())
            .sum()
    }

    /// The address the socket is bound to (asyncio's `get_extra_info('sockname')`).
    pub fn local_addr(&self) -> SocketAddr {
        self.shared.local_addr
    }
}

/// What the endpoint's task handles next.
enum Next {
    /// A datagram of this many bytes, from this address, in the loop's buffer.
    Datagram(LoopBuffer, usize, SocketAddr),
    /// A send or a receive failed: for `error_received`.
    Failed(io::Error),
    /// The transport is closed and its queue sent: time for `connection_lost(None)`.
    Closed,
}

// ANCHOR: drive
/// The task behind one endpoint: sends what is queued, receives, and turns what happens into
/// calls on `protocol`.
async fn drive(socket: UdpSocket, shared: Rc<Shared>, mut protocol: impl DatagramProtocol) {
    // Owned here: whether the task ends or is cancelled, the socket is deregistered and closed
    // with it, and the wakers it holds for this task go too.
    let socket = &socket;
    loop {
        let next = std::future::poll_fn(|cx| {
            // `sendto` and `close` wake this task.
            shared.task.set(Some(cx.waker().clone()));
            // First send what is queued, oldest first, until the kernel's buffer is full.
            loop {
                let mut queue = shared.queue.borrow_mut();
                let Some((data, addr)) = queue.front() else {
                    break;
                };
                match socket.poll_send_to(cx, data, *addr) {
                    Poll::Ready(result) => {
                        queue.pop_front();
                        if let Err(e) = result {
                            return Poll::Ready(Next::Failed(e));
                        }
                    }
                    Poll::Pending => break, // Writable again will wake the task.
                }
            }
            if shared.closing.get() {
                // Receive no more; end once the queue is sent.
                return match shared.queue.borrow().is_empty() {
                    true => Poll::Ready(Next::Closed),
                    false => Poll::Pending,
                };
            }
            // Then receive, into the loop's buffer: an endpoint that waits holds none.
            let mut data = LoopBuffer::lend();
            match socket.poll_recv_from(cx, &mut data) {
                Poll::Ready(Ok((n, from))) => Poll::Ready(Next::Datagram(data, n, from)),
                Poll::Ready(Err(e)) => Poll::Ready(Next::Failed(e)),
                Poll::Pending => Poll::Pending,
            }
        })
        .await;
        // Running now: a `sendto` from the callback below is sent in the next poll anyway.
        shared.task.take();
        match next {
            // The buffer goes back to the loop when `data` is dropped, after the call.
            Next::Datagram(data, n, from) => protocol.datagram_received(&data[..n], from),
            // As in asyncio, an error is reported and the endpoint goes on.
            Next::Failed(e) => protocol.error_received(e),
            Next::Closed => break,
        }
    }
    protocol.connection_lost(None);
    // The socket is closed when the task ends, right after this.
}
// ANCHOR_END: drive

// ANCHOR: create
/// Binds a UDP socket to `addr`, calls `factory()`'s `connection_made`, and drives the
/// protocol in a task of its own (asyncio's `loop.create_datagram_endpoint(protocol_factory,
/// local_addr=addr)`). Returns the transport; the protocol lives in the task until its
/// `connection_lost`, so share with it (an `Rc`, a [`Promise`](crate::Promise)) what the
/// caller wants to learn back.
///
/// The socket is not connected: it receives from anyone, and `sendto` names each datagram's
/// destination. Bind to port 0 to let the OS choose (a client), and read the port with
/// [`DatagramTransport::local_addr`]. The endpoint lives until its transport is closed (or
/// until [`run`](crate::run) ends and cancels its task).
///
/// Cancel safety: safe. It completes in its first poll (binding does not wait).
pub async fn create_datagram_endpoint<F, P>(
    addr: impl ToSocketAddrs,
    factory: F,
) -> io::Result<DatagramTransport>
where
    F: FnOnce() -> P,
    P: DatagramProtocol,
{
    let socket = UdpSocket::bind(addr)?;
    let shared = Rc::new(Shared {
        local_addr: socket.local_addr()?,
        queue: RefCell::new(VecDeque::new()),
        closing: Cell::new(false),
        task: Cell::new(None),
    });
    let transport = DatagramTransport {
        shared: shared.clone(),
    };
    let mut protocol = factory();
    // Before returning, as asyncio does: the caller may rely on it having run.
    protocol.connection_made(transport.clone());
    crate::spawn(drive(socket, shared, protocol));
    Ok(transport)
}
// ANCHOR_END: create
