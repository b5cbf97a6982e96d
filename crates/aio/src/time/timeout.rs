//! [`timeout`] and [`timeout_at`]: give a future a time limit (asyncio's `asyncio.wait_for`,
//! `asyncio.timeout` and `asyncio.timeout_at`).
//!
//! # How it works
//!
//! A `Timeout` owns the inner future and a [`Sleep`]. Each poll polls the inner future first,
//! then the sleep. If the inner future is ready it wins, even when the deadline has also just
//! passed: work that is done is not thrown away. If only the sleep is ready, the `Timeout`
//! **drops the inner future, then returns** `Err(Elapsed)`. Dropping is how Rust cancels: the
//! inner future stops at the `.await` where it is suspended, and its destructors release what
//! it held (its own timers, its sockets, its guards) before the caller sees the error.
//!
//! The deadline lives in a cell the `Timeout` shares with its [`TimeoutHandle`]s. Moving it
//! (`reschedule`) writes the cell and wakes the task awaiting the `Timeout`; its next poll sees
//! that the deadline differs from its timer's and replaces the timer. Inside the inner future
//! (made by [`timeout_with`]) no wake is needed: the same poll reads the cell after it.
//!
//! # Differences from asyncio
//!
//! asyncio cancels the inner coroutine by raising `CancelledError` inside it, waits for it to
//! finish handling that, then raises `TimeoutError` in the caller. The coroutine may catch the
//! cancellation and keep going (even return a value). Here the inner future cannot refuse: it is
//! dropped, and only synchronous clean-up (`Drop`) runs.
//!
//! One difference matters in practice: `asyncio.wait_for(task, t)` cancels the *task* on
//! timeout. A [`Task`](crate::Task) handle is only a handle, and dropping it leaves the task
//! running. To cancel a spawned task on timeout, lend the handle and cancel it yourself:
//!
//! ```
//! use std::time::Duration;
//!
//! aio::run(async {
//!     let mut task = aio::spawn(aio::sleep(Duration::from_secs(60)));
//!     if aio::timeout(Duration::from_millis(10), &mut task).await.is_err() {
//!         task.cancel(); // Without this, the task would sleep on.
//!     }
//!     assert!(task.await.unwrap_err().is_cancelled());
//! });
//! ```

use std::cell::{Cell, RefCell};
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use crate::sleep::{sleep_until, Sleep};

/// Runs `future` for at most `limit`: `Ok(output)` if it finishes in time, else `Err(Elapsed)`,
/// with the future already dropped (cancelled).
///
/// The clock starts at the first poll, like [`sleep`](crate::sleep)'s. The deadline can be
/// moved while it runs: see [`Timeout::handle`] and [`timeout_with`].
///
/// ```
/// use std::time::Duration;
///
/// // Virtual time: the one-second limit passes at once, and exactly.
/// aio::Builder::new().clock(aio::ClockKind::Virtual).run(async {
///     let start = aio::now();
///     let fast = aio::timeout(Duration::from_secs(1), async { 42 }).await;
///     assert_eq!(fast, Ok(42));
///     let slow = aio::timeout(Duration::from_secs(1), aio::sleep(Duration::from_secs(5))).await;
///     assert!(slow.is_err());
///     assert_eq!(aio::now() - start, Duration::from_secs(1)); // At the limit, not after 5 s.
/// });
/// ```
pub fn timeout<F: Future>(limit: Duration, future: F) -> Timeout<F> {
    Timeout::new(Some(limit), None, future)
}

/// Runs `future` until the loop's clock reads `deadline` at the latest (asyncio's
/// `asyncio.timeout_at`). Take deadlines from [`now`](crate::now): one deadline can bound
/// several steps in a row, each getting only the time the previous ones left.
pub fn timeout_at<F: Future>(deadline: Instant, future: F) -> Timeout<F> {
    Timeout::new(None, Some(deadline), future)
}

// ANCHOR: timeout_with
/// Like [`timeout`], but the future is made by `make`, which is handed a [`TimeoutHandle`] to
/// its own timeout: the code inside can move its deadline (asyncio's
/// `async with asyncio.timeout(limit) as cm:` and `cm.reschedule(when)`).
///
/// ```
/// use std::time::Duration;
///
/// aio::Builder::new().clock(aio::ClockKind::Virtual).run(async {
///     let second = Duration::from_secs(1);
///     // Three steps of 0.8 s each, under a 1 s limit that every step pushes back.
///     let outcome = aio::timeout_with(second, |cm| async move {
///         for _ in 0..3 {
///             aio::sleep(second * 8 / 10).await;
///             cm.reschedule(aio::now() + second); // Progress: one more second.
///         }
///         "all three"
///     })
///     .await;
///     assert_eq!(outcome, Ok("all three"));
/// });
/// ```
pub fn timeout_with<F: Future>(
    limit: Duration,
    make: impl FnOnce(TimeoutHandle) -> F,
) -> Timeout<F> {
    let shared = Rc::new(Shared::default());
    let future = make(TimeoutHandle {
        shared: shared.clone(),
    });
    let mut timeout = Timeout::new(Some(limit), None, future);
    timeout.shared = shared;
    timeout
}
// ANCHOR_END: timeout_with

/// The future returned by [`timeout`], [`timeout_at`] and [`timeout_with`].
///
/// Cancel safety: dropping it drops the inner future, so whatever that future would lose
/// when dropped is lost (a `Timeout` adds no loss of its own).
#[must_use = "futures do nothing unless you `.await` them"]
pub struct Timeout<F: Future> {
    /// The inner future; `None` once it finished or was dropped on expiry. Boxed so that it
    /// can be dropped early without unsafe pin projection.
    future: Option<Pin<Box<F>>>,
    /// For [`timeout`], until the first poll: the limit, which that poll turns into the
    /// deadline.
    limit: Option<Duration>,
    /// The timer for the deadline in force; replaced when the deadline moves, `None` before
    /// the first poll and after the end.
    sleep: Option<Sleep>,
    /// The deadline and state, shared with every [`TimeoutHandle`].
    shared: Rc<Shared>,
}

/// What a [`Timeout`] shares with its handles.
#[derive(Default)]
struct Shared {
    /// The deadline asked for: set by `timeout_at`, by the first poll of `timeout`, or by a
    /// reschedule. The `Timeout` re-arms its timer when this differs from the timer's.
    deadline: Cell<Option<Instant>>,
    /// Where the `Timeout` is: running until it returns once.
    state: Cell<State>,
    /// The task polling the `Timeout`, to wake when the deadline moves between its polls
    /// (an earlier deadline needs a new timer now). Taken at the start of each poll.
    waker: RefCell<Option<Waker>>,
}

/// The life of a [`Timeout`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Not returned yet: the deadline may move.
    #[default]
    Running,
    /// Returned `Ok`: the inner future finished in time.
    Finished,
    /// Returned `Err(Elapsed)`.
    Expired,
}

impl<F: Future> Timeout<F> {
    fn new(limit: Option<Duration>, deadline: Option<Instant>, future: F) -> Timeout<F> {
        let shared = Rc::new(Shared::default());
        shared.deadline.set(deadline);
        Timeout {
            future: Some(Box::pin(future)),
            limit,
            sleep: None,
            shared,
        }
    }

    /// When the time runs out, once known (after the first poll for [`timeout`]); asyncio's
    /// `when()`.
    pub fn deadline(&self) -> Option<Instant> {
        self.shared.deadline.get()
    }

    /// A handle that can move this timeout's deadline from anywhere on the loop's thread
    /// (another task, a callback), even while the `Timeout` is being awaited.
    pub fn handle(&self) -> TimeoutHandle {
        TimeoutHandle {
            shared: self.shared.clone(),
        }
    }

    /// Moves the deadline (asyncio's `Timeout.reschedule(when)`); see
    /// [`TimeoutHandle::reschedule`].
    pub fn reschedule(&self, deadline: Instant) -> bool {
        self.handle().reschedule(deadline)
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let Some(future) = &mut this.future else {
            panic!("a `Timeout` was polled again after it completed");
        };
        // A reschedule during this poll is read below: nobody needs to wake us for it.
        this.shared.waker.take();
        if let Some(limit) = this.limit.take() {
            // The first poll of `timeout(limit, ..)` starts the clock, unless a reschedule
            // already set a deadline.
            if this.shared.deadline.get().is_none() {
                this.shared.deadline.set(Some(crate::now() + limit));
            }
        }
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            this.end(State::Finished);
            return Poll::Ready(Ok(output));
        }
        // Arm a timer for the deadline asked for, replacing one for an old deadline.
        let deadline = this
            .shared
            .deadline
            .get()
            .expect("set above or at creation");
        if this.sleep.as_ref().and_then(Sleep::deadline) != Some(deadline) {
            this.sleep = Some(sleep_until(deadline)); // Drops the old timer.
        }
        let sleep = this.sleep.as_mut().expect("armed just above");
        if Pin::new(sleep).poll(cx).is_pending() {
            *this.shared.waker.borrow_mut() = Some(cx.waker().clone());
            return Poll::Pending;
        }
        // Time is up: cancel the inner future (run its destructors) before reporting it.
        this.end(State::Expired);
        Poll::Ready(Err(Elapsed(())))
    }
}

impl<F: Future> Timeout<F> {
    /// Drops the inner future and the timer, and tells the handles.
    fn end(&mut self, state: State) {
        self.future = None;
        self.sleep = None;
        self.shared.state.set(state);
        self.shared.waker.take();
    }
}

// The inner future is boxed, so the `Timeout` itself may move.
impl<F: Future> Unpin for Timeout<F> {}

impl<F: Future> fmt::Debug for Timeout<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timeout")
            .field("running", &self.future.is_some())
            .field("deadline", &self.deadline())
            .finish()
    }
}

/// A handle to a running [`Timeout`] that can move its deadline (asyncio's `Timeout`
/// context manager, the `cm` of `async with asyncio.timeout(d) as cm`). Get one from
/// [`Timeout::handle`] or [`timeout_with`]; clones share the one timeout.
#[derive(Clone)]
pub struct TimeoutHandle {
    /// The state the `Timeout` shares.
    shared: Rc<Shared>,
}

impl TimeoutHandle {
    /// Moves the deadline to `deadline` (asyncio's `reschedule(when)`): later lets the future
    /// run longer, earlier makes the timeout fire sooner (at once, if `deadline` has passed;
    /// the inner future is still polled once first, and wins if it is ready). Take deadlines
    /// from [`now`](crate::now).
    ///
    /// Returns false and does nothing once the timeout has returned, whether it expired or
    /// its future finished (asyncio raises `RuntimeError` there). asyncio's
    /// `reschedule(None)`, "no deadline", has no twin: reschedule far ahead instead.
    pub fn reschedule(&self, deadline: Instant) -> bool {
        if self.shared.state.get() != State::Running {
            return false;
        }
        self.shared.deadline.set(Some(deadline));
        // Wake the awaiting task so that it arms a timer for the new deadline.
        let waker = self.shared.waker.take();
        if let Some(waker) = waker {
            waker.wake();
        }
        true
    }

    /// The deadline, once known (asyncio's `when()`).
    pub fn deadline(&self) -> Option<Instant> {
        self.shared.deadline.get()
    }

    /// True once the timeout fired (asyncio's `expired()`).
    pub fn expired(&self) -> bool {
        self.shared.state.get() == State::Expired
    }
}

impl fmt::Debug for TimeoutHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimeoutHandle")
            .field("deadline", &self.deadline())
            .field("state", &self.shared.state.get())
            .finish()
    }
}

/// The error of a [`timeout`] whose time ran out (asyncio's `TimeoutError`).
/// When you hold one, the inner future has already been dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed(());

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("timed out")
    }
}

impl Error for Elapsed {}
