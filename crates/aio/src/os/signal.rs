//! [`signal`](crate::signal): Ctrl-C (SIGINT), SIGTERM and the other Unix signals, waited for
//! on the loop (asyncio's `loop.add_signal_handler`).
//!
//! ```no_run
//! aio::run(async {
//!     println!("serving; Ctrl-C stops");
//!     aio::signal::ctrl_c().await.expect("listen for Ctrl-C");
//!     println!("shutting down");
//! });
//! ```
//!
//! # How a signal reaches a task
//!
//! A signal interrupts whatever thread the kernel picks, at any instruction, and its handler may
//! do almost nothing: no lock, no allocation, no waking of a task. So the handler only writes
//! one byte into a socket pair ([`signal_hook::low_level::pipe`], made for exactly this), and
//! the read end of the pair is registered with the loop's reactor like any socket:
//!
//! ```text
//!  Ctrl-C ──▶ kernel ──▶ handler, on any thread: send 1 byte ──▶ read end becomes readable
//!                                                                        │
//!         ctrl_c() is ready ◀── the task reads the byte ◀── the poller wakes the loop
//! ```
//!
//! No thread waits for signals and no timer looks at a flag: the loop sleeps in the poller, as
//! it does for sockets, and a signal wakes it like a client's bytes would. (asyncio does the
//! same with `signal.set_wakeup_fd` and its own self-pipe.)
//!
//! # What Ctrl-C does, and when
//!
//! Installing a handler replaces what the process did on the signal by default (SIGINT and
//! SIGTERM: die). Here:
//!
//! * **Before anything listens**, nothing changes: Ctrl-C ends the process.
//! * **While a [`Signals`] listens** for a signal, every delivery goes to it and nothing else
//!   happens, as with asyncio's `add_signal_handler`: the program decides what a second Ctrl-C
//!   means.
//! * **[`ctrl_c()`]** takes the *first* Ctrl-C. The second one, from then on, runs the default
//!   action at once, even while the future still exists and even if the loop is stuck and never
//!   read the first: a shutdown that hangs can still be stopped by pressing Ctrl-C again.
//!   That is what `asyncio.run` does (its second Ctrl-C raises `KeyboardInterrupt` at once).
//! * **When the last listener for a signal is dropped**, the default action is back (as after
//!   asyncio's `remove_signal_handler`), so a program that stopped listening dies on Ctrl-C
//!   again instead of ignoring it.
//!
//! One difference: a process started with a signal ignored (a background job of a
//! non-interactive shell ignores SIGINT) handles it while it listens, and afterwards takes
//! the default action, not "ignore". asyncio's `add_signal_handler` overrides an ignored signal
//! in the same way.
//!
//! Unix only, as `aio` is (Linux, macOS, the BSDs).

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::io::{self, Read};
use std::os::unix::net::UnixStream;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures::Stream;
use signal_hook::SigId;

use crate::reactor::Registered;

/// Signal numbers, for [`Signals::new`] and [`raise`] (`libc`'s, re-exported by signal-hook).
pub use signal_hook::consts::signal::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};

/// Sends `signal` to the calling thread, which runs its handler before this returns (C's
/// `raise`, Python's `signal.raise_signal`). A program can stop itself "with Ctrl-C" this way,
/// and a test can deliver a signal at a moment of its choosing.
pub fn raise(signal: i32) -> io::Result<()> {
    signal_hook::low_level::raise(signal)
}

/// Waits for Ctrl-C (SIGINT): resolves on the first one delivered after this call.
///
/// It listens from the moment it is called, not from its first poll, so a Ctrl-C that comes
/// before the `.await` is not missed. The second Ctrl-C takes the default action (the process
/// dies), whether this future has seen the first one yet or not; see the
/// [module docs](crate::signal) for what happens before and after.
///
/// # Panics
/// Outside [`run`](crate::run): the loop's reactor is what listens.
#[track_caller]
pub fn ctrl_c() -> CtrlC {
    CtrlC {
        listener: Some(Listener::new(SIGINT, Repeat::DefaultOnSecond)),
    }
}

/// The future returned by [`ctrl_c`]: `Ok(())` once Ctrl-C was pressed; an error if the
/// handler could not be installed.
///
/// Cancel safety: safe. Dropping it stops listening: a Ctrl-C after that takes the default
/// action (the process dies), as if it had never listened. A Ctrl-C that came before the drop
/// was taken: the next one is the second, and also takes the default action.
#[must_use = "futures do nothing unless you `.await` them"]
pub struct CtrlC {
    /// The listener, or why it could not be made; `None` once the future has completed (the
    /// listener is dropped then, which gives the default action back).
    listener: Option<io::Result<Listener>>,
}

impl fmt::Debug for CtrlC {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CtrlC")
            .field("listening", &matches!(self.listener, Some(Ok(_))))
            .finish()
    }
}

impl Future for CtrlC {
    type Output = io::Result<()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.listener.take() {
            Some(Ok(mut listener)) => match listener.poll_recv(cx) {
                Poll::Pending => {
                    self.listener = Some(Ok(listener));
                    Poll::Pending
                }
                // `listener` is dropped here: from now on the default action is back.
                Poll::Ready(result) => Poll::Ready(result),
            },
            Some(Err(e)) => Poll::Ready(Err(e)),
            None => panic!("aio::signal::CtrlC polled after it completed"),
        }
    }
}

/// A listener for one or more signals (asyncio's `loop.add_signal_handler`, as a stream).
///
/// From [`Signals::new`] until it is dropped, every delivery of each of its signals is kept
/// for it: [`recv`](Signals::recv) returns them one at a time, or use it as a
/// `futures::Stream` of signal numbers. Deliveries of one signal that arrive while nobody
/// reads are counted, and each is returned; what the default action of these signals was (to
/// die) does not happen while it listens. Dropping it gives the default action back once no
/// other listener is left (see the [module docs](crate::signal)).
///
/// ```no_run
/// use aio::signal::{Signals, SIGINT, SIGTERM};
///
/// aio::run(async {
///     let mut signals = Signals::new(&[SIGINT, SIGTERM]).expect("listen for signals");
///     match signals.recv().await.expect("a signal") {
///         SIGINT => println!("Ctrl-C"),
///         SIGTERM => println!("asked to stop"),
///         _ => unreachable!(),
///     }
/// });
/// ```
///
/// Cancel safety: safe, as a `Stream` (its `next()`). A delivery is taken from the socket only in the poll
/// that returns it (or kept in the `Signals`, for the next poll, when several came together).
pub struct Signals {
    /// One listener per signal, in the order they were asked for.
    listeners: Vec<Listener>,
    /// Where the next poll starts looking, so that one busy signal cannot hide the others.
    next: usize,
}

impl fmt::Debug for Signals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let signals: Vec<i32> = self.listeners.iter().map(|l| l.signal).collect();
        f.debug_struct("Signals")
            .field("signals", &signals)
            .finish()
    }
}

impl Signals {
    /// Starts listening for each of `signals` on the running loop.
    ///
    /// An error of kind `InvalidInput` for an empty list (it would wait forever), a signal
    /// that cannot be handled (SIGKILL, SIGSTOP, and the ones that mean the program itself
    /// broke: SIGSEGV, SIGILL, SIGFPE) or one that is unknown; an I/O error if the socket pair
    /// could not be made.
    ///
    /// # Panics
    /// Outside [`run`](crate::run).
    #[track_caller]
    pub fn new(signals: &[i32]) -> io::Result<Signals> {
        if signals.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "no signal to listen for",
            ));
        }
        let mut listeners: Vec<Listener> = Vec::new();
        for &signal in signals {
            if !listeners.iter().any(|l| l.signal == signal) {
                listeners.push(Listener::new(signal, Repeat::Every)?);
            }
        }
        Ok(Signals { listeners, next: 0 })
    }

    /// Waits for the next signal and returns its number.
    pub fn recv(&mut self) -> Recv<'_> {
        Recv { signals: self }
    }

    /// Returns the next signal's number if one was delivered; otherwise arranges for the task
    /// to be woken when one is.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<i32>> {
        let n = self.listeners.len();
        for i in 0..n {
            let at = (self.next + i) % n;
            let listener = &mut self.listeners[at];
            if let Poll::Ready(result) = listener.poll_recv(cx) {
                self.next = (at + 1) % n;
                return Poll::Ready(result.map(|()| listener.signal));
            }
        }
        Poll::Pending
    }
}

impl Stream for Signals {
    type Item = io::Result<i32>;

    /// Never ends: a listener hears signals for as long as it exists.
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<io::Result<i32>>> {
        self.get_mut().poll_recv(cx).map(Some)
    }
}

/// The future returned by [`Signals::recv`]: the number of the next signal delivered.
///
/// Cancel safety: safe. A delivery is taken only in the poll that returns it; one that arrives
/// after the future is dropped waits in the `Signals` for the next `recv`.
#[must_use = "futures do nothing unless you `.await` them"]
pub struct Recv<'a> {
    /// The listener whose sockets this future waits on.
    signals: &'a mut Signals,
}

impl fmt::Debug for Recv<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recv")
            .field("signals", &self.signals)
            .finish()
    }
}

impl Future for Recv<'_> {
    type Output = io::Result<i32>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<i32>> {
        self.get_mut().signals.poll_recv(cx)
    }
}

impl Drop for Recv<'_> {
    fn drop(&mut self) {
        // Forget the waiting task, as a dropped socket read does.
        for listener in &self.signals.listeners {
            listener.io.clear_reader();
        }
    }
}

/// What a second delivery of the signal does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repeat {
    /// It is delivered like the first (`Signals`).
    Every,
    /// It takes the default action at once (`ctrl_c`).
    DefaultOnSecond,
}

// ANCHOR: listener
/// One signal's socket pair: the handler writes a byte to one end per delivery, and the other
/// end, registered with the loop's reactor, wakes the task waiting to read it.
struct Listener {
    /// The signal number.
    signal: i32,
    /// The read end of the pair, non-blocking, registered with the running loop.
    io: Registered<UnixStream>,
    /// The handler's actions for this listener (signal-hook's), removed on drop. Removing the
    /// one that writes closes the write end.
    actions: Vec<SigId>,
    /// Counted in [`LISTENING`] (the last step of `new`).
    counted: bool,
    /// Deliveries read from the socket and not returned yet: a read can take several bytes.
    unread: usize,
}

impl Listener {
    #[track_caller]
    fn new(signal: i32, repeat: Repeat) -> io::Result<Listener> {
        if signal_hook::consts::FORBIDDEN.contains(&signal)
            || signal_hook::low_level::signal_name(signal).is_none()
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("signal {signal} cannot be listened for"),
            ));
        }
        let (read, write) = UnixStream::pair()?;
        read.set_nonblocking(true)?;
        // Built step by step: if a step fails, dropping `listener` undoes the ones before.
        let mut listener = Listener {
            signal,
            io: Registered::new(read)?,
            actions: Vec::new(),
            counted: false,
            unread: 0,
        };
        // Each action runs inside the signal handler, in the order they were added.
        if repeat == Repeat::DefaultOnSecond {
            // The first delivery sets `taken`; a later one finds it set and dies.
            let taken = Arc::new(AtomicBool::new(false));
            let id = signal_hook::flag::register_conditional_default(signal, taken.clone())?;
            listener.actions.push(id);
            listener
                .actions
                .push(signal_hook::flag::register(signal, taken)?);
        }
        let id = signal_hook::low_level::pipe::register(signal, write)?;
        listener.actions.push(id);
        // Listening now: the default action stays off until the last listener goes.
        listening(signal, 1)?;
        listener.counted = true;
        Ok(listener)
    }

    /// One delivery, if one came; otherwise the task is woken when the handler writes.
    fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.unread == 0 {
            let mut bytes = [0; 64];
            let n = std::task::ready!(self
                .io
                .poll_read_into(cx, &mut bytes, |mut s, buf| s.read(buf)))?;
            if n == 0 {
                // The handler holds the write end until this listener removes it.
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "aio: the signal handler's socket was closed",
                )));
            }
            self.unread = n;
        }
        self.unread -= 1;
        Poll::Ready(Ok(()))
    }
}
// ANCHOR_END: listener

impl Drop for Listener {
    fn drop(&mut self) {
        // Give the default action back first: a delivery from here on is no longer ours.
        if self.counted {
            let _ = listening(self.signal, -1);
        }
        for id in self.actions.drain(..) {
            signal_hook::low_level::unregister(id);
        }
        // `self.io` is dropped next: deregistered from the poller, then closed.
    }
}

/// Per signal, across the process (every loop, every thread): how many listeners there are,
/// and the flag that tells the handler to take the default action when there are none.
static LISTENING: Mutex<BTreeMap<i32, Listening>> = Mutex::new(BTreeMap::new());

/// One signal's entry in [`LISTENING`].
struct Listening {
    /// Listeners alive now.
    count: usize,
    /// True while `count` is 0. Read by an action added the first time the signal was
    /// listened for, and kept for as long as the process runs: when it is true, that action
    /// takes the default action (dies), since signal-hook never puts the original handler back.
    default: Arc<AtomicBool>,
}

/// Adds `change` (1 or -1) to the number of listeners for `signal`, and switches the default
/// action off while there is one, on when there are none.
fn listening(signal: i32, change: isize) -> io::Result<()> {
    // A panic elsewhere while holding the lock left the counts as they were: go on with them.
    let mut table = LISTENING.lock().unwrap_or_else(|e| e.into_inner());
    let entry = match table.entry(signal) {
        std::collections::btree_map::Entry::Occupied(entry) => entry.into_mut(),
        std::collections::btree_map::Entry::Vacant(entry) => {
            let default = Arc::new(AtomicBool::new(true));
            // Never removed: signal-hook keeps its handler installed for good, and this
            // action is what makes it behave as if it were not when nobody listens.
            signal_hook::flag::register_conditional_default(signal, default.clone())?;
            entry.insert(Listening { count: 0, default })
        }
    };
    entry.count = entry.count.saturating_add_signed(change);
    entry.default.store(entry.count == 0, Ordering::SeqCst);
    Ok(())
}
