//! The reactor: which sockets are ready, from the poller, to the tasks waiting on them.
//!
//! Each socket is registered once, in *edge-triggered* mode, when it is wrapped in a
//! [`Registered`]. The poller then reports a socket each time it *becomes* readable or writable;
//! the reactor records that in the socket's [`Source`] and wakes the task waiting for it.
//!
//! An I/O operation goes like this (see [`Registered::poll_read_with`]):
//!
//! ```text
//!  readable flag set? ──no──▶ store the task's waker, Pending   (no system call)
//!        │ yes
//!  try the operation ──WouldBlock──▶ clear the flag, store the waker, Pending
//!        │ done
//!      Ready   (a short read or write clears the flag too: the kernel's buffer is empty/full)
//! ```
//!
//! Because registration is edge-triggered, a wait costs no system call: interest is never
//! re-armed. The price is a rule: a task may only wait after the kernel showed that the edge
//! was used up: a `WouldBlock`, or a read that returned less than asked for (unless the peer's
//! end of file came with the edge: epoll says so with `EPOLLRDHUP`).
//!
//! `polling` owns the poller (epoll on Linux, kqueue on macOS and the BSDs) and the wake-up
//! from other threads (`Poller::notify`). How sockets are registered and waited for is the
//! backend's business, one file each:
//!
//! * `epoll.rs`, on Linux: the reactor registers sockets and waits on `polling`'s epoll
//!   instance itself, through `rustix`'s safe epoll calls, for two reasons: `Poller::wait`
//!   costs five system calls on Linux where one `epoll_wait` will do, and `polling` neither
//!   asks for nor reports `EPOLLRDHUP`.
//! * `portable.rs`, everywhere else (and on Linux with the `portable` feature, to test it):
//!   `polling`'s own registration and wait. It cannot tell a closed peer, so it gives up the
//!   short-read rule and pays one `WouldBlock` read per message.

use std::cell::{Cell, RefCell};
use std::io;
use std::mem;
use std::os::fd::AsFd;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use polling::Poller;

use crate::runtime;

// One backend per build (see the module doc).
#[cfg(all(target_os = "linux", not(feature = "portable")))]
mod epoll;
#[cfg(all(target_os = "linux", not(feature = "portable")))]
use epoll as backend;
#[cfg(any(not(target_os = "linux"), feature = "portable"))]
mod portable;
#[cfg(any(not(target_os = "linux"), feature = "portable"))]
use portable as backend;

pub(crate) use backend::Notifier;

/// What the poller said about one socket.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Readiness {
    /// It became readable (or closed, or failed).
    pub(crate) readable: bool,
    /// It became writable (or closed, or failed).
    pub(crate) writable: bool,
    /// Its peer closed its side, it failed, or the poller could not tell.
    pub(crate) peer_closed: bool,
}

/// The loop's poller and the sockets registered with it.
pub(crate) struct Reactor {
    /// The poller, shared with the run queue (which calls `notify()` on it).
    poller: Arc<Poller>,
    /// How this platform registers sockets and waits: see the module doc.
    backend: backend::Backend,
    /// How other threads end the loop's wait; shared with the run queue's wakers.
    notifier: Arc<Notifier>,
    /// Registered sources by key. A slot is `None` once its socket is deregistered; its key is
    /// reused only after that, and a late event for the old socket just wakes nobody.
    sources: RefCell<Vec<Option<Rc<Source>>>>,
    /// Keys of empty slots in `sources`.
    free: RefCell<Vec<usize>>,
    /// Wakers collected from ready sources, woken after every borrow is released.
    to_wake: RefCell<Vec<Waker>>,
    /// A socket was written to (or a connect started) since `take_sent` last looked: bytes
    /// may be on their way to a peer of this loop (virtual time listens longer then).
    sent: Cell<bool>,
}

impl std::fmt::Debug for Reactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reactor")
            .field("poller", &self.poller)
            .field("sources", &self.sources)
            .finish_non_exhaustive()
    }
}

impl Reactor {
    pub(crate) fn new(poller: Arc<Poller>) -> Reactor {
        let notifier =
            Notifier::new(&poller).expect("aio: could not create the loop's wake-up descriptor");
        Reactor {
            backend: backend::Backend::new(&poller),
            notifier: Arc::new(notifier),
            poller,
            sources: RefCell::new(Vec::new()),
            free: RefCell::new(Vec::new()),
            to_wake: RefCell::new(Vec::new()),
            sent: Cell::new(false),
        }
    }

    /// What wakers on other threads call to end the loop's wait.
    pub(crate) fn notifier(&self) -> Arc<Notifier> {
        self.notifier.clone()
    }

    // ANCHOR: poll
    /// Waits for readiness for at most `timeout` and collects the wakers of the tasks waiting
    /// on ready sockets; [`wake_ready`](Self::wake_ready) wakes them. Returns the number of
    /// socket events. A `notify()` from another thread ends the wait early.
    ///
    /// Waking is a separate step so that the loop can first mark itself unparked: a task woken
    /// while the loop still counts as parked would `notify()` the poller, a wasted system call
    /// that also cuts the next wait short.
    pub(crate) fn poll(&self, timeout: Option<Duration>) -> usize {
        let mut count = 0;
        self.backend.wait(&self.poller, timeout, |key, readiness| {
            count += 1;
            self.ready(key, readiness);
        });
        count
    }

    /// Records what the poller said about the socket under `key` and collects the wakers of
    /// the tasks that were waiting for it.
    fn ready(&self, key: usize, readiness: Readiness) {
        let sources = self.sources.borrow();
        let Some(Some(source)) = sources.get(key) else {
            return; // Deregistered since: a late event wakes nobody.
        };
        let mut to_wake = self.to_wake.borrow_mut();
        if readiness.peer_closed {
            source.peer_closed.set(true);
        }
        if readiness.readable {
            source.readable.set(true);
            to_wake.extend(source.reader.take());
        }
        if readiness.writable {
            source.writable.set(true);
            to_wake.extend(source.writer.take());
        }
    }

    /// Wakes the tasks that the last [`poll`](Self::poll) found ready.
    pub(crate) fn wake_ready(&self) {
        // Take the list out to release the borrow before waking, then put it back empty, so
        // that its buffer serves the next poll too.
        let mut wakers = mem::take(&mut *self.to_wake.borrow_mut());
        wakers.drain(..).for_each(Waker::wake);
        *self.to_wake.borrow_mut() = wakers;
    }
    // ANCHOR_END: poll

    /// True if a socket was written to (or a connect started) since the last call.
    pub(crate) fn take_sent(&self) -> bool {
        self.sent.replace(false)
    }

    /// True if some task waits on some socket (virtual time then listens before it jumps).
    ///
    /// A scan, not a counter: it runs only when a virtual clock is about to jump, and a
    /// counter would have to follow every place a waker is stored, taken or cleared.
    pub(crate) fn has_waiters(&self) -> bool {
        self.sources
            .borrow()
            .iter()
            .flatten()
            .any(|s| s.waiters() > 0)
    }

    /// How many tasks wait on a socket (one per reader, one per writer).
    fn waiters(&self) -> usize {
        self.sources
            .borrow()
            .iter()
            .flatten()
            .map(|s| s.waiters())
            .sum()
    }

    /// How many sockets are registered: the slots of `sources` that are not free.
    fn len(&self) -> usize {
        self.sources.borrow().len() - self.free.borrow().len()
    }

    fn insert(&self, source: impl FnOnce(usize) -> Source) -> Rc<Source> {
        let mut sources = self.sources.borrow_mut();
        let key = self.free.borrow_mut().pop().unwrap_or(sources.len());
        let source = Rc::new(source(key));
        if key == sources.len() {
            sources.push(Some(source.clone()));
        } else {
            sources[key] = Some(source.clone());
        }
        source
    }

    fn remove(&self, key: usize) {
        if let Some(slot) = self.sources.borrow_mut().get_mut(key) {
            if slot.take().is_some() {
                self.free.borrow_mut().push(key);
            }
        }
    }

    /// True if any socket is registered. Without one, the poller has nothing to report but a
    /// `notify()`, which only matters while the loop is parked.
    pub(crate) fn has_sources(&self) -> bool {
        self.len() > 0
    }
}

// ANCHOR: source
/// One registered socket's readiness and the tasks waiting on it.
pub(crate) struct Source {
    /// The key the poller reports this socket under.
    key: usize,
    /// The last edge said "readable" and no read has said `WouldBlock` since.
    readable: Cell<bool>,
    /// The last edge said "writable" and no write has said `WouldBlock` since.
    writable: Cell<bool>,
    /// The peer closed its side (`EPOLLRDHUP`) or the socket failed, or the poller could not
    /// tell. A short read then no longer proves the socket empty: the end of file is still to
    /// be read, and no further edge will announce it. Never cleared.
    peer_closed: Cell<bool>,
    /// The task waiting to read, woken by the next readable edge.
    reader: Cell<Option<Waker>>,
    /// The task waiting to write, woken by the next writable edge.
    writer: Cell<Option<Waker>>,
}
// ANCHOR_END: source

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source")
            .field("key", &self.key)
            .field("readable", &self.readable.get())
            .field("writable", &self.writable.get())
            .field("peer_closed", &self.peer_closed.get())
            .finish_non_exhaustive()
    }
}

impl Source {
    /// How many tasks wait on this socket: 0, 1 or 2 (a reader and a writer).
    fn waiters(&self) -> usize {
        // A `Cell` cannot be looked into: take each waker out and put it back.
        let (reader, writer) = (self.reader.take(), self.writer.take());
        let n = usize::from(reader.is_some()) + usize::from(writer.is_some());
        self.reader.set(reader);
        self.writer.set(writer);
        n
    }
}

/// How many sockets are registered with the running loop. `None` outside `run`.
///
/// A socket is registered from its creation (bind, accept, connect) until it is dropped. The
/// pipes to child processes count too, and on Linux each child's pidfd (`aio::process`).
pub fn socket_count() -> Option<usize> {
    runtime::try_with_core(|core| core.reactor.len())
}

/// How many wakers the running loop holds for sockets: one per task waiting to read a socket
/// and one per task waiting to write one. `None` outside `run`.
///
/// A cancelled task must not stay counted here: its future clears its waker when dropped.
pub fn io_waiter_count() -> Option<usize> {
    runtime::try_with_core(|core| core.reactor.waiters())
}

/// Stores `waker` in `slot` unless the waker already there would wake the same task.
fn store_waker(slot: &Cell<Option<Waker>>, waker: &Waker) {
    let mut current = slot.take();
    match &mut current {
        Some(old) if old.will_wake(waker) => {}
        _ => current = Some(waker.clone()),
    }
    slot.set(current);
}

/// An I/O object (a socket) registered with the running loop's reactor.
///
/// Dropping it deregisters the socket from the poller, then closes it (by dropping `T`).
#[derive(Debug)]
pub struct Registered<T: AsFd> {
    /// The reactor this socket is registered with (not necessarily the current one at drop).
    reactor: Rc<Reactor>,
    /// This socket's readiness flags and waiting tasks, shared with the reactor.
    source: Rc<Source>,
    /// The socket itself, registered with the poller; deleted from it, then closed, on drop.
    io: backend::Io<T>,
}

impl<T: AsFd + 'static> Registered<T> {
    /// Registers `io` with the running loop. The caller must already have made it non-blocking.
    ///
    /// # Panics
    /// Outside [`run`](crate::run).
    #[track_caller]
    pub fn new(io: T) -> io::Result<Registered<T>> {
        let reactor = runtime::with_core("registering a socket", |core| core.reactor.clone());
        let source = reactor.insert(|key| Source {
            key,
            readable: Cell::new(true),
            writable: Cell::new(true),
            // A backend that cannot tell marks every socket "may have closed" from the start.
            peer_closed: Cell::new(!backend::TELLS_PEER_CLOSED),
            reader: Cell::new(None),
            writer: Cell::new(None),
        });
        let io = match backend::Io::add(&reactor.poller, io, source.key) {
            Ok(io) => io,
            Err(e) => {
                reactor.remove(source.key);
                return Err(e);
            }
        };
        Ok(Registered {
            reactor,
            source,
            io,
        })
    }
}

impl<T: AsFd> Registered<T> {
    /// The I/O object.
    pub fn get_ref(&self) -> &T {
        self.io.get_ref()
    }

    /// Runs the read-like `op` if the socket may be readable; if it would block, arranges for
    /// the current task to be woken when the socket becomes readable.
    pub fn poll_read_with<R>(
        &self,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        poll_with(&self.source.readable, &self.source.reader, cx, || {
            op(self.io.get_ref())
        })
    }

    /// Runs the write-like `op` if the socket may be writable; if it would block, arranges for
    /// the current task to be woken when the socket becomes writable.
    pub fn poll_write_with<R>(
        &self,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        poll_with(&self.source.writable, &self.source.writer, cx, || {
            self.reactor.sent.set(true);
            op(self.io.get_ref())
        })
    }

    // ANCHOR: short
    /// Reads into `buf` with `op` (a `read(2)`-like call) as [`poll_read_with`] does, and
    /// saves the next system call when it can: a read that returns fewer bytes than `buf`
    /// holds has emptied the kernel's buffer, and anything arriving later brings a new edge.
    /// So the flag is cleared without asking the kernel again for a `WouldBlock`. Not when the
    /// peer has closed its side: its end of file is still to be read, and no edge will come.
    ///
    /// [`poll_read_with`]: Registered::poll_read_with
    pub fn poll_read_into(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
        mut op: impl FnMut(&T, &mut [u8]) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        let asked = buf.len();
        let n = std::task::ready!(self.poll_read_with(cx, |io| op(io, buf)))?;
        if 0 < n && n < asked && !self.source.peer_closed.get() {
            self.source.readable.set(false);
        }
        Poll::Ready(Ok(n))
    }

    /// Writes from `buf` with `op` (a `write(2)`-like call) as [`poll_write_with`] does; a
    /// write that takes fewer bytes than offered has filled the kernel's buffer, so the flag is
    /// cleared and the next write waits for the edge that says there is room again.
    ///
    /// [`poll_write_with`]: Registered::poll_write_with
    pub fn poll_write_from(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        mut op: impl FnMut(&T, &[u8]) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        let n = std::task::ready!(self.poll_write_with(cx, |io| op(io, buf)))?;
        if 0 < n && n < buf.len() {
            self.source.writable.set(false);
        }
        Poll::Ready(Ok(n))
    }
    // ANCHOR_END: short

    /// Forgets the task waiting to read (its future was dropped).
    pub fn clear_reader(&self) {
        drop(self.source.reader.take());
    }

    /// Forgets the task waiting to write (its future was dropped).
    pub fn clear_writer(&self) {
        drop(self.source.writer.take());
    }
}

// ANCHOR: poll_with
fn poll_with<R>(
    ready: &Cell<bool>,
    waiter: &Cell<Option<Waker>>,
    cx: &mut Context<'_>,
    mut op: impl FnMut() -> io::Result<R>,
) -> Poll<io::Result<R>> {
    loop {
        if !ready.get() {
            store_waker(waiter, cx.waker());
            return Poll::Pending;
        }
        match op() {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => ready.set(false),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            result => return Poll::Ready(result),
        }
    }
}
// ANCHOR_END: poll_with

impl<T: AsFd> Drop for Registered<T> {
    fn drop(&mut self) {
        // The key may be reused from now on; a late event for it wakes nobody. `self.io` is
        // dropped after this: deleted from the poller, then closed.
        self.reactor.remove(self.source.key);
    }
}
