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
//! coordinate tasks: [`sync`]'s `Lock`, `Event`, `Condition`, `Semaphore` (and its bounded
//! form), `Barrier`, and the queues `Queue`, `LifoQueue` and `PriorityQueue`.
//! To stop on Ctrl-C or SIGTERM: [`signal`]'s `ctrl_c()` and `Signals` (asyncio's
//! `loop.add_signal_handler`).
//! For other threads (a worker, a library's callback thread), [`get_running_loop`] gives a
//! [`LoopHandle`] with the loop's thread-safe doors,
//! [`call_soon_threadsafe`](LoopHandle::call_soon_threadsafe) and
//! [`run_coroutine_threadsafe`](LoopHandle::run_coroutine_threadsafe) (whose
//! [`ConcurrentFuture`] a thread can block on), and [`LoopCallback`] lets them call a function
//! that uses the loop's own objects.
//! To run other programs: [`process`] (`asyncio.create_subprocess_exec`), whose pipes are the
//! same [`StreamReader`] and [`StreamWriter`] as a connection's.
//! For the network: [`start_server`] and [`open_connection`] (asyncio's streams),
//! [`create_server`] and the [`Protocol`] trait (its protocols and transports), and for UDP,
//! which asyncio offers only as protocols, both [`create_datagram_endpoint`] with a
//! [`DatagramProtocol`] and the [`UdpSocket`] beneath it ([`net`] holds the sockets).
//!
//! # Architecture
//!
//! The source is in layers, one folder each, lower layers first:
//!
//! ```text
//! event_loop/   the loop core: runtime (the turn), task (the table), run_queue (wakes),
//!               timers + clock (the heap, real or virtual time), callback, trace, debug,
//!               loop_handle + concurrent_future (how other threads reach the loop)
//! io/           reactor (sockets registered with the poller; reactor/ has one backend file
//!               per kind of poller), net (TCP, UDP), pipe (a child's stdin/stdout/stderr),
//!               streams and protocol (asyncio's two APIs), datagram (UDP's protocols)
//! os/           the OS edges: pool (threads for blocking calls), signal (Ctrl-C, SIGTERM),
//!               process (child programs; process/ has how their exits reach the loop)
//! time/         sleep, interval, timeout
//! combinators/  gather, wait, race, as_completed, task_group, promise
//! sync/         Semaphore, Lock, Event, Condition, Barrier, the queues and their wait list
//! ```
//!
//! One thread runs the loop (`runtime`). Tasks live in a table on that thread (`task`);
//! wakers, which may be called from any thread, push task ids into the run queue
//! (`run_queue`: a plain queue on the loop's own thread, a channel from others). Timers sit in
//! a binary heap (`timers`); sockets are registered, edge-triggered, with a `polling::Poller`
//! (epoll on Linux, kqueue on macOS and the BSDs), and other threads wake the loop through the
//! reactor's `notify()` (`reactor`); blocking calls go to a thread pool whose results wake the
//! loop (`pool`). A signal's handler writes a byte to a socket pair whose other end is
//! registered like any socket, so a Ctrl-C wakes the sleeping loop as a client's bytes would
//! ([`signal`]). Other threads send calls and coroutines to the loop's inbox, which the loop
//! drains on its own thread (`loop_handle`, and `concurrent_future` for the outcome a thread
//! waits for). Child processes (`process`) are pipes registered like sockets (`pipe`, read and
//! written by the same streams as a connection through `byte_stream`) and, on Linux, a pidfd
//! that becomes readable when the child exits (`process/exit.rs`). The crate has no `unsafe`
//! code. On the sockets sit asyncio's two styles: streams (`streams`) and protocols (`protocol`
//! for TCP, `datagram` for UDP). One turn of the loop:
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

// The layers, one folder each (the crate doc's map above):
mod combinators;
mod event_loop;
mod io;
mod os;
pub mod sync;
mod time;

// Inside the crate every module is also reachable by its short name (`crate::task`,
// `crate::reactor`), whichever folder holds it.
use combinators::{as_completed, gather, promise, race, ready_list, task_group, wait};
use event_loop::{
    callback, clock, concurrent_future, debug, loop_handle, run_queue, runtime, task, timers,
    trace, waker_list, yield_now,
};
use io::{byte_stream, datagram, pipe, protocol, reactor, streams, write_buffer};
use os::pool;
use time::{interval, sleep, timeout};

pub use as_completed::{as_completed, AsCompleted};
pub use callback::{call_later, call_soon, Handle};
pub use clock::ClockKind;
pub use concurrent_future::{ConcurrentFuture, CoroutineError};
pub use datagram::{create_datagram_endpoint, DatagramProtocol, DatagramTransport};
#[doc(hidden)]
pub use gather::MaybeDone as __MaybeDone;
#[doc(hidden)]
pub use gather::TupleChildren as __TupleChildren;
pub use gather::{gather, try_gather, Gather, TryGather};
pub use interval::{interval, Interval};
pub use io::fs;
pub use io::net;
pub use loop_handle::{get_running_loop, LoopCallback, LoopClosed, LoopHandle};
pub use net::{
    Accept, ReadSome, Recv, RecvFrom, SendDatagram, TcpListener, TcpStream, UdpSocket, WriteSome,
};
pub use os::process;
pub use os::signal;
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
