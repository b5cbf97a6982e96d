//! [`Semaphore`]: at most `n` tasks past this point at once (asyncio's `Semaphore`).
//!
//! A semaphore holds a number of permits. [`acquire`](Semaphore::acquire) takes one, waiting
//! in line while there are none; dropping the [`SemaphorePermit`] gives it back. That is how a
//! program limits how many downloads, connections or jobs run at the same time: asyncio has no
//! global "maximum number of tasks" setting, you put a semaphore where the limit belongs.
//!
//! The line is first come, first served. A released permit goes straight to the first waiter
//! (see [`waiters`](super::waiters)): a task that calls `acquire` or `try_acquire` a moment
//! later finds no permit, even if the first waiter has not run yet. (CPython's
//! `asyncio.Semaphore` serves its waiters first too; its `Queue` does not, see [`Queue`].)
//!
//! [`Queue`]: super::Queue
//!
//! # Giving back more than was taken
//!
//! A permit is a value ([`SemaphorePermit`]) that gives itself back when dropped, so the usual
//! way of using a semaphore cannot give back a permit twice. Two calls change the number of
//! permits instead: [`forget`](SemaphorePermit::forget) keeps a permit taken for good (asyncio's
//! `await sem.acquire()` with no `release()` yet), and [`release`](Semaphore::release) (or
//! [`add_permits`](Semaphore::add_permits)) adds one. On a semaphore made with
//! [`Semaphore::bounded`] (asyncio's `BoundedSemaphore`), a `release` that would make more
//! permits than it started with is a bug in the program, and panics, as asyncio raises
//! `ValueError`.
//!
//! ```
//! use std::time::Duration;
//! aio::Builder::new().clock(aio::ClockKind::Virtual).run(async {
//!     let limit = aio::sync::Semaphore::new(2);
//!     let start = aio::now();
//!     let jobs: Vec<_> = (0..4)
//!         .map(|_| {
//!             let limit = limit.clone();
//!             aio::spawn(async move {
//!                 let _permit = limit.acquire().await; // Given back when dropped.
//!                 aio::sleep(Duration::from_secs(1)).await;
//!             })
//!         })
//!         .collect();
//!     for job in jobs {
//!         job.await.unwrap();
//!     }
//!     // Four one-second jobs, two at a time: two seconds.
//!     assert_eq!(aio::now() - start, Duration::from_secs(2));
//! });
//! ```

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::waiters::{wake_all, WaitList, Waiter};

/// A count of permits with a fair line of waiters. Cloning gives another handle to the same
/// semaphore (it is shared by the tasks it limits).
///
/// It belongs to the loop's thread (`Rc` inside, neither `Send` nor `Sync`), like every asyncio
/// primitive: tasks on one loop share it; threads do not.
#[derive(Clone)]
pub struct Semaphore {
    inner: Rc<RefCell<Inner>>,
}

struct Inner {
    /// Permits nobody holds and nobody has been handed. Invariant: while anyone waits in
    /// `waiters`, this is 0 (a freed permit goes to the first waiter instead).
    permits: usize,
    /// Permits that exist: free, held by a live [`SemaphorePermit`], or handed to a waiter that
    /// has not run yet. Only [`Semaphore::add_permits`] (up) and [`SemaphorePermit::forget`]
    /// (down) change it; taking and giving back a permit moves one without changing it.
    total: usize,
    /// For a semaphore made with [`Semaphore::bounded`], the most permits there may be (the
    /// number it started with): `total` never goes above it. `None` for [`Semaphore::new`].
    bound: Option<usize>,
    /// Tasks waiting for a permit, in arrival order.
    waiters: WaitList<()>,
}

impl Semaphore {
    /// A semaphore with `permits` permits.
    pub fn new(permits: usize) -> Semaphore {
        Semaphore::with_bound(permits, None)
    }

    /// A semaphore with `permits` permits that never has more (asyncio's `BoundedSemaphore`):
    /// [`release`](Semaphore::release) or [`add_permits`](Semaphore::add_permits) beyond that
    /// panics, instead of silently raising the limit.
    pub fn bounded(permits: usize) -> Semaphore {
        Semaphore::with_bound(permits, Some(permits))
    }

    fn with_bound(permits: usize, bound: Option<usize>) -> Semaphore {
        Semaphore {
            inner: Rc::new(RefCell::new(Inner {
                permits,
                total: permits,
                bound,
                waiters: WaitList::new(),
            })),
        }
    }

    /// Waits for a permit, in line behind everyone who asked before (asyncio's
    /// `async with sem:`). The permit is given back when the returned guard is dropped.
    pub fn acquire(&self) -> Acquire {
        Acquire {
            semaphore: self.clone(),
            waiter: None,
        }
    }

    /// Takes a permit if one is free and nobody is waiting for one, without waiting.
    pub fn try_acquire(&self) -> Option<SemaphorePermit> {
        let mut inner = self.inner.borrow_mut();
        if inner.permits > 0 {
            inner.permits -= 1;
            drop(inner);
            Some(SemaphorePermit {
                semaphore: Some(self.clone()),
            })
        } else {
            None
        }
    }

    /// Permits free right now (0 while anyone waits).
    pub fn available_permits(&self) -> usize {
        self.inner.borrow().permits
    }

    /// How many tasks wait for a permit.
    pub fn waiting(&self) -> usize {
        self.inner.borrow().waiters.len()
    }

    /// True if `acquire` would wait (asyncio's `locked()`).
    pub fn locked(&self) -> bool {
        self.available_permits() == 0
    }

    /// Adds one permit (asyncio's `release()`): the counterpart of
    /// [`SemaphorePermit::forget`]. A dropped permit gives itself back; this is for the
    /// permits that were forgotten, or to raise the limit of an unbounded semaphore.
    ///
    /// # Panics
    /// On a [`bounded`](Semaphore::bounded) semaphore, if that would make more permits than it
    /// started with: see [`add_permits`](Semaphore::add_permits).
    #[track_caller]
    pub fn release(&self) {
        self.add_permits(1);
    }

    /// Adds `n` permits: they go to waiters first, in order, and the rest become free.
    ///
    /// # Panics
    /// On a [`bounded`](Semaphore::bounded) semaphore, if that would make more permits than it
    /// started with: more were given back than were taken (asyncio's `BoundedSemaphore` raises
    /// `ValueError` here). Nothing is added then.
    #[track_caller]
    pub fn add_permits(&self, n: usize) {
        let mut inner = self.inner.borrow_mut();
        let total = inner.total + n;
        if let Some(bound) = inner.bound.filter(|&bound| total > bound) {
            drop(inner);
            panic!(
                "a bounded Semaphore released too many times: it would have {total} permits, \
                 more than the {bound} it was made with. Release only permits that were \
                 forgotten (a dropped SemaphorePermit gives itself back)"
            );
        }
        inner.total = total;
        drop(inner);
        self.give_back(n);
    }

    /// Gives `n` permits that exist back: to waiters first, in order, and the rest become free.
    fn give_back(&self, n: usize) {
        // ANCHOR: release
        let mut wakers = Vec::new();
        {
            let mut inner = self.inner.borrow_mut();
            for _ in 0..n {
                // Hand the permit to the first waiter, or keep it if nobody waits.
                match inner.waiters.notify_one() {
                    Some((_, waker)) => wakers.extend(waker),
                    None => inner.permits += 1,
                }
            }
        } // Release the borrow before waking: a woken waker may run code that uses us.
        wake_all(wakers);
        // ANCHOR_END: release
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.inner.borrow();
        f.debug_struct("Semaphore")
            .field("permits", &inner.permits)
            .field("bound", &inner.bound)
            .field("waiting", &inner.waiters.len())
            .finish()
    }
}

/// A permit from a [`Semaphore`]; dropping it gives the permit back (to the first waiter, if
/// anyone waits).
#[must_use = "the permit is given back as soon as it is dropped"]
pub struct SemaphorePermit {
    /// The semaphore to give the permit back to; `None` once the permit was forgotten.
    semaphore: Option<Semaphore>,
}

impl SemaphorePermit {
    /// Keeps the permit taken for good: dropping the guard will not give it back, and the
    /// semaphore has one permit fewer until [`Semaphore::release`] adds one. That is asyncio's
    /// `await sem.acquire()`, whose permit comes back only when someone calls `release()`.
    pub fn forget(mut self) {
        if let Some(semaphore) = self.semaphore.take() {
            semaphore.inner.borrow_mut().total -= 1;
        }
    }
}

impl Drop for SemaphorePermit {
    fn drop(&mut self) {
        if let Some(semaphore) = self.semaphore.take() {
            semaphore.give_back(1);
        }
    }
}

impl fmt::Debug for SemaphorePermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphorePermit").finish_non_exhaustive()
    }
}

/// The future returned by [`Semaphore::acquire`].
///
/// Cancel safety: safe. Dropping it leaves the line; a permit that had just been handed to it
/// is handed on to the next waiter, so no permit is lost.
#[must_use = "futures do nothing unless you `.await` them"]
pub struct Acquire {
    /// The semaphore asked.
    semaphore: Semaphore,
    /// Our place in line, once we had to wait; `None` before the first poll and after the
    /// permit was taken.
    waiter: Option<Rc<Waiter<()>>>,
}

impl Acquire {
    /// Polls for a permit: `Ready` with it, or `Pending` with our place in line kept.
    pub fn poll_acquire(&mut self, cx: &mut Context<'_>) -> Poll<SemaphorePermit> {
        match &self.waiter {
            // In line: ready once a releaser handed us its permit.
            Some(waiter) if waiter.is_notified() => {
                self.waiter = None;
                Poll::Ready(self.permit())
            }
            Some(waiter) => {
                waiter.register(cx.waker());
                Poll::Pending
            }
            // First poll: take a free permit, or join the back of the line.
            None => {
                let mut inner = self.semaphore.inner.borrow_mut();
                if inner.permits > 0 {
                    inner.permits -= 1;
                    drop(inner);
                    Poll::Ready(self.permit())
                } else {
                    let waiter = inner.waiters.push(cx.waker(), None);
                    drop(inner);
                    self.waiter = Some(waiter);
                    Poll::Pending
                }
            }
        }
    }

    /// The guard for a permit we now hold.
    fn permit(&self) -> SemaphorePermit {
        SemaphorePermit {
            semaphore: Some(self.semaphore.clone()),
        }
    }
}

impl Future for Acquire {
    type Output = SemaphorePermit;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<SemaphorePermit> {
        self.get_mut().poll_acquire(cx)
    }
}

// ANCHOR: cancel
impl Drop for Acquire {
    fn drop(&mut self) {
        let Some(waiter) = self.waiter.take() else {
            return;
        };
        let still_in_line = self.semaphore.inner.borrow_mut().waiters.remove(&waiter);
        if !still_in_line {
            // A permit was handed to us but we will never use it: pass it on.
            self.semaphore.give_back(1);
        }
    }
}
// ANCHOR_END: cancel

impl fmt::Debug for Acquire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acquire")
            .field("waiting", &self.waiter.is_some())
            .finish()
    }
}
