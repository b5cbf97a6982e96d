//! [`WaitList`]: the FIFO line of suspended tasks that every primitive in [`sync`](super) keeps.
//!
//! A semaphore, a lock, an event and a queue all do the same thing when a task cannot go on:
//! they put it at the back of a line and suspend it. When the resource frees up, they serve
//! the line from the front. Two rules make that fair and safe:
//!
//! * **Hand-off, not a race.** Whoever frees the resource gives it to the first waiter *right
//!   then*: the permit (or the locked value, or a queued item) is marked as that waiter's before
//!   it is even woken. A task that arrives later and asks first finds nothing free, so it cannot
//!   "barge" ahead of the line.
//! * **A cancelled waiter passes it on.** A waiting future can be dropped at any time (its task
//!   was cancelled, a timeout fired). If it was still in line, it leaves the line. If something
//!   had already been handed to it, its `Drop` hands it to the next in line, so the wakeup is
//!   never lost.
//!
//! ```text
//!   release()                              the first waiter's future
//!   ─────────                              ─────────────────────────
//!   borrow the primitive
//!   pop the first Waiter, mark it
//!     notified (maybe fill its slot)
//!   take its waker
//!   release the borrow
//!   wake ──────────────── run queue ─────▶ poll: notified? take the slot, Ready
//!                                          (dropped instead? Drop passes it on)
//! ```
//!
//! Wakers are woken only after the primitive's `RefCell` borrow ends: waking may run code that
//! touches the same primitive.
//!
//! # Every step is O(1)
//!
//! Serving the line pops its front. Leaving it does not search it: the future owns its
//! `Waiter` and the line only points at it (a `Weak`), so a future that leaves just drops its
//! waiter, and the line's entry goes dead. Dead entries are skipped when they reach the front,
//! and the line is compacted when they outnumber the live ones (the timer heap does the same
//! with cancelled timers). With a thousand tasks waiting, cancelling them costs a thousand
//! steps, not the half million that searching the line for each would.

use std::cell::Cell;
use std::collections::VecDeque;
use std::fmt;
use std::rc::{Rc, Weak};
use std::task::Waker;

// ANCHOR: waiter
/// One suspended future's place in a [`WaitList`]. The future owns it; the list points at it.
pub(crate) struct Waiter<V> {
    /// The waker to call when it is this waiter's turn; refreshed on every poll, taken when
    /// the waiter is notified.
    waker: Cell<Option<Waker>>,
    /// Set (once) when the waiter is taken off the list and given its turn. From then on the
    /// future owns what it waited for, and must pass it on if it is dropped before using it.
    notified: Cell<bool>,
    /// A value travelling with the hand-off: the lock's value for a lock waiter, the item a
    /// queue putter wants to put. `None` where only the turn itself matters.
    slot: Cell<Option<V>>,
}

/// The line: waiters in arrival order, served from the front.
pub(crate) struct WaitList<V> {
    /// Waiters not yet notified, oldest first, and dead entries: waiters whose futures were
    /// dropped (their `Weak` no longer upgrades). A notified waiter is no longer in here.
    queue: VecDeque<Weak<Waiter<V>>>,
    /// How many entries of `queue` are live: futures still waiting in line.
    waiting: usize,
}
// ANCHOR_END: waiter

impl<V> Waiter<V> {
    /// True once it is this waiter's turn.
    pub(crate) fn is_notified(&self) -> bool {
        self.notified.get()
    }

    /// Remembers `waker` as the one to wake (a future may move to another task between polls).
    pub(crate) fn register(&self, waker: &Waker) {
        let old = self.waker.take();
        match old {
            Some(old) if old.will_wake(waker) => self.waker.set(Some(old)),
            _ => self.waker.set(Some(waker.clone())),
        }
    }

    /// Takes the value travelling with the hand-off.
    pub(crate) fn take_slot(&self) -> Option<V> {
        self.slot.take()
    }

    /// Puts a value in the slot (for the waiter to take when it runs).
    pub(crate) fn fill_slot(&self, value: V) {
        self.slot.set(Some(value));
    }
}

impl<V> WaitList<V> {
    /// An empty line.
    pub(crate) fn new() -> WaitList<V> {
        WaitList {
            queue: VecDeque::new(),
            waiting: 0,
        }
    }

    /// Puts a new waiter at the back of the line, with `waker` and an optional `slot` value.
    /// The caller's future keeps the only strong reference.
    pub(crate) fn push(&mut self, waker: &Waker, slot: Option<V>) -> Rc<Waiter<V>> {
        let waiter = Rc::new(Waiter {
            waker: Cell::new(Some(waker.clone())),
            notified: Cell::new(false),
            slot: Cell::new(slot),
        });
        self.queue.push_back(Rc::downgrade(&waiter));
        self.waiting += 1;
        waiter
    }

    // ANCHOR: remove
    /// Takes `waiter` out of the line (its future is being dropped, and drops its `Rc` right
    /// after, which kills the entry). Returns false if it was not in line any more, because it
    /// had been notified: then the caller must pass its turn on.
    ///
    /// No search: the entry stays where it is, dead, until it reaches the front or the line
    /// is compacted.
    pub(crate) fn remove(&mut self, waiter: &Rc<Waiter<V>>) -> bool {
        if waiter.is_notified() {
            return false;
        }
        self.waiting -= 1;
        self.compact();
        true
    }

    /// Drops the dead entries once they outnumber the live ones (with some slack), and every
    /// entry once nobody waits. A compaction looks at each entry once, and it takes as many
    /// dead entries again before the next: each entry costs a constant number of visits in all.
    fn compact(&mut self) {
        if self.waiting == 0 {
            self.queue.drain(..).for_each(|_| count_visit());
        } else if self.queue.len() > 64 + 2 * self.waiting {
            self.queue.retain(|entry| {
                count_visit();
                entry.strong_count() > 0
            });
        }
    }
    // ANCHOR_END: remove

    // ANCHOR: notify
    /// Gives the first waiter its turn: takes it off the line, marks it notified, and returns
    /// it with its waker. The caller fills or empties its slot, releases its borrow, and only
    /// then wakes the waker.
    pub(crate) fn notify_one(&mut self) -> Option<(Rc<Waiter<V>>, Option<Waker>)> {
        if self.waiting == 0 {
            return None; // Maybe dead entries, but nobody to serve.
        }
        loop {
            let entry = self.queue.pop_front()?;
            count_visit();
            let Some(waiter) = entry.upgrade() else {
                continue; // Its future was dropped: skip it.
            };
            self.waiting -= 1;
            self.compact();
            waiter.notified.set(true);
            let waker = waiter.waker.take();
            return Some((waiter, waker));
        }
    }
    // ANCHOR_END: notify

    /// Gives every waiter its turn, returning their wakers (to wake after the borrow ends).
    pub(crate) fn notify_all(&mut self) -> Vec<Waker> {
        let mut wakers = Vec::with_capacity(self.queue.len());
        while let Some((_, waker)) = self.notify_one() {
            wakers.extend(waker);
        }
        wakers
    }

    /// How many wait.
    pub(crate) fn len(&self) -> usize {
        self.waiting
    }
}

impl<V> Default for WaitList<V> {
    fn default() -> Self {
        WaitList::new()
    }
}

impl<V> fmt::Debug for WaitList<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitList")
            .field("waiting", &self.waiting)
            .field("dead", &(self.queue.len() - self.waiting))
            .finish()
    }
}

/// Wakes every waker, in order. Call it after the borrow that collected them has ended.
pub(crate) fn wake_all(wakers: impl IntoIterator<Item = Waker>) {
    wakers.into_iter().for_each(Waker::wake);
}

/// Polls a wait for a condition that, once true, frees every waiter at once (an `Event` being
/// set, a `Queue` having no unfinished work).
///
/// `Ready` if the waiter in `place` was notified. Otherwise, on the first poll,
/// `check_or_join` looks at the condition: it returns `None` if it already holds, or joins
/// the line and returns the new waiter. Later polls only refresh the waker.
pub(crate) fn poll_condition(
    place: &mut Option<Rc<Waiter<()>>>,
    waker: &Waker,
    check_or_join: impl FnOnce(&Waker) -> Option<Rc<Waiter<()>>>,
) -> std::task::Poll<()> {
    use std::task::Poll;
    match place {
        Some(waiter) if waiter.is_notified() => {
            *place = None;
            Poll::Ready(())
        }
        Some(waiter) => {
            waiter.register(waker);
            Poll::Pending
        }
        None => match check_or_join(waker) {
            None => Poll::Ready(()),
            Some(waiter) => {
                *place = Some(waiter);
                Poll::Pending
            }
        },
    }
}

thread_local! {
    /// Entries looked at by this thread's wait lists, for [`wait_list_visits`].
    static VISITS: Cell<u64> = const { Cell::new(0) };
}

pub(crate) fn count_visit() {
    VISITS.with(|visits| visits.set(visits.get() + 1));
}

/// How many times the wait lists of this thread's [`sync`](super) primitives have looked at an
/// entry: to serve it, to skip a dead one, or to keep it while compacting. The lists of tasks
/// awaiting a [`Promise`](crate::Promise), a stream's data or a writer's drain count too: one
/// visit per registration and one per wake.
///
/// A cost meter, like [`loop_turns`](crate::loop_turns): serving, joining and leaving a line
/// each cost O(1), so N waiters that come and go cost O(N) visits in all, in whatever order
/// they leave. The tests check that with it.
pub fn wait_list_visits() -> u64 {
    VISITS.with(Cell::get)
}
