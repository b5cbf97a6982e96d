//! [`LoopHandle`]: how other threads reach a running loop (asyncio's
//! `loop.call_soon_threadsafe` and `asyncio.run_coroutine_threadsafe`), and [`LoopCallback`],
//! a function of the loop's that other threads may call.
//!
//! Everything else that needs the loop (`spawn`, `call_soon`, `sleep`, `now` …) finds it in a
//! thread-local: it works on the loop's own thread and nowhere else. A thread of yours (a
//! worker, the thread on which a blocking library calls you back) reaches the loop through a
//! `LoopHandle`, which is `Send + Sync + Clone`: take one on the loop with
//! [`get_running_loop`] and move it to the thread.
//!
//! A handle sends *jobs* into the loop's inbox, a crossbeam channel, and wakes the loop with
//! the inbox's own waker: one id in the run queue however many jobs wait, and one `notify()`
//! if the loop sleeps in the poller. The loop drains the inbox in the turn that pops that id;
//! each job spawns a task there (the callback, or the coroutine), so the tasks start in the
//! order the jobs were sent.
//!
//! ```text
//!  another thread                                  the loop's thread
//!  ──────────────                                  ─────────────────
//!  handle.call_soon_threadsafe(f)
//!   ├ job ──────▶ inbox (crossbeam channel)
//!   └ inbox waker.wake()
//!      ├ flag false → true? push INBOX ──▶ run queue
//!      └ loop parked? notify() ───────────▶ the poller's wait returns
//!                                           turn: pop INBOX, clear its flag,
//!                                                 for each job sent so far: spawn its task
//!                                           next turn: the task runs f
//! ```
//!
//! * **O(1) per call**: one channel send, one atomic swap, at most one `notify()`; no thread
//!   per call, no polling.
//! * **A closed loop says so.** Once `run` has returned (or is returning), sends fail:
//!   `call_soon_threadsafe` returns [`LoopClosed`], and the [`ConcurrentFuture`] of
//!   `run_coroutine_threadsafe` is done with [`CoroutineError::LoopClosed`]. Jobs sent just
//!   before the loop closed and not yet drained are dropped with the loop; a waiting thread
//!   gets `LoopClosed` then, never a hang.
//! * **What crosses is `Send`.** The callback, the coroutine and its output travel between
//!   threads, so Rust requires them to be `Send`. The loop's own objects (a `Queue`, an
//!   `Event`, a `Promise`, a `Task`) are not: they use `Rc`, because only the loop's thread
//!   touches them. The compiler refuses to move one into another thread, which is the check
//!   asyncio's debug mode makes at run time. To reach one from another thread, register a
//!   function that uses it as a [`LoopCallback`] on the loop, and call that.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::future::{poll_fn, Future};
use std::marker::PhantomData;
use std::mem;
use std::panic::{AssertUnwindSafe, Location};
use std::pin::pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::Poll;

use crossbeam_channel::{Receiver, Sender};
use futures::FutureExt;

use crate::concurrent_future::{self, Completer, ConcurrentFuture, CoroutineError};
use crate::run_queue::{Shared, TaskId, TaskWaker};
use crate::runtime;
use crate::task::spawn_at;

/// The inbox's id in the run queue. Task ids are `generation << 32 | slot`, and a table never
/// holds 2^32 - 1 slots, so no task has it (nor `runtime::MAIN`, one more).
pub(crate) const INBOX: TaskId = u64::MAX - 1;

/// Work another thread sends to the loop. The loop runs it on its own thread while it drains
/// the inbox: it spawns a task (the callback or the coroutine), or forgets a `LoopCallback`.
/// No user code runs in a job itself, only in the task it spawns (and in the `Drop` of a
/// forgotten callback).
type Job = Box<dyn FnOnce() + Send + 'static>;

/// What every handle of one loop shares.
struct Inbox {
    /// Where jobs go, in the order they are sent. Sends fail once the loop has closed its end.
    sender: Sender<Job>,
    /// Queues `INBOX` in the loop's run queue, and interrupts the poller if the loop sleeps.
    /// While it is scheduled, more jobs queue nothing more: one drain takes them all.
    waker: Arc<TaskWaker>,
    /// Raised when the loop closes its end (for [`LoopHandle::is_closed`]; a failed send is
    /// what counts).
    closed: AtomicBool,
    /// Debug mode was on when the loop started: tasks started from other threads are named
    /// after the thread, for debug mode's reports.
    debug: bool,
}

impl Inbox {
    /// Debug mode's name for a task that `what` starts from this thread:
    /// "call_soon_threadsafe from thread sensor".
    fn task_name(&self, what: &str) -> Option<String> {
        if !self.debug {
            return None;
        }
        let thread = std::thread::current();
        Some(match thread.name() {
            Some(name) => format!("{what} from thread {name}"),
            None => format!("{what} from an unnamed thread ({:?})", thread.id()),
        })
    }
}

/// A handle to a running loop that any thread may hold and use: a `Send + Sync + Clone` view
/// of asyncio's loop object, with its thread-safe methods. Take one on the loop with
/// [`get_running_loop`].
///
/// ```
/// use std::time::Duration;
///
/// let (sum, turns) = aio::run(async {
///     let handle = aio::get_running_loop();
///     // A thread of ours, not the loop's: it asks the loop to run a coroutine, and blocks
///     // until the coroutine's output is back.
///     let worker = std::thread::spawn(move || {
///         let doubled = handle.run_coroutine_threadsafe(async {
///             aio::sleep(Duration::from_millis(10)).await; // Runs on the loop.
///             21 * 2
///         });
///         doubled.wait().unwrap()
///     });
///     // The loop must keep running meanwhile: blocking here on `worker.join()` would stop
///     // it. `to_thread` waits for the worker on the blocking pool instead.
///     let sum = aio::to_thread(move || worker.join().unwrap()).await;
///     (sum, aio::loop_turns().unwrap())
/// });
/// assert_eq!(sum, 42);
/// assert!(turns < 100, "the loop slept while it waited: {turns} turns");
/// ```
#[derive(Clone)]
pub struct LoopHandle {
    /// The loop's inbox; shared by every clone.
    inbox: Arc<Inbox>,
}

/// The loop is closed: its [`run`](crate::run) has returned, so nothing sent to it would run
/// (asyncio's `RuntimeError: Event loop is closed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoopClosed;

impl fmt::Display for LoopClosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the event loop is closed: its aio::run has returned")
    }
}

impl std::error::Error for LoopClosed {}

/// A handle to the running loop, to give to other threads (asyncio's
/// `asyncio.get_running_loop()`, for the loop's thread-safe methods).
///
/// # Panics
/// Outside [`run`](crate::run).
#[track_caller]
pub fn get_running_loop() -> LoopHandle {
    runtime::with_core("aio::get_running_loop", |core| {
        core.threadsafe
            .handle(&core.queue.shared, core.debug.is_some())
    })
}

impl LoopHandle {
    /// Calls `f` on the loop's thread, in a later turn of the loop (asyncio's
    /// `loop.call_soon_threadsafe(f)`). Callable from any thread, the loop's own included.
    ///
    /// Calls sent from one thread run in the order they were sent. `f` runs as a small task,
    /// like [`call_soon`](crate::call_soon)'s callbacks: if it panics, the loop reports it and
    /// goes on. A loop asleep in the poller wakes up for it.
    ///
    /// # Errors
    /// [`LoopClosed`] if the loop has ended; `f` is dropped. A call that was sent while the
    /// loop was ending may be dropped without running, as in asyncio.
    #[track_caller]
    pub fn call_soon_threadsafe(
        &self,
        f: impl FnOnce() + Send + 'static,
    ) -> Result<(), LoopClosed> {
        let location = Location::caller();
        let name = self.inbox.task_name("call_soon_threadsafe");
        self.send(Box::new(move || {
            spawn_at("call_soon_threadsafe", location, name, async move { f() });
        }))
    }

    /// Runs `future` on the loop as a task, from any thread (asyncio's
    /// `asyncio.run_coroutine_threadsafe(coro, loop)`), and returns a handle to its outcome
    /// that the calling thread can block on ([`ConcurrentFuture::wait`]) or a task can await.
    ///
    /// The future is `Send`: it is made here and runs there. Inside, it may use everything
    /// that works on the loop (`sleep`, `spawn`, sockets …), since it runs on the loop's thread.
    ///
    /// If the loop has ended, the handle is done at once with [`CoroutineError::LoopClosed`].
    #[track_caller]
    pub fn run_coroutine_threadsafe<F>(&self, future: F) -> ConcurrentFuture<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let location = Location::caller();
        let name = self.inbox.task_name("run_coroutine_threadsafe");
        let (completer, handle) = concurrent_future::pair(self.clone());
        // On a closed loop, the job comes back and is dropped here, and with it the
        // completer, which fills the handle with `LoopClosed`.
        let _ = self.send(Box::new(move || {
            spawn_at(
                "run_coroutine_threadsafe",
                location,
                name,
                run_remote(future, completer),
            );
        }));
        handle
    }

    /// True once the loop has closed: its `run` has returned, or is returning.
    pub fn is_closed(&self) -> bool {
        self.inbox.closed.load(Ordering::Acquire)
    }

    /// True on the thread that runs this handle's loop.
    pub(crate) fn on_loop_thread(&self) -> bool {
        self.inbox.waker.on_loop_thread()
    }

    /// Puts `job` in the inbox and wakes the loop for it.
    fn send(&self, job: Job) -> Result<(), LoopClosed> {
        // A failed send hands the job back: it is dropped here, on the sending thread.
        self.inbox.sender.send(job).map_err(|_| LoopClosed)?;
        self.inbox.waker.schedule();
        Ok(())
    }
}

impl fmt::Debug for LoopHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoopHandle")
            .field("closed", &self.is_closed())
            .finish()
    }
}

// ANCHOR: run_remote
/// The task that `run_coroutine_threadsafe` spawns: runs `future` until it returns or panics,
/// or until the handle asks to cancel, and fills the handle's slot with the outcome. If the
/// loop drops this task first (it is ending), the completer's `Drop` fills the slot.
async fn run_remote<F: Future>(future: F, completer: Completer<F::Output>) {
    let outcome = {
        let mut future = pin!(AssertUnwindSafe(future).catch_unwind());
        poll_fn(|cx| {
            if completer.cancel_requested(cx.waker()) {
                return Poll::Ready(None);
            }
            future.as_mut().poll(cx).map(Some)
        })
        .await
        // A cancelled future is dropped here, before the handle hears of it.
    };
    completer.set(match outcome {
        Some(Ok(output)) => Ok(output),
        Some(Err(payload)) => Err(CoroutineError::Panicked(payload)),
        None => Err(CoroutineError::Cancelled),
    });
}
// ANCHOR_END: run_remote

/// A function that lives on the loop, which any thread may call with an argument: the way to
/// reach the loop's own objects (a `Queue`, an `Event`, a `Promise`), which cannot leave its
/// thread, from another thread.
///
/// asyncio passes the loop's objects to other threads freely, and `call_soon_threadsafe`
/// takes a callback and its arguments: `loop.call_soon_threadsafe(queue.put_nowait, item)`.
/// In Rust the queue is not `Send`, so the callback stays on the loop, registered once, and
/// only the argument travels:
///
/// ```
/// let got = aio::run(async {
///     let queue = aio::sync::Queue::new(0);
///     let put = {
///         let queue = queue.clone();
///         aio::LoopCallback::new(move |item: u32| queue.put_nowait(item).unwrap())
///     };
///     // `put` is Send: the thread holds it, and the queue stays on the loop.
///     std::thread::spawn(move || {
///         for item in 1..=3 {
///             put.call_soon_threadsafe(item).unwrap();
///         }
///     });
///     let mut got = Vec::new();
///     for _ in 0..3 {
///         got.push(queue.get().await);
///     }
///     got
/// });
/// assert_eq!(got, [1, 2, 3]);
/// ```
///
/// The function is dropped, on the loop, once every clone of its `LoopCallback` is dropped
/// (or when the loop ends).
pub struct LoopCallback<A> {
    /// The function's entry on the loop; shared by every clone.
    registration: Arc<Registration>,
    /// The argument type. `fn(A)` keeps `LoopCallback` `Send + Sync` whatever `A` is (the
    /// argument itself must be `Send` to be sent).
    arg: PhantomData<fn(A)>,
}

/// A registered function, forgotten on the loop when the last `LoopCallback` goes.
struct Registration {
    /// Its key in the loop's table of callbacks.
    id: u64,
    /// The loop it lives on.
    handle: LoopHandle,
}

impl Drop for Registration {
    fn drop(&mut self) {
        let id = self.id;
        // Sent after every call made through it (each held a clone while it sent), so those
        // calls still find the function. On a closed loop, the table is gone already.
        let _ = self.handle.send(Box::new(move || {
            let forgotten = runtime::try_with_core(|core| core.threadsafe.forget(id));
            drop(forgotten); // The function's captures, with the table released.
        }));
    }
}

impl<A: Send + 'static> LoopCallback<A> {
    /// Registers `f` with the running loop, and returns a handle that any thread may use to
    /// call it there.
    ///
    /// # Panics
    /// Outside [`run`](crate::run).
    #[track_caller]
    pub fn new(f: impl Fn(A) + 'static) -> LoopCallback<A> {
        runtime::with_core("aio::LoopCallback::new", |core| {
            let handle = core
                .threadsafe
                .handle(&core.queue.shared, core.debug.is_some());
            let id = core.threadsafe.register(Rc::new(f) as Rc<dyn Fn(A)>);
            LoopCallback {
                registration: Arc::new(Registration { id, handle }),
                arg: PhantomData,
            }
        })
    }

    /// Calls the function with `arg` on the loop's thread, in a later turn, as
    /// [`LoopHandle::call_soon_threadsafe`] calls a closure (and in order with the calls that
    /// method sends from the same thread).
    ///
    /// # Errors
    /// [`LoopClosed`] if the loop has ended; `arg` is dropped.
    #[track_caller]
    pub fn call_soon_threadsafe(&self, arg: A) -> Result<(), LoopClosed> {
        let location = Location::caller();
        let handle = &self.registration.handle;
        let name = handle.inbox.task_name("LoopCallback");
        let id = self.registration.id;
        handle.send(Box::new(move || {
            // Looked up now, in the order of the jobs, so before a later `forget`.
            let f = runtime::try_with_core(|core| core.threadsafe.callback::<A>(id)).flatten();
            if let Some(f) = f {
                spawn_at("LoopCallback", location, name, async move { f(arg) });
            }
        }))
    }

    /// The loop this function lives on.
    pub fn loop_handle(&self) -> &LoopHandle {
        &self.registration.handle
    }
}

impl<A> Clone for LoopCallback<A> {
    fn clone(&self) -> Self {
        LoopCallback {
            registration: self.registration.clone(),
            arg: PhantomData,
        }
    }
}

impl<A> fmt::Debug for LoopCallback<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoopCallback")
            .field("id", &self.registration.id)
            .field("loop", &self.registration.handle)
            .finish()
    }
}

/// The loop's side of its handles: the inbox's receiving end and the registered callbacks.
/// Lives in the loop's `Core`, on its thread.
pub(crate) struct Threadsafe {
    /// The inbox, opened by the first handle asked for.
    inbox: RefCell<InboxEnd>,
    /// The functions of live `LoopCallback`s, by id: each an `Rc<dyn Fn(A)>`, typed by the
    /// callback that looks it up.
    callbacks: RefCell<HashMap<u64, Box<dyn Any>>>,
    /// The id the next registered callback gets.
    next_callback: Cell<u64>,
}

enum InboxEnd {
    /// No handle yet: no channel either (most loops never make one).
    Unopened,
    /// Handles exist. The loop keeps one, to clone for the next who asks.
    Open {
        handle: LoopHandle,
        receiver: Receiver<Job>,
    },
    /// The loop has ended: sends fail.
    Closed,
}

impl Threadsafe {
    pub(crate) fn new() -> Threadsafe {
        Threadsafe {
            inbox: RefCell::new(InboxEnd::Unopened),
            callbacks: RefCell::new(HashMap::new()),
            next_callback: Cell::new(0),
        }
    }

    /// A handle to this loop (whose run queue is `shared`), opening the inbox on first use.
    /// Asked for while the loop closes (by a destructor of a task being cancelled), it is a
    /// handle to a closed loop: every send fails.
    fn handle(&self, shared: &Arc<Shared>, debug: bool) -> LoopHandle {
        let mut inbox = self.inbox.borrow_mut();
        let closed = match &*inbox {
            InboxEnd::Open { handle, .. } => return handle.clone(),
            InboxEnd::Closed => true,
            InboxEnd::Unopened => false,
        };
        let (sender, receiver) = crossbeam_channel::unbounded();
        let handle = LoopHandle {
            inbox: Arc::new(Inbox {
                sender,
                waker: TaskWaker::new(INBOX, shared),
                closed: AtomicBool::new(closed),
                debug,
            }),
        };
        if !closed {
            *inbox = InboxEnd::Open {
                handle: handle.clone(),
                receiver,
            };
        }
        handle
    }

    // ANCHOR: drain
    /// The loop popped `INBOX`: runs the jobs sent so far, in the order they were sent (each
    /// spawns its task). Jobs sent meanwhile wait for the next drain, which their wake queues.
    pub(crate) fn drain(&self) {
        let receiver = match &*self.inbox.borrow() {
            InboxEnd::Open { handle, receiver } => {
                // Lowered before the inbox is read: a wake after this queues `INBOX` again.
                handle.inbox.waker.take_scheduled();
                receiver.clone()
            }
            InboxEnd::Unopened | InboxEnd::Closed => return,
        };
        // As many as are there now: a thread that keeps sending cannot hold the loop here.
        for job in receiver.try_iter().take(receiver.len()) {
            job();
        }
    }
    // ANCHOR_END: drain

    /// The loop is ending: closes the inbox, so that sends fail from now on, and drops the
    /// jobs not yet drained (their handles hear `LoopClosed`) and the registered callbacks.
    pub(crate) fn close(&self) {
        let end = mem::replace(&mut *self.inbox.borrow_mut(), InboxEnd::Closed);
        if let InboxEnd::Open { handle, receiver } = end {
            handle.inbox.closed.store(true, Ordering::Release);
            // Dropping the only receiver drops the jobs in the channel, and fails every later
            // send. Their futures and callbacks are dropped here, with the table released.
            drop(receiver);
        }
        let callbacks = mem::take(&mut *self.callbacks.borrow_mut());
        drop(callbacks);
    }

    fn register<A: 'static>(&self, f: Rc<dyn Fn(A)>) -> u64 {
        let id = self.next_callback.get();
        self.next_callback.set(id + 1);
        self.callbacks.borrow_mut().insert(id, Box::new(f));
        id
    }

    fn callback<A: 'static>(&self, id: u64) -> Option<Rc<dyn Fn(A)>> {
        let callbacks = self.callbacks.borrow();
        callbacks.get(&id)?.downcast_ref::<Rc<dyn Fn(A)>>().cloned()
    }

    /// Takes callback `id` out of the table, for the caller to drop once the table is released.
    fn forget(&self, id: u64) -> Option<Box<dyn Any>> {
        self.callbacks.borrow_mut().remove(&id)
    }
}
