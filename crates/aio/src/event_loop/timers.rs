//! The timer heap: every pending [`sleep`](crate::sleep) in one binary heap, ordered by deadline.
//!
//! There is no thread per timer. The loop asks the heap for the nearest deadline, sleeps in the
//! poller at most that long, then wakes every timer that is due.
//!
//! Cancelling a timer (dropping a `Sleep` early) removes its waker at once, but leaves its heap
//! entry behind: removing from the middle of a binary heap costs O(n). Dead entries are skipped
//! when they reach the top, and the heap is rebuilt when they outnumber the live ones.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::num::NonZeroU64;
use std::task::Waker;
use std::time::Instant;

use crate::clock::Clock;

/// Identifies one registered timer. Ids are never reused, so a stale id is harmless. Never
/// zero, so that an `Option<TimerId>` (what a `Sleep` holds) takes no more room than the id.
pub(crate) type TimerId = NonZeroU64;

// ANCHOR: heap
#[derive(Debug, Default)]
pub(crate) struct Timers {
    /// Min-heap of `(deadline, id)`. Ties fire in registration order, because ids increase.
    /// May hold entries whose id is no longer in `wakers` (cancelled or fired).
    heap: BinaryHeap<Reverse<(Instant, TimerId)>>,
    /// The live timers: the waker to call when each one is due.
    wakers: HashMap<TimerId, Waker>,
    /// How many timers were ever registered: the next one's id is one more.
    registered: u64,
}
// ANCHOR_END: heap

impl Timers {
    /// Registers a timer that wakes `waker` at `deadline`.
    pub(crate) fn insert(&mut self, deadline: Instant, waker: Waker) -> TimerId {
        self.registered += 1;
        let id = TimerId::new(self.registered).expect("counted from 1");
        self.heap.push(Reverse((deadline, id)));
        self.wakers.insert(id, waker);
        id
    }

    /// Replaces the waker of a live timer (a future may move to another task between polls).
    pub(crate) fn update(&mut self, id: TimerId, waker: &Waker) {
        if let Some(old) = self.wakers.get_mut(&id) {
            if !old.will_wake(waker) {
                old.clone_from(waker);
            }
        }
    }

    // ANCHOR: remove
    /// Cancels a timer. Does nothing if it already fired.
    pub(crate) fn remove(&mut self, id: TimerId) {
        if self.wakers.remove(&id).is_some() && self.heap.len() > 64 + 2 * self.wakers.len() {
            // Mostly dead entries: rebuild the heap from the live ones.
            let wakers = &self.wakers;
            self.heap.retain(|Reverse((_, id))| wakers.contains_key(id));
        }
    }
    // ANCHOR_END: remove

    /// How many timers are live (registered and neither fired nor cancelled).
    pub(crate) fn len(&self) -> usize {
        self.wakers.len()
    }

    // ANCHOR: due
    /// The nearest deadline of a live timer.
    pub(crate) fn next_deadline(&mut self) -> Option<Instant> {
        while let Some(Reverse((deadline, id))) = self.heap.peek() {
            if self.wakers.contains_key(id) {
                return Some(*deadline);
            }
            self.heap.pop(); // A cancelled timer: drop its entry now that it is on top.
        }
        None
    }

    /// Removes every timer due on `clock` and collects its waker into `due`, in deadline order.
    /// The caller wakes them after releasing its borrow of the heap.
    pub(crate) fn take_due(&mut self, clock: &Clock, due: &mut Vec<Waker>) {
        if self.heap.is_empty() {
            return; // Every turn asks: without timers, do not even read the clock.
        }
        let now = clock.now();
        while let Some(Reverse((deadline, id))) = self.heap.peek() {
            if *deadline > now {
                break;
            }
            let id = *id;
            self.heap.pop();
            if let Some(waker) = self.wakers.remove(&id) {
                due.push(waker);
            }
        }
    }
    // ANCHOR_END: due
}
