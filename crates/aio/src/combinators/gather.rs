//! [`gather`], [`try_gather`] and [`gather!`](crate::gather!): await many futures at once and
//! get their outputs back in argument order (asyncio's `asyncio.gather`).
//!
//! # How it works
//!
//! A `Gather` is one future that owns many. Each child has a slot, which keeps its output once
//! it finishes, and a waker of its own: waking it puts the child's index on the gather's ready
//! list (see `ready_list.rs`) and wakes the task that awaits the gather. Each time that task
//! polls the `Gather`, it polls only the children on the list, so a child finishing costs one
//! poll, not one poll of every unfinished child. When every slot is full it hands the outputs
//! back in slot order, so the result order is the argument order whatever the completion order.
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

use crate::ready_list::ReadyList;

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

    /// Polls the future if it is still running. True if this poll finished it (so a stray
    /// wake of a child that has already finished counts for nothing).
    pub fn poll_child(&mut self, cx: &mut Context<'_>) -> bool {
        let MaybeDone::Running(future) = self else {
            return false;
        };
        match future.as_mut().poll(cx) {
            Poll::Ready(output) => {
                // Replacing the slot drops the finished future now.
                *self = MaybeDone::Done(output);
                true
            }
            Poll::Pending => false,
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

/// The children of a [`gather!`](crate::gather!): its ready list and how many are unfinished.
///
/// Public (and hidden) only because the macro expands to code that names it; it is not part
/// of the API. The macro keeps the children themselves in a tuple of [`MaybeDone`] slots.
#[doc(hidden)]
#[derive(Debug)]
pub struct TupleChildren {
    /// Which children were woken since the last poll; it holds each child's waker.
    ready: ReadyList,
    /// How many children have not finished.
    unfinished: usize,
}

impl TupleChildren {
    /// `count` children, none finished.
    pub fn new(count: usize) -> TupleChildren {
        TupleChildren {
            ready: ReadyList::new(count),
            unfinished: count,
        }
    }

    /// Polls the children that were woken: `poll_child(index, cx)` polls child `index` and
    /// says whether that poll finished it. True once every child has finished.
    pub fn poll(
        &mut self,
        cx: &mut Context<'_>,
        mut poll_child: impl FnMut(usize, &mut Context<'_>) -> bool,
    ) -> bool {
        let unfinished = &mut self.unfinished;
        self.ready.poll_woken(cx.waker(), |index, child_cx| {
            if poll_child(index, child_cx) {
                *unfinished -= 1;
            }
        });
        self.unfinished == 0
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
    let slots: Vec<_> = futures.into_iter().map(MaybeDone::new).collect();
    Gather {
        ready: ReadyList::new(slots.len()),
        unfinished: slots.len(),
        slots,
    }
}

// ANCHOR: gather
/// The future returned by [`gather`].
///
/// Cancel safety: not safe. Dropping it drops every child: the outputs of those that had
/// finished are lost, and the others stop where they were (a child that is a `Task` handle is
/// dropped, and its task runs on, detached).
#[must_use = "futures do nothing unless you `.await` them"]
pub struct Gather<F: Future> {
    /// One slot per future, in argument order.
    slots: Vec<MaybeDone<F>>,
    /// Which children were woken since the last poll; it holds each child's waker.
    ready: ReadyList,
    /// How many slots still wait for their output.
    unfinished: usize,
}

impl<F: Future> Future for Gather<F> {
    type Output = Vec<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // The slots are `Unpin` (the children are boxed), so the gather can be moved out of
        // its pin. Poll the children that were woken, each with its own waker; no others.
        let this = self.get_mut();
        this.ready.poll_woken(cx.waker(), |index, child_cx| {
            if this.slots[index].poll_child(child_cx) {
                this.unfinished -= 1;
            }
        });
        if this.unfinished > 0 {
            return Poll::Pending;
        }
        Poll::Ready(this.slots.iter_mut().map(MaybeDone::take).collect())
    }
}
// ANCHOR_END: gather

impl<F: Future> fmt::Debug for Gather<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gather")
            .field("slots", &self.slots)
            .field("ready", &self.ready)
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
    let slots: Vec<_> = futures.into_iter().map(MaybeDone::new).collect();
    TryGather {
        ready: ReadyList::new(slots.len()),
        unfinished: slots.len(),
        slots,
    }
}

/// The future returned by [`try_gather`].
///
/// Cancel safety: not safe, as [`Gather`]: dropping it drops every child and the outputs
/// gathered so far.
#[must_use = "futures do nothing unless you `.await` them"]
pub struct TryGather<F: Future> {
    /// One slot per future, in argument order.
    slots: Vec<MaybeDone<F>>,
    /// Which children were woken since the last poll; it holds each child's waker.
    ready: ReadyList,
    /// How many slots still wait for their output.
    unfinished: usize,
}

impl<F, T, E> Future for TryGather<F>
where
    F: Future<Output = Result<T, E>>,
{
    type Output = Result<Vec<T>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let mut failed = None;
        this.ready.poll_woken(cx.waker(), |index, child_cx| {
            if failed.is_some() {
                return; // Fail fast: after an error, poll nobody else.
            }
            let slot = &mut this.slots[index];
            if slot.poll_child(child_cx) {
                this.unfinished -= 1;
                if matches!(slot, MaybeDone::Done(Err(_))) {
                    failed = Some(index);
                }
            }
        });
        if let Some(index) = failed {
            let Err(error) = this.slots[index].take() else {
                unreachable!("the slot holds an error")
            };
            // Drop every other child now, before returning the error.
            drop(mem::take(&mut this.slots));
            this.ready.finish();
            return Poll::Ready(Err(error));
        }
        if this.unfinished > 0 {
            return Poll::Pending;
        }
        let outputs = this.slots.iter_mut().map(MaybeDone::take);
        Poll::Ready(outputs.collect())
    }
}

impl<F: Future> fmt::Debug for TryGather<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TryGather")
            .field("slots", &self.slots)
            .field("ready", &self.ready)
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
        // `$all` holds one `_` per future, and each `$skip` one per future before this one.
        let mut children = $crate::__TupleChildren::new(<[&str]>::len(&[$(stringify!($all)),*]));
        ::std::future::poll_fn(move |cx| {
            let all_done = children.poll(cx, |index, child_cx| {
                $(
                    if index == <[&str]>::len(&[$(stringify!($skip)),*]) {
                        let ($($skip,)* slot, ..) = &mut slots;
                        return slot.poll_child(child_cx);
                    }
                )+
                unreachable!("gather! has no child {index}")
            });
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
