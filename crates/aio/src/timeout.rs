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

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use crate::sleep::{sleep, sleep_until, Sleep};

/// Runs `future` for at most `limit`: `Ok(output)` if it finishes in time, else `Err(Elapsed)`,
/// with the future already dropped (cancelled).
///
/// The clock starts at the first poll, like [`sleep`]'s.
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
    Timeout {
        future: Some(Box::pin(future)),
        limit: sleep(limit),
    }
}

/// Runs `future` until the loop's clock reads `deadline` at the latest (asyncio's
/// `asyncio.timeout_at`). Take deadlines from [`now`](crate::now): one deadline can bound
/// several steps in a row, each getting only the time the previous ones left.
pub fn timeout_at<F: Future>(deadline: Instant, future: F) -> Timeout<F> {
    Timeout {
        future: Some(Box::pin(future)),
        limit: sleep_until(deadline),
    }
}

/// The future returned by [`timeout`] and [`timeout_at`].
#[must_use = "futures do nothing unless you `.await` them"]
pub struct Timeout<F: Future> {
    /// The inner future; `None` once it finished or was dropped on expiry. Boxed so that it
    /// can be dropped early without unsafe pin projection.
    future: Option<Pin<Box<F>>>,
    /// The time limit.
    limit: Sleep,
}

impl<F: Future> Timeout<F> {
    /// When the time runs out, once known (after the first poll for [`timeout`]).
    pub fn deadline(&self) -> Option<Instant> {
        self.limit.deadline()
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let Some(future) = &mut this.future else {
            panic!("a `Timeout` was polled again after it completed");
        };
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            this.future = None;
            return Poll::Ready(Ok(output));
        }
        if Pin::new(&mut this.limit).poll(cx).is_pending() {
            return Poll::Pending;
        }
        // Time is up: cancel the inner future (run its destructors) before reporting it.
        this.future = None;
        Poll::Ready(Err(Elapsed(())))
    }
}

// The inner future is boxed, so the `Timeout` itself may move.
impl<F: Future> Unpin for Timeout<F> {}

impl<F: Future> fmt::Debug for Timeout<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timeout")
            .field("running", &self.future.is_some())
            .field("limit", &self.limit)
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
