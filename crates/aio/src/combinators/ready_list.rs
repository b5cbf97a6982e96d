//! [`ReadyList`]: which children of a combinator were woken, so that it polls only those.
//!
//! # The problem
//!
//! A combinator ([`gather`](crate::gather()), [`wait`](crate::wait()), a
//! [`TaskGroup`](crate::TaskGroup)'s `join`) owns many children and runs in one task. The
//! simple way to drive them is to hand every child the task's own waker and, each time the
//! task is polled, poll every unfinished child. But then the task cannot tell which child woke
//! it: with N children finishing on N different turns, that is N + (N - 1) + ... + 1 polls,
//! about N²/2. A thousand children cost half a million polls; a hundred thousand, five billion.
//!
//! # Per-child wakers and a ready list
//!
//! So each child gets a waker of its own, which knows the child's index. Waking it puts the
//! index on a list shared with the combinator, and wakes the combinator's task. When the task
//! polls the combinator, it takes the list and polls exactly the children on it:
//!
//! ```text
//!   child 7's waker.wake()                 the combinator's poll
//!   ──────────────────────                 ─────────────────────
//!   lock the state
//!   queued[7]? no: set it, push 7 ──────▶  lock, swap the list out, clear those flags,
//!   take the parent's waker                remember the parent's waker, unlock
//!   unlock, wake the parent ── run queue ▶ poll child 7 with child 7's waker (and only it)
//! ```
//!
//! A wake costs one lock and one push, and a poll of the combinator costs one poll per child
//! that was woken, whatever the number of children. That is how `futures`'
//! `FuturesUnordered` works too, with a lock-free queue where this uses a `Mutex<Vec<usize>>`.
//!
//! Three details make it right:
//!
//! * **A "queued" flag per child.** A child woken twice before it is polled is listed once.
//!   Its flag is cleared when the combinator takes the list, before the child is polled, so a
//!   wake during that poll lists it again.
//! * **The parent's waker is taken by the first wake.** Later wakes find it gone and do not
//!   wake the task again: it is already on its way. Each poll of the combinator puts it back.
//! * **Children woken during a poll wait for the next one.** The combinator polls the list as
//!   it was when the poll began; a child woken meanwhile (one that yields, say) is listed again
//!   and the parent woken again, so it runs on the next turn instead of keeping the task here
//!   forever.
//!
//! The wakers may be called from any thread (a blocking-pool worker finishing a job), so the
//! shared state sits in an `Arc<Mutex<…>>`, like the loop's run queue, which this imitates
//! in small.

use std::cell::Cell;
use std::fmt;
use std::mem;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Wake, Waker};

// ANCHOR: ready_list
/// The children of one combinator that were woken since it last polled them.
pub(crate) struct ReadyList {
    /// What the children's wakers share with the combinator.
    shared: Arc<Mutex<State>>,
    /// One waker per child, by index, made once: polling a child clones nothing.
    wakers: Vec<Waker>,
    /// The indices being polled right now; kept between polls to reuse its memory.
    batch: Vec<usize>,
    /// Poll the woken children in argument order rather than in wake order (see
    /// [`ReadyList::in_argument_order`]).
    sorted: bool,
}

/// The part the children's wakers change.
struct State {
    /// Indices of the children woken since the combinator last took the list, each once.
    woken: Vec<usize>,
    /// `queued[i]` is true while child `i` is in `woken`: a second wake adds nothing.
    queued: Vec<bool>,
    /// The waker of the task that polls the combinator. Taken by the first wake after a poll,
    /// put back by the next poll.
    parent: Option<Waker>,
}

/// The waker of child `index`.
struct ChildWaker {
    /// The child's position among the combinator's children.
    index: usize,
    /// The list to put it on.
    shared: Arc<Mutex<State>>,
}

impl Wake for ChildWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let parent = {
            let mut state = lock(&self.shared);
            if mem::replace(&mut state.queued[self.index], true) {
                return; // Listed already; the parent has been woken for it.
            }
            state.woken.push(self.index);
            state.parent.take()
        }; // Unlock before waking: waking may run code that wakes this list again.
        if let Some(parent) = parent {
            parent.wake();
        }
    }
}
// ANCHOR_END: ready_list

impl ReadyList {
    /// A list for `children` children, all of them listed: the first poll polls each once.
    pub(crate) fn new(children: usize) -> ReadyList {
        let mut list = ReadyList {
            shared: Arc::new(Mutex::new(State {
                woken: Vec::with_capacity(children),
                queued: Vec::with_capacity(children),
                parent: None,
            })),
            wakers: Vec::with_capacity(children),
            batch: Vec::new(),
            sorted: false,
        };
        for _ in 0..children {
            list.add_child();
        }
        list
    }

    /// Polls the children woken together in argument order (lowest index first) instead of
    /// the order of their wakes: for [`race`](crate::race()), so that a tie goes to the earlier
    /// argument whatever woke first. Sorting costs O(k log k) for k children woken at once.
    pub(crate) fn in_argument_order(mut self) -> ReadyList {
        self.sorted = true;
        self
    }

    /// Adds a child, listed so that the next poll polls it.
    fn add_child(&mut self) {
        let index = self.wakers.len();
        let waker = Arc::new(ChildWaker {
            index,
            shared: self.shared.clone(),
        });
        self.wakers.push(Waker::from(waker));
        let mut state = lock(&self.shared);
        state.queued.push(true);
        state.woken.push(index);
    }

    // ANCHOR: poll_woken
    /// Polls the children woken since the last call, and only those: calls
    /// `poll_child(index, cx)` for each, in the order they were woken, with a context that
    /// holds that child's own waker. `parent` is the waker of the task polling the
    /// combinator: the next wake of a child wakes it.
    pub(crate) fn poll_woken(
        &mut self,
        parent: &Waker,
        mut poll_child: impl FnMut(usize, &mut Context<'_>),
    ) {
        let mut batch = mem::take(&mut self.batch);
        let replaced = {
            let mut state = lock(&self.shared);
            // Swap the lists: the woken children are ours, and wakes go on filling the other.
            mem::swap(&mut state.woken, &mut batch);
            for &index in &batch {
                state.queued[index] = false; // A wake from now on lists the child again.
            }
            match &state.parent {
                Some(waker) if waker.will_wake(parent) => None,
                _ => state.parent.replace(parent.clone()),
            }
        };
        drop(replaced); // Unlocked: dropping a waker may run code.
        if self.sorted {
            batch.sort_unstable();
        }
        for index in batch.drain(..) {
            count_child_poll();
            poll_child(index, &mut Context::from_waker(&self.wakers[index]));
        }
        self.batch = batch;
    }
    // ANCHOR_END: poll_woken

    /// Forgets the parent's waker: the combinator is done, and a child that outlives it (a
    /// task it waited for) may still wake its waker. Let that wake nobody.
    pub(crate) fn finish(&mut self) {
        let parent = lock(&self.shared).parent.take();
        drop(parent); // Unlocked.
    }
}

impl Drop for ReadyList {
    fn drop(&mut self) {
        self.finish();
    }
}

impl fmt::Debug for ReadyList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadyList")
            .field("children", &self.wakers.len())
            .field("woken", &lock(&self.shared).woken.len())
            .finish()
    }
}

/// Locks the state. No code that could panic runs under this lock, so it is never poisoned;
/// if it were, the state would still be whole.
fn lock(shared: &Mutex<State>) -> MutexGuard<'_, State> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

thread_local! {
    /// Children polled by combinators on this thread, for [`child_polls`].
    static CHILD_POLLS: Cell<u64> = const { Cell::new(0) };
}

fn count_child_poll() {
    CHILD_POLLS.with(|polls| polls.set(polls.get() + 1));
}

/// How many times the combinators on this thread ([`gather`](crate::gather()),
/// [`try_gather`](crate::try_gather), [`gather!`](crate::gather!), [`wait`](crate::wait()),
/// [`TaskGroup::join`](crate::TaskGroup::join), [`race`](crate::race()),
/// [`as_completed`](crate::as_completed)) have polled one of their children.
///
/// A cost meter, like [`loop_turns`](crate::loop_turns): each combinator polls only the
/// children that were woken, so N children finishing one at a time cost about 2N child
/// polls (N on the first poll, one per wake), not N²/2. The tests check that with it.
pub fn child_polls() -> u64 {
    CHILD_POLLS.with(Cell::get)
}
