//! The mini event loop: one file, std only, no `unsafe`.
//!
//! `main.rs` runs it step by step; the tests at the end check what the chapter claims of it.

use std::cell::{Cell, RefCell};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::future::Future;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------
// Step 1: block_on, one future and a thread that sleeps between its polls.
// ---------------------------------------------------------------------------------------

// ANCHOR: signal
/// The waker of `block_on`: a flag that says "poll me again", and a condition variable to
/// sleep on until the flag is set. A waker may be called from any thread, hence the Mutex.
struct Signal {
    woken: Mutex<bool>,
    cond: Condvar,
}

impl Wake for Signal {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        *self.woken.lock().unwrap() = true;
        self.cond.notify_one(); // Wake the loop's thread if it sleeps in `wait`.
    }
}

impl Signal {
    /// Sleeps until the waker has been called (returns at once if it already was).
    fn wait(&self) {
        let mut woken = self.woken.lock().unwrap();
        while !*woken {
            // Releases the lock and sleeps in the kernel: no CPU is used until notify_one.
            woken = self.cond.wait(woken).unwrap();
        }
        *woken = false;
    }
}
// ANCHOR_END: signal

// ANCHOR: block_on
/// Runs one future to completion on this thread. Returns its output and how often it was
/// polled.
pub fn block_on<F: Future>(future: F) -> (F::Output, u32) {
    let mut future = pin!(future); // poll needs a future that will not move again.
    let signal = Arc::new(Signal {
        woken: Mutex::new(false),
        cond: Condvar::new(),
    });
    let waker = Waker::from(signal.clone());
    let mut cx = Context::from_waker(&waker);
    let mut polls = 0;
    loop {
        polls += 1;
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return (output, polls);
        }
        // Pending: the future has given a clone of `waker` to whatever will let it go on.
        // Polling again before that is called would only find it still pending: sleep.
        signal.wait();
    }
}
// ANCHOR_END: block_on

// ANCHOR: thread_job
/// A future whose work runs on a thread of its own, which calls the waker when it is done.
/// It stands for anything outside the loop: a disk, a network card, a timer chip.
pub fn on_a_thread<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> ThreadJob<T> {
    ThreadJob {
        job: Some(Box::new(job)),
        shared: Arc::new(Mutex::new(JobState {
            result: None,
            waker: None,
        })),
    }
}

/// The future returned by [`on_a_thread`].
#[must_use = "futures do nothing unless you `.await` them"]
pub struct ThreadJob<T> {
    /// The work, until the first poll hands it to a thread.
    job: Option<Box<dyn FnOnce() -> T + Send>>,
    /// What the thread and the future share: the result, and whom to wake.
    shared: Arc<Mutex<JobState<T>>>,
}

struct JobState<T> {
    result: Option<T>,
    /// The waker of the latest poll: a future may be polled by different tasks over time.
    waker: Option<Waker>,
}

impl<T: Send + 'static> Future for ThreadJob<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let this = &mut *self;
        let mut state = this.shared.lock().unwrap();
        if let Some(result) = state.result.take() {
            return Poll::Ready(result);
        }
        state.waker = Some(cx.waker().clone());
        drop(state);
        if let Some(job) = this.job.take() {
            let shared = this.shared.clone();
            thread::spawn(move || {
                let result = job();
                let waker = {
                    let mut state = shared.lock().unwrap();
                    state.result = Some(result);
                    state.waker.take()
                };
                // Wake after releasing the lock: the woken side will want to take it.
                waker.expect("polled at least once").wake();
            });
        }
        Poll::Pending
    }
}
// ANCHOR_END: thread_job

// ---------------------------------------------------------------------------------------
// Step 2: many tasks. The single flag becomes a queue of task ids.
// ---------------------------------------------------------------------------------------

// ANCHOR: queue
/// The run queue: ids of tasks that were woken, in wake order. Wakers on any thread push to
/// it, so it is behind a Mutex; the loop sleeps on `cond` when it is empty.
struct Queue {
    ready: Mutex<VecDeque<usize>>,
    cond: Condvar,
}

/// The waker of one task: its id, and where to queue it.
struct TaskWaker {
    id: usize,
    /// True from the wake that queued the task until the loop starts polling it. A second
    /// wake meanwhile adds nothing (the poll to come sees everything), so it is dropped:
    /// a task is in the queue at most once, however often it is woken.
    scheduled: AtomicBool,
    queue: Arc<Queue>,
}

impl TaskWaker {
    fn schedule(&self) {
        if self.scheduled.swap(true, SeqCst) {
            return; // Already queued.
        }
        self.queue.ready.lock().unwrap().push_back(self.id);
        self.queue.cond.notify_one(); // The loop may be asleep in `Core::wait`.
    }
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.schedule();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.schedule();
    }
}
// ANCHOR_END: queue

// ANCHOR: core
/// A task: a future the loop owns, boxed so that futures of every type fit in one table.
struct Task {
    future: Pin<Box<dyn Future<Output = ()>>>,
    waker: Arc<TaskWaker>,
}

/// Everything one running loop owns. It lives on the loop's thread; only `queue` is shared.
struct Core {
    /// Tasks not finished yet, by id. Ids are never reused, so a late wake is harmless.
    tasks: RefCell<HashMap<usize, Task>>,
    next_id: Cell<usize>,
    queue: Arc<Queue>,
    timers: RefCell<Timers>,
    clock: Clock,
    stats: Cell<Stats>,
}

/// What the loop counts, to show that it does not spin.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    /// Futures polled (tasks and the main future).
    pub polls: u64,
    /// Turns of the loop.
    pub turns: u64,
    /// Times the loop found nothing ready and went to sleep.
    pub waits: u64,
}

/// The main future is polled like a task, under an id no task gets.
const MAIN: usize = usize::MAX;

thread_local! {
    /// The loop running on this thread, which `spawn`, `sleep` and `now` use (asyncio's
    /// "running loop"; aio does the same in runtime.rs).
    static CURRENT: RefCell<Option<Rc<Core>>> = const { RefCell::new(None) };
}

fn with_core<R>(f: impl FnOnce(&Core) -> R) -> R {
    let core = CURRENT.with(|current| current.borrow().clone());
    f(&core.expect("mini::spawn, sleep and now work only inside mini::run"))
}
// ANCHOR_END: core

// ANCHOR: spawn
/// Where a task leaves its output for its [`JoinHandle`].
struct Slot<T> {
    output: Option<T>,
    /// Who awaits the handle, to wake when the output arrives.
    waiter: Option<Waker>,
}

/// Awaiting it gives the task's output.
#[must_use = "futures do nothing unless you `.await` them"]
pub struct JoinHandle<T>(Rc<RefCell<Slot<T>>>);

/// Hands `future` to the loop, which polls it on its next turn (asyncio's `create_task`).
pub fn spawn<F: Future + 'static>(future: F) -> JoinHandle<F::Output> {
    let slot = Rc::new(RefCell::new(Slot {
        output: None,
        waiter: None,
    }));
    let handle = JoinHandle(slot.clone());
    // The task is the future, followed by "store the output, wake whoever waits for it".
    let task = async move {
        let output = future.await;
        let waiter = {
            let mut slot = slot.borrow_mut();
            slot.output = Some(output);
            slot.waiter.take()
        };
        if let Some(waiter) = waiter {
            waiter.wake(); // After the borrow ends: never wake while holding one.
        }
    };
    with_core(|core| {
        let id = core.next_id.get();
        core.next_id.set(id + 1);
        let waker = Arc::new(TaskWaker {
            id,
            scheduled: AtomicBool::new(false),
            queue: core.queue.clone(),
        });
        waker.schedule(); // Queue its first poll. Nothing runs now.
        let future = Box::pin(task);
        core.tasks.borrow_mut().insert(id, Task { future, waker });
    });
    handle
}

impl<T> Future for JoinHandle<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut slot = self.0.borrow_mut();
        match slot.output.take() {
            Some(output) => Poll::Ready(output),
            None => {
                slot.waiter = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
// ANCHOR_END: spawn

// ANCHOR: yield_now
/// Gives the other ready tasks a turn (asyncio's `await asyncio.sleep(0)`): wakes its own
/// task and returns Pending once, so the loop queues the task behind those already waiting.
pub async fn yield_now() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            return Poll::Ready(());
        }
        yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    })
    .await;
}

/// How many task ids wait in the run queue right now.
pub fn queued() -> usize {
    with_core(|core| core.queue.ready.lock().unwrap().len())
}
// ANCHOR_END: yield_now

// ANCHOR: run
/// Runs `future` on a new loop until it completes (asyncio's `asyncio.run`).
pub fn run<F: Future>(future: F) -> F::Output {
    let core = Rc::new(Core {
        tasks: RefCell::new(HashMap::new()),
        next_id: Cell::new(0),
        queue: Arc::new(Queue {
            ready: Mutex::new(VecDeque::new()),
            cond: Condvar::new(),
        }),
        timers: RefCell::new(Timers::default()),
        clock: Clock::from_env(),
        stats: Cell::new(Stats::default()),
    });
    CURRENT.with(|current| *current.borrow_mut() = Some(core.clone()));
    let _uninstall = Uninstall; // Also when a task's panic unwinds through here.
    core.block_on(future)
}

/// Uninstalls the loop and drops the tasks left over when `run` ends.
struct Uninstall;

impl Drop for Uninstall {
    fn drop(&mut self) {
        if let Some(core) = CURRENT.with(|current| current.borrow_mut().take()) {
            let leftovers = std::mem::take(&mut *core.tasks.borrow_mut());
            drop(leftovers); // After the borrow ends: dropping a future runs its code.
        }
    }
}

/// What the running loop has counted so far.
pub fn stats() -> Stats {
    with_core(|core| core.stats.get())
}
// ANCHOR_END: run

impl Core {
    fn count(&self, f: impl FnOnce(&mut Stats)) {
        let mut stats = self.stats.get();
        f(&mut stats);
        self.stats.set(stats);
    }

    // ANCHOR: turn
    /// Step 1's `block_on`, where the one flag has become a queue of ids: turns the loop
    /// until the main future is ready.
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let mut future = pin!(future);
        let main_waker = Arc::new(TaskWaker {
            id: MAIN,
            scheduled: AtomicBool::new(false),
            queue: self.queue.clone(),
        });
        let waker = Waker::from(main_waker.clone());
        main_waker.schedule();
        loop {
            self.count(|s| s.turns += 1);
            // 1. Poll every task that is ready now. What is woken meanwhile waits for the
            //    next turn, so a task that keeps waking itself cannot starve the others.
            let ready: Vec<usize> = self.queue.ready.lock().unwrap().drain(..).collect();
            for id in ready {
                if id != MAIN {
                    self.run_task(id);
                    continue;
                }
                main_waker.scheduled.store(false, SeqCst);
                self.count(|s| s.polls += 1);
                if let Poll::Ready(output) = future.as_mut().poll(&mut Context::from_waker(&waker))
                {
                    return output;
                }
            }
            // 2. Wake the timers that are due: their tasks join the queue for the next turn.
            let due = self.timers.borrow_mut().take_due(self.clock.now());
            due.into_iter().for_each(Waker::wake);
            // 3. Nothing ready? Sleep until something is.
            self.wait();
        }
    }

    /// Polls task `id` once.
    fn run_task(&self, id: usize) {
        // Take the task out of the table while it runs: it may spawn, which inserts into
        // the table, and a RefCell borrowed across the poll would panic.
        let Some(mut task) = self.tasks.borrow_mut().remove(&id) else {
            return; // It finished after this wake was queued.
        };
        // Clear the flag *before* polling: a wake during the poll (yield_now does one)
        // must queue the task again, or the task would never run again.
        task.waker.scheduled.store(false, SeqCst);
        self.count(|s| s.polls += 1);
        let waker = Waker::from(task.waker.clone());
        if task
            .future
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_pending()
        {
            self.tasks.borrow_mut().insert(id, task);
        } // Ready: the task is dropped here, and its output is in its slot.
    }
    // ANCHOR_END: turn

    // ANCHOR: wait
    /// Nothing is ready: sleep until the nearest timer is due, or until a waker (on any
    /// thread) queues a task.
    fn wait(&self) {
        let next = self.timers.borrow().next_deadline();
        // Look at the queue and go to sleep under the lock a waker takes to push: a wake
        // cannot slip in between the look and the sleep (that would be a lost wakeup).
        let ready = self.queue.ready.lock().unwrap();
        if !ready.is_empty() {
            return;
        }
        self.count(|s| s.waits += 1);
        let cond = &self.queue.cond;
        match (next, &self.clock) {
            // No timer: only another thread can wake us (if none will, we sleep forever,
            // as asyncio would: a program that awaits what nobody will do hangs).
            (None, _) => drop(cond.wait_while(ready, |r| r.is_empty()).unwrap()),
            // Real time: the kernel wakes the thread at the deadline (or at a wake).
            (Some(deadline), Clock::Real(start)) => {
                let timeout = deadline.saturating_sub(start.elapsed());
                drop(
                    cond.wait_timeout_while(ready, timeout, |r| r.is_empty())
                        .unwrap(),
                );
            }
            // Virtual time: nothing can happen before the deadline, so skip to it. (This
            // assumes no other thread is working for us; aio checks that, runtime.rs park.)
            (Some(deadline), Clock::Virtual(now)) => now.set(deadline),
        }
    }
    // ANCHOR_END: wait
}

// ---------------------------------------------------------------------------------------
// Step 3: timers.
// ---------------------------------------------------------------------------------------

// ANCHOR: clock
/// The loop's clock: time since `run` started, real or virtual.
enum Clock {
    /// The system's monotonic clock, from the instant the loop started.
    Real(Instant),
    /// Stands still while tasks run, and jumps to the next deadline when nothing is ready.
    Virtual(Cell<Duration>),
}

impl Clock {
    /// The same switch as aio's: `AIO_CLOCK=virtual` (what the lesson's test sets).
    fn from_env() -> Clock {
        match std::env::var("AIO_CLOCK").as_deref() {
            Ok("virtual") => Clock::Virtual(Cell::new(Duration::ZERO)),
            _ => Clock::Real(Instant::now()),
        }
    }

    fn now(&self) -> Duration {
        match self {
            Clock::Real(start) => start.elapsed(),
            Clock::Virtual(now) => now.get(),
        }
    }
}

/// Time since the running loop started (asyncio's `loop.time()`).
pub fn now() -> Duration {
    with_core(|core| core.clock.now())
}
// ANCHOR_END: clock

// ANCHOR: timers
/// Every pending sleep, in one binary heap ordered by deadline. No thread per timer.
#[derive(Default)]
struct Timers {
    /// `(deadline, id)`, nearest first: `Reverse` turns Rust's max-heap into a min-heap,
    /// and the id, which grows, makes equal deadlines fire in the order they were set.
    heap: BinaryHeap<Reverse<(Duration, u64)>>,
    /// Whom each timer wakes. Kept apart because a `Waker` cannot be compared.
    wakers: HashMap<u64, Waker>,
    next_id: u64,
}

impl Timers {
    fn next_deadline(&self) -> Option<Duration> {
        self.heap.peek().map(|Reverse((deadline, _))| *deadline)
    }

    /// Removes the timers due at `now` and returns their wakers, for the caller to wake
    /// once it no longer borrows the heap.
    fn take_due(&mut self, now: Duration) -> Vec<Waker> {
        let mut due = Vec::new();
        while let Some(Reverse((deadline, id))) = self.heap.peek().copied() {
            if deadline > now {
                break;
            }
            self.heap.pop();
            due.extend(self.wakers.remove(&id));
        }
        due
    }
}

/// Waits for `duration` (asyncio's `await asyncio.sleep(seconds)`).
pub fn sleep(duration: Duration) -> Sleep {
    Sleep {
        deadline: now() + duration,
        timer: None,
    }
}

/// The future returned by [`sleep`].
#[must_use = "futures do nothing unless you `.await` them"]
pub struct Sleep {
    deadline: Duration,
    /// Its entry in the heap, once registered.
    timer: Option<u64>,
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        with_core(|core| {
            if core.clock.now() >= self.deadline {
                return Poll::Ready(());
            }
            let mut timers = core.timers.borrow_mut();
            let id = match self.timer {
                Some(id) => id, // Polled again early: just refresh the waker below.
                None => {
                    let id = timers.next_id;
                    timers.next_id += 1;
                    timers.heap.push(Reverse((self.deadline, id)));
                    self.timer = Some(id);
                    id
                }
            };
            timers.wakers.insert(id, cx.waker().clone());
            Poll::Pending
        })
    }
}
// ANCHOR_END: timers

#[cfg(test)]
mod tests {
    use super::{on_a_thread, run, sleep, spawn, stats, yield_now};
    use std::time::Duration;

    /// Wakes from other threads reach the mini loop while it sleeps on its condition variable:
    /// none is lost between "the queue is empty" and "go to sleep".
    #[test]
    fn wakes_from_other_threads_are_not_lost() {
        let total = run(async {
            let jobs: Vec<_> = (0..50u64).map(|i| spawn(on_a_thread(move || i))).collect();
            let mut total = 0;
            for job in jobs {
                total += job.await;
            }
            total
        });
        assert_eq!(total, (0..50).sum());
    }

    /// In real time, a sleep costs the loop one wait, not a spin (this test sleeps 5 ms).
    #[test]
    fn the_loop_sleeps_instead_of_spinning() {
        let stats = run(async {
            sleep(Duration::from_millis(5)).await;
            stats()
        });
        assert!(stats.waits <= 2, "{stats:?}");
        assert!(stats.turns <= 5, "{stats:?}");
    }

    /// A task woken while it is being polled runs again: the flag is cleared before the poll.
    #[test]
    fn a_task_that_wakes_itself_runs_again() {
        let polls = run(async {
            spawn(async {
                for _ in 0..3 {
                    yield_now().await;
                }
            })
            .await;
            stats().polls
        });
        // main twice (before and after the task), the task four times (three yields, then done).
        assert_eq!(polls, 6);
    }
}
