//! The blocking pool: [`run_in_executor`] and [`to_thread`] (asyncio's default executor).
//!
//! The loop runs on one thread, so a task that calls something blocking (`std::thread::sleep`,
//! reading a regular file, a long computation) freezes every other task until it returns. The
//! way out is to hand the call to another thread and await its result. That is what this pool
//! is for.
//!
//! ```text
//!  loop thread                                   worker threads (at most `limit`)
//!  ───────────                                   ────────────────────────────────
//!  run_in_executor(f)
//!   ├ in flight += 1 (virtual time stops jumping)
//!   ├ job ──────────── crossbeam channel ──────▶ recv() ─▶ run f, catching a panic
//!   └ task awaits: Pending, waker stored                   │
//!                                                          ▼
//!  task polled again ◀── run queue ◀── waker.wake() ◀── store the result
//!   └ in flight -= 1                    └ loop parked? notifier.notify()
//! ```
//!
//! * **Threads on demand.** No thread starts until a job arrives. A job that finds no idle
//!   worker starts a new one, up to the limit (asyncio's default executor uses
//!   `min(32, cpus + 4)` threads, and so do we; see [`Builder::blocking_threads`]). Beyond the
//!   limit, jobs wait in the channel, first come first served.
//! * **Idle workers retire** after [`Builder::blocking_idle`] (10 s by default) without a job.
//! * **Results wake the loop.** A worker stores the result and wakes the awaiting task's waker,
//!   which queues the task and, if the loop sleeps in the poller, calls `notify()`. The loop
//!   never polls for results.
//! * **Panics travel.** A job that panics is caught on the worker (which keeps serving), and the
//!   panic resumes in the task that awaits the job, as an exception would in asyncio.
//! * **The pool belongs to one [`run`](crate::run).** When `run` returns, jobs that have not
//!   started are dropped, and `run` *waits for jobs that are running* to finish, because a thread
//!   cannot be stopped from outside (asyncio's `asyncio.run` waits for its executor the same
//!   way). A job that never returns therefore keeps `run` from returning.
//!
//! [`Builder::blocking_threads`]: crate::Builder::blocking_threads
//! [`Builder::blocking_idle`]: crate::Builder::blocking_idle

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

use crate::runtime;

/// A job as the workers see it: run it, and it delivers its own result. Just before it wakes
/// the awaiting task, it calls the function it is given, with which the worker counts itself
/// idle again: the woken task may submit its next job at once, and should find this worker.
type Job = Box<dyn FnOnce(&dyn Fn()) + Send + 'static>;

/// The default number of worker threads: `min(32, cpus + 4)`, as asyncio's default executor.
pub fn default_blocking_threads() -> usize {
    let cpus = thread::available_parallelism().map_or(1, |n| n.get());
    (cpus + 4).min(32)
}

/// How long a worker waits for a job before it retires, unless configured otherwise.
pub const DEFAULT_BLOCKING_IDLE: Duration = Duration::from_secs(10);

// ANCHOR: pool
/// The loop's pool. The loop thread owns it; workers share only [`Workers`].
pub(crate) struct Pool {
    /// Where jobs go. `None` once the pool has shut down (`run` returned).
    sender: RefCell<Option<Sender<Job>>>,
    /// Jobs submitted whose `Blocking` future has neither taken the result nor been dropped.
    /// While this is not zero, virtual time moves only with real time (it never jumps past
    /// real work). Each such future holds an [`InFlight`] on this very counter, so a future
    /// that outlives its `run` never changes the count of a later one.
    in_flight: Arc<AtomicUsize>,
    /// The state the workers share with the loop.
    workers: Arc<Workers>,
    /// Every worker started so far (retired ones are pruned when a new one starts), to join
    /// them at shutdown.
    handles: RefCell<Vec<JoinHandle<()>>>,
}

/// What the loop and the workers share.
struct Workers {
    /// The workers' end of the job channel.
    receiver: Receiver<Job>,
    /// At most this many workers exist at once.
    limit: usize,
    /// A worker that waits this long without a job retires.
    idle_timeout: Duration,
    /// The counts that decide whether a new worker is needed. Jobs are *sent* while this lock
    /// is held, so a worker that retires (checking the channel under the lock) never leaves a
    /// job behind with nobody to run it.
    counts: Mutex<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    /// Workers alive (including ones just starting).
    threads: usize,
    /// Workers waiting for a job (including ones just starting).
    idle: usize,
    /// Jobs sent and not yet received by a worker.
    queued: usize,
    /// The most workers that were alive at once, for [`blocking_threads_peak`].
    peak: usize,
}
// ANCHOR_END: pool

impl Workers {
    /// Locks the counts. A panic never happens under this lock (jobs run outside it), but if
    /// one did, the counts are still plain numbers: carry on with them.
    fn counts(&self) -> MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Pool {
    /// A pool with no threads yet, that will start at most `limit` of them.
    pub(crate) fn new(limit: usize, idle_timeout: Duration) -> Pool {
        assert!(limit > 0, "the blocking pool needs at least one thread");
        let (sender, receiver) = crossbeam_channel::unbounded();
        Pool {
            sender: RefCell::new(Some(sender)),
            in_flight: Arc::new(AtomicUsize::new(0)),
            workers: Arc::new(Workers {
                receiver,
                limit,
                idle_timeout,
                counts: Mutex::new(Counts::default()),
            }),
            handles: RefCell::new(Vec::new()),
        }
    }

    // ANCHOR: submit
    /// Queues `job`, starting a worker if every existing one is busy and the limit allows.
    /// The job counts as in flight until the returned [`InFlight`] is dropped.
    fn submit(&self, job: Job) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        let sender = self.sender.borrow();
        let sender = sender
            .as_ref()
            .expect("aio: a job was submitted to the blocking pool after `run` returned");
        let mut counts = self.workers.counts();
        counts.queued += 1;
        // Send under the lock: see `Workers::counts`. An unbounded send never blocks.
        sender
            .send(job)
            .expect("the pool holds a receiver, so the channel is open");
        let start_worker = counts.idle < counts.queued && counts.threads < self.workers.limit;
        if start_worker {
            counts.threads += 1;
            counts.idle += 1; // It will look for a job as soon as it starts.
            counts.peak = counts.peak.max(counts.threads);
        }
        drop(counts);
        if start_worker {
            self.start_worker();
        }
        InFlight(self.in_flight.clone())
    }
    // ANCHOR_END: submit

    fn start_worker(&self) {
        let workers = self.workers.clone();
        let mut handles = self.handles.borrow_mut();
        handles.retain(|handle| !handle.is_finished());
        let handle = thread::Builder::new()
            .name("aio-blocking".into())
            .spawn(move || workers.work())
            .expect("aio: could not start a thread for the blocking pool");
        handles.push(handle);
    }

    /// True while a submitted job's result is still awaited (see `in_flight`).
    pub(crate) fn has_jobs_in_flight(&self) -> bool {
        self.in_flight.load(Ordering::Acquire) > 0
    }

    /// Worker threads alive now.
    pub(crate) fn threads(&self) -> usize {
        self.workers.counts().threads
    }

    /// The most worker threads that were alive at once.
    pub(crate) fn peak(&self) -> usize {
        self.workers.counts().peak
    }

    /// The pool's limit.
    pub(crate) fn limit(&self) -> usize {
        self.workers.limit
    }

    // ANCHOR: shutdown
    /// Closes the channel and waits for the workers: each finishes its running job, skips the
    /// queued jobs nobody awaits any more, and exits.
    pub(crate) fn shutdown(&self) {
        drop(self.sender.borrow_mut().take());
        let handles = std::mem::take(&mut *self.handles.borrow_mut());
        for handle in handles {
            // A worker never panics (jobs are caught), so there is nothing to report here.
            let _ = handle.join();
        }
    }
    // ANCHOR_END: shutdown
}

impl Workers {
    // ANCHOR: work
    /// A worker's life: take jobs until the channel closes or no job comes for a while.
    fn work(&self) {
        loop {
            match self.receiver.recv_timeout(self.idle_timeout) {
                Ok(job) => {
                    {
                        let mut counts = self.counts();
                        counts.idle -= 1;
                        counts.queued -= 1;
                    }
                    // Catches its own panic and delivers its result.
                    job(&|| self.counts().idle += 1);
                }
                // Idle too long, or the pool shut down (the channel is then closed and empty).
                Err(_) => {
                    let mut counts = self.counts();
                    if !self.receiver.is_empty() {
                        continue; // A job arrived just now: it counted on this worker.
                    }
                    counts.idle -= 1;
                    counts.threads -= 1;
                    return;
                }
            }
        }
    }
    // ANCHOR_END: work
}

/// Where a job's result meets the task that awaits it.
struct Slot<T> {
    /// The result and the waker, shared by the worker and the awaiting future.
    state: Mutex<SlotState<T>>,
    /// Set when the awaiting future is dropped: a job that has not started is skipped.
    abandoned: AtomicBool,
}

struct SlotState<T> {
    /// The job's outcome, once it has run: its value, or its panic payload.
    result: Option<thread::Result<T>>,
    /// The waker of the task awaiting the result, woken when the result is stored.
    waker: Option<Waker>,
}

impl<T> Slot<T> {
    fn lock(&self) -> MutexGuard<'_, SlotState<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Runs `f` on the blocking pool and returns a future of its result
/// (asyncio's `loop.run_in_executor(None, f)`).
///
/// Like asyncio's, the job is **submitted at once**, before the future is awaited. Awaiting the
/// future gives `f`'s return value; if `f` panics, the panic resumes in the awaiting task.
/// Dropping the future before the job starts skips the job; a job already running finishes and
/// its result is dropped.
///
/// ```
/// let answer = aio::run(async {
///     aio::run_in_executor(|| {
///         std::thread::sleep(std::time::Duration::from_millis(1)); // Blocking is fine here.
///         42
///     })
///     .await
/// });
/// assert_eq!(answer, 42);
/// ```
///
/// # Panics
/// Outside [`run`](crate::run).
#[track_caller]
pub fn run_in_executor<F, T>(f: F) -> Blocking<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let mut blocking = to_thread(f);
    blocking.submit("aio::run_in_executor");
    blocking
}

/// Runs `f` on the blocking pool when the returned future is first polled
/// (asyncio's `await asyncio.to_thread(f)`).
///
/// The same as [`run_in_executor`], except that, like the coroutine `asyncio.to_thread`, it is
/// lazy: nothing is submitted until the future is awaited.
pub fn to_thread<F, T>(f: F) -> Blocking<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    Blocking {
        stage: Stage::NotSubmitted(Box::new(f)),
    }
}

/// One job counted as in flight on the pool it was submitted to, until this is dropped.
///
/// It holds that pool's own counter, not "the running loop's": a `Blocking` future is `Send`
/// and may be dropped after its `run` returned, even inside another `run`.
struct InFlight(Arc<AtomicUsize>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The future returned by [`run_in_executor`] and [`to_thread`]: the result of a job on the
/// blocking pool.
///
/// Cancel safety: not safe. Dropping it abandons the job: one that has not started is
/// skipped, one that is running runs to its end (a thread cannot be stopped from outside), and
/// its result is dropped. Side effects the job made stay made.
#[must_use = "futures do nothing unless you `.await` them (a `to_thread` job does not even start)"]
pub struct Blocking<T> {
    /// Before submission, in flight, or done.
    stage: Stage<T>,
}

enum Stage<T> {
    /// `to_thread` before its first poll.
    NotSubmitted(Box<dyn FnOnce() -> T + Send + 'static>),
    /// Submitted; the job has not delivered a result that this future took. Leaving this
    /// stage (result taken, or future dropped) drops the `InFlight` and so uncounts the job.
    InFlight {
        slot: Arc<Slot<T>>,
        /// Held only for its `Drop`.
        _counted: InFlight,
    },
    /// The result was returned (or the panic resumed).
    Done,
}

impl<T: Send + 'static> Blocking<T> {
    /// Sends the job to the pool, which counts it as in flight (so virtual time waits for it).
    #[track_caller]
    fn submit(&mut self, what: &str) {
        let Stage::NotSubmitted(f) = std::mem::replace(&mut self.stage, Stage::Done) else {
            return;
        };
        let slot = Arc::new(Slot {
            state: Mutex::new(SlotState {
                result: None,
                waker: None,
            }),
            abandoned: AtomicBool::new(false),
        });
        // ANCHOR: job
        let job_slot = slot.clone();
        let job: Job = Box::new(move |idle_again: &dyn Fn()| {
            if job_slot.abandoned.load(Ordering::Acquire) {
                idle_again();
                return; // Nobody awaits it any more, and it has not started: skip it.
            }
            let result = panic::catch_unwind(AssertUnwindSafe(f));
            idle_again();
            // Store, release the lock, then wake.
            let waker = {
                let mut state = job_slot.lock();
                state.result = Some(result);
                state.waker.take()
            };
            if let Some(waker) = waker {
                waker.wake();
            }
        });
        // ANCHOR_END: job
        let in_flight = runtime::with_core(what, |core| core.pool.submit(job));
        self.stage = Stage::InFlight {
            slot,
            _counted: in_flight,
        };
    }

    // ANCHOR: poll_result
    /// Polls for the job's result (the body of `.await`).
    ///
    /// # Panics
    /// With the job's own panic, if it panicked; when polled again after returning the result.
    pub fn poll_result(&mut self, cx: &mut Context<'_>) -> Poll<T> {
        if let Stage::NotSubmitted(_) = self.stage {
            self.submit("aio::to_thread");
        }
        let Stage::InFlight { slot, .. } = &self.stage else {
            panic!("a `Blocking` future was polled again after it returned its result");
        };
        let result = {
            let mut state = slot.lock();
            match state.result.take() {
                Some(result) => result,
                None => {
                    match &state.waker {
                        Some(waker) if waker.will_wake(cx.waker()) => {}
                        _ => state.waker = Some(cx.waker().clone()),
                    }
                    return Poll::Pending;
                }
            }
        };
        self.stage = Stage::Done; // Drops the `InFlight`.
        match result {
            Ok(value) => Poll::Ready(value),
            Err(payload) => panic::resume_unwind(payload),
        }
    }
    // ANCHOR_END: poll_result
}

impl<T: Send + 'static> Future for Blocking<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        self.get_mut().poll_result(cx)
    }
}

// ANCHOR: abandon
impl<T> Drop for Blocking<T> {
    fn drop(&mut self) {
        if let Stage::InFlight { slot, .. } = &self.stage {
            // Skip the job if it has not started; if it is running, it finishes unobserved.
            // The stage's `InFlight` is dropped next, with the stage.
            slot.abandoned.store(true, Ordering::Release);
        }
    }
}
// ANCHOR_END: abandon

impl<T> fmt::Debug for Blocking<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stage = match &self.stage {
            Stage::NotSubmitted(_) => "not submitted",
            Stage::InFlight { slot, .. } if slot.lock().result.is_some() => "done, not yet awaited",
            Stage::InFlight { .. } => "in flight",
            Stage::Done => "returned",
        };
        f.debug_struct("Blocking").field("stage", &stage).finish()
    }
}

/// How many worker threads the running loop's blocking pool has now. `None` outside `run`.
pub fn blocking_threads() -> Option<usize> {
    runtime::try_with_core(|core| core.pool.threads())
}

/// The most worker threads the running loop's blocking pool has had at once (never more than
/// its limit). `None` outside `run`.
pub fn blocking_threads_peak() -> Option<usize> {
    runtime::try_with_core(|core| core.pool.peak())
}

/// The running loop's blocking pool limit (see [`Builder::blocking_threads`](crate::Builder::blocking_threads)).
/// `None` outside `run`.
pub fn blocking_threads_limit() -> Option<usize> {
    runtime::try_with_core(|core| core.pool.limit())
}
