//! [`race`] and [`race!`](crate::race!): run several futures at once, keep the first to finish,
//! drop the others (asyncio's `asyncio.wait(..., return_when=FIRST_COMPLETED)` followed by
//! cancelling what is pending).
//!
//! # How it works
//!
//! A `Race` owns its futures, each boxed so that it stays pinned, and a ready list (see
//! `ready_list.rs`) that gives each future a waker of its own. Each poll polls only the futures
//! that were woken, so a wake costs one poll, however many futures race. The first future
//! found ready wins: the `Race` stops polling the others, **drops them all**, then returns the
//! winner's index and output. Dropping is how Rust cancels: each loser stops at the `.await`
//! where it waits, and its destructors run, before the caller sees the winner.
//!
//! # Ties
//!
//! Two futures can become ready in the same turn of the loop (two timers with one deadline).
//! The race polls the futures woken together in argument order, so the earlier argument wins;
//! the later one is dropped without being polled again, so it never finishes and never takes
//! anything it would then lose.
//!
//! # Cancel safety, the thing to watch
//!
//! A loser is dropped wherever it was. If it had already taken something (an item from a
//! queue, bytes from a socket) into a local variable and was waiting for more, that something
//! is dropped with it: the race lost data. A race is exactly as cancel-safe as the least
//! cancel-safe future in it. Race futures that finish at the step that takes (one
//! `queue.get()`, not "get two"), or keep what was taken outside the future. Lesson 19 shows
//! both, and the book's chapter has a table of what each of `aio`'s futures loses when dropped.
//!
//! # Differences from asyncio
//!
//! * asyncio's `wait` takes tasks, returns two sets and cancels nothing; the losers run on
//!   until you cancel them, and a cancelled task may catch `CancelledError` and finish anyway.
//!   Here the losers are plain futures, dropped before `race` returns: they cannot refuse.
//!   To keep the losers running instead, race [`Task`](crate::Task) handles (dropping a handle
//!   leaves its task running) or use [`wait`](crate::wait()).
//! * asyncio raises `ValueError` for an empty set; `race` panics on an empty list.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::ready_list::ReadyList;

/// Runs every future at once until the first one finishes; drops the others and returns
/// `(index, output)`: the winner's position in `futures` and its output.
///
/// The futures must have the same type; to race futures of different types (async blocks,
/// a sleep and a `queue.get()`), give them one output type and use [`race!`](crate::race!),
/// which boxes each one. A tie (two ready in the same turn) goes to the earlier argument.
///
/// Cancel safety: dropping the `Race` before it completes drops every future in it, so it
/// loses what they lose when dropped. When it completes, it drops the losers in the same way:
/// a loser that had taken data and was waiting for more loses that data (see lesson 19).
///
/// # Panics
///
/// If `futures` is empty: a race with nobody in it would never end.
///
/// ```
/// use std::time::Duration;
///
/// aio::Builder::new().clock(aio::ClockKind::Virtual).run(async {
///     let start = aio::now();
///     let mirrors = [("eu", 300), ("us", 120), ("asia", 250)];
///     let (index, file) = aio::race(mirrors.map(|(name, ms)| async move {
///         aio::sleep(Duration::from_millis(ms)).await;
///         format!("file from {name}")
///     }))
///     .await;
///     assert_eq!((index, file.as_str()), (1, "file from us"));
///     // The slower downloads were dropped at 120 ms: nothing waited for them.
///     assert_eq!(aio::now() - start, Duration::from_millis(120));
/// });
/// ```
pub fn race<I>(futures: I) -> Race<I::Item>
where
    I: IntoIterator,
    I::Item: Future,
{
    let futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    assert!(
        !futures.is_empty(),
        "aio::race was given no futures: a race with nobody in it would never end"
    );
    Race {
        ready: ReadyList::new(futures.len()).in_argument_order(),
        futures,
    }
}

// ANCHOR: race
/// The future returned by [`race`]. Its output is `(index, output)` of the winner.
///
/// Cancel safety: that of [`race`]: dropping it drops every racer, which loses what each
/// loses when dropped.
#[must_use = "futures do nothing unless you `.await` them"]
pub struct Race<F: Future> {
    /// The racers, in argument order, each boxed so that it stays pinned while the `Vec`
    /// moves. Emptied (every future dropped) when the race is decided.
    futures: Vec<Pin<Box<F>>>,
    /// Which racers were woken since the last poll; it holds each racer's waker.
    ready: ReadyList,
}

impl<F: Future> Future for Race<F> {
    type Output = (usize, F::Output);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        assert!(
            !this.futures.is_empty(),
            "a `Race` was polled again after it completed"
        );
        let mut winner = None;
        // Poll the racers that were woken, in argument order, until one is ready.
        this.ready.poll_woken(cx.waker(), |index, child_cx| {
            if winner.is_none() {
                if let Poll::Ready(output) = this.futures[index].as_mut().poll(child_cx) {
                    winner = Some((index, output));
                }
            }
        });
        let Some(winner) = winner else {
            return Poll::Pending;
        };
        // Cancel the losers: drop every racer now, before the caller sees the winner.
        this.futures.clear();
        this.ready.finish();
        Poll::Ready(winner)
    }
}
// ANCHOR_END: race

impl<F: Future> fmt::Debug for Race<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Race")
            .field("racers", &self.futures.len())
            .field("ready", &self.ready)
            .finish()
    }
}

/// Races futures of different types that have the same output type: `aio::race!(a, b, c)`
/// is [`race`] over the futures, each boxed so that they fit in one list.
///
/// Give the futures one output type with async blocks, often an enum of what can happen:
///
/// ```
/// use std::time::Duration;
///
/// enum Step {
///     Item(u32),
///     Tick,
/// }
///
/// aio::Builder::new().clock(aio::ClockKind::Virtual).run(async {
///     let queue = aio::sync::Queue::unbounded();
///     let (_, step) = aio::race!(
///         async { Step::Item(queue.get().await) },
///         async {
///             aio::sleep(Duration::from_millis(100)).await;
///             Step::Tick
///         },
///     )
///     .await;
///     // Nobody put anything: the tick won, and the `get` was dropped (it took nothing).
///     assert!(matches!(step, Step::Tick));
/// });
/// ```
///
/// Cancel safety: that of [`race`].
#[macro_export]
macro_rules! race {
    ($($future:expr),+ $(,)?) => {
        $crate::race([$($crate::__boxed($future)),+])
    };
}

/// A future boxed as a trait object, so that futures of different types fit in one list.
///
/// Public (and hidden) only because [`race!`](crate::race!) expands to code that names it. A
/// function, not a cast, so that the compiler learns the output type from any one racer.
#[doc(hidden)]
pub fn __boxed<'a, T>(
    future: impl Future<Output = T> + 'a,
) -> Pin<Box<dyn Future<Output = T> + 'a>> {
    Box::pin(future)
}
