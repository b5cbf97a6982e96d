//! `aio`: a small async runtime in the shape of Python's asyncio, written to be read.
//!
//! # Why
//!
//! asyncio tutorials teach the event loop, coroutines, tasks and futures by showing what they
//! do. This crate lets you see how they do it: the whole runtime is a few hundred lines, one
//! concept per file, and its names follow asyncio's so that each lesson reads like its Python
//! original: [`run`] is `asyncio.run`, [`spawn`] is `asyncio.create_task`, [`sleep`] is
//! `asyncio.sleep`, [`Promise`] is `asyncio.Future`.
//!
//! # Architecture
//!
//! One thread runs the loop ([`runtime`](crate::Builder)). Tasks live in a table on that thread;
//! wakers, which may be called from any thread, push task ids into a channel (`run_queue`).
//! Timers sit in a binary heap (`timers`); sockets are registered with an epoll poller through
//! the `polling` crate (`reactor`). One turn of the loop:
//!
//! ```text
//!        ┌──────────────────────────────────────────────────────────────┐
//!        ▼                                                              │
//!  1. poll each woken task once ──▶ 2. wake due timers ──▶ 3. anything ready?
//!                                                           │ yes: next turn
//!                                                           │ no:
//!                                       block in the poller until the nearest timer,
//!                                       a ready socket, or notify() from another thread
//! ```
//!
//! The loop never spins: when nothing is ready it sleeps in the kernel. With
//! `AIO_CLOCK=virtual` it instead jumps its clock to the next timer, so programs that sleep for
//! seconds finish at once and print exact durations (that is how the lessons are tested).
//!
//! # Example
//!
//! ```
//! use std::time::Duration;
//!
//! aio::run(async {
//!     let start = aio::now();
//!     let slow = aio::spawn(async {
//!         aio::sleep(Duration::from_millis(20)).await;
//!         "slow"
//!     });
//!     let fast = aio::spawn(async {
//!         aio::sleep(Duration::from_millis(10)).await;
//!         "fast"
//!     });
//!     // Both tasks sleep at the same time: about 20 ms in all, not 30.
//!     assert_eq!(fast.await.unwrap(), "fast");
//!     assert_eq!(slow.await.unwrap(), "slow");
//!     assert!(aio::now() - start < Duration::from_millis(30));
//! });
//! ```

#![deny(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

mod callback;
mod clock;
mod debug;
pub mod fs;
mod pool;
mod promise;
mod reactor;
mod run_queue;
mod runtime;
mod sleep;
mod task;
mod timers;
mod yield_now;

pub use callback::{call_later, call_soon, Handle};
pub use clock::ClockKind;
pub use pool::{
    blocking_threads, blocking_threads_limit, blocking_threads_peak, default_blocking_threads,
    run_in_executor, to_thread, Blocking, DEFAULT_BLOCKING_IDLE,
};
pub use promise::Promise;
pub use reactor::Registered;
pub use runtime::{loop_turns, now, run, task_count, timer_count, Builder, DEFAULT_SLOW_POLL};
pub use sleep::{sleep, sleep_until, Sleep};
pub use task::{spawn, spawn_named, Task, TaskError};
pub use yield_now::{yield_now, YieldNow};
