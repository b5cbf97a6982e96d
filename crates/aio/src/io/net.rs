//! Sockets on the loop: TCP's [`TcpListener`] and [`TcpStream`] (here), UDP's [`UdpSocket`]
//! (in `net/udp.rs`). The crate's root re-exports all three: `aio::TcpStream` is
//! `aio::net::TcpStream`.
//!
//! Each wraps a std socket, switched to non-blocking mode and registered once with the loop's
//! reactor (a [`Registered`]). An operation is tried at once; if the kernel says "would block",
//! the task waits for the socket's next readiness edge and tries again (see `reactor`).
//!
//! Two things std cannot do are done here:
//!
//! * **A non-blocking connect.** `std::net::TcpStream::connect` blocks the thread until the
//!   handshake ends, which would freeze every task on the loop. [`TcpStream::connect`] creates
//!   a non-blocking socket, starts `connect(2)` (which answers `EINPROGRESS`), waits until the
//!   socket is writable, and then checks how the handshake ended (`SO_ERROR`, then the peer's
//!   address) - writability alone also means "failed".
//! * **Forgetting a waiting task when its future is dropped.** The leaf futures here
//!   ([`TcpListener::accept`], [`TcpStream::read`], [`TcpStream::write`]) clear the waker they
//!   left in the reactor when they are dropped, so a cancelled task is not woken later.
//!
//! `TcpListener::bind` is std's: on Unix it sets `SO_REUSEADDR` before binding, so a server can
//! be restarted on the same port at once, while the old connections are in `TIME_WAIT`.

use std::future::Future;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, ToSocketAddrs};
use std::pin::Pin;
use std::task::{Context, Poll};

#[cfg(not(target_vendor = "apple"))]
use rustix::net::SocketFlags;
use rustix::net::{AddressFamily, SocketType};

use crate::reactor::Registered;

mod udp;
pub use udp::{Recv, RecvFrom, SendDatagram, UdpSocket};

/// How many connections the kernel may hold for the listener before the loop accepts them.
const BACKLOG: i32 = 1024;

/// A TCP socket listening for connections, registered with the running loop.
#[derive(Debug)]
pub struct TcpListener {
    /// The std listener, non-blocking, registered for readiness.
    io: Registered<std::net::TcpListener>,
}

impl TcpListener {
    /// Binds to `addr` (port 0 lets the OS choose a free port; see [`local_addr`](Self::local_addr))
    /// and registers the socket with the running loop.
    ///
    /// # Panics
    /// Outside [`run`](crate::run).
    #[track_caller]
    pub fn bind(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
        // std sets SO_REUSEADDR on Unix before bind(2): quick rebinding comes for free.
        let listener = std::net::TcpListener::bind(addr)?;
        // std listens with a backlog of 128: a burst of more clients than that overflows the
        // kernel's accept queue before the loop gets to accept, and some of them are reset.
        // Listening again only raises the backlog (the kernel caps it at `somaxconn`).
        rustix::net::listen(&listener, BACKLOG)?;
        listener.set_nonblocking(true)?;
        Ok(TcpListener {
            io: Registered::new(listener)?,
        })
    }

    /// The address the listener is bound to, with the real port if it was bound to port 0.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// Accepts a connection if one is waiting; otherwise arranges for the task to be woken.
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        let (stream, addr) = std::task::ready!(self.io.poll_read_with(cx, accept_nonblocking))?;
        Poll::Ready(TcpStream::from_nonblocking(stream).map(|stream| (stream, addr)))
    }

    /// Waits for the next connection and returns it with the peer's address.
    pub fn accept(&self) -> Accept<'_> {
        Accept { listener: self }
    }
}

/// `accept4(2)` with `SOCK_NONBLOCK`: the connection is born non-blocking, which saves the
/// `ioctl` that std's `accept` followed by `set_nonblocking` would make.
#[cfg(not(target_vendor = "apple"))]
fn accept_nonblocking(
    listener: &std::net::TcpListener,
) -> io::Result<(std::net::TcpStream, SocketAddr)> {
    let flags = SocketFlags::NONBLOCK | SocketFlags::CLOEXEC;
    let (fd, addr) = rustix::net::acceptfrom_with(listener, flags)?;
    let addr = addr.and_then(|addr| SocketAddr::try_from(addr).ok());
    let addr = addr.ok_or_else(|| io::Error::other("accepted a peer with no IP address"))?;
    Ok((std::net::TcpStream::from(fd), addr))
}

/// macOS has no `accept4(2)`: std's `accept` (close-on-exec), then `set_nonblocking`.
#[cfg(target_vendor = "apple")]
fn accept_nonblocking(
    listener: &std::net::TcpListener,
) -> io::Result<(std::net::TcpStream, SocketAddr)> {
    let (stream, addr) = listener.accept()?;
    stream.set_nonblocking(true)?;
    Ok((stream, addr))
}

/// A new TCP socket for `family`, non-blocking and closed on `exec`: in one call where the
/// platform allows (`SOCK_NONBLOCK | SOCK_CLOEXEC`), in three on macOS, which does not.
fn nonblocking_socket(family: AddressFamily) -> io::Result<std::os::fd::OwnedFd> {
    #[cfg(not(target_vendor = "apple"))]
    let fd = {
        let flags = SocketFlags::NONBLOCK | SocketFlags::CLOEXEC;
        rustix::net::socket_with(family, SocketType::STREAM, flags, None)?
    };
    #[cfg(target_vendor = "apple")]
    let fd = {
        let fd = rustix::net::socket(family, SocketType::STREAM, None)?;
        rustix::io::fcntl_setfd(&fd, rustix::io::FdFlags::CLOEXEC)?;
        rustix::io::ioctl_fionbio(&fd, true)?;
        fd
    };
    Ok(fd)
}

/// The future returned by [`TcpListener::accept`]. Dropping it forgets the waiting task.
///
/// Cancel safety: safe. A connection is taken from the kernel only in the poll that returns
/// it; one that arrives after the future is dropped waits for the next `accept`.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` them"]
pub struct Accept<'a> {
    /// The listener whose reader slot this future may occupy.
    listener: &'a TcpListener,
}

impl Future for Accept<'_> {
    type Output = io::Result<(TcpStream, SocketAddr)>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.listener.poll_accept(cx)
    }
}

impl Drop for Accept<'_> {
    fn drop(&mut self) {
        self.listener.io.clear_reader();
    }
}

/// A TCP connection, registered with the running loop.
///
/// It implements `futures::io::{AsyncRead, AsyncWrite}`; the streams API
/// ([`open_connection`](crate::open_connection)) is built on it.
/// Dropping it deregisters the socket, then closes it.
#[derive(Debug)]
pub struct TcpStream {
    /// The std stream, non-blocking, registered for readiness.
    io: Registered<std::net::TcpStream>,
}

impl TcpStream {
    /// Connects to `addr` without blocking the loop, trying each address it resolves to in
    /// turn, and returns the first connection that succeeds (or the last error).
    ///
    /// Name resolution itself (`"localhost:8888"`) is done by std and may block briefly;
    /// a `SocketAddr` or `"127.0.0.1:8888"` does not.
    ///
    /// Cancel safety: safe. Dropping it closes the half-open socket; nothing else is lost.
    pub async fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpStream> {
        let mut last_error = None;
        for addr in addr.to_socket_addrs()? {
            match TcpStream::connect_addr(addr).await {
                Ok(stream) => return Ok(stream),
                Err(e) => last_error = Some(e),
            }
        }
        Err(last_error.unwrap_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "no address to connect to")
        }))
    }

    // ANCHOR: connect
    async fn connect_addr(addr: SocketAddr) -> io::Result<TcpStream> {
        let family = match addr {
            SocketAddr::V4(_) => AddressFamily::INET,
            SocketAddr::V6(_) => AddressFamily::INET6,
        };
        let fd = nonblocking_socket(family)?;
        match rustix::net::connect(&fd, &addr) {
            // The handshake continues in the kernel; writability will say it ended.
            Ok(()) | Err(rustix::io::Errno::INPROGRESS) => {}
            Err(e) => return Err(e.into()),
        }
        // Registered before waiting: epoll reports an edge that happened before registration.
        let stream = TcpStream {
            io: Registered::new(std::net::TcpStream::from(fd))?,
        };
        // If this future is dropped while waiting, `stream` (and its registration) goes too.
        std::future::poll_fn(|cx| {
            stream.io.poll_write_with(cx, |s| {
                // Writable means "the handshake ended", not "it succeeded": ask how.
                if let Some(e) = s.take_error()? {
                    return Err(e);
                }
                match s.peer_addr() {
                    Ok(_) => Ok(()),
                    // Not connected and no error yet: not finished after all, wait again.
                    Err(e) if e.kind() == io::ErrorKind::NotConnected => {
                        Err(io::ErrorKind::WouldBlock.into())
                    }
                    Err(e) => Err(e),
                }
            })
        })
        .await?;
        stream.set_nodelay(true)?;
        Ok(stream)
    }
    // ANCHOR_END: connect

    /// Wraps an already connected std stream (from std's `accept`, say): non-blocking, no
    /// Nagle delay, registered.
    ///
    /// # Panics
    /// Outside [`run`](crate::run).
    #[track_caller]
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        stream.set_nonblocking(true)?;
        TcpStream::from_nonblocking(stream)
    }

    /// Wraps a connected stream that is already non-blocking: no Nagle delay, registered.
    #[track_caller]
    fn from_nonblocking(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        stream.set_nodelay(true)?;
        Ok(TcpStream {
            io: Registered::new(stream)?,
        })
    }

    /// The address of the other end.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// Turns Nagle's algorithm off (`true`, the default here, as in asyncio) or on.
    ///
    /// With it on, a small write made while an earlier one is unacknowledged waits for the
    /// acknowledgement, which the peer may delay by up to 40 ms: a chatty request/response
    /// protocol then crawls.
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.io.get_ref().set_nodelay(nodelay)
    }

    /// True if Nagle's algorithm is off (see [`set_nodelay`](TcpStream::set_nodelay)).
    pub fn nodelay(&self) -> io::Result<bool> {
        self.io.get_ref().nodelay()
    }

    /// The address of this end.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// Shuts down reading, writing or both. `Shutdown::Write` sends the peer an end of file
    /// (its reads return 0) while this side can still read the answer.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        match self.io.get_ref().shutdown(how) {
            // The peer already went away: there is nothing left to shut.
            Err(e) if e.kind() == io::ErrorKind::NotConnected => Ok(()),
            other => other,
        }
    }

    // ANCHOR: poll_read
    /// Reads into `buf` if data (or the end of file) is there; otherwise arranges for the task
    /// to be woken when the socket becomes readable. `Ok(0)` means end of file.
    pub fn poll_read(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.io.poll_read_into(cx, buf, |mut s, buf| s.read(buf))
    }

    /// Writes from `buf` as much as the kernel takes; otherwise arranges for the task to be
    /// woken when the socket becomes writable.
    pub fn poll_write(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io.poll_write_from(cx, buf, |mut s, buf| s.write(buf))
    }
    // ANCHOR_END: poll_read

    /// Reads some bytes into `buf`: at least one, or 0 at end of file.
    pub fn read<'a>(&'a self, buf: &'a mut [u8]) -> ReadSome<'a> {
        ReadSome { stream: self, buf }
    }

    /// Writes some bytes of `buf` (at least one unless `buf` is empty) and says how many.
    pub fn write<'a>(&'a self, buf: &'a [u8]) -> WriteSome<'a> {
        WriteSome { stream: self, buf }
    }

    /// Forgets the task waiting to read (its future was dropped).
    pub(crate) fn clear_reader(&self) {
        self.io.clear_reader();
    }

    /// Forgets the task waiting to write (its future was dropped).
    pub(crate) fn clear_writer(&self) {
        self.io.clear_writer();
    }
}

/// The future returned by [`TcpStream::read`]. Dropping it forgets the waiting task.
///
/// Cancel safety: safe. Bytes are read only in the poll that returns them; those that arrive
/// after the future is dropped wait in the socket for the next read.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` them"]
pub struct ReadSome<'a> {
    /// The stream whose reader slot this future may occupy.
    stream: &'a TcpStream,
    /// Where the bytes go.
    buf: &'a mut [u8],
}

impl Future for ReadSome<'_> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        this.stream.poll_read(cx, this.buf)
    }
}

// ANCHOR: read_drop
impl Drop for ReadSome<'_> {
    fn drop(&mut self) {
        self.stream.clear_reader();
    }
}
// ANCHOR_END: read_drop

/// The future returned by [`TcpStream::write`]. Dropping it forgets the waiting task.
///
/// Cancel safety: safe. Bytes are written only in the poll that returns how many; if it is
/// dropped before, none of them were sent.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` them"]
pub struct WriteSome<'a> {
    /// The stream whose writer slot this future may occupy.
    stream: &'a TcpStream,
    /// The bytes to send.
    buf: &'a [u8],
}

impl Future for WriteSome<'_> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.stream.poll_write(cx, self.buf)
    }
}

impl Drop for WriteSome<'_> {
    fn drop(&mut self) {
        self.stream.clear_writer();
    }
}

impl futures::io::AsyncRead for TcpStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        TcpStream::poll_read(&self, cx, buf)
    }
}

impl futures::io::AsyncWrite for TcpStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        TcpStream::poll_write(&self, cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Nothing is buffered here: every write went to the kernel.
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.shutdown(Shutdown::Write))
    }
}
