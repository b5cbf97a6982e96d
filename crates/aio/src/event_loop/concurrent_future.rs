//! [`ConcurrentFuture`]: the outcome of a coroutine that another thread handed to the loop
//! (what asyncio's `run_coroutine_threadsafe` returns, a `concurrent.futures.Future`).
//!
//! The coroutine runs on the loop as a task; the thread that submitted it holds this handle,
//! and either blocks on it ([`wait`](ConcurrentFuture::wait),
//! [`wait_timeout`](ConcurrentFuture::wait_timeout)) or awaits it on a loop of its own. They
//! meet in one shared slot:
//!
//! ```text
//!  loop thread: the task                 slot (mutex + condvar)        any thread: the handle
//!  ─────────────────────                 ──────────────────────        ──────────────────────
//!  each poll: cancel asked? ──────────── Pending { cancel, wakers } ◀── cancel(): raise the flag,
//!             no: store the task's waker                                 wake the task
//!  returns, panics or is dropped ──────▶ Done(outcome) ─── notify ───▶ wait() returns it
//! ```
//!
//! The task's side is a [`Completer`]: whatever ends the task, its result, its panic, a cancel,
//! or the loop ending (which drops it, or drops the job before the task was even spawned),
//! fills the slot exactly once, so a waiting thread always wakes.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::panic;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use crate::loop_handle::LoopHandle;

/// Why a [`ConcurrentFuture`] gives no output: the loop closed first, the coroutine was
/// cancelled, or it panicked.
pub enum CoroutineError {
    /// The loop ended (its [`run`](crate::run) returned) before the coroutine finished, or it
    /// had ended before the coroutine was submitted (asyncio: "Event loop is closed", or the
    /// `CancelledError` of a task that `asyncio.run` cancelled on its way out).
    LoopClosed,
    /// [`ConcurrentFuture::cancel`] was called before the coroutine finished
    /// (asyncio's `CancelledError`).
    Cancelled,
    /// The coroutine panicked; the payload is what `panic!` was given (asyncio re-raises the
    /// coroutine's exception from `result()`).
    Panicked(Box<dyn Any + Send + 'static>),
}

impl CoroutineError {
    /// True if the loop ended first.
    pub fn is_loop_closed(&self) -> bool {
        matches!(self, CoroutineError::LoopClosed)
    }

    /// True if the coroutine was cancelled.
    pub fn is_cancelled(&self) -> bool {
        matches!(self, CoroutineError::Cancelled)
    }

    /// True if the coroutine panicked.
    pub fn is_panic(&self) -> bool {
        matches!(self, CoroutineError::Panicked(_))
    }

    /// The panic message, when the coroutine panicked with a string message.
    pub fn panic_message(&self) -> Option<&str> {
        match self {
            CoroutineError::Panicked(payload) => payload
                .downcast_ref::<&'static str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str)),
            _ => None,
        }
    }

    /// Continues the coroutine's panic on the current thread (like re-raising in Python).
    /// The other outcomes become a panic with their message.
    pub fn resume(self) -> ! {
        match self {
            CoroutineError::Panicked(payload) => panic::resume_unwind(payload),
            other => panic!("{other}"),
        }
    }
}

impl fmt::Display for CoroutineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self, self.panic_message()) {
            (CoroutineError::LoopClosed, _) => {
                f.write_str("the event loop closed before the coroutine finished")
            }
            (CoroutineError::Cancelled, _) => f.write_str("the coroutine was cancelled"),
            (CoroutineError::Panicked(_), Some(msg)) => write!(f, "the coroutine panicked: {msg}"),
            (CoroutineError::Panicked(_), None) => f.write_str("the coroutine panicked"),
        }
    }
}

impl fmt::Debug for CoroutineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoroutineError::LoopClosed => f.write_str("LoopClosed"),
            CoroutineError::Cancelled => f.write_str("Cancelled"),
            CoroutineError::Panicked(_) => f
                .debug_tuple("Panicked")
                .field(&self.panic_message().unwrap_or("<non-string payload>"))
                .finish(),
        }
    }
}

impl std::error::Error for CoroutineError {}

/// Where the task and the handle meet.
struct Slot<T> {
    /// The state, changed by either side under the lock.
    state: Mutex<State<T>>,
    /// Signalled once, when the state becomes `Done`: wakes threads blocked in `wait`.
    done: Condvar,
}

enum State<T> {
    /// The coroutine has not finished.
    Pending {
        /// Set by [`ConcurrentFuture::cancel`]; the task sees it at its next poll.
        cancel: bool,
        /// The task's waker, stored at each poll, so that `cancel` can get it polled.
        task: Option<Waker>,
        /// The waker of whoever awaits the handle (on some loop), woken when it is done.
        waiter: Option<Waker>,
    },
    /// The outcome, waiting for the handle.
    Done(Result<T, CoroutineError>),
    /// The handle took the outcome.
    Taken,
}

impl<T> Slot<T> {
    /// Locks the state. A panic never happens under this lock, but if one did, the state is
    /// still whole: carry on with it.
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A handle and its completer, for a coroutine about to be submitted to `handle`'s loop.
pub(crate) fn pair<T>(handle: LoopHandle) -> (Completer<T>, ConcurrentFuture<T>) {
    let slot = Arc::new(Slot {
        state: Mutex::new(State::Pending {
            cancel: false,
            task: None,
            waiter: None,
        }),
        done: Condvar::new(),
    });
    let future = ConcurrentFuture {
        slot: slot.clone(),
        handle,
    };
    (Completer(slot), future)
}

/// The task's side of the slot. It fills the slot once: with [`set`](Completer::set), or
/// when dropped unfilled (the loop closed, or the coroutine was cancelled).
pub(crate) struct Completer<T>(Arc<Slot<T>>);

impl<T> Completer<T> {
    /// True if the handle asked to cancel. Otherwise stores `waker`, so that a later cancel
    /// wakes the task.
    pub(crate) fn cancel_requested(&self, waker: &Waker) -> bool {
        let mut state = self.0.lock();
        let State::Pending { cancel, task, .. } = &mut *state else {
            return false; // Filled already: only `set` and `drop` fill it, after the polls.
        };
        if *cancel {
            return true;
        }
        let replaced = match task {
            Some(old) if old.will_wake(waker) => None,
            _ => task.replace(waker.clone()),
        };
        drop(state);
        drop(replaced); // With the lock released.
        false
    }

    /// Fills the slot with `outcome`, unless it is filled already. A coroutine that returns
    /// after a cancel was asked for gives `Cancelled`, as `cancel` promised.
    pub(crate) fn set(&self, outcome: Result<T, CoroutineError>) {
        let mut state = self.0.lock();
        let State::Pending {
            cancel,
            task,
            waiter,
        } = &mut *state
        else {
            return;
        };
        let (cancelled, task, waiter) = (*cancel, task.take(), waiter.take());
        let (outcome, dropped) = match outcome {
            Ok(output) if cancelled => (Err(CoroutineError::Cancelled), Some(output)),
            outcome => (outcome, None),
        };
        *state = State::Done(outcome);
        self.0.done.notify_all();
        drop(state);
        // Drop, then wake, with the lock released.
        drop((dropped, task));
        if let Some(waiter) = waiter {
            waiter.wake();
        }
    }
}

impl<T> Drop for Completer<T> {
    fn drop(&mut self) {
        let cancelled = matches!(&*self.0.lock(), State::Pending { cancel: true, .. });
        self.set(Err(if cancelled {
            CoroutineError::Cancelled
        } else {
            CoroutineError::LoopClosed
        }));
    }
}

/// The outcome of a coroutine submitted with
/// [`LoopHandle::run_coroutine_threadsafe`] (asyncio's `concurrent.futures.Future`).
///
/// `Send` (when the output is): the thread that submitted the coroutine keeps it, and
/// [`wait`](ConcurrentFuture::wait)s for the output, blocking; or a task awaits it, on any loop.
/// Either gives the coroutine's output, or a [`CoroutineError`]: the loop closed first, the
/// coroutine was cancelled, or it panicked. Dropping the handle does not stop the coroutine
/// (call [`cancel`](ConcurrentFuture::cancel) for that); its output is then dropped.
///
/// Cancel safety: safe. Dropping an await of it (by `&mut`) loses nothing: the coroutine runs
/// on, and its outcome waits in the handle for the next await or `wait`.
#[must_use = "the coroutine runs anyway; keep the handle to get its output or to cancel it"]
pub struct ConcurrentFuture<T> {
    /// Shared with the task on the loop.
    slot: Arc<Slot<T>>,
    /// The loop the coroutine runs on: `wait` refuses to block that loop's own thread.
    handle: LoopHandle,
}

impl<T> ConcurrentFuture<T> {
    /// Blocks the calling thread until the coroutine has finished, and returns its output
    /// (asyncio's `future.result()`).
    ///
    /// Returns at once with [`CoroutineError::LoopClosed`] if the loop has ended.
    ///
    /// # Panics
    /// On the thread of the loop the coroutine runs on: that thread would wait for a loop it
    /// stops, forever (asyncio hangs there). `.await` the handle instead. Also if the output
    /// was already taken (by `wait_timeout` or an await).
    #[track_caller]
    pub fn wait(self) -> Result<T, CoroutineError> {
        self.refuse_on_the_loops_thread("wait");
        let mut state = self.slot.lock();
        loop {
            if let Some(outcome) = take(&mut state) {
                return outcome;
            }
            state = (self.slot.done.wait(state)).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Like [`wait`](ConcurrentFuture::wait), for at most `timeout`: `None` if the coroutine
    /// has not finished by then (asyncio's `future.result(timeout)` raising `TimeoutError`);
    /// it runs on, and the handle can be waited for again.
    ///
    /// # Panics
    /// As `wait`.
    #[track_caller]
    pub fn wait_timeout(&mut self, timeout: Duration) -> Option<Result<T, CoroutineError>> {
        self.refuse_on_the_loops_thread("wait_timeout");
        let deadline = Instant::now().checked_add(timeout);
        let mut state = self.slot.lock();
        loop {
            if let Some(outcome) = take(&mut state) {
                return Some(outcome);
            }
            let left = match deadline {
                Some(deadline) => deadline.checked_duration_since(Instant::now())?,
                None => Duration::MAX, // Beyond what `Instant` can count: wait as `wait` does.
            };
            let (next, _) =
                (self.slot.done.wait_timeout(state, left)).unwrap_or_else(|e| e.into_inner());
            state = next;
        }
    }

    /// Asks the loop to cancel the coroutine (asyncio's `future.cancel()`): its future is
    /// dropped at its next poll, on the loop's thread, and the outcome is
    /// [`CoroutineError::Cancelled`]. Returns false if the coroutine had already finished.
    pub fn cancel(&self) -> bool {
        let mut state = self.slot.lock();
        let State::Pending { cancel, task, .. } = &mut *state else {
            return false;
        };
        *cancel = true;
        let task = task.take();
        drop(state);
        if let Some(task) = task {
            task.wake(); // Its next poll sees the flag.
        }
        true
    }

    /// True once the coroutine has finished: returned, panicked, been cancelled, or been
    /// dropped by a loop that ended (asyncio's `future.done()`).
    pub fn is_done(&self) -> bool {
        !matches!(&*self.slot.lock(), State::Pending { .. })
    }

    #[track_caller]
    fn refuse_on_the_loops_thread(&self, what: &str) {
        if self.handle.on_loop_thread() {
            panic!(
                "ConcurrentFuture::{what} was called on the thread of the loop that runs its \
                 coroutine: the loop cannot run the coroutine while its thread waits for it, so \
                 this would wait forever. On the loop, `.await` the handle instead (asyncio's \
                 `future.result()` hangs here)"
            );
        }
    }
}

/// Takes the outcome out of a finished slot; `None` while the coroutine runs.
fn take<T>(state: &mut State<T>) -> Option<Result<T, CoroutineError>> {
    match std::mem::replace(state, State::Taken) {
        State::Done(outcome) => Some(outcome),
        State::Taken => panic!("a ConcurrentFuture's output was taken twice"),
        pending => {
            *state = pending;
            None
        }
    }
}

impl<T> Future for ConcurrentFuture<T> {
    type Output = Result<T, CoroutineError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.slot.lock();
        if let Some(outcome) = take(&mut state) {
            return Poll::Ready(outcome);
        }
        let State::Pending { waiter, .. } = &mut *state else {
            unreachable!("`take` left it pending");
        };
        let replaced = match waiter {
            Some(old) if old.will_wake(cx.waker()) => None,
            _ => waiter.replace(cx.waker().clone()),
        };
        drop(state);
        drop(replaced);
        Poll::Pending
    }
}

impl<T> fmt::Debug for ConcurrentFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &*self.slot.lock() {
            State::Pending { cancel: false, .. } => "running",
            State::Pending { cancel: true, .. } => "cancel requested",
            State::Done(Ok(_)) => "done",
            State::Done(Err(error)) if error.is_panic() => "panicked",
            State::Done(Err(error)) if error.is_cancelled() => "cancelled",
            State::Done(Err(_)) => "loop closed",
            State::Taken => "output taken",
        };
        f.debug_struct("ConcurrentFuture")
            .field("state", &state)
            .finish()
    }
}
