//! [`as_completed`]: run many futures at once and take their outputs one at a time, in the
//! order they finish (asyncio's `asyncio.as_completed`).
//!
//! # How it works
//!
//! An [`AsCompleted`] owns the futures, each boxed so that it stays pinned, and a ready list
//! (see `ready_list.rs`) that gives each one a waker of its own. [`AsCompleted::next`] polls only
//! the futures that were woken. A future that finishes is dropped at once and its output goes
//! to the back of a queue **inside the `AsCompleted`**; `next` hands out the front of that
//! queue. Futures that finish in the same turn are queued in argument order.
//!
//! Because every output is kept in the `AsCompleted` until it is handed out, the future that
//! `next()` returns holds nothing of its own: dropping it (because a timeout or a race won)
//! loses nothing, and the next call to `next` gives the output. That is the cancel-safe design
//! lesson 19 recommends: keep state outside the future that may be dropped.
//!
//! # Differences from asyncio
//!
//! * asyncio's `as_completed` wraps each coroutine in a task and yields awaitables (since
//!   Python 3.13 it can also be iterated with `async for`, yielding the tasks). Here the
//!   futures run inside the task that calls `next`, which returns outputs; nothing runs between
//!   two calls to `next` but what the rest of the program runs.
//! * asyncio's `timeout=` raises `TimeoutError` and leaves the unfinished tasks running. Here
//!   a deadline is [`timeout_at`](crate::timeout_at) around each `next` (see
//!   [`as_completed`]); dropping the `AsCompleted` then drops (cancels) the unfinished futures.

use std::collections::VecDeque;
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::ready_list::ReadyList;

/// Runs every future at once; their outputs come out of the returned [`AsCompleted`] in the
/// order the futures finish (asyncio's `for aw in asyncio.as_completed(aws)`).
///
/// Nothing starts before the first call to [`AsCompleted::next`] (Rust futures are lazy), and
/// the futures make progress only while a `next` is being awaited. asyncio's runs as tasks.
///
/// A time limit for the whole (asyncio's `as_completed(aws, timeout=t)`): one deadline, and
/// [`timeout_at`](crate::timeout_at) around each `next`. That is safe because `next` loses
/// nothing when dropped:
///
/// ```
/// use std::time::Duration;
///
/// aio::Builder::new().clock(aio::ClockKind::Virtual).run(async {
///     let mut reports = aio::as_completed([300, 100, 400, 200].map(|ms| async move {
///         aio::sleep(Duration::from_millis(ms)).await;
///         ms
///     }));
///     let deadline = aio::now() + Duration::from_millis(350);
///     let mut got = Vec::new();
///     while let Ok(Some(ms)) = aio::timeout_at(deadline, reports.next()).await {
///         got.push(ms);
///     }
///     assert_eq!(got, [100, 200, 300]); // completion order, until the deadline
///     assert_eq!(reports.len(), 1); // the 400 ms one is still unfinished
/// });
/// ```
///
/// Cancel safety: see [`AsCompleted`]; the future of [`AsCompleted::next`] loses nothing when
/// dropped.
pub fn as_completed<I>(futures: I) -> AsCompleted<I::Item>
where
    I: IntoIterator,
    I::Item: Future,
{
    let futures: Vec<_> = futures.into_iter().map(|f| Some(Box::pin(f))).collect();
    AsCompleted {
        ready: ReadyList::new(futures.len()).in_argument_order(),
        unfinished: futures.len(),
        futures,
        outputs: VecDeque::new(),
    }
}

// ANCHOR: as_completed
/// Futures running together, whose outputs come out in completion order: made by
/// [`as_completed`]. Await [`next`](AsCompleted::next) in a loop, or use it as a
/// `futures::Stream`.
///
/// Cancel safety: dropping the `AsCompleted` drops the unfinished futures (cancelling them)
/// and the outputs not yet handed out.
#[must_use = "the futures do nothing unless you call `next` and `.await` it"]
pub struct AsCompleted<F: Future> {
    /// The futures, in argument order; `None` once a future has finished (and been dropped).
    futures: Vec<Option<Pin<Box<F>>>>,
    /// Which futures were woken since the last poll; it holds each future's waker.
    ready: ReadyList,
    /// How many entries of `futures` are still running.
    unfinished: usize,
    /// Outputs of finished futures, in completion order, not yet handed out.
    outputs: VecDeque<F::Output>,
}

impl<F: Future> AsCompleted<F> {
    /// The next output in completion order, or `None` when every output has been handed out
    /// (asyncio's next `await` in `for aw in as_completed(...)`).
    ///
    /// Cancel safety: cancel-safe. An output is handed out only by the poll that completes this
    /// future; until then it waits inside the `AsCompleted`. Dropping the future that `next`
    /// returns (a timeout, a lost race) loses nothing: the next call gives that output.
    pub async fn next(&mut self) -> Option<F::Output> {
        poll_fn(|cx| self.poll_next(cx)).await
    }

    /// Polls for the next output: `Ready(Some(output))`, `Ready(None)` when all are handed out,
    /// or `Pending` (the waker in `cx` is woken when a future finishes).
    pub fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<F::Output>> {
        if self.outputs.is_empty() && self.unfinished > 0 {
            // Poll the woken futures, each with its own waker; queue what finishes.
            let AsCompleted {
                futures,
                ready,
                unfinished,
                outputs,
            } = self;
            ready.poll_woken(cx.waker(), |index, child_cx| {
                let Some(future) = &mut futures[index] else {
                    return; // Finished already: a stray wake.
                };
                if let Poll::Ready(output) = future.as_mut().poll(child_cx) {
                    futures[index] = None; // Drop the finished future now.
                    *unfinished -= 1;
                    outputs.push_back(output);
                }
            });
        }
        match self.outputs.pop_front() {
            Some(output) => Poll::Ready(Some(output)),
            None if self.unfinished == 0 => Poll::Ready(None),
            None => Poll::Pending,
        }
    }

    /// How many outputs are still to come: futures unfinished, plus outputs not handed out.
    pub fn len(&self) -> usize {
        self.unfinished + self.outputs.len()
    }

    /// True when [`next`](AsCompleted::next) has nothing more to give.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
// ANCHOR_END: as_completed

// The futures are boxed and outputs are never pinned, so an `AsCompleted` may move freely.
impl<F: Future> Unpin for AsCompleted<F> {}

/// `async for`-style use with `futures`' stream combinators: the same as calling
/// [`AsCompleted::next`] in a loop.
impl<F: Future> futures::Stream for AsCompleted<F> {
    type Item = F::Output;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<F::Output>> {
        AsCompleted::poll_next(self.get_mut(), cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len(), Some(self.len()))
    }
}

impl<F: Future> fmt::Debug for AsCompleted<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsCompleted")
            .field("unfinished", &self.unfinished)
            .field("outputs", &self.outputs.len())
            .field("ready", &self.ready)
            .finish()
    }
}
