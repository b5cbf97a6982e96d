//! The loop core: the loop itself and what one turn of it touches.
//!
//! `runtime` runs the turn; `task` keeps the table of tasks; `run_queue` carries wakes (a
//! thread-local queue on the loop's thread, a channel from other threads); `timers` is the heap
//! of deadlines, read through `clock` (real or virtual); `callback` is `call_soon` /
//! `call_later`; `trace` and `debug` report what the loop does; `waker_list` is the list of
//! wakers the futures in the other layers register in; `yield_now` is the smallest future.
//! Other threads reach a running loop through `loop_handle` (asyncio's `call_soon_threadsafe`
//! and `run_coroutine_threadsafe`), and wait for a coroutine's outcome on a
//! `concurrent_future`.

pub(crate) mod callback;
pub(crate) mod clock;
pub(crate) mod concurrent_future;
pub(crate) mod debug;
pub(crate) mod loop_handle;
pub(crate) mod run_queue;
pub(crate) mod runtime;
pub(crate) mod task;
pub(crate) mod timers;
pub(crate) mod trace;
pub(crate) mod waker_list;
pub(crate) mod yield_now;
