//! [`WakerList`]: the tasks to wake when some state changes.
//!
//! A promise being set, a write buffer draining, a server closing: each is a change that any
//! number of tasks may be waiting for, and each wakes them all at once. The list keeps one
//! waker per task however often that task polls, and wakes them only after its own borrow is
//! released, because a woken waker may run code that registers again.
//!
//! "One waker per task" is checked in O(1): two wakers wake the same task exactly when they
//! have the same data pointer and vtable (that is what `Waker::will_wake` compares), so the
//! list keeps a set of those pairs next to the wakers. Scanning the list instead would make
//! N tasks awaiting one promise cost N²/2 comparisons.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::task::Waker;

use crate::sync::count_visit;

/// Tasks waiting for a change, woken all together.
#[derive(Default)]
pub(crate) struct WakerList {
    inner: RefCell<Inner>,
}

#[derive(Default)]
struct Inner {
    /// One waker per waiting task, in the order they registered (and are woken).
    wakers: Vec<Waker>,
    /// The identity of each waker in `wakers`: its data pointer and vtable, as addresses.
    registered: HashSet<(usize, usize)>,
}

/// What `Waker::will_wake` compares, as a key.
fn identity(waker: &Waker) -> (usize, usize) {
    (waker.data() as usize, waker.vtable() as *const _ as usize)
}

impl WakerList {
    /// Wakes `waker` at the next [`wake_all`](WakerList::wake_all), once.
    pub(crate) fn register(&self, waker: &Waker) {
        count_visit();
        let mut inner = self.inner.borrow_mut();
        if inner.registered.insert(identity(waker)) {
            inner.wakers.push(waker.clone());
        }
    }

    /// Wakes every registered task and empties the list.
    pub(crate) fn wake_all(&self) {
        let wakers = {
            let mut inner = self.inner.borrow_mut();
            inner.registered = HashSet::new(); // Its memory too.
            std::mem::take(&mut inner.wakers)
        }; // Released, then woken.
        for waker in wakers {
            count_visit();
            waker.wake();
        }
    }
}

impl fmt::Debug for WakerList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WakerList")
            .field("waiting", &self.inner.borrow().wakers.len())
            .finish()
    }
}
