//! [`WakerList`]: the tasks to wake when some state changes.
//!
//! A promise being set, a write buffer draining, a server closing: each is a change that any
//! number of tasks may be waiting for, and each wakes them all at once. The list keeps one
//! waker per task however often that task polls, and wakes them only after its own borrow is
//! released, because a woken waker may run code that registers again.

use std::cell::RefCell;
use std::fmt;
use std::task::Waker;

/// Tasks waiting for a change, woken all together.
#[derive(Default)]
pub(crate) struct WakerList {
    /// One waker per waiting task (`will_wake` keeps a task that polls again from being
    /// added twice).
    wakers: RefCell<Vec<Waker>>,
}

impl WakerList {
    /// Wakes `waker` at the next [`wake_all`](WakerList::wake_all), once.
    pub(crate) fn register(&self, waker: &Waker) {
        let mut wakers = self.wakers.borrow_mut();
        if !wakers.iter().any(|w| w.will_wake(waker)) {
            wakers.push(waker.clone());
        }
    }

    /// Wakes every registered task and empties the list.
    pub(crate) fn wake_all(&self) {
        let wakers = std::mem::take(&mut *self.wakers.borrow_mut()); // Release, then wake.
        wakers.into_iter().for_each(Waker::wake);
    }
}

impl fmt::Debug for WakerList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WakerList")
            .field("waiting", &self.wakers.borrow().len())
            .finish()
    }
}
