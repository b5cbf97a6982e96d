//! Coordination between tasks: [`Semaphore`], [`Lock`], [`Event`] and [`Queue`]
//! (asyncio's `asyncio.Semaphore`, `Lock`, `Event` and `Queue`).
//!
//! These are **loop-thread** primitives, as asyncio's are: they hold their state in an `Rc`,
//! so they are neither `Send` nor `Sync`, and a task that waits on one *suspends* (the loop
//! runs other tasks) instead of blocking the thread. To coordinate with other threads, use the
//! blocking pool ([`run_in_executor`](crate::run_in_executor)) and channels, not these.
//!
//! Each one is a cheap handle: clone it into every task that shares it.
//!
//! All four keep their waiting tasks in the same kind of line, a FIFO list of waiters
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

mod event;
mod lock;
mod queue;
mod semaphore;
mod waiters;

pub use event::{Event, EventWait};
pub use lock::{Lock, LockFuture, LockGuard};
pub use queue::{Get, Join, Put, Queue, QueueEmpty, QueueFull, QueueStream};
pub use semaphore::{Acquire, Semaphore, SemaphorePermit};
pub(crate) use waiters::count_visit;
pub use waiters::wait_list_visits;
