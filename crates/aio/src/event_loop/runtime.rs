//! The event loop: [`run`], its [`Builder`], and one turn of the loop.
//!
//! One turn:
//!
//! 1. Poll the tasks that were ready when the turn began, each once (at most `BUDGET`).
//! 2. Wake the timers that are due.
//! 3. If nothing is ready, block in the poller until a socket is ready, the nearest timer is
//!    due, or another thread calls `notify()`. In virtual time with no blocking job in flight
//!    and no child process running, jump the clock to the nearest timer instead (after
//!    listening briefly if a task waits on a socket). If tasks stay ready, look at the
//!    sockets without blocking every `IO_INTERVAL` turns.
//!
//! The loop's state lives in a thread-local while `run` runs, which is how `spawn` and `sleep`
//! find it without being passed a handle (asyncio's "running loop").

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use polling::Poller;

use crate::clock::{Clock, ClockKind};
use crate::loop_handle::{Threadsafe, INBOX};
use crate::pool::{default_blocking_threads, Pool, DEFAULT_BLOCKING_IDLE};
use crate::reactor::Reactor;
use crate::run_queue::{RunQueue, TaskId, TaskWaker};
use crate::task::TaskTable;
use crate::timers::Timers;
use crate::trace::{Sink, Tracer};

/// The id of the future passed to `run` itself, which is polled by the loop but is not a task.
const MAIN: TaskId = u64::MAX;

/// At most this many tasks are polled in one turn, so timers and sockets are not starved.
const BUDGET: usize = 256;

/// While tasks keep being ready, still check sockets (without blocking) every this many turns,
/// if any socket is registered.
const IO_INTERVAL: u64 = 61;

/// In virtual time, how long to listen to sockets that tasks wait on before jumping the clock.
/// A peer in this process has written before the loop got here; this is for peers elsewhere.
const VIRTUAL_GRACE: Duration = Duration::from_millis(1);

/// The same, when the loop has written to a socket (or started a connect) since it last
/// listened: the bytes may still be on their way through the kernel's loopback, which on a
/// busy machine can take milliseconds. Waiting costs this much real time only when nothing
/// arrives; whatever does arrive ends the wait at once.
const VIRTUAL_GRACE_AFTER_SEND: Duration = Duration::from_millis(200);

/// Debug mode's default threshold: a poll that takes longer than this is reported.
pub const DEFAULT_SLOW_POLL: Duration = Duration::from_millis(100);

/// Everything one running loop owns. Lives on the loop's thread.
pub(crate) struct Core {
    /// Real or virtual time; every deadline is read from here.
    pub(crate) clock: Clock,
    /// Every pending sleep, by deadline.
    pub(crate) timers: RefCell<Timers>,
    /// The spawned tasks, by id.
    pub(crate) tasks: RefCell<TaskTable>,
    /// Ids of woken tasks, filled by wakers on any thread.
    pub(crate) queue: RunQueue,
    /// The poller and its sockets (shared with each `Registered`, which deregisters on drop).
    pub(crate) reactor: Rc<Reactor>,
    /// Debug mode: report any poll slower than this.
    pub(crate) debug: Option<Duration>,
    /// Trace: one line per loop event, or `None` when trace is off.
    pub(crate) trace: Option<Tracer>,
    /// The blocking pool (`run_in_executor`), shut down when `run` returns.
    pub(crate) pool: Pool,
    /// Where other threads' calls arrive (`LoopHandle`), closed when `run` returns.
    pub(crate) threadsafe: Threadsafe,
    /// How many child processes (`aio::process`) this loop started and has not yet collected
    /// the exit status of. Each `Child` holds a clone, and counts itself out when it collects
    /// the status (or the task collecting a dropped child does). Virtual time does not jump
    /// while it is above 0: a child's work, like a blocking job's, takes real time.
    pub(crate) children: Rc<Cell<usize>>,
    /// How many turns the loop has made (see [`loop_turns`]).
    turns: Cell<u64>,
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<Core>>> = const { RefCell::new(None) };
}

/// Runs `f` with the current loop, or panics with `what` and advice if there is none.
#[track_caller]
pub(crate) fn with_core<R>(what: &str, f: impl FnOnce(&Core) -> R) -> R {
    match try_with_core(f) {
        Some(r) => r,
        None => panic!("{}", outside_the_loop(what)),
    }
}

// ANCHOR: outside
/// The message of a loop-only call (`what`) made on a thread that runs no loop: outside
/// `run`, or on another thread than the loop's. asyncio needs its debug mode to catch the
/// second mistake ("Non-thread-safe operation invoked on an event loop other than the current
/// one"), because any thread can reach its loop object; here a loop-only call finds the loop
/// in a thread-local, so on another thread it finds none, and always stops here.
#[cold]
fn outside_the_loop(what: &str) -> String {
    const HANDLE: &str = "where handle is the loop's aio::LoopHandle, taken on the loop's thread \
                          with aio::get_running_loop()";
    let from_another_thread = match what {
        "aio::spawn" | "aio::spawn_named" => format!(
            "send the future to the loop's thread with handle.run_coroutine_threadsafe(future), \
             {HANDLE}"
        ),
        "aio::call_soon" | "aio::call_later" => format!(
            "send the function to the loop's thread with handle.call_soon_threadsafe(f), {HANDLE}"
        ),
        "aio::get_running_loop" | "aio::LoopCallback::new" => {
            "call it on the loop's thread, and move what it returns to this one".to_string()
        }
        _ => format!(
            "make the call inside a future sent to the loop's thread with \
             handle.run_coroutine_threadsafe(future), {HANDLE}"
        ),
    };
    format!(
        "{what} was called outside the aio runtime: {} runs no aio loop. Inside \
         `aio::run(async {{ ... }})`, call it from that async block (asyncio says \"no running \
         event loop\"). From another thread (asyncio's debug mode says \"Non-thread-safe \
         operation invoked on an event loop other than the current one\"), {from_another_thread}.",
        thread_label()
    )
}
// ANCHOR_END: outside

/// The current thread, for messages: "thread 'name'", or "an unnamed thread (ThreadId(7))".
pub(crate) fn thread_label() -> String {
    let thread = std::thread::current();
    match thread.name() {
        Some(name) => format!("thread '{name}'"),
        None => format!("an unnamed thread ({:?})", thread.id()),
    }
}

/// Runs `f` with the current loop, if there is one (not while the thread is exiting).
///
/// `f` runs while `CURRENT` is borrowed (shared). Nothing `f` can reach replaces the loop: a
/// second `run` on this thread stops at its check, before it would change `CURRENT`.
pub(crate) fn try_with_core<R>(f: impl FnOnce(&Core) -> R) -> Option<R> {
    CURRENT
        .try_with(|current| current.borrow().as_deref().map(f))
        .ok()
        .flatten()
}

/// How to start a loop: which clock, debug mode, trace, how many blocking threads.
/// [`run`] reads these from the environment.
#[derive(Debug, Clone)]
pub struct Builder {
    /// Real or virtual time.
    clock: ClockKind,
    /// Debug mode's threshold, or `None` when debug mode is off.
    debug: Option<Duration>,
    /// Where trace lines go, or `None` when trace is off.
    trace: Option<Sink>,
    /// The most threads the blocking pool may start.
    blocking_threads: usize,
    /// How long an idle blocking thread waits for a job before it exits.
    blocking_idle: Duration,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// Real time, debug mode and trace off, a blocking pool of `min(32, cpus + 4)` threads.
    pub fn new() -> Builder {
        Builder {
            clock: ClockKind::Real,
            debug: None,
            trace: None,
            blocking_threads: default_blocking_threads(),
            blocking_idle: DEFAULT_BLOCKING_IDLE,
        }
    }

    /// Reads the switches from the environment, as [`run`] does:
    ///
    /// * `AIO_CLOCK=virtual` selects virtual time (`real`, the default, selects real time).
    /// * `AIO_DEBUG=1` turns debug mode on with the default threshold (100 ms);
    ///   `AIO_DEBUG=<milliseconds>` sets another threshold; `0` or unset turns it off.
    /// * `AIO_TRACE=1` turns trace on: one line per loop event on stderr; `0` or unset turns
    ///   it off.
    /// * `AIO_BLOCKING_THREADS=<n>` limits the blocking pool to `n` threads (at least 1).
    ///
    /// # Panics
    /// If a variable holds a value it does not understand, naming the accepted ones.
    pub fn from_env() -> Builder {
        let mut builder = Builder::new();
        match std::env::var("AIO_CLOCK").as_deref() {
            Err(_) | Ok("") | Ok("real") => {}
            Ok("virtual") => builder.clock = ClockKind::Virtual,
            Ok(other) => panic!("AIO_CLOCK={other:?} is not a clock: use `real` or `virtual`"),
        }
        match std::env::var("AIO_DEBUG").as_deref() {
            Err(_) | Ok("") | Ok("0") => {}
            Ok("1") => builder.debug = Some(DEFAULT_SLOW_POLL),
            Ok(ms) => match ms.parse::<u64>() {
                Ok(ms) => builder.debug = Some(Duration::from_millis(ms)),
                Err(_) => panic!(
                    "AIO_DEBUG={ms:?} is not understood: use 1 (on, 100 ms threshold), \
                     a threshold in milliseconds, or 0 (off)"
                ),
            },
        }
        match std::env::var("AIO_TRACE").as_deref() {
            Err(_) | Ok("") | Ok("0") => {}
            Ok("1") => builder.trace = Some(Sink::stderr()),
            Ok(other) => panic!("AIO_TRACE={other:?} is not understood: use 1 (on) or 0 (off)"),
        }
        // ANCHOR: env_blocking_threads
        match std::env::var("AIO_BLOCKING_THREADS").as_deref() {
            Err(_) | Ok("") => {}
            Ok(n) => match n.parse::<usize>() {
                Ok(n) if n > 0 => builder.blocking_threads = n,
                _ => panic!(
                    "AIO_BLOCKING_THREADS={n:?} is not understood: use a number of threads, \
                     at least 1"
                ),
            },
        }
        // ANCHOR_END: env_blocking_threads
        builder
    }

    /// Chooses the clock.
    pub fn clock(mut self, clock: ClockKind) -> Builder {
        self.clock = clock;
        self
    }

    /// Turns debug mode on (reporting polls slower than `threshold`) or off (`None`).
    pub fn debug(mut self, threshold: Option<Duration>) -> Builder {
        self.debug = threshold;
        self
    }

    /// Turns trace on (one line per loop event on stderr, as `AIO_TRACE=1` does) or off.
    pub fn trace(mut self, on: bool) -> Builder {
        self.trace = on.then(Sink::stderr);
        self
    }

    /// Turns trace on, handing each line (without its newline) to `sink` instead of stderr:
    /// to collect a trace in a test, or send it to a log.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    ///
    /// let lines = Arc::new(Mutex::new(Vec::new()));
    /// let collect = lines.clone();
    /// aio::Builder::new()
    ///     .clock(aio::ClockKind::Virtual)
    ///     .trace_to(move |line| collect.lock().unwrap().push(line.to_string()))
    ///     .run(aio::sleep(std::time::Duration::from_secs(1)));
    /// let lines = lines.lock().unwrap();
    /// assert_eq!(lines[0], "aio trace: t=0.000s start  a loop on the virtual clock");
    /// assert_eq!(lines.len(), 8); // start, poll, timer, jump, fire, poll, done, end
    /// ```
    pub fn trace_to(mut self, sink: impl Fn(&str) + Send + Sync + 'static) -> Builder {
        self.trace = Some(Sink::to(sink));
        self
    }

    /// Sets how many threads the blocking pool ([`run_in_executor`](crate::run_in_executor))
    /// may start: the size of asyncio's default executor, which is `min(32, cpus + 4)`.
    ///
    /// # Panics
    /// If `n` is 0: a pool without threads would never run a job.
    #[track_caller]
    pub fn blocking_threads(mut self, n: usize) -> Builder {
        assert!(
            n > 0,
            "Builder::blocking_threads(0): the blocking pool needs at least one thread"
        );
        self.blocking_threads = n;
        self
    }

    /// Sets how long an idle blocking thread waits for a job before it exits (10 s by default).
    pub fn blocking_idle(mut self, idle: Duration) -> Builder {
        self.blocking_idle = idle;
        self
    }

    /// Creates the loop, runs `future` to completion on it, and returns its output.
    ///
    /// Tasks still running when `future` completes are cancelled (dropped) before this returns.
    /// Then the blocking pool stops: jobs that have not started are dropped, and this waits for
    /// jobs that are running to finish.
    ///
    /// # Panics
    /// When called inside another `run` on the same thread, or if `future` panics.
    #[track_caller]
    pub fn run<F: Future>(self, future: F) -> F::Output {
        if CURRENT.with(|current| current.borrow().is_some()) {
            panic!(
                "aio::run was called while an aio loop is already running on this thread. \
                 Inside async code, `.await` the future (or `aio::spawn` it) instead of \
                 starting a second loop (asyncio.run refuses the same thing)"
            );
        }
        let poller =
            Arc::new(Poller::new().expect("aio: could not create the poller (epoll or kqueue)"));
        let reactor = Rc::new(Reactor::new(poller));
        let core = Rc::new(Core {
            clock: Clock::new(self.clock),
            timers: RefCell::new(Timers::default()),
            tasks: RefCell::new(TaskTable::new()),
            queue: RunQueue::new(reactor.notifier()),
            reactor,
            debug: self.debug,
            trace: self.trace.map(Tracer::new),
            pool: Pool::new(self.blocking_threads, self.blocking_idle),
            threadsafe: Threadsafe::new(),
            children: Rc::new(Cell::new(0)),
            turns: Cell::new(0),
        });
        CURRENT.with(|current| *current.borrow_mut() = Some(core.clone()));
        let _exit = ExitGuard(core.clone());
        core.trace(|t| t.start(core.clock.is_virtual()));
        core.block_on(future)
    }
}

/// Runs `future` on a new event loop until it completes, and returns its output
/// (asyncio's `asyncio.run(main())`).
///
/// The clock, debug mode, trace and the blocking pool's size come from the environment; see
/// [`Builder::from_env`].
/// When `future` completes, tasks still running are cancelled, the blocking pool finishes the
/// jobs it is running, and `run` returns.
///
/// ```
/// let answer = aio::run(async {
///     aio::sleep(std::time::Duration::from_millis(1)).await;
///     42
/// });
/// assert_eq!(answer, 42);
/// ```
#[track_caller]
pub fn run<F: Future>(future: F) -> F::Output {
    Builder::from_env().run(future)
}

/// Cancels leftover tasks, stops the blocking pool and uninstalls the loop, also when `run`
/// unwinds from a panic.
struct ExitGuard(Rc<Core>);

// ANCHOR: exit
impl Drop for ExitGuard {
    fn drop(&mut self) {
        self.0.trace(|t| t.end(self.0.tasks.borrow().len()));
        // Other threads' calls fail from now on; those not yet started are dropped (a thread
        // waiting for one hears that the loop closed).
        self.0.threadsafe.close();
        // Drop leftovers with the loop still installed: their destructors may remove timers
        // or deregister sockets. Dropping one may spawn another, hence the loop.
        loop {
            let leftovers = self.0.tasks.borrow_mut().drain();
            if leftovers.is_empty() {
                break;
            }
            for task in leftovers {
                task.release();
            }
        }
        // Their blocking jobs were abandoned with them: the workers skip those that have not
        // started. Wait for the ones that are running (a thread cannot be stopped from outside).
        self.0.pool.shutdown();
        CURRENT.with(|current| current.borrow_mut().take());
    }
}
// ANCHOR_END: exit

/// The current time on the running loop's clock (asyncio's `loop.time()`).
///
/// Use it to measure durations in lessons and tests: in virtual time, they are exact.
///
/// # Panics
/// Outside [`run`].
pub fn now() -> Instant {
    with_core("aio::now", |core| core.clock.now())
}

/// How many tasks the running loop holds (spawned and not finished). `None` outside `run`.
pub fn task_count() -> Option<usize> {
    try_with_core(|core| core.tasks.borrow().len())
}

/// How many timers the running loop holds (sleeps registered and not yet fired or dropped).
/// `None` outside `run`.
pub fn timer_count() -> Option<usize> {
    try_with_core(|core| core.timers.borrow().len())
}

/// How many turns the running loop has made so far. `None` outside `run`.
///
/// A loop that sleeps in the poller makes one turn per event; a busy loop would make millions.
pub fn loop_turns() -> Option<u64> {
    try_with_core(|core| core.turns.get())
}

/// How many wakes have reached the running loop from other threads (a blocking job that
/// finished, a waker called on a thread of yours, calls sent through a
/// [`LoopHandle`](crate::LoopHandle): one wake for all those that wait together), through its
/// channel. `None` outside `run`.
///
/// A cost meter: wakes made on the loop's own thread (a task setting an event, a timer, a
/// ready socket) go to a local queue, with no lock and no atomic read-modify-write, and are
/// not counted here. The tests check that with it.
pub fn wakes_from_other_threads() -> Option<u64> {
    try_with_core(|core| core.queue.wakes_from_other_threads())
}

impl Core {
    // ANCHOR: turn
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let mut future = pin!(future);
        let main_waker = TaskWaker::new(MAIN, &self.queue.shared);
        let waker = main_waker.waker();
        main_waker.schedule();
        let mut due = Vec::new();
        loop {
            self.turns.set(self.turns.get() + 1);
            // 1. Poll what is ready now; what wakes during this turn waits for the next.
            for _ in 0..self.queue.start_turn().min(BUDGET) {
                let Some(id) = self.queue.pop() else { break };
                if id == MAIN {
                    main_waker.clear_scheduled();
                    self.trace(|t| t.poll("the main future"));
                    let started = self.debug.map(|_| Instant::now());
                    let polled = future.as_mut().poll(&mut Context::from_waker(&waker));
                    if let (Some(threshold), Some(started)) = (self.debug, started) {
                        crate::debug::check_main_poll(started.elapsed(), threshold);
                    }
                    if let Poll::Ready(output) = polled {
                        self.trace(|t| t.done("the main future", false));
                        return output;
                    }
                } else if id == INBOX {
                    // Calls from other threads: each starts its task, to run next turn.
                    self.threadsafe.drain();
                } else {
                    crate::task::run(&self.tasks, id, self.debug, self.trace.as_ref());
                }
            }

            // 2. Wake due timers. Their tasks run next turn.
            self.timers.borrow_mut().take_due(&self.clock, &mut due);
            self.trace(|t| t.fire(due.len()));
            due.drain(..).for_each(|waker| waker.wake());

            // 3. Sleep in the poller only when nothing is ready.
            if self.queue.is_empty() {
                self.park();
            } else if self.turns.get() % IO_INTERVAL == 0 && self.reactor.has_sources() {
                // Busy, but sockets must not starve: look at them without blocking. With no
                // socket registered there is nothing to look at, and no system call to make.
                self.poll_io(Some(Duration::ZERO));
            }
        }
    }
    // ANCHOR_END: turn

    // ANCHOR: park
    /// Nothing is ready: wait for sockets, timers or another thread.
    fn park(&self) {
        let next = self.timers.borrow_mut().next_deadline();
        let timeout = next.map(|deadline| deadline.saturating_duration_since(self.clock.now()));
        if timeout == Some(Duration::ZERO) {
            return; // A timer is already due; the next turn fires it.
        }
        let may_jump =
            self.clock.is_virtual() && !self.pool.has_jobs_in_flight() && self.children.get() == 0;
        if let (true, Some(deadline)) = (may_jump, next) {
            // Virtual time, no blocking job or child process: jump to the timer, unless a
            // socket that a task waits on has news within the grace period (the next turn
            // then handles it).
            let grace = if self.reactor.take_sent() {
                VIRTUAL_GRACE_AFTER_SEND
            } else {
                VIRTUAL_GRACE
            };
            if !(self.reactor.has_waiters() && self.poll_io(Some(grace)) > 0) {
                self.trace(|t| t.jump(deadline));
                self.clock.jump_to(deadline);
            }
            return;
        }
        self.poll_io(timeout);
    }
    // ANCHOR_END: park

    // ANCHOR: poll_io
    /// Waits in the poller for at most `timeout` (forever if `None`) and wakes the tasks whose
    /// sockets are ready. Returns how many readiness events arrived.
    fn poll_io(&self, timeout: Option<Duration>) -> usize {
        if timeout == Some(Duration::ZERO) {
            let events = self.reactor.poll(timeout);
            self.reactor.wake_ready();
            return events;
        }
        if !self.queue.park() {
            return 0; // Woken while deciding to sleep.
        }
        self.trace(|t| t.park(timeout));
        let started = Instant::now();
        let events = self.reactor.poll(timeout);
        // Unpark before waking: wakes on the loop's own thread need no notify().
        self.queue.unpark();
        self.trace(|t| t.wake(events, !self.queue.is_empty()));
        self.reactor.wake_ready();
        // Virtual time moves with real time while the loop waits for real things.
        self.clock.advance(started.elapsed());
        events
    }
    // ANCHOR_END: poll_io

    // ANCHOR: trace
    /// Runs `f` with the tracer if trace is on: one check of an `Option` when it is off.
    #[inline]
    pub(crate) fn trace(&self, f: impl FnOnce(&Tracer)) {
        if let Some(tracer) = &self.trace {
            f(tracer);
        }
    }
    // ANCHOR_END: trace
}
