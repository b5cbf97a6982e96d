//! [`Event`]: a flag that tasks can wait for (asyncio's `Event`).
//!
//! [`set`](Event::set) raises the flag and wakes every waiter; [`clear`](Event::clear) lowers
//! it again; [`wait`](Event::wait) returns at once while the flag is up, else waits for `set`.
//! A waiter woken by `set` returns even if the flag was cleared again before it ran, as in
//! asyncio: the wakeup is delivered with the turn, not re-checked.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::waiters::{poll_condition, wake_all, WaitList, Waiter};

/// A flag that tasks can wait for. Cloning gives another handle to the same event.
///
/// It belongs to the loop's thread (`Rc` inside, neither `Send` nor `Sync`).
#[derive(Clone, Default)]
pub struct Event {
    inner: Rc<RefCell<Inner>>,
}

#[derive(Default)]
struct Inner {
    /// The flag.
    set: bool,
    /// Tasks waiting for the flag to go up, in arrival order.
    waiters: WaitList<()>,
}

impl Event {
    /// A new event, not set.
    pub fn new() -> Event {
        Event::default()
    }

    /// Raises the flag and wakes every task waiting for it (in the order they started waiting).
    pub fn set(&self) {
        let wakers = {
            let mut inner = self.inner.borrow_mut();
            inner.set = true;
            inner.waiters.notify_all()
        }; // Release the borrow before waking.
        wake_all(wakers);
    }

    /// Lowers the flag: from now on `wait` waits again.
    pub fn clear(&self) {
        self.inner.borrow_mut().set = false;
    }

    /// True while the flag is up.
    pub fn is_set(&self) -> bool {
        self.inner.borrow().set
    }

    /// Waits until the flag is up (returns at once if it already is).
    pub fn wait(&self) -> EventWait {
        EventWait {
            event: self.clone(),
            waiter: None,
        }
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.inner.borrow();
        f.debug_struct("Event")
            .field("set", &inner.set)
            .field("waiting", &inner.waiters.len())
            .finish()
    }
}

/// The future returned by [`Event::wait`].
///
/// Cancel safety: safe. Dropping it leaves the line; the event stays as it is.
#[must_use = "futures do nothing unless you `.await` them"]
pub struct EventWait {
    /// The event waited for.
    event: Event,
    /// Our place in line once we had to wait.
    waiter: Option<Rc<Waiter<()>>>,
}

impl EventWait {
    /// Polls the flag: `Ready` once it is up (or `set` woke us), else `Pending`.
    pub fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let event = &self.event;
        poll_condition(&mut self.waiter, cx.waker(), |waker| {
            let mut inner = event.inner.borrow_mut();
            (!inner.set).then(|| inner.waiters.push(waker, None))
        })
    }
}

impl Future for EventWait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.get_mut().poll_wait(cx)
    }
}

impl Drop for EventWait {
    fn drop(&mut self) {
        // `set` wakes everyone, so a cancelled waiter has nothing to pass on: just leave the line.
        if let Some(waiter) = self.waiter.take() {
            self.event.inner.borrow_mut().waiters.remove(&waiter);
        }
    }
}

impl fmt::Debug for EventWait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventWait")
            .field("waiting", &self.waiter.is_some())
            .finish()
    }
}
