//! [`wait`]: wait for some or all of a set of tasks, and get back which are done and which are
//! still pending (asyncio's `done, pending = await asyncio.wait(tasks, ...)`).
//!
//! # Why it differs from `gather`
//!
//! [`gather`](crate::gather()) hands back outputs. `wait` hands back the [`Task`] handles
//! themselves, split in two: `done` (finished, each still holding its outcome) and `pending`
//! (still running). Nothing is cancelled or consumed: awaiting a done task gives its outcome
//! at once, and a pending task keeps running, to be awaited, waited for again, or cancelled.
//! That is what makes `wait` the tool for "take the fastest and cancel the rest" and "give up
//! waiting after a while, but decide later what to do with the stragglers".
//!
//! # How it works
//!
//! Each task's handle is given a waker of its own (see `ready_list.rs`): a finishing task wakes
//! it, which lists the task's index and wakes the task that awaits the `Wait`. Each poll looks
//! only at the listed tasks, counting those that finished (and those that failed), so a task
//! finishing costs one look, not one look at every task. When the [`ReturnWhen`] condition
//! holds, or the optional timeout fires, the tasks are split into `done` and `pending`, both in
//! argument order.
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

use crate::ready_list::ReadyList;
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
    let tasks: Vec<_> = tasks.into_iter().collect();
    Wait {
        ready: ReadyList::new(tasks.len()),
        finished: vec![false; tasks.len()],
        finished_count: 0,
        failed: false,
        tasks,
        return_when,
        timeout: None,
    }
}

/// The future returned by [`wait`]. Its output is `(done, pending)`.
///
/// Cancel safety: not safe. `wait` owns the handles it was given: dropping it drops them,
/// so the tasks run on, detached, and their outcomes are lost (none is cancelled).
#[must_use = "futures do nothing unless you `.await` them"]
pub struct Wait<T> {
    /// The tasks, in argument order. Emptied when the `Wait` completes.
    tasks: Vec<Task<T>>,
    /// Which tasks finished (or were woken for another reason) since the last poll; it holds
    /// the waker given to each task's handle.
    ready: ReadyList,
    /// `finished[i]` is true once task `i` was seen to have finished.
    finished: Vec<bool>,
    /// How many entries of `finished` are true.
    finished_count: usize,
    /// True once a finished task was seen to have failed.
    failed: bool,
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
        // Look only at the tasks whose handles were woken.
        this.ready.poll_woken(cx.waker(), |index, task_cx| {
            let task = &this.tasks[index];
            if !this.finished[index] && task.poll_finished(task_cx).is_ready() {
                this.finished[index] = true;
                this.finished_count += 1;
                this.failed |= task.peek(has_failed).unwrap_or(false);
            }
        });
        let all = this.finished_count == this.tasks.len();
        let ready = match this.return_when {
            ReturnWhen::FirstCompleted => this.finished_count > 0 || all,
            ReturnWhen::FirstError => this.failed || all,
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
        this.ready.finish(); // A pending task that finishes later wakes nobody.
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
            .field("finished", &self.finished_count)
            .field("return_when", &self.return_when)
            .field("timeout", &self.timeout)
            .finish()
    }
}
