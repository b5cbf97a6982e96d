//! [`call_soon`] and [`call_later`]: plain functions scheduled on the loop.
//!
//! asyncio's loop runs callbacks as well as coroutines. Here a callback is a tiny task that
//! calls the function (after a sleep, for `call_later`), so it shares the run queue and the
//! timer heap with everything else, and cancelling it is cancelling that task.

use std::panic::Location;
use std::time::Duration;

use crate::runtime;
use crate::task::{spawn_at, Task};

/// A scheduled callback (asyncio's `Handle` / `TimerHandle`).
#[derive(Debug)]
pub struct Handle {
    /// The small task that calls the function.
    task: Task<()>,
}

impl Handle {
    /// Cancels the callback if it has not run yet. Returns false if it already ran
    /// (or was already cancelled).
    pub fn cancel(&self) -> bool {
        self.task.cancel()
    }

    /// True once the callback has run or been cancelled.
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

/// Calls `f` on the loop's next turn (asyncio's `loop.call_soon(f)`).
///
/// # Panics
/// Outside [`run`](crate::run), and so on any thread but the loop's: from another thread, use
/// [`LoopHandle::call_soon_threadsafe`](crate::LoopHandle::call_soon_threadsafe).
#[track_caller]
pub fn call_soon(f: impl FnOnce() + 'static) -> Handle {
    Handle {
        task: spawn_at(
            "aio::call_soon",
            Location::caller(),
            None,
            async move { f() },
        ),
    }
}

/// Calls `f` once `delay` has passed (asyncio's `loop.call_later(delay, f)`).
/// The delay counts from this call.
///
/// # Panics
/// Outside [`run`](crate::run), and so on any thread but the loop's (see [`call_soon`]).
#[track_caller]
pub fn call_later(delay: Duration, f: impl FnOnce() + 'static) -> Handle {
    let deadline = runtime::with_core("aio::call_later", |core| core.clock.now()) + delay;
    let location = Location::caller();
    Handle {
        task: spawn_at("aio::call_later", location, None, async move {
            crate::sleep_until(deadline).await;
            f()
        }),
    }
}
