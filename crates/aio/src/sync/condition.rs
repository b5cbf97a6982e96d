//! [`Condition`]: wait, with the lock let go, until another task says that the state changed
//! (asyncio's `Condition`).
//!
//! An [`Event`](super::Event) says one thing, once: "it happened". A condition is for state
//! that changes again and again under a [`Lock`] (the stock of a shop, the free seats of a
//! room) when a task must wait until the state suits it ("at least one item in stock"). The
//! task looks at the state holding the lock; if it does not suit, [`wait`](Condition::wait)
//! lets the lock go (so that other tasks can change the state), suspends until another task
//! notifies, and takes the lock again before it returns. The task that changes the state
//! notifies while it holds the lock.
//!
//! ```text
//!   consumer                                     producer
//!   ────────                                     ────────
//!   guard = cond.lock().await
//!   no stock: guard = cond.wait(guard).await
//!     lets the lock go, waits in line ───────▶   guard = cond.lock().await
//!                                                guard.push(item)
//!                                                cond.notify(&guard, 1)
//!                                                drop(guard)
//!     notified, takes the lock again ◀────────
//!   takes the item, drops its guard
//! ```
//!
//! # Holding the lock is checked by types, and which lock at run time
//!
//! asyncio raises `RuntimeError` when `wait()` or `notify()` is called without holding the
//! condition's lock. Here the lock's guard is an argument: [`wait`](Condition::wait) takes the
//! [`LockGuard`] (and gives a new one back), [`notify`](Condition::notify) and
//! [`notify_all`](Condition::notify_all) borrow it. So a call made without holding a lock does
//! not compile. A condition can share its lock with others (asyncio's `Condition(lock)`, see
//! [`Condition::with_lock`]), so the guard's type cannot say *which* lock it holds: that is
//! checked when the call is made, and a guard of another lock panics with a message that
//! says so.
//!
//! # A wake-up is a hint
//!
//! Notified waiters are served in the order they started waiting, but each takes the lock again
//! behind the tasks that asked for it before. By the time it holds the lock, another task may
//! have changed the state again: look at the state again in a loop, or let
//! [`wait_for`](Condition::wait_for) do it. A notification is not stored: `notify` with nobody
//! waiting does nothing.
//!
//! ```
//! use aio::sync::Condition;
//!
//! aio::Builder::new().clock(aio::ClockKind::Virtual).run(async {
//!     let stock = Condition::new(Vec::<&str>::new());
//!     let buyer = {
//!         let stock = stock.clone();
//!         aio::spawn(async move {
//!             let guard = stock.lock().await;
//!             let mut guard = stock.wait_for(guard, |items| !items.is_empty()).await;
//!             guard.pop().unwrap()
//!         })
//!     };
//!     aio::yield_now().await; // The buyer finds no stock and waits.
//!     let mut guard = stock.lock().await;
//!     guard.push("tea");
//!     stock.notify(&guard, 1);
//!     drop(guard);
//!     assert_eq!(buyer.await.unwrap(), "tea");
//! });
//! ```

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{ready, Context, Poll};

use super::lock::{Lock, LockFuture, LockGuard};
use super::waiters::{wake_all, WaitList, Waiter};

/// A line of tasks waiting, with a [`Lock`] let go, for a change to the state the lock
/// protects. Cloning gives another handle to the same condition.
///
/// It belongs to the loop's thread (`Rc` inside, neither `Send` nor `Sync`).
pub struct Condition<T> {
    /// The lock that protects the state; possibly shared with other conditions.
    lock: Lock<T>,
    /// Tasks in `wait` (their lock let go), in the order they started waiting.
    waiters: Rc<RefCell<WaitList<()>>>,
}

impl<T> Condition<T> {
    /// A condition with a new lock around `value` (asyncio's `Condition()`).
    pub fn new(value: T) -> Condition<T> {
        Condition::with_lock(Lock::new(value))
    }

    /// A condition on an existing `lock` (asyncio's `Condition(lock)`). Several conditions can
    /// share one lock: a bounded buffer has "not empty" and "not full" on the same lock.
    pub fn with_lock(lock: Lock<T>) -> Condition<T> {
        Condition {
            lock,
            waiters: Rc::new(RefCell::new(WaitList::new())),
        }
    }

    /// Waits for the condition's lock (asyncio's `async with cond:`).
    pub fn lock(&self) -> LockFuture<T> {
        self.lock.lock()
    }

    /// Takes the condition's lock if it is free, without waiting.
    pub fn try_lock(&self) -> Option<LockGuard<T>> {
        self.lock.try_lock()
    }

    /// True while some task holds the condition's lock (asyncio's `locked()`).
    pub fn is_locked(&self) -> bool {
        self.lock.is_locked()
    }

    /// How many tasks wait to be notified.
    pub fn waiting(&self) -> usize {
        self.waiters.borrow().len()
    }

    /// Lets the lock go, waits until notified, and takes the lock again: the returned future
    /// gives a new guard (asyncio's `await cond.wait()`). Look at the state again when it
    /// returns: another task may have changed it first (see the module's docs).
    ///
    /// # Panics
    /// If `guard` holds another lock than this condition's.
    #[track_caller]
    pub fn wait(&self, guard: LockGuard<T>) -> ConditionWait<T> {
        self.check(&guard, "wait");
        ConditionWait {
            condition: self.clone(),
            state: WaitState::Holding(guard),
        }
    }

    /// Waits until `predicate` is true of the locked value: asks it at once, and after each
    /// wake-up, with the lock held; returns the guard once it says yes (asyncio's
    /// `await cond.wait_for(predicate)`).
    ///
    /// # Panics
    /// If `guard` holds another lock than this condition's.
    #[track_caller]
    pub fn wait_for<F>(&self, guard: LockGuard<T>, predicate: F) -> ConditionWaitFor<T, F>
    where
        F: FnMut(&T) -> bool,
    {
        self.check(&guard, "wait_for");
        ConditionWaitFor {
            condition: self.clone(),
            predicate,
            guard: Some(guard),
            wait: None,
        }
    }

    // ANCHOR: notify
    /// Wakes the first `n` waiters (fewer if fewer wait), in the order they started waiting
    /// (asyncio's `notify(n)`). `guard` shows that the caller holds the condition's lock; the
    /// woken waiters take it in turn once it is let go.
    ///
    /// # Panics
    /// If `guard` holds another lock than this condition's.
    #[track_caller]
    pub fn notify(&self, guard: &LockGuard<T>, n: usize) {
        self.check(guard, "notify");
        self.wake(n);
    }

    /// Wakes every waiter (asyncio's `notify_all()`).
    ///
    /// # Panics
    /// If `guard` holds another lock than this condition's.
    #[track_caller]
    pub fn notify_all(&self, guard: &LockGuard<T>) {
        self.check(guard, "notify_all");
        let wakers = self.waiters.borrow_mut().notify_all();
        wake_all(wakers); // After the borrow: a woken waker may use the condition.
    }

    /// Wakes the first `n` waiters.
    fn wake(&self, n: usize) {
        let mut wakers = Vec::new();
        {
            let mut waiters = self.waiters.borrow_mut();
            for _ in 0..n {
                match waiters.notify_one() {
                    Some((_, waker)) => wakers.extend(waker),
                    None => break, // Nobody else waits; a notification is not stored.
                }
            }
        }
        wake_all(wakers);
    }

    /// Panics unless `guard` holds this condition's lock.
    #[track_caller]
    fn check(&self, guard: &LockGuard<T>, method: &str) {
        assert!(
            guard.holds(&self.lock),
            "Condition::{method} was given the guard of another lock: pass the guard of the \
             condition's own lock (from `condition.lock().await`), as asyncio requires holding \
             the condition's lock (it raises RuntimeError otherwise)"
        );
    }
    // ANCHOR_END: notify
}

impl<T> Clone for Condition<T> {
    fn clone(&self) -> Self {
        Condition {
            lock: self.lock.clone(),
            waiters: self.waiters.clone(),
        }
    }
}

impl<T> fmt::Debug for Condition<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condition")
            .field("locked", &self.lock.is_locked())
            .field("waiting", &self.waiting())
            .finish()
    }
}

/// The future returned by [`Condition::wait`]: a new guard once notified and locked again.
///
/// Cancel safety: safe, and the lock is not held while it waits. Dropping it before its first
/// poll drops the guard (which lets the lock go); while it waits in line, it leaves the line;
/// if it had been notified, the notification goes on to the next waiter (CPython fixed the
/// same lost wake-up in 2024, gh-112202); while it waits for the lock again, it leaves the
/// lock's line. The caller does not get a guard back, so the lock is not held after a
/// cancelled wait.
#[must_use = "futures do nothing unless you `.await` them"]
pub struct ConditionWait<T> {
    /// The condition waited on.
    condition: Condition<T>,
    /// How far the wait has got.
    state: WaitState<T>,
}

/// The steps of a [`ConditionWait`].
enum WaitState<T> {
    /// Not polled yet: the caller's guard, still holding the lock.
    Holding(LockGuard<T>),
    /// In the condition's line, the lock let go.
    InLine(Rc<Waiter<()>>),
    /// Notified: waiting to take the lock again.
    Relocking(LockFuture<T>),
    /// Finished: the new guard was given out.
    Done,
}

impl<T> ConditionWait<T> {
    // ANCHOR: wait
    /// Polls the wait: `Ready` with a new guard once notified and locked again.
    pub fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<LockGuard<T>> {
        loop {
            match &mut self.state {
                WaitState::Holding(_) => {
                    // Join the line before letting the lock go: whoever takes the lock next
                    // and notifies finds us in it.
                    let waiter = self.condition.waiters.borrow_mut().push(cx.waker(), None);
                    let held = mem::replace(&mut self.state, WaitState::InLine(waiter));
                    drop(held); // Lets the lock go (to the first task waiting for it, if any).
                    return Poll::Pending;
                }
                WaitState::InLine(waiter) if waiter.is_notified() => {
                    self.state = WaitState::Relocking(self.condition.lock.lock());
                }
                WaitState::InLine(waiter) => {
                    waiter.register(cx.waker());
                    return Poll::Pending;
                }
                WaitState::Relocking(relock) => {
                    let guard = ready!(relock.poll_lock(cx));
                    self.state = WaitState::Done;
                    return Poll::Ready(guard);
                }
                WaitState::Done => panic!("ConditionWait polled after it completed"),
            }
        }
    }
    // ANCHOR_END: wait
}

// The guard's value is only ever moved, never pinned: `ConditionWait` is `Unpin` whatever `T`
// is.
impl<T> Unpin for ConditionWait<T> {}

impl<T> Future for ConditionWait<T> {
    type Output = LockGuard<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<LockGuard<T>> {
        self.get_mut().poll_wait(cx)
    }
}

impl<T> Drop for ConditionWait<T> {
    fn drop(&mut self) {
        // `Holding` drops its guard (letting the lock go) and `Relocking` its lock future
        // (leaving the lock's line) by themselves; a place in our line needs handling.
        let WaitState::InLine(waiter) = mem::replace(&mut self.state, WaitState::Done) else {
            return;
        };
        let still_in_line = self.condition.waiters.borrow_mut().remove(&waiter);
        if !still_in_line {
            // Notified, but we will never act on it: notify the next waiter instead.
            self.condition.wake(1);
        }
    }
}

impl<T> fmt::Debug for ConditionWait<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            WaitState::Holding(_) => "holding the lock",
            WaitState::InLine(_) => "waiting to be notified",
            WaitState::Relocking(_) => "waiting for the lock",
            WaitState::Done => "done",
        };
        f.debug_struct("ConditionWait")
            .field("state", &state)
            .finish()
    }
}

/// The future returned by [`Condition::wait_for`]: the guard, once the predicate holds.
///
/// Cancel safety: safe, as [`ConditionWait`]: dropping it loses no notification, and the caller
/// does not get the lock back.
#[must_use = "futures do nothing unless you `.await` them"]
pub struct ConditionWaitFor<T, F> {
    /// The condition waited on.
    condition: Condition<T>,
    /// Says whether the locked value suits the caller; asked with the lock held.
    predicate: F,
    /// The guard while the predicate is to be asked: at the first poll and after each wait.
    guard: Option<LockGuard<T>>,
    /// The wait under way after the predicate said no.
    wait: Option<ConditionWait<T>>,
}

// The predicate is only ever called through `&mut`, never pinned: `Unpin` whatever `F` is.
impl<T, F> Unpin for ConditionWaitFor<T, F> {}

impl<T, F: FnMut(&T) -> bool> ConditionWaitFor<T, F> {
    /// Polls: `Ready` with the guard once the predicate holds, else `Pending`.
    pub fn poll_wait_for(&mut self, cx: &mut Context<'_>) -> Poll<LockGuard<T>> {
        loop {
            if let Some(wait) = &mut self.wait {
                let guard = ready!(wait.poll_wait(cx));
                self.wait = None;
                self.guard = Some(guard);
            }
            let guard = (self.guard.take()).expect("ConditionWaitFor polled after it completed");
            if (self.predicate)(&guard) {
                return Poll::Ready(guard);
            }
            self.wait = Some(ConditionWait {
                condition: self.condition.clone(),
                state: WaitState::Holding(guard),
            });
        }
    }
}

impl<T, F: FnMut(&T) -> bool> Future for ConditionWaitFor<T, F> {
    type Output = LockGuard<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<LockGuard<T>> {
        self.get_mut().poll_wait_for(cx)
    }
}

impl<T, F> fmt::Debug for ConditionWaitFor<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConditionWaitFor")
            .field("wait", &self.wait)
            .finish_non_exhaustive()
    }
}
