//! [`Queue`]: a first-in, first-out line of items between tasks (asyncio's `Queue`), and its
//! two siblings [`LifoQueue`] (newest first) and [`PriorityQueue`] (smallest first).
//!
//! Producers [`put`](GenericQueue::put) items, consumers [`get`](GenericQueue::get) them,
//! oldest first. A queue made with `Queue::new(maxsize)` holds at most `maxsize` items (`0`
//! means no limit, as in asyncio): a `put` on a full queue waits until a `get` makes room.
//! That wait is **backpressure**: a producer faster than its consumers is slowed down to their
//! pace instead of filling memory.
//!
//! Every item put counts as unfinished until a consumer calls
//! [`task_done`](GenericQueue::task_done) for it; [`join`](GenericQueue::join) waits until
//! nothing is unfinished, which is how a program knows that all the work, not just all the
//! `get`s, is done.
//!
//! The three queues are one type, [`GenericQueue`], with three [`QueueOrder`]s (as asyncio's
//! `LifoQueue` and `PriorityQueue` are subclasses of `Queue` that change only where items are
//! kept): everything on this page but the order in which items leave is the same for all three.
//!
//! Fairness, as in the other primitives here: getters are served in arrival order, and so are
//! putters. When a `put` arrives while getters wait, its item is promised to the first getter
//! (a later `get_nowait` cannot take it); when a `get` makes room while putters wait, the first
//! putter's item moves into the queue at once (a later `put_nowait` finds the queue full).
//!
//! ```
//! aio::Builder::new().clock(aio::ClockKind::Virtual).run(async {
//!     let queue = aio::sync::Queue::new(2);
//!     let consumer = {
//!         let queue = queue.clone();
//!         aio::spawn(async move {
//!             loop {
//!                 let n: u32 = queue.get().await;
//!                 println!("got {n}");
//!                 queue.task_done();
//!             }
//!         })
//!     };
//!     for n in 0..5 {
//!         queue.put(n).await; // Waits while two items are already queued.
//!     }
//!     queue.join().await; // Every item was got and marked done.
//!     consumer.cancel();
//! });
//! ```
//!
//! The same items through the siblings:
//!
//! ```
//! use aio::sync::{LifoQueue, PriorityQueue};
//!
//! aio::Builder::new().clock(aio::ClockKind::Virtual).run(async {
//!     let stack = LifoQueue::unbounded();
//!     let urgent = PriorityQueue::unbounded();
//!     for n in [2, 0, 1] {
//!         stack.put(n).await;
//!         urgent.put(n).await;
//!     }
//!     let stack: Vec<u32> = (0..3).map(|_| stack.get_nowait().unwrap()).collect();
//!     let urgent: Vec<u32> = (0..3).map(|_| urgent.get_nowait().unwrap()).collect();
//!     assert_eq!(stack, [1, 0, 2]); // Newest first.
//!     assert_eq!(urgent, [0, 1, 2]); // Smallest first.
//! });
//! ```

use std::cell::RefCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use futures::Stream;

use super::order::{Fifo, Lifo, Priority, QueueOrder};
use super::waiters::{poll_condition, wake_all, WaitList, Waiter};

/// A first-in, first-out queue shared by tasks, optionally bounded (asyncio's `Queue`).
/// Cloning gives another handle to the same queue. Its methods are [`GenericQueue`]'s.
///
/// It belongs to the loop's thread (`Rc` inside, neither `Send` nor `Sync`), like asyncio's
/// `Queue`, which is not thread-safe either.
pub type Queue<T> = GenericQueue<T, Fifo<T>>;

/// A last-in, first-out queue: `get` takes the newest item, like popping a stack (asyncio's
/// `LifoQueue`). Otherwise the same as [`Queue`]: bound, backpressure, `task_done`, `join`.
pub type LifoQueue<T> = GenericQueue<T, Lifo<T>>;

/// A queue whose `get` takes the smallest item by `Ord` (asyncio's `PriorityQueue`); equal
/// items leave in the order they were put (see [`Priority`]). Otherwise the same as [`Queue`].
///
/// Put `(priority, item)` pairs to order items by a number, as in asyncio:
/// `queue.put((0, "urgent"))` leaves before `queue.put((1, "later"))`.
pub type PriorityQueue<T> = GenericQueue<T, Priority<T>>;

/// A queue of `T` whose items leave in the order `O` keeps them: the one type behind
/// [`Queue`], [`LifoQueue`] and [`PriorityQueue`], which is what to name in code. Cloning
/// gives another handle to the same queue.
pub struct GenericQueue<T, O> {
    inner: Rc<RefCell<Inner<T, O>>>,
}

struct Inner<T, O> {
    /// The items, kept in the queue's order: the next `pop` gives the one that leaves next.
    items: O,
    /// The most items `items` may hold; 0 for no limit.
    maxsize: usize,
    /// How many items are promised to getters that were notified but have not run yet. Only
    /// `items.len() - reserved` are free for a newcomer. (The promise is of *an* item: a
    /// promised getter takes whichever leaves next when it runs.)
    reserved: usize,
    /// Tasks waiting for an item, in arrival order. Invariant: while any wait, every item in
    /// `items` is reserved.
    getters: WaitList<()>,
    /// Tasks waiting for room, in arrival order, each with its item in its slot. Invariant:
    /// while any wait, the queue is full.
    putters: WaitList<T>,
    /// Items put and not yet marked done with `task_done`.
    unfinished: usize,
    /// Tasks in `join`, woken when `unfinished` drops to 0.
    joiners: WaitList<()>,
}

impl<T, O: QueueOrder<T>> Inner<T, O> {
    /// True if one more item fits.
    fn has_room(&self) -> bool {
        self.maxsize == 0 || self.items.len() < self.maxsize
    }

    /// Items a newcomer may take: those not promised to a notified getter.
    fn free_items(&self) -> usize {
        self.items.len() - self.reserved
    }

    // ANCHOR: handoff
    /// Adds an item (there is room), and promises it to the first getter if one waits.
    fn push_item(&mut self, item: T, wakers: &mut Vec<Waker>) {
        self.items.push(item);
        self.unfinished += 1;
        if let Some((_, waker)) = self.getters.notify_one() {
            self.reserved += 1;
            wakers.extend(waker);
        }
    }

    /// Takes the item that leaves next, and lets the first putter's item into the room this
    /// makes.
    fn pop_item(&mut self, wakers: &mut Vec<Waker>) -> T {
        let item = self
            .items
            .pop()
            .expect("pop_item is called only with items queued");
        if let Some((putter, waker)) = self.putters.notify_one() {
            let waiting = putter.take_slot().expect("a waiting putter holds its item");
            self.push_item(waiting, wakers);
            wakers.extend(waker);
        }
        item
    }
    // ANCHOR_END: handoff
}

/// The error of [`put_nowait`](GenericQueue::put_nowait) on a full queue; it gives the item
/// back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueFull<T>(pub T);

impl<T> fmt::Display for QueueFull<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the queue is full")
    }
}

impl<T: fmt::Debug> Error for QueueFull<T> {}

/// The error of [`get_nowait`](GenericQueue::get_nowait) when no item is there to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueEmpty;

impl fmt::Display for QueueEmpty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the queue is empty")
    }
}

impl Error for QueueEmpty {}

impl<T, O: QueueOrder<T>> GenericQueue<T, O> {
    /// A queue holding at most `maxsize` items; `0` means no limit (asyncio's default).
    pub fn new(maxsize: usize) -> GenericQueue<T, O> {
        GenericQueue {
            inner: Rc::new(RefCell::new(Inner {
                items: O::default(),
                maxsize,
                reserved: 0,
                getters: WaitList::new(),
                putters: WaitList::new(),
                unfinished: 0,
                joiners: WaitList::new(),
            })),
        }
    }

    /// An unbounded queue (`new(0)`).
    pub fn unbounded() -> GenericQueue<T, O> {
        GenericQueue::new(0)
    }

    /// Puts `item` in the queue, waiting while the queue is full (backpressure).
    pub fn put(&self, item: T) -> Put<T, O> {
        Put {
            queue: self.clone(),
            item: Some(item),
            waiter: None,
        }
    }

    /// Puts `item` in the queue if there is room, else gives it back in [`QueueFull`].
    pub fn put_nowait(&self, item: T) -> Result<(), QueueFull<T>> {
        let mut wakers = Vec::new();
        {
            let mut inner = self.inner.borrow_mut();
            if !inner.has_room() {
                return Err(QueueFull(item));
            }
            inner.push_item(item, &mut wakers);
        } // Release the borrow before waking.
        wake_all(wakers);
        Ok(())
    }

    /// Takes the item that leaves next (the oldest in a [`Queue`], the newest in a
    /// [`LifoQueue`], the smallest in a [`PriorityQueue`]), waiting while there is none.
    pub fn get(&self) -> Get<T, O> {
        Get {
            queue: self.clone(),
            waiter: None,
        }
    }

    /// Takes the item that leaves next if one is free, else [`QueueEmpty`].
    pub fn get_nowait(&self) -> Result<T, QueueEmpty> {
        let mut wakers = Vec::new();
        let item = {
            let mut inner = self.inner.borrow_mut();
            if inner.free_items() == 0 {
                return Err(QueueEmpty);
            }
            inner.pop_item(&mut wakers)
        };
        wake_all(wakers);
        Ok(item)
    }

    /// The items, one by one, as a [`Stream`] (asyncio's `while True: item = await
    /// queue.get()`, which Python writes as an `async for` over an async generator).
    ///
    /// The stream never ends: asyncio's `Queue` has no "closed" state before Python 3.13's
    /// `shutdown()`, and this one has none at all. End it the way asyncio programs do: take
    /// a known number of items (`.take(n)`), stop at a sentinel (`.take_while(..)`, see
    /// lesson 17), or wrap each `next()` in a [`timeout`](crate::timeout). Items are got in
    /// the queue's order, and the stream waits in the getters' line like any `get`; call
    /// [`task_done`](GenericQueue::task_done) for each item, as after a `get`.
    pub fn stream(&self) -> QueueStream<T, O> {
        QueueStream {
            queue: self.clone(),
            get: None,
        }
    }

    /// Marks one item that was got as processed (asyncio's `task_done()`).
    ///
    /// # Panics
    /// If called more times than items were put (asyncio raises `ValueError`): call it once
    /// per item a consumer got, after processing it.
    #[track_caller]
    pub fn task_done(&self) {
        let wakers = {
            let mut inner = self.inner.borrow_mut();
            if inner.unfinished == 0 {
                drop(inner);
                panic!(
                    "Queue::task_done called more times than items were put: \
                     call it once for each item a consumer got, after processing it"
                );
            }
            inner.unfinished -= 1;
            if inner.unfinished == 0 {
                inner.joiners.notify_all()
            } else {
                Vec::new()
            }
        };
        wake_all(wakers);
    }

    /// Waits until every item put has been marked done with
    /// [`task_done`](GenericQueue::task_done) (returns at once if none is unfinished).
    pub fn join(&self) -> Join<T, O> {
        Join {
            queue: self.clone(),
            waiter: None,
        }
    }

    /// How many items are in the queue.
    pub fn qsize(&self) -> usize {
        self.inner.borrow().items.len()
    }

    /// True if the queue holds no item.
    pub fn empty(&self) -> bool {
        self.qsize() == 0
    }

    /// True if the queue holds `maxsize` items (never for an unbounded queue).
    pub fn full(&self) -> bool {
        !self.inner.borrow().has_room()
    }

    /// The bound given to [`new`](GenericQueue::new); 0 for no limit.
    pub fn maxsize(&self) -> usize {
        self.inner.borrow().maxsize
    }

    /// How many items were put and not yet marked done.
    pub fn unfinished(&self) -> usize {
        self.inner.borrow().unfinished
    }

    /// How many tasks wait in `put` for room.
    pub fn waiting_putters(&self) -> usize {
        self.inner.borrow().putters.len()
    }

    /// How many tasks wait in `get` for an item.
    pub fn waiting_getters(&self) -> usize {
        self.inner.borrow().getters.len()
    }
}

impl<T, O> Clone for GenericQueue<T, O> {
    fn clone(&self) -> Self {
        GenericQueue {
            inner: self.inner.clone(),
        }
    }
}

impl<T, O: QueueOrder<T>> fmt::Debug for GenericQueue<T, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.inner.borrow();
        f.debug_struct(O::NAME)
            .field("qsize", &inner.items.len())
            .field("maxsize", &inner.maxsize)
            .field("unfinished", &inner.unfinished)
            .field("getters", &inner.getters.len())
            .field("putters", &inner.putters.len())
            .finish()
    }
}

/// The future returned by [`put`](GenericQueue::put).
///
/// Cancel safety: **not safe**: while the queue is full the future owns the item, and dropping
/// it drops the item. To give up on a put without losing the item, keep the item outside and
/// use [`put_nowait`](GenericQueue::put_nowait), which hands it back when the queue is full.
#[must_use = "futures do nothing unless you `.await` them"]
pub struct Put<T, O = Fifo<T>> {
    /// The queue to put into.
    queue: GenericQueue<T, O>,
    /// The item, until it is queued or handed to the line of putters.
    item: Option<T>,
    /// Our place in the putters' line, with the item in its slot, once we had to wait.
    waiter: Option<Rc<Waiter<T>>>,
}

// The item is only ever moved, never pinned: `Put` is `Unpin` whatever `T` is.
impl<T, O> Unpin for Put<T, O> {}

impl<T, O: QueueOrder<T>> Put<T, O> {
    /// Polls for room: `Ready` once the item is in the queue, else `Pending`.
    pub fn poll_put(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if let Some(waiter) = &self.waiter {
            if waiter.is_notified() {
                // A getter made room and moved our item in.
                self.waiter = None;
                return Poll::Ready(());
            }
            waiter.register(cx.waker());
            return Poll::Pending;
        }
        let item = self
            .item
            .take()
            .expect("Put polled again after it completed");
        let mut wakers = Vec::new();
        {
            let mut inner = self.queue.inner.borrow_mut();
            if !inner.has_room() {
                // Full: wait at the back of the line, the item travelling with us.
                self.waiter = Some(inner.putters.push(cx.waker(), Some(item)));
                return Poll::Pending;
            }
            inner.push_item(item, &mut wakers);
        }
        wake_all(wakers);
        Poll::Ready(())
    }
}

impl<T, O: QueueOrder<T>> Future for Put<T, O> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.get_mut().poll_put(cx)
    }
}

impl<T, O> Drop for Put<T, O> {
    fn drop(&mut self) {
        if let Some(waiter) = self.waiter.take() {
            // Still in line: leave it, and the item is dropped with `waiter` after the borrow.
            // Already notified: the item is in the queue, nothing to undo.
            self.queue.inner.borrow_mut().putters.remove(&waiter);
        }
    }
}

impl<T, O> fmt::Debug for Put<T, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Put")
            .field("waiting", &self.waiter.is_some())
            .finish()
    }
}

/// The future returned by [`get`](GenericQueue::get).
///
/// Cancel safety: safe. Dropping it leaves the getters' line; an item that had just been
/// promised to it goes to the next getter, or stays queued.
#[must_use = "futures do nothing unless you `.await` them"]
pub struct Get<T, O = Fifo<T>> {
    /// The queue to take from.
    queue: GenericQueue<T, O>,
    /// Our place in the getters' line once we had to wait.
    waiter: Option<Rc<Waiter<()>>>,
}

impl<T, O: QueueOrder<T>> Get<T, O> {
    /// Polls for an item: `Ready` with the one that leaves next, else `Pending`.
    pub fn poll_get(&mut self, cx: &mut Context<'_>) -> Poll<T> {
        let mut wakers = Vec::new();
        let item = {
            let mut inner = self.queue.inner.borrow_mut();
            match &self.waiter {
                // An item was promised to us: we take the one that leaves next.
                Some(waiter) if waiter.is_notified() => {
                    self.waiter = None;
                    inner.reserved -= 1;
                    inner.pop_item(&mut wakers)
                }
                Some(waiter) => {
                    waiter.register(cx.waker());
                    return Poll::Pending;
                }
                None if inner.free_items() > 0 => inner.pop_item(&mut wakers),
                None => {
                    self.waiter = Some(inner.getters.push(cx.waker(), None));
                    return Poll::Pending;
                }
            }
        }; // Release the borrow before waking.
        wake_all(wakers);
        Poll::Ready(item)
    }
}

impl<T, O: QueueOrder<T>> Future for Get<T, O> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        self.get_mut().poll_get(cx)
    }
}

impl<T, O> Drop for Get<T, O> {
    fn drop(&mut self) {
        let Some(waiter) = self.waiter.take() else {
            return;
        };
        let waker = {
            let mut inner = self.queue.inner.borrow_mut();
            if inner.getters.remove(&waiter) {
                return;
            }
            // An item was promised to us and we will never take it: promise it to the next
            // getter, or free it for anyone.
            inner.reserved -= 1;
            match inner.getters.notify_one() {
                Some((_, waker)) => {
                    inner.reserved += 1;
                    waker
                }
                None => None,
            }
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T, O> fmt::Debug for Get<T, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Get")
            .field("waiting", &self.waiter.is_some())
            .finish()
    }
}

/// The future returned by [`join`](GenericQueue::join).
///
/// Cancel safety: safe. Dropping it loses nothing; the count of unfinished items is unchanged.
#[must_use = "futures do nothing unless you `.await` them"]
pub struct Join<T, O = Fifo<T>> {
    /// The queue whose work we wait for.
    queue: GenericQueue<T, O>,
    /// Our place among the joiners once we had to wait.
    waiter: Option<Rc<Waiter<()>>>,
}

impl<T, O> Join<T, O> {
    /// Polls: `Ready` once no item is unfinished, else `Pending`.
    pub fn poll_join(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let queue = &self.queue;
        poll_condition(&mut self.waiter, cx.waker(), |waker| {
            let mut inner = queue.inner.borrow_mut();
            (inner.unfinished != 0).then(|| inner.joiners.push(waker, None))
        })
    }
}

impl<T, O> Future for Join<T, O> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.get_mut().poll_join(cx)
    }
}

impl<T, O> Drop for Join<T, O> {
    fn drop(&mut self) {
        // Every joiner is woken together, so there is no turn to pass on.
        if let Some(waiter) = self.waiter.take() {
            self.queue.inner.borrow_mut().joiners.remove(&waiter);
        }
    }
}

impl<T, O> fmt::Debug for Join<T, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Join")
            .field("waiting", &self.waiter.is_some())
            .finish()
    }
}

// ANCHOR: stream
/// The items of a queue, in the queue's order: the [`Stream`] from
/// [`stream`](GenericQueue::stream). It never ends.
///
/// Cancel safety: dropping the future of `stream.next()` before it completes loses no item.
/// The stream keeps its pending `get`, and with it its place in the getters' line: an item
/// promised to it waits in the queue for the next call. (So while a stream waits, even with
/// nobody calling `next()`, it is first in line; drop the stream to leave the line, which
/// passes a promised item on to the next getter.)
#[must_use = "streams do nothing unless you poll them, e.g. with `.next().await`"]
pub struct QueueStream<T, O = Fifo<T>> {
    /// The queue the items come from.
    queue: GenericQueue<T, O>,
    /// The `get` under way, kept from one `poll_next` to the next.
    get: Option<Get<T, O>>,
}

impl<T, O: QueueOrder<T>> Stream for QueueStream<T, O> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = &mut *self;
        let get = this.get.get_or_insert_with(|| this.queue.get());
        let item = std::task::ready!(get.poll_get(cx));
        this.get = None; // Done: the next item needs a new `get`.
        Poll::Ready(Some(item))
    }
}
// ANCHOR_END: stream

impl<T, O: QueueOrder<T>> fmt::Debug for QueueStream<T, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QueueStream")
            .field("queue", &self.queue)
            .field("get", &self.get)
            .finish()
    }
}
