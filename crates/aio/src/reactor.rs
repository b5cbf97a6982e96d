//! The reactor: which sockets are ready, from the poller (epoll), to the tasks waiting on them.
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
//!      Ready
//! ```
//!
//! Because registration is edge-triggered, a wait costs no system call: interest is never
//! re-armed. The price is a rule: a task may only wait after an operation said `WouldBlock`,
//! otherwise it could wait for an edge that already passed. A short read is not that proof: the
//! peer's end of file may have arrived behind the same edge as the data (see
//! `TcpStream::poll_read`).

use std::cell::{Cell, RefCell};
use std::io;
use std::mem;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use polling::{Event, Events, PollMode, Poller};

use crate::runtime;

/// The loop's poller and the sockets registered with it.
#[derive(Debug)]
pub(crate) struct Reactor {
    /// The epoll instance, shared with the run queue (which calls `notify()` on it).
    poller: Arc<Poller>,
    /// Registered sources by key. A slot is `None` once its socket is deregistered; its key is
    /// reused only after that, and a late event for the old socket just wakes nobody.
    sources: RefCell<Vec<Option<Rc<Source>>>>,
    /// Keys of empty slots in `sources`.
    free: RefCell<Vec<usize>>,
    /// The buffer `poller.wait` fills, kept between turns to avoid allocating.
    events: RefCell<Events>,
    /// Wakers collected from ready sources, woken after every borrow is released.
    to_wake: RefCell<Vec<Waker>>,
}

impl Reactor {
    pub(crate) fn new(poller: Arc<Poller>) -> Reactor {
        Reactor {
            poller,
            sources: RefCell::new(Vec::new()),
            free: RefCell::new(Vec::new()),
            events: RefCell::new(Events::new()),
            to_wake: RefCell::new(Vec::new()),
        }
    }

    // ANCHOR: poll
    /// Waits for readiness for at most `timeout` and collects the wakers of the tasks waiting
    /// on ready sockets; [`wake_ready`](Self::wake_ready) wakes them. Returns the number of
    /// events. A `notify()` from another thread ends the wait early.
    ///
    /// Waking is a separate step so that the loop can first mark itself unparked: a task woken
    /// while the loop still counts as parked would `notify()` the poller, a wasted system call
    /// that also cuts the next wait short.
    pub(crate) fn poll(&self, timeout: Option<Duration>) -> usize {
        let mut events = self.events.borrow_mut();
        events.clear();
        let count = match self.poller.wait(&mut events, timeout) {
            Ok(count) => count,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return 0,
            Err(e) => panic!("aio: waiting on the poller failed: {e}"),
        };
        let mut to_wake = self.to_wake.borrow_mut();
        let sources = self.sources.borrow();
        for event in events.iter() {
            let Some(Some(source)) = sources.get(event.key) else {
                continue;
            };
            if event.readable {
                source.readable.set(true);
                to_wake.extend(source.reader.take());
            }
            if event.writable {
                source.writable.set(true);
                to_wake.extend(source.writer.take());
            }
        }
        count
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
/// A socket is registered from its creation (bind, accept, connect) until it is dropped.
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

// ANCHOR: register
/// Adds `fd` to the poller under `key`, edge-triggered, for both reading and writing.
///
/// This is the one `unsafe` call in `aio`.
#[allow(unsafe_code)]
fn register(poller: &Poller, fd: BorrowedFd<'_>, key: usize) -> io::Result<()> {
    // SAFETY: `polling` requires the descriptor to be removed from the poller before it is
    // closed. The only caller is `Registered::new`, which owns the descriptor's I/O object for
    // as long as it is registered; `Registered::drop` deletes it from the poller before that
    // object (and so the descriptor) is dropped.
    unsafe { poller.add_with_mode(fd.as_raw_fd(), Event::all(key), PollMode::Edge) }
}
// ANCHOR_END: register

/// An I/O object (a socket) registered with the running loop's reactor.
///
/// Dropping it deregisters the socket from the poller, then closes it (by dropping `T`).
#[derive(Debug)]
pub struct Registered<T: AsFd> {
    /// The reactor this socket is registered with (not necessarily the current one at drop).
    reactor: Rc<Reactor>,
    /// This socket's readiness flags and waiting tasks, shared with the reactor.
    source: Rc<Source>,
    /// The socket itself, closed when dropped (after deregistering).
    io: T,
}

impl<T: AsFd> Registered<T> {
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
            reader: Cell::new(None),
            writer: Cell::new(None),
        });
        if let Err(e) = register(&reactor.poller, io.as_fd(), source.key) {
            reactor.remove(source.key);
            return Err(e);
        }
        Ok(Registered {
            reactor,
            source,
            io,
        })
    }

    /// The I/O object.
    pub fn get_ref(&self) -> &T {
        &self.io
    }

    /// Runs the read-like `op` if the socket may be readable; if it would block, arranges for
    /// the current task to be woken when the socket becomes readable.
    pub fn poll_read_with<R>(
        &self,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        poll_with(&self.source.readable, &self.source.reader, cx, || {
            op(&self.io)
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
            op(&self.io)
        })
    }

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

// ANCHOR: drop
impl<T: AsFd> Drop for Registered<T> {
    fn drop(&mut self) {
        // Deregister before `self.io` is dropped (and closes the descriptor): see `register`.
        let _ = self.reactor.poller.delete(self.io.as_fd());
        self.reactor.remove(self.source.key);
    }
}
// ANCHOR_END: drop
