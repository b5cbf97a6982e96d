//! What a [`StreamReader`](crate::StreamReader) reads and a
//! [`StreamWriter`](crate::StreamWriter) writes: a TCP connection, or one end of a pipe to a
//! child process.
//!
//! Both are file descriptors registered with the loop's reactor, read and written the same
//! way (try the call; on "would block", wait for the next edge). So the streams API, with its
//! buffer, `readline`, `lines` and `drain`, works on a child's stdin, stdout and stderr as it
//! does on a socket, as asyncio's does. What differs is small: a pipe has no addresses, and
//! "shutting down" the writing side of a pipe means closing it, the only end of file a pipe
//! knows.

use std::io;
use std::net::{Shutdown, SocketAddr};
use std::task::{Context, Poll};

use crate::net::TcpStream;
use crate::pipe::Pipe;

/// A connection or a pipe, shared by the reader and the writer of one stream.
#[derive(Debug)]
pub(crate) enum ByteStream {
    /// A TCP connection: both halves use it.
    Tcp(TcpStream),
    /// One end of a pipe to a child process: its stdout or stderr (read), or its stdin
    /// (written).
    Pipe(Pipe),
}

impl ByteStream {
    /// Reads into `buf` if data (or the end of file) is there; otherwise arranges for the task
    /// to be woken when it becomes readable. `Ok(0)` means end of file.
    pub(crate) fn poll_read(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        match self {
            ByteStream::Tcp(stream) => stream.poll_read(cx, buf),
            ByteStream::Pipe(pipe) => pipe.poll_read(cx, buf),
        }
    }

    /// Writes from `buf` as much as the kernel takes; otherwise arranges for the task to be
    /// woken when it becomes writable.
    pub(crate) fn poll_write(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self {
            ByteStream::Tcp(stream) => stream.poll_write(cx, buf),
            ByteStream::Pipe(pipe) => pipe.poll_write(cx, buf),
        }
    }

    /// Shuts down writing (`Shutdown::Write`: the peer reads an end of file) or both
    /// directions. A pipe is closed either way: closing is how a pipe says "end of file".
    pub(crate) fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        match self {
            ByteStream::Tcp(stream) => stream.shutdown(how),
            ByteStream::Pipe(pipe) => {
                pipe.close();
                Ok(())
            }
        }
    }

    /// The address of the other end; an error for a pipe, which has none.
    pub(crate) fn peer_addr(&self) -> io::Result<SocketAddr> {
        match self {
            ByteStream::Tcp(stream) => stream.peer_addr(),
            ByteStream::Pipe(_) => Err(no_address()),
        }
    }

    /// The address of this end; an error for a pipe, which has none.
    pub(crate) fn local_addr(&self) -> io::Result<SocketAddr> {
        match self {
            ByteStream::Tcp(stream) => stream.local_addr(),
            ByteStream::Pipe(_) => Err(no_address()),
        }
    }

    /// Forgets the task waiting to read (its future was dropped).
    pub(crate) fn clear_reader(&self) {
        match self {
            ByteStream::Tcp(stream) => stream.clear_reader(),
            ByteStream::Pipe(pipe) => pipe.clear_reader(),
        }
    }

    /// Forgets the task waiting to write (its future was dropped).
    pub(crate) fn clear_writer(&self) {
        match self {
            ByteStream::Tcp(stream) => stream.clear_writer(),
            ByteStream::Pipe(pipe) => pipe.clear_writer(),
        }
    }
}

/// What asking a pipe for its address gets (asyncio's `get_extra_info('peername')` is `None`).
fn no_address() -> io::Error {
    io::Error::new(
        io::ErrorKind::Unsupported,
        "a pipe to a child process has no address",
    )
}
