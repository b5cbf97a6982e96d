//! [`wait`]: wait for some or all of a set of tasks, and get back which are done and which are
//! still pending (asyncio's `done, pending = await asyncio.wait(tasks, ...)`).
//!
//! # Why it differs from `gather`
//!
//! [`gather`](crate::gather) hands back outputs. `wait` hands back the [`Task`] handles
//! themselves, split in two: `done` (finished, each still holding its outcome) and `pending`
//! (still running). Nothing is cancelled or consumed: awaiting a done task gives its outcome
//! at once, and a pending task keeps running, to be awaited, waited for again, or cancelled.
//! That is what makes `wait` the tool for "take the fastest and cancel the rest" and "give up
//! waiting after a while, but decide later what to do with the stragglers".
//!
//! # How it works
//!
//! Each poll looks at every task: finished tasks are counted, and unfinished ones remember the
//! waker of the task that awaits the `Wait` (the same slot that awaiting the handle uses), so a
//! finishing task wakes it. When the [`ReturnWhen`] condition holds, or the optional timeout
//! fires, the tasks are split into `done` and `pending`, both in argument order.
//!
//! # Differences from asyncio
//!
//! * asyncio returns two sets; here they are `Vec`s in argument order, so output is
//!   deterministic.
//! * asyncio raises `ValueError` for an empty set; here waiting for nothing completes at once
//!   with two empty lists.
//! * asyncio (since Python 3.11) accepts only tasks and futures, not bare coroutines; here the
//!   types say the same: `wait` takes [`Task`]s. Spawn futures first.

use std::fmt;
use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::sleep::{sleep, Sleep};
use crate::task::{Task, TaskError};

/// When [`wait`] returns (asyncio's `return_when`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnWhen {
    /// As soon as any task finishes, however it finished (`FIRST_COMPLETED`).
    FirstCompleted,
    /// As soon as any task fails, or when all have finished if none fails
    /// (`FIRST_EXCEPTION`). A task fails if it panicked or if its output is an error in the
    /// sense of [`Outcome::is_error`] (an `Err` for `Result` outputs). A cancelled task does
    /// not count as failed, as in asyncio.
    FirstError,
    /// When every task has finished (`ALL_COMPLETED`, the default in asyncio).
    AllCompleted,
}

/// Whether a task's output counts as an error, for [`ReturnWhen::FirstError`].
///
/// asyncio decides by whether the coroutine raised. In Rust an error is a value, usually the
/// `Err` of a `Result`, so the output's type says what counts. `Result` answers with
/// [`is_err`](Result::is_err); the common plain types never count as errors. For a type of
/// your own, `impl aio::Outcome for MyOutput {}` says "never an error", or override
/// `is_error`.
pub trait Outcome {
    /// True if this output means the task failed. The default says it never does.
    fn is_error(&self) -> bool {
        false
    }
}

impl<T, E> Outcome for Result<T, E> {
    fn is_error(&self) -> bool {
        self.is_err()
    }
}

macro_rules! never_an_error {
    ($($ty:ty),*) => { $(impl Outcome for $ty {})* };
}
never_an_error!(
    (),
    bool,
    char,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    f32,
    f64,
    String,
    &str,
    Duration
);
impl<T> Outcome for Option<T> {}
impl<T> Outcome for Vec<T> {}

/// Waits for `tasks` until `return_when` holds, and returns `(done, pending)`
/// (asyncio's `asyncio.wait(tasks, return_when=...)`).
///
/// Add a time limit with [`Wait::timeout`]: when it expires, `wait` returns what is done so
/// far, like asyncio, without raising and without cancelling anything.
///
/// ```
/// use std::time::Duration;
/// use aio::ReturnWhen;
///
/// // Virtual time: the clock jumps from deadline to deadline, so the 10 ms task finishes
/// // alone, before the 20 ms one. In real time a busy machine may wake the loop late enough
/// // that both are done at once.
/// aio::Builder::new().clock(aio::ClockKind::Virtual).run(async {
///     let tasks: Vec<_> = [30, 10, 20]
///         .into_iter()
///         .map(|ms| aio::spawn(async move {
///             aio::sleep(Duration::from_millis(ms)).await;
///             ms
///         }))
///         .collect();
///     let (done, pending) = aio::wait(tasks, ReturnWhen::FirstCompleted).await;
///     assert_eq!(done.len(), 1);
///     assert_eq!(done.into_iter().next().unwrap().await.unwrap(), 10);
///     // The others are still running: wait for them too.
///     let (done, pending) = aio::wait(pending, ReturnWhen::AllCompleted).await;
///     assert_eq!((done.len(), pending.len()), (2, 0));
/// });
/// ```
pub fn wait<T, I>(tasks: I, return_when: ReturnWhen) -> Wait<T>
where
    I: IntoIterator<Item = Task<T>>,
    T: Outcome,
{
    Wait {
        tasks: tasks.into_iter().collect(),
        return_when,
        timeout: None,
    }
}

/// The future returned by [`wait`]. Its output is `(done, pending)`.
#[must_use = "futures do nothing unless you `.await` them"]
pub struct Wait<T> {
    /// The tasks, in argument order. Emptied when the `Wait` completes.
    tasks: Vec<Task<T>>,
    /// The condition to return on.
    return_when: ReturnWhen,
    /// The time limit, if any; its clock starts at the first poll.
    timeout: Option<Sleep>,
}

impl<T> Wait<T> {
    /// Returns after `limit` at the latest, with whatever is done by then
    /// (asyncio's `timeout=` argument). Nothing is cancelled when the limit passes.
    pub fn timeout(mut self, limit: Duration) -> Wait<T> {
        self.timeout = Some(sleep(limit));
        self
    }
}

impl<T: Outcome + 'static> Future for Wait<T> {
    type Output = (Vec<Task<T>>, Vec<Task<T>>);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let mut finished = 0;
        let mut failed = false;
        for task in &this.tasks {
            if task.poll_finished(cx).is_ready() {
                finished += 1;
                failed |= task.peek(has_failed).unwrap_or(false);
            }
        }
        let all = finished == this.tasks.len();
        let ready = match this.return_when {
            ReturnWhen::FirstCompleted => finished > 0 || all,
            ReturnWhen::FirstError => failed || all,
            ReturnWhen::AllCompleted => all,
        };
        // Only look at the clock when the condition does not already hold.
        let mut timed_out = || match &mut this.timeout {
            Some(limit) => Pin::new(limit).poll(cx).is_ready(),
            None => false,
        };
        if !ready && !timed_out() {
            return Poll::Pending;
        }
        this.timeout = None; // Releases the timer now.
        let (done, pending) = mem::take(&mut this.tasks)
            .into_iter()
            .partition(Task::is_finished);
        Poll::Ready((done, pending))
    }
}

/// Whether a finished task failed: it panicked, or its output is an error.
fn has_failed<T: Outcome>(outcome: Result<&T, &TaskError>) -> bool {
    match outcome {
        Ok(output) => output.is_error(),
        Err(TaskError::Panicked(_)) => true,
        Err(TaskError::Cancelled) => false,
    }
}

impl<T> fmt::Debug for Wait<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("tasks", &self.tasks)
            .field("return_when", &self.return_when)
            .field("timeout", &self.timeout)
            .finish()
    }
}
