//! One end of a pipe to a child process, registered with the loop's reactor like a socket.
//!
//! std creates the pipes when it spawns a child (`Stdio::piped()`), blocking and closed on
//! `exec`. This end is the parent's alone (the child has the other end, in another open file
//! description), so switching it to non-blocking mode changes nothing for the child. Then it is
//! registered once, edge-triggered, and read or written with `read(2)` and `write(2)` as the
//! reactor's rule says: try, and on "would block" wait for the next edge.
//!
//! Epoll reports a pipe whose other end closed as a hang-up (`EPOLLHUP`), which the reactor
//! treats as "the peer closed": the end of file is then read to its last byte.

use std::cell::RefCell;
use std::io;
use std::os::fd::OwnedFd;
use std::task::{Context, Poll};

use crate::reactor::Registered;

/// The parent's end of a pipe: a child's stdout or stderr to read, or its stdin to write.
#[derive(Debug)]
pub(crate) struct Pipe {
    /// The descriptor, non-blocking and registered; `None` once [`close`](Pipe::close)d (the
    /// child's stdin after `write_eof`: the child reads its end of file only when the last
    /// descriptor for the writing end is closed, so closing cannot wait for the drop).
    io: RefCell<Option<Registered<OwnedFd>>>,
}

impl Pipe {
    /// Makes `fd` non-blocking and registers it with the running loop.
    ///
    /// # Panics
    /// Outside [`run`](crate::run).
    #[track_caller]
    pub(crate) fn new(fd: impl Into<OwnedFd>) -> io::Result<Pipe> {
        let fd = fd.into();
        rustix::io::ioctl_fionbio(&fd, true)?;
        Ok(Pipe {
            io: RefCell::new(Some(Registered::new(fd)?)),
        })
    }

    /// Reads into `buf` if data (or the end of file) is there; otherwise arranges for the task
    /// to be woken when the pipe becomes readable. `Ok(0)` means end of file.
    pub(crate) fn poll_read(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        match &*self.io.borrow() {
            Some(io) => io.poll_read_into(cx, buf, |fd, buf| Ok(rustix::io::read(fd, buf)?)),
            None => Poll::Ready(Ok(0)),
        }
    }

    /// Writes from `buf` as much as the pipe takes; otherwise arranges for the task to be
    /// woken when it has room. An error once the pipe is closed, or the child closed its end
    /// (`EPIPE`: Rust programs ignore `SIGPIPE`, so the write fails instead of killing us).
    pub(crate) fn poll_write(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match &*self.io.borrow() {
            Some(io) => io.poll_write_from(cx, buf, |fd, buf| Ok(rustix::io::write(fd, buf)?)),
            None => Poll::Ready(Err(io::ErrorKind::BrokenPipe.into())),
        }
    }

    /// Deregisters and closes this end now. For a child's stdin this is its end of file.
    pub(crate) fn close(&self) {
        // Take it out first: dropping it deregisters and closes, with no borrow held.
        let io = self.io.borrow_mut().take();
        drop(io);
    }

    /// Forgets the task waiting to read (its future was dropped).
    pub(crate) fn clear_reader(&self) {
        if let Some(io) = &*self.io.borrow() {
            io.clear_reader();
        }
    }

    /// Forgets the task waiting to write (its future was dropped).
    pub(crate) fn clear_writer(&self) {
        if let Some(io) = &*self.io.borrow() {
            io.clear_writer();
        }
    }
}
