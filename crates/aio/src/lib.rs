//! `aio`: a small async runtime in the shape of Python's asyncio, written to be read.
//!
//! # Why
//!
//! asyncio tutorials teach the event loop, coroutines, tasks and futures by showing what they
//! do. This crate lets you see how they do it: one concept per file (the loop itself, with its
//! tasks, timers and reactor, is about 1300 lines of code), and names that follow asyncio's so
//! that each lesson reads like its Python original: [`run`] is `asyncio.run`, [`spawn`] is `asyncio.create_task`, [`sleep`] is
//! `asyncio.sleep`, [`Promise`] is `asyncio.Future`. To wait for many things at once:
//! [`gather()`] and [`gather!`] (`asyncio.gather`), [`wait`] (`asyncio.wait`), [`timeout`]
//! (`asyncio.wait_for` / `asyncio.timeout`) and [`TaskGroup`] (`asyncio.TaskGroup`). To
//! take the first to finish and drop the rest: [`race()`] and [`race!`]; to take outputs in
//! completion order: [`as_completed`] (`asyncio.as_completed`). To
//! coordinate tasks: [`sync`]'s `Semaphore`, `Lock`, `Event` and `Queue`. For the network:
//! [`start_server`] and [`open_connection`] (asyncio's streams), [`create_server`] and the
//! [`Protocol`] trait (its protocols and transports), and for UDP, which asyncio offers only as
//! protocols, both [`create_datagram_endpoint`] with a [`DatagramProtocol`] and the
//! [`UdpSocket`] beneath it ([`net`] holds the sockets).
//!
//! # Architecture
//!
//! One thread runs the loop (`runtime`). Tasks live in a table on that thread (`task`);
//! wakers, which may be called from any thread, push task ids into a channel (`run_queue`).
//! Timers sit in a binary heap (`timers`); sockets (`net`: TCP, and UDP in `net/udp.rs`) are
//! registered, edge-triggered, with a `polling::Poller` (epoll on Linux, kqueue on macOS and
//! the BSDs), and other threads wake the loop through the reactor's `notify()` (`reactor`, one
//! backend file per kind of poller); blocking calls go to a thread pool whose results wake the
//! loop (`pool`). On the sockets sit asyncio's two styles: streams (`streams`) and protocols
//! (`protocol` for TCP, `datagram` for UDP). The crate has no `unsafe` code. One turn of the
//! loop:
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
//! With `AIO_TRACE=1` it says what it does, one line per event on stderr (see
//! [`Builder::trace`]).
//!
//! # Example
//!
//! ```
//! use std::time::Duration;
//!
//! // Virtual time (what `AIO_CLOCK=virtual` selects for `aio::run`): the sleeps end at once
//! // and the clock reads exactly what they waited, even on a busy machine.
//! aio::Builder::new().clock(aio::ClockKind::Virtual).run(async {
//!     let start = aio::now();
//!     let slow = aio::spawn(async {
//!         aio::sleep(Duration::from_millis(20)).await;
//!         "slow"
//!     });
//!     let fast = aio::spawn(async {
//!         aio::sleep(Duration::from_millis(10)).await;
//!         "fast"
//!     });
//!     // Both tasks sleep at the same time: 20 ms in all, not 30.
//!     assert_eq!(fast.await.unwrap(), "fast");
//!     assert_eq!(slow.await.unwrap(), "slow");
//!     assert_eq!(aio::now() - start, Duration::from_millis(20));
//! });
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

mod as_completed;
mod callback;
mod clock;
mod datagram;
mod debug;
pub mod fs;
mod gather;
mod interval;
pub mod net;
mod pool;
mod promise;
mod protocol;
mod race;
mod reactor;
mod ready_list;
mod run_queue;
mod runtime;
mod sleep;
mod streams;
pub mod sync;
mod task;
mod task_group;
mod timeout;
mod timers;
mod trace;
mod wait;
mod waker_list;
mod write_buffer;
mod yield_now;

pub use as_completed::{as_completed, AsCompleted};
pub use callback::{call_later, call_soon, Handle};
pub use clock::ClockKind;
pub use datagram::{create_datagram_endpoint, DatagramProtocol, DatagramTransport};
#[doc(hidden)]
pub use gather::MaybeDone as __MaybeDone;
#[doc(hidden)]
pub use gather::TupleChildren as __TupleChildren;
pub use gather::{gather, try_gather, Gather, TryGather};
pub use interval::{interval, Interval};
pub use net::{
    Accept, ReadSome, Recv, RecvFrom, SendDatagram, TcpListener, TcpStream, UdpSocket, WriteSome,
};
pub use pool::{
    blocking_threads, blocking_threads_limit, blocking_threads_peak, default_blocking_threads,
    run_in_executor, to_thread, Blocking, DEFAULT_BLOCKING_IDLE,
};
pub use promise::{CallbackId, Promise, PromiseError};
pub use protocol::{create_connection, create_server, Protocol, Transport};
#[doc(hidden)]
pub use race::__boxed;
pub use race::{race, Race};
pub use reactor::{io_waiter_count, socket_count, Registered};
pub use ready_list::child_polls;
pub use runtime::{
    loop_turns, now, run, task_count, timer_count, wakes_from_other_threads, Builder,
    DEFAULT_SLOW_POLL,
};
pub use sleep::{sleep, sleep_until, Sleep};
pub use streams::{
    open_connection, start_server, IncompleteReadError, LimitOverrunError, Lines, Server,
    StreamReader, StreamWriter, DEFAULT_LIMIT,
};
pub use task::{spawn, spawn_named, Task, TaskError};
pub use task_group::TaskGroup;
pub use timeout::{timeout, timeout_at, timeout_with, Elapsed, Timeout, TimeoutHandle};
pub use wait::{wait, Outcome, ReturnWhen, Wait};
pub use write_buffer::DEFAULT_HIGH_WATER;
pub use yield_now::{yield_now, YieldNow};
