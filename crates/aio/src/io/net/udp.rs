//! UDP sockets on the loop: [`UdpSocket`].
//!
//! A UDP socket sends and receives *datagrams*. Each send is one message that arrives whole or
//! not at all: never split, never glued to the next one, but maybe lost, late, out of order or
//! twice. There is no connection: a socket bound to an address receives from anyone, and
//! says with each datagram where it came from ([`UdpSocket::recv_from`]).
//!
//! The socket is registered with the reactor like a TCP socket, and waits the same way: try
//! at once, and on `WouldBlock` wait for the next readiness edge. One rule differs. A TCP read
//! that returns less than it asked for has emptied the kernel's buffer, and the reactor then
//! skips the next read's `WouldBlock` ([`Registered::poll_read_into`]). A short UDP read
//! proves nothing: it is one datagram, and the next one may be queued behind it. So every
//! receive here goes through [`Registered::poll_read_with`], which waits only after the kernel
//! said `WouldBlock`.

use std::future::Future;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::reactor::Registered;

// ANCHOR: struct
/// A UDP socket, registered with the running loop (asyncio has no UDP streams, only
/// [`create_datagram_endpoint`](crate::create_datagram_endpoint); this is the socket beneath).
///
/// One task may wait to receive and one to send at a time (each has one slot in the reactor);
/// share the socket between tasks with an `Rc`, as a sender and a receiver.
/// Dropping it deregisters the socket, then closes it.
#[derive(Debug)]
pub struct UdpSocket {
    /// The std socket, non-blocking, registered for readiness.
    io: Registered<std::net::UdpSocket>,
}
// ANCHOR_END: struct

impl UdpSocket {
    /// Binds to `addr` (port 0 lets the OS choose a free port; see
    /// [`local_addr`](Self::local_addr)) and registers the socket with the running loop.
    ///
    /// # Panics
    /// Outside [`run`](crate::run).
    #[track_caller]
    pub fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        UdpSocket::from_std(std::net::UdpSocket::bind(addr)?)
    }

    /// Wraps a bound std socket: non-blocking, registered.
    ///
    /// # Panics
    /// Outside [`run`](crate::run).
    #[track_caller]
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        socket.set_nonblocking(true)?;
        Ok(UdpSocket {
            io: Registered::new(socket)?,
        })
    }

    /// The address this socket is bound to, with the real port if it was bound to port 0.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// The address [`connect`](Self::connect) set; an error of kind `NotConnected` before.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// Sets the one address that [`send`](Self::send) sends to and [`recv`](Self::recv)
    /// receives from; the kernel then drops datagrams from anyone else.
    ///
    /// Nothing is sent and nothing waits: a UDP "connect" is a note in the kernel, not a
    /// handshake, so it says nothing about whether anyone listens there. It does one more
    /// thing: if the peer's host answers a datagram with "port unreachable" (ICMP), a later
    /// receive on a connected socket fails with `ConnectionRefused`; an unconnected socket
    /// is never told.
    pub fn connect(&self, addr: impl ToSocketAddrs) -> io::Result<()> {
        self.io.get_ref().connect(addr)
    }

    // ANCHOR: poll
    /// Receives one datagram into `buf` if one is queued; otherwise arranges for the task to
    /// be woken when the socket becomes readable. Returns its length and where it came from.
    ///
    /// A datagram longer than `buf` is cut to fit and the rest of it is lost. `Ok((0, addr))`
    /// is an empty datagram, not an end of file: UDP has none.
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        // Not `poll_read_into`: a datagram shorter than `buf` does not mean none is left.
        self.io.poll_read_with(cx, |s| s.recv_from(buf))
    }

    /// Sends `buf` to `target` as one datagram if the kernel takes it now; otherwise arranges
    /// for the task to be woken when the socket becomes writable. The datagram leaves whole or
    /// not at all: `Ok(n)` is always `buf.len()`.
    pub fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_with(cx, |s| s.send_to(buf, target))
    }
    // ANCHOR_END: poll

    /// [`poll_recv_from`](Self::poll_recv_from) on a connected socket: from the peer only.
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.io.poll_read_with(cx, |s| s.recv(buf))
    }

    /// [`poll_send_to`](Self::poll_send_to) on a connected socket: to the peer.
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io.poll_write_with(cx, |s| s.send(buf))
    }

    /// Waits for the next datagram and returns its length and where it came from (see
    /// [`poll_recv_from`](Self::poll_recv_from)).
    pub fn recv_from<'a>(&'a self, buf: &'a mut [u8]) -> RecvFrom<'a> {
        RecvFrom { socket: self, buf }
    }

    /// Sends `buf` as one datagram to `target`, an address already resolved (resolving a
    /// host name could block the loop: do it once, before).
    pub fn send_to<'a>(&'a self, buf: &'a [u8], target: SocketAddr) -> SendDatagram<'a> {
        SendDatagram {
            socket: self,
            buf,
            target: Some(target),
        }
    }

    /// Waits for the next datagram from the connected peer and returns its length.
    pub fn recv<'a>(&'a self, buf: &'a mut [u8]) -> Recv<'a> {
        Recv { socket: self, buf }
    }

    /// Sends `buf` as one datagram to the connected peer.
    pub fn send<'a>(&'a self, buf: &'a [u8]) -> SendDatagram<'a> {
        SendDatagram {
            socket: self,
            buf,
            target: None,
        }
    }

    /// Forgets the task waiting to receive (its future was dropped).
    pub(crate) fn clear_reader(&self) {
        self.io.clear_reader();
    }

    /// Forgets the task waiting to send (its future was dropped).
    pub(crate) fn clear_writer(&self) {
        self.io.clear_writer();
    }
}

/// The future returned by [`UdpSocket::recv_from`]. Dropping it forgets the waiting task.
///
/// Cancel safety: safe. A datagram is taken from the kernel only in the poll that returns it;
/// one that arrives after the future is dropped waits in the socket for the next receive.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` them"]
pub struct RecvFrom<'a> {
    /// The socket whose reader slot this future may occupy.
    socket: &'a UdpSocket,
    /// Where the datagram goes.
    buf: &'a mut [u8],
}

impl Future for RecvFrom<'_> {
    type Output = io::Result<(usize, SocketAddr)>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        this.socket.poll_recv_from(cx, this.buf)
    }
}

impl Drop for RecvFrom<'_> {
    fn drop(&mut self) {
        self.socket.clear_reader();
    }
}

/// The future returned by [`UdpSocket::recv`]. Dropping it forgets the waiting task.
///
/// Cancel safety: safe. A datagram is taken from the kernel only in the poll that returns it.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` them"]
pub struct Recv<'a> {
    /// The socket whose reader slot this future may occupy.
    socket: &'a UdpSocket,
    /// Where the datagram goes.
    buf: &'a mut [u8],
}

impl Future for Recv<'_> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        this.socket.poll_recv(cx, this.buf)
    }
}

impl Drop for Recv<'_> {
    fn drop(&mut self) {
        self.socket.clear_reader();
    }
}

/// The future returned by [`UdpSocket::send_to`] and [`UdpSocket::send`]. Dropping it forgets
/// the waiting task.
///
/// Cancel safety: safe. The datagram is handed to the kernel whole, in the poll that returns
/// `Ready`; dropped before that, nothing of it was sent.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` them"]
pub struct SendDatagram<'a> {
    /// The socket whose writer slot this future may occupy.
    socket: &'a UdpSocket,
    /// The datagram.
    buf: &'a [u8],
    /// Where it goes; `None` for the connected peer.
    target: Option<SocketAddr>,
}

impl Future for SendDatagram<'_> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.target {
            Some(target) => self.socket.poll_send_to(cx, self.buf, target),
            None => self.socket.poll_send(cx, self.buf),
        }
    }
}

impl Drop for SendDatagram<'_> {
    fn drop(&mut self) {
        self.socket.clear_writer();
    }
}
