//! [`gather`], [`try_gather`] and [`gather!`](crate::gather!): await many futures at once and
//! get their outputs back in argument order (asyncio's `asyncio.gather`).
//!
//! # How it works
//!
//! A `Gather` is one future that owns many. Each time it is polled it polls every child that has
//! not finished yet, in argument order, with its own waker, and keeps each output in the child's
//! slot. When every slot is full it hands the outputs back in slot order, so the result order is
//! the argument order whatever the completion order.
//!
//! All the children run inside the task that awaits the `Gather`: no task is spawned. That is
//! the difference with asyncio, whose `gather` wraps each coroutine in a task:
//!
//! * nothing starts until the `Gather` is awaited (Rust futures are lazy);
//! * dropping the `Gather` drops the children, which cancels them.
//!
//! To run the children as tasks instead, spawn them and gather the [`Task`](crate::Task)
//! handles: their outputs are `Result<T, TaskError>`, and dropping a handle does not stop its
//! task.
//!
//! # Errors
//!
//! asyncio's `gather` raises the first exception at once, and with `return_exceptions=True` it
//! returns every outcome instead. In Rust, errors are values:
//!
//! * [`gather`] over futures that return `Result` keeps every outcome, `Ok` or `Err`: that is
//!   `return_exceptions=True`.
//! * [`try_gather`] is fail-fast: at the first `Err` (first in time, not in argument order) it
//!   drops every other child, then returns that error. Plain futures are thereby cancelled.
//!   This is where Rust and asyncio differ: asyncio's `gather` leaves the other awaitables
//!   running when it raises. Gathering [`Task`](crate::Task) handles gives asyncio's behaviour
//!   back, because dropping a handle leaves its task running.

use std::fmt;
use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll};

/// One child of a gather: the future until it finishes, then its output until it is taken.
///
/// Public (and hidden) only because the [`gather!`](crate::gather!) macro expands to code that
/// names it; it is not part of the API.
#[doc(hidden)]
pub enum MaybeDone<F: Future> {
    /// Still running. Boxed so that it stays pinned while the slot moves around.
    Running(Pin<Box<F>>),
    /// Finished; the output waits to be handed back.
    Done(F::Output),
    /// The output was handed back, or the future was dropped unfinished.
    Gone,
}

impl<F: Future> MaybeDone<F> {
    /// A slot running `future`.
    pub fn new(future: F) -> MaybeDone<F> {
        MaybeDone::Running(Box::pin(future))
    }

    /// Polls the future if it is still running. True once the output is here.
    pub fn poll_slot(&mut self, cx: &mut Context<'_>) -> bool {
        match self {
            MaybeDone::Running(future) => match future.as_mut().poll(cx) {
                Poll::Ready(output) => {
                    // Replacing the slot drops the finished future now.
                    *self = MaybeDone::Done(output);
                    true
                }
                Poll::Pending => false,
            },
            MaybeDone::Done(_) => true,
            MaybeDone::Gone => false,
        }
    }

    /// Takes the output.
    ///
    /// # Panics
    /// If the output is not there (a bug in the caller).
    pub fn take(&mut self) -> F::Output {
        match mem::replace(self, MaybeDone::Gone) {
            MaybeDone::Done(output) => output,
            _ => panic!("aio: a gather slot was taken before its future finished"),
        }
    }
}

// The running future is boxed and outputs are never pinned, so a slot may move freely.
impl<F: Future> Unpin for MaybeDone<F> {}

impl<F: Future> fmt::Debug for MaybeDone<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MaybeDone::Running(_) => "Running",
            MaybeDone::Done(_) => "Done",
            MaybeDone::Gone => "Gone",
        })
    }
}

/// Runs every future at once and returns their outputs in argument order
/// (asyncio's `await asyncio.gather(*aws)`).
///
/// The futures run concurrently inside the awaiting task. asyncio's `gather` wraps each
/// coroutine in a task instead; here nothing starts before the `Gather` is awaited, and
/// dropping it drops (cancels) every future. To run them as tasks, spawn them and gather the
/// [`Task`](crate::Task) handles. Futures that return `Result` keep every outcome, like
/// `return_exceptions=True`; for fail-fast, use [`try_gather`].
///
/// ```
/// use std::time::Duration;
///
/// aio::run(async {
///     let delays = [30, 10, 20];
///     let outputs = aio::gather(delays.map(|ms| async move {
///         aio::sleep(Duration::from_millis(ms)).await;
///         ms
///     }))
///     .await;
///     assert_eq!(outputs, [30, 10, 20]); // argument order, not completion order
/// });
/// ```
pub fn gather<I>(futures: I) -> Gather<I::Item>
where
    I: IntoIterator,
    I::Item: Future,
{
    Gather {
        slots: futures.into_iter().map(MaybeDone::new).collect(),
    }
}

/// The future returned by [`gather`].
#[must_use = "futures do nothing unless you `.await` them"]
pub struct Gather<F: Future> {
    /// One slot per future, in argument order.
    slots: Vec<MaybeDone<F>>,
}

impl<F: Future> Future for Gather<F> {
    type Output = Vec<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut all_done = true;
        for slot in &mut self.slots {
            // No short cut: every unfinished child must be polled to register its waker.
            all_done &= slot.poll_slot(cx);
        }
        if !all_done {
            return Poll::Pending;
        }
        Poll::Ready(self.slots.iter_mut().map(MaybeDone::take).collect())
    }
}

impl<F: Future> fmt::Debug for Gather<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gather")
            .field("slots", &self.slots)
            .finish()
    }
}

/// Runs every future at once; returns all the `Ok` values in argument order, or the first
/// `Err` as soon as it happens (fail-fast).
///
/// "First" means first in time. At that moment every other future is **dropped, before
/// `try_gather` returns**: plain futures are cancelled at the `.await` where they wait, and
/// their destructors run. asyncio's `gather` does not do that: when it raises, the other
/// awaitables keep running. To get asyncio's behaviour, gather [`Task`](crate::Task) handles
/// (spawned with [`spawn`](crate::spawn)): dropping a handle leaves its task running, and
/// a task's own failure (panic or cancellation) is then the `Err`.
///
/// ```
/// use std::time::Duration;
///
/// // Virtual time: durations are exact, so the check below holds on a busy machine too.
/// aio::Builder::new().clock(aio::ClockKind::Virtual).run(async {
///     let start = aio::now();
///     let outcome = aio::try_gather([10, 20, 30].map(|ms| async move {
///         aio::sleep(Duration::from_millis(ms)).await;
///         if ms == 20 { Err(format!("{ms} failed")) } else { Ok(ms) }
///     }))
///     .await;
///     assert_eq!(outcome, Err("20 failed".to_string()));
///     // It returned at the failure, at 20 ms: the 30 ms future was dropped, not awaited.
///     assert_eq!(aio::now() - start, Duration::from_millis(20));
/// });
/// ```
pub fn try_gather<I, T, E>(futures: I) -> TryGather<I::Item>
where
    I: IntoIterator,
    I::Item: Future<Output = Result<T, E>>,
{
    TryGather {
        slots: futures.into_iter().map(MaybeDone::new).collect(),
    }
}

/// The future returned by [`try_gather`].
#[must_use = "futures do nothing unless you `.await` them"]
pub struct TryGather<F: Future> {
    /// One slot per future, in argument order.
    slots: Vec<MaybeDone<F>>,
}

impl<F, T, E> Future for TryGather<F>
where
    F: Future<Output = Result<T, E>>,
{
    type Output = Result<Vec<T>, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut all_done = true;
        for index in 0..self.slots.len() {
            let done = self.slots[index].poll_slot(cx);
            if done && matches!(self.slots[index], MaybeDone::Done(Err(_))) {
                let Err(error) = self.slots[index].take() else {
                    unreachable!("the slot holds an error")
                };
                // Fail fast: drop every other child now, before returning the error.
                let others = mem::take(&mut self.slots);
                drop(others);
                return Poll::Ready(Err(error));
            }
            all_done &= done;
        }
        if !all_done {
            return Poll::Pending;
        }
        let outputs = self.slots.iter_mut().map(MaybeDone::take);
        Poll::Ready(outputs.collect())
    }
}

impl<F: Future> fmt::Debug for TryGather<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TryGather")
            .field("slots", &self.slots)
            .finish()
    }
}

/// Runs a fixed set of futures of different types at once and returns a tuple of their
/// outputs, in argument order (asyncio's `await asyncio.gather(a, b, c)`).
///
/// `aio::gather!(a, b, c)` is a future: `.await` it. Like [`gather`], the futures run inside
/// the awaiting task and dropping the gather drops them all.
///
/// ```
/// use std::time::Duration;
///
/// aio::run(async {
///     let (name, size) = aio::gather!(
///         async { aio::sleep(Duration::from_millis(20)).await; "index.html" },
///         async { aio::sleep(Duration::from_millis(10)).await; 512 },
///     )
///     .await;
///     assert_eq!((name, size), ("index.html", 512));
/// });
/// ```
#[macro_export]
macro_rules! gather {
    // Internal rules first: `@` cannot start an expression, but a failed `expr` match is fatal.
    // Give each future the pattern that picks its place in the tuple: `(_, _, slot, ..)`.
    (@slots [$($done:tt)*] [$($skip:tt)*] $future:expr, $($rest:expr,)*) => {
        $crate::gather!(@slots [$($done)* ([$($skip)*] $future)] [$($skip)* _] $($rest,)*)
    };
    (@slots [$(([$($skip:tt)*] $future:expr))+] [$($all:tt)*]) => {{
        // The futures are made now, like `gather`'s; they run when the result is awaited.
        let mut slots = ($($crate::__MaybeDone::new($future),)+);
        ::std::future::poll_fn(move |cx| {
            let mut all_done = true;
            $(
                let ($($skip,)* slot, ..) = &mut slots;
                all_done &= slot.poll_slot(cx);
            )+
            if !all_done {
                return ::std::task::Poll::Pending;
            }
            ::std::task::Poll::Ready(($({
                let ($($skip,)* slot, ..) = &mut slots;
                slot.take()
            },)+))
        })
    }};
    ($($future:expr),+ $(,)?) => {
        $crate::gather!(@slots [] [] $($future,)+)
    };
}
