//! Coordination between tasks, as asyncio's synchronization primitives and queues:
//!
//! | asyncio | here |
//! |---|---|
//! | `Lock` | [`Lock<T>`](Lock): one task at a time, across `.await`s; it guards a value |
//! | `Event` | [`Event`]: a flag that tasks wait for |
//! | `Condition` | [`Condition<T>`](Condition): wait, with the lock let go, for a change of state |
//! | `Semaphore`, `BoundedSemaphore` | [`Semaphore::new`], [`Semaphore::bounded`]: at most `n` at once |
//! | `Barrier` | [`Barrier`]: wait until `parties` tasks are there |
//! | `Queue`, `LifoQueue`, `PriorityQueue` | [`Queue`], [`LifoQueue`], [`PriorityQueue`]: items between tasks, oldest, newest or smallest first |
//!
//! These are **loop-thread** primitives, as asyncio's are: they hold their state in an `Rc`,
//! so they are neither `Send` nor `Sync`, and a task that waits on one *suspends* (the loop
//! runs other tasks) instead of blocking the thread. To coordinate with other threads, use the
//! blocking pool ([`run_in_executor`](crate::run_in_executor)) and channels, not these.
//!
//! Each one is a cheap handle: clone it into every task that shares it.
//!
//! All of them keep their waiting tasks in the same kind of line, a FIFO list of waiters
//! (`waiters.rs`), and follow the same rules:
//!
//! * **First come, first served.** Waiters are served in the order they arrived. What is freed
//!   (a permit, the lock, a queued item, room in the queue) is handed to the first waiter at
//!   the moment it is freed, so a task that asks later cannot take it first ("barging").
//! * **Cancellation is safe.** Dropping a waiting future (its task was cancelled, a timeout
//!   fired) takes it out of the line; if something had already been handed to it, it is handed
//!   on to the next waiter. No wakeup is lost.
//! * **No waking under a borrow.** The primitives collect the wakers to wake, release their
//!   `RefCell` borrow, and only then wake.

mod barrier;
mod condition;
mod event;
mod lock;
mod order;
mod queue;
mod semaphore;
mod waiters;

pub use barrier::{Barrier, BarrierWait, BrokenBarrier};
pub use condition::{Condition, ConditionWait, ConditionWaitFor};
pub use event::{Event, EventWait};
pub use lock::{Lock, LockFuture, LockGuard};
pub use order::{Fifo, Lifo, Priority, QueueOrder};
pub use queue::{
    GenericQueue, Get, Join, LifoQueue, PriorityQueue, Put, Queue, QueueEmpty, QueueFull,
    QueueStream,
};
pub use semaphore::{Acquire, Semaphore, SemaphorePermit};
pub(crate) use waiters::count_visit;
pub use waiters::wait_list_visits;
