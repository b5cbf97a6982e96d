//! The order a queue's items leave in: [`Fifo`] for [`Queue`], [`Lifo`] for [`LifoQueue`],
//! [`Priority`] for [`PriorityQueue`].
//!
//! asyncio's `LifoQueue` and `PriorityQueue` are subclasses of `Queue` that override three
//! methods, `_init`, `_put` and `_get`: where the items are kept and which one leaves next.
//! Everything else (the bound, the lines of waiting getters and putters, `task_done` and
//! `join`) is the base class's. [`GenericQueue`] is built the same way: it is generic over a
//! [`QueueOrder`], which keeps the items, and the three queues are that one type with three
//! orders.
//!
//! [`Queue`]: super::Queue
//! [`LifoQueue`]: super::LifoQueue
//! [`PriorityQueue`]: super::PriorityQueue
//! [`GenericQueue`]: super::GenericQueue

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};
use std::fmt;

// ANCHOR: order
/// Where a [`GenericQueue`](super::GenericQueue) keeps its items, and which one leaves next
/// (asyncio's `_put` and `_get`).
///
/// Implement it to make a queue with an order of your own; the queue calls `pop` only while
/// `len` is above 0.
pub trait QueueOrder<T>: Default {
    /// What `Debug` calls a queue with this order: `"Queue"`, `"LifoQueue"`, ...
    const NAME: &'static str;

    /// Keeps `item`.
    fn push(&mut self, item: T);

    /// Takes the item that leaves next, if there is one.
    fn pop(&mut self) -> Option<T>;

    /// How many items are kept.
    fn len(&self) -> usize;

    /// True if no item is kept.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
// ANCHOR_END: order

/// First in, first out: the oldest item leaves first ([`Queue`](super::Queue)).
pub struct Fifo<T> {
    /// The items, oldest first.
    items: VecDeque<T>,
}

impl<T> Default for Fifo<T> {
    fn default() -> Self {
        Fifo {
            items: VecDeque::new(),
        }
    }
}

impl<T> QueueOrder<T> for Fifo<T> {
    const NAME: &'static str = "Queue";

    fn push(&mut self, item: T) {
        self.items.push_back(item);
    }

    fn pop(&mut self) -> Option<T> {
        self.items.pop_front()
    }

    fn len(&self) -> usize {
        self.items.len()
    }
}

/// Last in, first out: the newest item leaves first, like a stack
/// ([`LifoQueue`](super::LifoQueue)).
pub struct Lifo<T> {
    /// The items, oldest first; the newest is on top, at the end.
    items: Vec<T>,
}

impl<T> Default for Lifo<T> {
    fn default() -> Self {
        Lifo { items: Vec::new() }
    }
}

impl<T> QueueOrder<T> for Lifo<T> {
    const NAME: &'static str = "LifoQueue";

    fn push(&mut self, item: T) {
        self.items.push(item);
    }

    fn pop(&mut self) -> Option<T> {
        self.items.pop()
    }

    fn len(&self) -> usize {
        self.items.len()
    }
}

// ANCHOR: priority
/// Smallest first, by `Ord` ([`PriorityQueue`](super::PriorityQueue)); items that compare
/// equal leave in the order they were put.
///
/// asyncio's `PriorityQueue` keeps a `heapq`, which does not promise an order for equal
/// items; programs there put `(priority, count, item)` tuples to get one. Here the count is
/// built in: each item is kept with the number of its `put`, and ties go to the lower number.
pub struct Priority<T> {
    /// A max-heap of entries whose order is reversed, so its top is the smallest item (and,
    /// among equal items, the one put first).
    heap: BinaryHeap<Entry<T>>,
    /// The number the next item put gets.
    next: u64,
}

/// An item in a [`Priority`] heap, with the number of its `put`.
struct Entry<T> {
    /// The item.
    item: T,
    /// How many items were put before it: the tie-breaker.
    number: u64,
}

impl<T: Ord> Ord for Entry<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: `BinaryHeap` pops its greatest entry, and we want the smallest item, the
        // earliest put among equals.
        (other.item.cmp(&self.item)).then(other.number.cmp(&self.number))
    }
}
// ANCHOR_END: priority

impl<T: Ord> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T: Ord> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl<T: Ord> Eq for Entry<T> {}

impl<T: Ord> Default for Priority<T> {
    fn default() -> Self {
        Priority {
            heap: BinaryHeap::new(),
            next: 0,
        }
    }
}

impl<T: Ord> QueueOrder<T> for Priority<T> {
    const NAME: &'static str = "PriorityQueue";

    fn push(&mut self, item: T) {
        let number = self.next;
        self.next += 1;
        self.heap.push(Entry { item, number });
    }

    fn pop(&mut self) -> Option<T> {
        self.heap.pop().map(|entry| entry.item)
    }

    fn len(&self) -> usize {
        self.heap.len()
    }
}

impl<T> fmt::Debug for Fifo<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fifo")
            .field("len", &self.items.len())
            .finish()
    }
}

impl<T> fmt::Debug for Lifo<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lifo")
            .field("len", &self.items.len())
            .finish()
    }
}

impl<T> fmt::Debug for Priority<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Priority")
            .field("len", &self.heap.len())
            .finish()
    }
}
