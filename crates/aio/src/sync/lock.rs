//! [`Lock`]: one task at a time in a critical section that spans an `.await` (asyncio's `Lock`).
//!
//! # Why a lock on one thread?
//!
//! The loop runs one task at a time, so between two `.await`s a task is never interrupted: a
//! plain `RefCell` (or `Cell`) is enough to update shared state in one go. The trouble starts
//! when the update itself has to wait:
//!
//! ```text
//!   task A                              task B
//!   read balance (100)
//!   .await a slow bank call  ─ suspends ─▶  read balance (100)
//!                                           .await a slow bank call
//!   write balance = 100 - 30                 …
//!                                           write balance = 100 - 50  (A's withdrawal lost)
//! ```
//!
//! Every `.await` is a point where other tasks run. If a sequence "read, wait, write" must not
//! interleave with another one, it needs a lock that is held *across* the `.await`. A
//! `RefCell` borrow cannot be held there (another task's `borrow_mut` would panic), and
//! `std::sync::Mutex` would block the only thread the loop has: the waiting task must
//! *suspend* instead, so that the task holding the lock can run and finish. That is this type.
//!
//! `Lock<T>` protects a value, like `Mutex<T>`: [`lock`](Lock::lock) waits in line and gives a
//! [`LockGuard`] that derefs to the value; dropping the guard unlocks. (asyncio's `Lock` guards
//! no value; `Lock<()>` is the same thing.) While it is locked, the value lives in the guard;
//! unlocking moves it back, or straight on to the first waiter, so that a task that calls
//! `lock` later cannot take it first.
//!
//! It belongs to the loop's thread (`Rc` inside, neither `Send` nor `Sync`).

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::waiters::{WaitList, Waiter};

/// A value that one task at a time may use, across `.await`s. Cloning gives another handle to
/// the same lock.
pub struct Lock<T> {
    inner: Rc<RefCell<Inner<T>>>,
}

struct Inner<T> {
    /// The value while nobody holds the lock; `None` while a guard (or a waiter it was handed
    /// to) has it. So "locked" is exactly `value.is_none()`.
    value: Option<T>,
    /// Tasks waiting for the lock, in arrival order; the value is handed over in their slot.
    waiters: WaitList<T>,
}

impl<T> Lock<T> {
    /// An unlocked lock around `value`.
    pub fn new(value: T) -> Lock<T> {
        Lock {
            inner: Rc::new(RefCell::new(Inner {
                value: Some(value),
                waiters: WaitList::new(),
            })),
        }
    }

    /// Waits for the lock, in line behind everyone who asked before (asyncio's
    /// `async with lock:`). Dropping the guard unlocks.
    pub fn lock(&self) -> LockFuture<T> {
        LockFuture {
            lock: self.clone(),
            waiter: None,
        }
    }

    /// Takes the lock if it is free, without waiting.
    pub fn try_lock(&self) -> Option<LockGuard<T>> {
        let value = self.inner.borrow_mut().value.take()?;
        Some(LockGuard {
            lock: self.clone(),
            value: Some(value),
        })
    }

    /// True while some task holds the lock (asyncio's `locked()`).
    pub fn is_locked(&self) -> bool {
        self.inner.borrow().value.is_none()
    }

    /// Gives `value` back: to the first waiter if anyone waits, else to the lock.
    fn unlock(&self, value: T) {
        let waker = {
            let mut inner = self.inner.borrow_mut();
            match inner.waiters.notify_one() {
                Some((waiter, waker)) => {
                    waiter.fill_slot(value);
                    waker
                }
                None => {
                    inner.value = Some(value);
                    None
                }
            }
        }; // Release the borrow before waking.
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Clone for Lock<T> {
    fn clone(&self) -> Self {
        Lock {
            inner: self.inner.clone(),
        }
    }
}

impl<T: Default> Default for Lock<T> {
    fn default() -> Self {
        Lock::new(T::default())
    }
}

impl<T> fmt::Debug for Lock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.inner.borrow();
        f.debug_struct("Lock")
            .field("locked", &inner.value.is_none())
            .field("waiting", &inner.waiters.len())
            .finish()
    }
}

/// Holds a [`Lock`] and its value; dropping it unlocks.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct LockGuard<T> {
    /// The lock to give the value back to.
    lock: Lock<T>,
    /// The value, owned by the guard while it lives; `None` only inside `drop`.
    value: Option<T>,
}

impl<T> LockGuard<T> {
    /// True if this guard holds `lock` (and not some other lock).
    pub(crate) fn holds(&self, lock: &Lock<T>) -> bool {
        Rc::ptr_eq(&self.lock.inner, &lock.inner)
    }
}

impl<T> Deref for LockGuard<T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.value.as_ref().expect("a live guard holds the value")
    }
}

impl<T> DerefMut for LockGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.value.as_mut().expect("a live guard holds the value")
    }
}

impl<T> Drop for LockGuard<T> {
    fn drop(&mut self) {
        if let Some(value) = self.value.take() {
            self.lock.unlock(value);
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for LockGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("LockGuard").field(&self.value).finish()
    }
}

/// The future returned by [`Lock::lock`].
///
/// Cancel safety: safe. Dropping it leaves the line; if the lock had just been handed to it,
/// it is handed on to the next waiter, so the lock is never lost.
#[must_use = "futures do nothing unless you `.await` them"]
pub struct LockFuture<T> {
    /// The lock asked for.
    lock: Lock<T>,
    /// Our place in line once we had to wait; `None` before the first poll and after we got it.
    waiter: Option<Rc<Waiter<T>>>,
}

impl<T> LockFuture<T> {
    /// Polls for the lock: `Ready` with the guard, or `Pending` with our place in line kept.
    pub fn poll_lock(&mut self, cx: &mut Context<'_>) -> Poll<LockGuard<T>> {
        let value = match &self.waiter {
            Some(waiter) if waiter.is_notified() => {
                let value = waiter
                    .take_slot()
                    .expect("the value is handed over with the turn");
                self.waiter = None;
                value
            }
            Some(waiter) => {
                waiter.register(cx.waker());
                return Poll::Pending;
            }
            None => {
                let mut inner = self.lock.inner.borrow_mut();
                match inner.value.take() {
                    Some(value) => value,
                    None => {
                        let waiter = inner.waiters.push(cx.waker(), None);
                        drop(inner);
                        self.waiter = Some(waiter);
                        return Poll::Pending;
                    }
                }
            }
        };
        Poll::Ready(LockGuard {
            lock: self.lock.clone(),
            value: Some(value),
        })
    }
}

impl<T> Future for LockFuture<T> {
    type Output = LockGuard<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<LockGuard<T>> {
        // Only `Rc`s inside: `LockFuture` is `Unpin` whatever `T` is.
        self.get_mut().poll_lock(cx)
    }
}

impl<T> Drop for LockFuture<T> {
    fn drop(&mut self) {
        let Some(waiter) = self.waiter.take() else {
            return;
        };
        let still_in_line = self.lock.inner.borrow_mut().waiters.remove(&waiter);
        if !still_in_line {
            // The lock was handed to us but we will never use it: pass it on.
            if let Some(value) = waiter.take_slot() {
                self.lock.unlock(value);
            }
        }
    }
}

impl<T> fmt::Debug for LockFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockFuture")
            .field("waiting", &self.waiter.is_some())
            .finish()
    }
}
