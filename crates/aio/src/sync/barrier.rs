//! [`Barrier`]: a meeting point where `parties` tasks wait until all of them are there
//! (asyncio's `Barrier`, Python 3.11).
//!
//! Each task calls [`wait`](Barrier::wait) when it is ready. The first `parties - 1` wait; the
//! last one to arrive opens the barrier, and all of them go on together. Each gets its
//! **arrival index**, `0` for the first to arrive and `parties - 1` for the one that opened it,
//! so that one of them can be picked to do something once (asyncio's docs: "if index == 0").
//! Then the barrier is empty again, ready for the next round: it can be used in a loop.
//!
//! [`abort`](Barrier::abort) breaks the barrier: every task waiting, and every later `wait`,
//! gets [`BrokenBarrier`] (asyncio's `BrokenBarrierError`), so that a group whose member
//! failed does not wait forever for it. [`reset`](Barrier::reset) sends the waiting tasks away
//! with `BrokenBarrier` too, and leaves the barrier empty and whole.
//!
//! As in the other primitives here, the opening is a hand-off: the task that opens the barrier
//! gives every waiter its index on the spot. There is nothing left of the round, so the next
//! task to call `wait` starts the next round at once. (asyncio has a "draining" state instead,
//! in which a newcomer waits until the released tasks have left `wait()`; the indices and the
//! rounds come out the same.)
//!
//! ```
//! use aio::sync::Barrier;
//!
//! aio::Builder::new().clock(aio::ClockKind::Virtual).run(async {
//!     let barrier = Barrier::new(3);
//!     let early: Vec<_> = (0..2)
//!         .map(|_| {
//!             let barrier = barrier.clone();
//!             aio::spawn(async move { barrier.wait().await })
//!         })
//!         .collect();
//!     aio::yield_now().await;
//!     assert_eq!(barrier.waiting(), 2); // asyncio: [filling, waiters:2/3]
//!     assert_eq!(barrier.wait().await, Ok(2)); // The third passes it, and opens it.
//!     assert_eq!(barrier.waiting(), 0); // Empty again, for the next round.
//!     assert_eq!(aio::gather(early).await.into_iter().map(Result::unwrap).collect::<Vec<_>>(),
//!                [Ok(0), Ok(1)]);
//! });
//! ```

use std::cell::RefCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::waiters::{wake_all, WaitList, Waiter};

/// A meeting point for `parties` tasks. Cloning gives another handle to the same barrier.
///
/// It belongs to the loop's thread (`Rc` inside, neither `Send` nor `Sync`).
#[derive(Clone)]
pub struct Barrier {
    inner: Rc<RefCell<Inner>>,
}

/// What a waiter is handed when its round ends: its arrival index, or the news that the
/// barrier broke.
type Outcome = Result<usize, BrokenBarrier>;

struct Inner {
    /// How many tasks must be waiting for the barrier to open. At least 1; never changes.
    parties: usize,
    /// The tasks of this round, in arrival order; each is handed its [`Outcome`] in its slot.
    /// Invariant: fewer than `parties` wait (the arrival that would make `parties` opens the
    /// barrier instead of joining), and none while `broken`.
    waiters: WaitList<Outcome>,
    /// Set by `abort`, cleared by `reset`: while set, `wait` fails at once.
    broken: bool,
}

impl Inner {
    /// Ends the round: hands each waiter, in arrival order, the outcome `outcome(i)` for the
    /// `i`th, and returns their wakers (to wake after the borrow ends).
    fn end_round(&mut self, outcome: impl Fn(usize) -> Outcome) -> Vec<std::task::Waker> {
        let mut wakers = Vec::with_capacity(self.waiters.len());
        let mut index = 0;
        while let Some((waiter, waker)) = self.waiters.notify_one() {
            waiter.fill_slot(outcome(index));
            wakers.extend(waker);
            index += 1;
        }
        wakers
    }
}

/// The error of a [`Barrier::wait`] on a broken barrier, or one broken or reset while it
/// waited (asyncio's `BrokenBarrierError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrokenBarrier;

impl fmt::Display for BrokenBarrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the barrier was aborted or reset")
    }
}

impl Error for BrokenBarrier {}

impl Barrier {
    /// A barrier that opens when `parties` tasks wait at it.
    ///
    /// # Panics
    /// If `parties` is 0 (asyncio raises `ValueError`): nobody could ever open it.
    #[track_caller]
    pub fn new(parties: usize) -> Barrier {
        assert!(
            parties > 0,
            "Barrier::new(0): a barrier needs at least one party to open it"
        );
        Barrier {
            inner: Rc::new(RefCell::new(Inner {
                parties,
                waiters: WaitList::new(),
                broken: false,
            })),
        }
    }

    /// Waits until `parties` tasks wait (this one included), then returns this task's arrival
    /// index: `0` for the first, `parties - 1` for the last. `Err(BrokenBarrier)` if the
    /// barrier is broken, or is aborted or reset while this task waits.
    pub fn wait(&self) -> BarrierWait {
        BarrierWait {
            barrier: self.clone(),
            waiter: None,
        }
    }

    /// Breaks the barrier: every waiting task, and every later `wait`, gets
    /// [`BrokenBarrier`], until [`reset`](Barrier::reset) (asyncio's `abort()`).
    pub fn abort(&self) {
        let wakers = {
            let mut inner = self.inner.borrow_mut();
            inner.broken = true;
            inner.end_round(|_| Err(BrokenBarrier))
        }; // Release the borrow before waking.
        wake_all(wakers);
    }

    /// Sends every waiting task away with [`BrokenBarrier`], and makes the barrier empty and
    /// whole again (asyncio's `reset()`).
    pub fn reset(&self) {
        let wakers = {
            let mut inner = self.inner.borrow_mut();
            inner.broken = false;
            inner.end_round(|_| Err(BrokenBarrier))
        };
        wake_all(wakers);
    }

    /// How many tasks must wait for the barrier to open.
    pub fn parties(&self) -> usize {
        self.inner.borrow().parties
    }

    /// How many tasks wait now (asyncio's `n_waiting`).
    pub fn waiting(&self) -> usize {
        self.inner.borrow().waiters.len()
    }

    /// True after [`abort`](Barrier::abort), until [`reset`](Barrier::reset).
    pub fn is_broken(&self) -> bool {
        self.inner.borrow().broken
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.inner.borrow();
        f.debug_struct("Barrier")
            .field("parties", &inner.parties)
            .field("waiting", &inner.waiters.len())
            .field("broken", &inner.broken)
            .finish()
    }
}

/// The future returned by [`Barrier::wait`].
///
/// Cancel safety: safe. Dropping it while it waits takes this task out of the round, as in
/// asyncio: the barrier then needs one more arrival to open. (The indices are given when the
/// barrier opens, so they stay distinct; asyncio gives them on arrival, and can repeat one
/// after a cancellation.) Once the barrier opened, the others have gone on already; dropping
/// it only loses its index.
#[must_use = "futures do nothing unless you `.await` them"]
pub struct BarrierWait {
    /// The barrier waited at.
    barrier: Barrier,
    /// Our place in this round once we had to wait.
    waiter: Option<Rc<Waiter<Outcome>>>,
}

impl BarrierWait {
    // ANCHOR: wait
    /// Polls: `Ready` with the arrival index once the barrier opens (or with the error once it
    /// breaks), else `Pending`.
    pub fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<Result<usize, BrokenBarrier>> {
        if let Some(waiter) = &self.waiter {
            if !waiter.is_notified() {
                waiter.register(cx.waker());
                return Poll::Pending;
            }
            let outcome = waiter.take_slot().expect("an outcome comes with the turn");
            self.waiter = None;
            return Poll::Ready(outcome);
        }
        // First poll: fail if broken, open the barrier if we are the last, else wait in line.
        let (index, wakers) = {
            let mut inner = self.barrier.inner.borrow_mut();
            if inner.broken {
                return Poll::Ready(Err(BrokenBarrier));
            }
            if inner.waiters.len() + 1 < inner.parties {
                self.waiter = Some(inner.waiters.push(cx.waker(), None));
                return Poll::Pending;
            }
            // The last of `parties`: the others get 0, 1, ... in arrival order.
            (inner.parties - 1, inner.end_round(Ok))
        }; // Release the borrow before waking.
        wake_all(wakers);
        Poll::Ready(Ok(index))
    }
    // ANCHOR_END: wait
}

impl Future for BarrierWait {
    type Output = Result<usize, BrokenBarrier>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut().poll_wait(cx)
    }
}

impl Drop for BarrierWait {
    fn drop(&mut self) {
        // Leave the round if still in it; a handed outcome is only ours to lose.
        if let Some(waiter) = self.waiter.take() {
            self.barrier.inner.borrow_mut().waiters.remove(&waiter);
        }
    }
}

impl fmt::Debug for BarrierWait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BarrierWait")
            .field("waiting", &self.waiter.is_some())
            .finish()
    }
}
