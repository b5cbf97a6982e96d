//! Tasks: futures that the loop owns and polls, and the `Task` handle that awaits them.
//!
//! [`spawn`](crate::spawn) moves a future into a *task cell* and puts the cell in the loop's task
//! table. The table and the [`Task`] handle share the cell (one `Rc`, two views of it), so the
//! handle can read the output without knowing the future's type.
//!
//! A task cell is in one of three stages:
//!
//! * **Running**: it holds the future. The loop polls it each time its waker fires.
//! * **Finished**: the future returned, panicked or was cancelled; it has been dropped, and the
//!   outcome waits for the handle. The task has left the table.
//! * **Taken**: the handle took the outcome.
//!
//! Cancelling drops the future right away, which runs its destructors: timers are removed,
//! sockets deregistered and closed, guards released. The one exception is a task that cancels
//! itself while it is being polled: the loop drops it as soon as that poll returns.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::mem;
use std::panic::{self, AssertUnwindSafe, Location};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use crate::run_queue::{Shared, TaskId, TaskWaker};
use crate::runtime;

/// Why a task produced no output: it was cancelled, or it panicked.
///
/// Awaiting a [`Task`] gives `Result<T, TaskError>`. asyncio raises `CancelledError` or the
/// task's exception at the `await`; in Rust the outcome is a value you match on.
pub enum TaskError {
    /// The task was cancelled with [`Task::cancel`] (or when [`run`](crate::run) returned).
    Cancelled,
    /// The task panicked. The payload is what `panic!` was given.
    Panicked(Box<dyn Any + Send + 'static>),
}

impl TaskError {
    /// True if the task was cancelled.
    pub fn is_cancelled(&self) -> bool {
        matches!(self, TaskError::Cancelled)
    }

    /// True if the task panicked.
    pub fn is_panic(&self) -> bool {
        matches!(self, TaskError::Panicked(_))
    }

    /// The panic message, when the task panicked with a string message.
    pub fn panic_message(&self) -> Option<&str> {
        match self {
            TaskError::Panicked(payload) => payload
                .downcast_ref::<&'static str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str)),
            TaskError::Cancelled => None,
        }
    }

    /// Continues the task's panic on the current thread (like re-raising in Python).
    /// A cancelled task's error becomes a panic with the message "task was cancelled".
    pub fn resume(self) -> ! {
        match self {
            TaskError::Panicked(payload) => panic::resume_unwind(payload),
            TaskError::Cancelled => panic!("task was cancelled"),
        }
    }
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self, self.panic_message()) {
            (TaskError::Cancelled, _) => f.write_str("task was cancelled"),
            (TaskError::Panicked(_), Some(msg)) => write!(f, "task panicked: {msg}"),
            (TaskError::Panicked(_), None) => f.write_str("task panicked"),
        }
    }
}

impl fmt::Debug for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Cancelled => f.write_str("Cancelled"),
            TaskError::Panicked(_) => f
                .debug_tuple("Panicked")
                .field(&self.panic_message().unwrap_or("<non-string payload>"))
                .finish(),
        }
    }
}

impl std::error::Error for TaskError {}

/// What every task has, whatever its future's type.
pub(crate) struct Header {
    pub(crate) id: TaskId,
    /// The name given at spawn, for debug messages.
    pub(crate) name: Option<String>,
    /// Where `spawn` was called, for debug messages.
    pub(crate) location: &'static Location<'static>,
    /// The waker of whoever awaits the `Task` handle.
    join_waker: Cell<Option<Waker>>,
    /// Set when the task cancels itself during its own poll; the loop drops it afterwards.
    cancel_requested: Cell<bool>,
    /// True once the future is gone (returned, panicked or cancelled).
    finished: Cell<bool>,
}

impl Header {
    /// Remembers `waker` as the one to wake when the task finishes (one waker: the latest
    /// poller of the handle replaces the previous one).
    fn register_join_waker(&self, waker: &Waker) {
        let mut slot = self.join_waker.take();
        match &mut slot {
            Some(w) if w.will_wake(waker) => {}
            _ => slot = Some(waker.clone()),
        }
        self.join_waker.set(slot);
    }

    /// "name (spawned at file:line)" or "task spawned at file:line": how messages name a task.
    pub(crate) fn describe(&self) -> String {
        match &self.name {
            Some(name) => format!("task '{name}' (spawned at {})", self.location),
            None => format!("task spawned at {}", self.location),
        }
    }
}

// ANCHOR: stages
enum Stage<F: Future> {
    /// The future, and the waker it is polled with. The waker lives here rather than in the
    /// header so that it goes when the future goes: the task table can then hand it to the
    /// next task spawned into the same slot (see `TaskTable::vacant`).
    Running {
        future: Pin<Box<F>>,
        /// The task's waker state; its "scheduled" flag is cleared before each poll.
        task_waker: Arc<TaskWaker>,
        /// The same waker as a `std::task::Waker`, made once so that a poll clones nothing.
        waker: Waker,
    },
    Finished(Result<F::Output, TaskError>),
    Taken,
}

struct TaskCell<F: Future> {
    header: Header,
    stage: RefCell<Stage<F>>,
}
// ANCHOR_END: stages

/// The loop's view of a task: something to poll or cancel.
pub(crate) trait Runnable {
    /// Polls the future once. Returns true if the task finished (and should leave the table).
    fn run(&self, debug: Option<std::time::Duration>) -> bool;
    /// Drops the future without polling it again. Returns false if it had already finished.
    fn cancel(&self) -> bool;
}

/// The handle's view of a task: something whose output can be awaited.
trait Joinable<T> {
    fn header(&self) -> &Header;
    fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<T, TaskError>>;
    fn cancel(&self) -> bool;
    /// Shows the outcome of a finished task to `f` without taking it. False if there is none
    /// (still running, or already taken).
    fn peek(&self, f: &mut dyn FnMut(&Result<T, TaskError>)) -> bool;
}

// ANCHOR: finish
impl<F: Future> TaskCell<F> {
    /// Replaces a running future with its outcome, then drops the future and wakes the
    /// awaiting handle, in that order and with no borrow held.
    fn finish(&self, outcome: Result<F::Output, TaskError>) {
        let old = match self.stage.try_borrow_mut() {
            Ok(mut stage) => mem::replace(&mut *stage, Stage::Finished(outcome)),
            Err(_) => return, // Unreachable: callers hold no borrow.
        };
        self.header.finished.set(true);
        drop(old); // The future's destructors run here, free to touch the runtime.
        if let Some(waker) = self.header.join_waker.take() {
            waker.wake();
        }
    }
}
// ANCHOR_END: finish

// ANCHOR: run
impl<F: Future> Runnable for TaskCell<F> {
    fn run(&self, debug: Option<std::time::Duration>) -> bool {
        let polled = {
            let Ok(mut stage) = self.stage.try_borrow_mut() else {
                return false;
            };
            let Stage::Running {
                future,
                task_waker,
                waker,
            } = &mut *stage
            else {
                return true; // A stale wake of a finished task.
            };
            task_waker.clear_scheduled();
            let mut cx = Context::from_waker(waker);
            let started = debug.map(|_| Instant::now());
            let polled = panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(&mut cx)));
            if let (Some(threshold), Some(started)) = (debug, started) {
                crate::debug::check_poll(&self.header, started.elapsed(), threshold);
            }
            polled
        };
        match polled {
            Err(payload) => self.finish(Err(TaskError::Panicked(payload))),
            // The task cancelled itself during this poll: `cancel` promised `Cancelled`, so
            // that is the outcome even if the future went on to return (asyncio agrees).
            Ok(_) if self.header.cancel_requested.get() => self.finish(Err(TaskError::Cancelled)),
            Ok(Poll::Ready(output)) => self.finish(Ok(output)),
            Ok(Poll::Pending) => return false,
        }
        true
    }

    fn cancel(&self) -> bool {
        if self.header.finished.get() {
            return false;
        }
        if self.stage.try_borrow_mut().is_err() {
            // The task is cancelling itself from inside its own poll.
            self.header.cancel_requested.set(true);
            return true;
        }
        self.finish(Err(TaskError::Cancelled));
        true
    }
}
// ANCHOR_END: run

impl<F: Future> Joinable<F::Output> for TaskCell<F> {
    fn header(&self) -> &Header {
        &self.header
    }

    // ANCHOR: join
    fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<F::Output, TaskError>> {
        if !self.header.finished.get() {
            self.header.register_join_waker(cx.waker());
            return Poll::Pending;
        }
        let Ok(mut stage) = self.stage.try_borrow_mut() else {
            return Poll::Pending; // A task awaiting its own handle: it can never finish.
        };
        match mem::replace(&mut *stage, Stage::Taken) {
            Stage::Finished(outcome) => Poll::Ready(outcome),
            Stage::Taken => panic!("a `Task` was polled again after it returned its output"),
            Stage::Running { .. } => unreachable!("a finished task still holds its future"),
        }
    }
    // ANCHOR_END: join

    fn peek(&self, f: &mut dyn FnMut(&Result<F::Output, TaskError>)) -> bool {
        match self.stage.try_borrow().as_deref() {
            Ok(Stage::Finished(outcome)) => {
                f(outcome);
                true
            }
            _ => false,
        }
    }

    // ANCHOR: handle_cancel
    fn cancel(&self) -> bool {
        let cancelled = Runnable::cancel(self);
        if cancelled && !self.header.cancel_requested.get() {
            runtime::try_with_core(|core| core.tasks.borrow_mut().remove(self.header.id));
        }
        cancelled
    }
    // ANCHOR_END: handle_cancel
}

impl<F: Future> Drop for TaskCell<F> {
    fn drop(&mut self) {
        // asyncio logs "Task exception was never retrieved"; so do we, for panics nobody awaited.
        if let Stage::Finished(Err(TaskError::Panicked(_))) = self.stage.get_mut() {
            eprintln!(
                "aio: {} panicked and its Task was never awaited",
                self.header.describe()
            );
        }
    }
}

/// A handle to a spawned task. Awaiting it gives the task's output, or why there is none.
///
/// Like an asyncio `Task`, the task runs whether or not anyone awaits the handle, and dropping
/// the handle does not stop it (call [`Task::cancel`] for that).
pub struct Task<T> {
    cell: Rc<dyn Joinable<T>>,
}

impl<T> Task<T> {
    /// Cancels the task: its future is dropped now, at the `.await` where it is suspended, which
    /// releases its timers and sockets. Returns false if the task had already finished.
    ///
    /// Awaiting the handle afterwards gives `Err(TaskError::Cancelled)`.
    pub fn cancel(&self) -> bool {
        self.cell.cancel()
    }

    /// True once the task has finished: returned, panicked or been cancelled.
    pub fn is_finished(&self) -> bool {
        self.cell.header().finished.get()
    }

    /// The name given with [`spawn_named`], if any.
    pub fn name(&self) -> Option<&str> {
        self.cell.header().name.as_deref()
    }

    /// Ready once the task has finished, without taking its output; until then, `cx`'s waker
    /// is woken when it finishes. For [`wait`](crate::wait), which returns finished tasks
    /// still holding their outputs.
    pub(crate) fn poll_finished(&self, cx: &mut Context<'_>) -> Poll<()> {
        let header = self.cell.header();
        if header.finished.get() {
            return Poll::Ready(());
        }
        header.register_join_waker(cx.waker());
        Poll::Pending
    }

    /// Applies `f` to the outcome of a finished task without taking it; `None` while the task
    /// runs or once its output was taken.
    pub(crate) fn peek<R>(&self, f: impl FnOnce(&Result<T, TaskError>) -> R) -> Option<R> {
        let mut f = Some(f);
        let mut result = None;
        self.cell.peek(&mut |outcome| {
            if let Some(f) = f.take() {
                result = Some(f(outcome));
            }
        });
        result
    }
}

impl<T> Future for Task<T> {
    type Output = Result<T, TaskError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.cell.poll_join(cx)
    }
}

impl<T> fmt::Debug for Task<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header = self.cell.header();
        f.debug_struct("Task")
            .field("name", &header.name)
            .field("spawned_at", &format_args!("{}", header.location))
            .field("finished", &header.finished.get())
            .finish()
    }
}

/// Schedules `future` to run on the loop as a new task, and returns at once.
///
/// The task starts at the loop's next turn, not inside this call: like
/// `asyncio.create_task`, spawning never runs any of the task's code.
///
/// # Panics
/// Outside [`run`](crate::run).
#[track_caller]
pub fn spawn<F>(future: F) -> Task<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    spawn_inner(None, future)
}

/// Like [`spawn`], with a name that debug mode and error messages use
/// (asyncio's `create_task(coro, name=...)`).
#[track_caller]
pub fn spawn_named<F>(name: impl Into<String>, future: F) -> Task<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    spawn_inner(Some(name.into()), future)
}

#[track_caller]
fn spawn_inner<F>(name: Option<String>, future: F) -> Task<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    // ANCHOR: spawn
    let location = Location::caller();
    runtime::with_core("aio::spawn", |core| {
        let mut tasks = core.tasks.borrow_mut();
        let (id, task_waker) = tasks.vacant(&core.queue.shared);
        let cell = Rc::new(TaskCell {
            header: Header {
                id,
                name,
                location,
                join_waker: Cell::new(None),
                cancel_requested: Cell::new(false),
                finished: Cell::new(false),
            },
            stage: RefCell::new(Stage::Running {
                future: Box::pin(future),
                waker: task_waker.waker(),
                task_waker: task_waker.clone(),
            }),
        });
        tasks.insert(id, cell.clone());
        drop(tasks);
        task_waker.schedule();
        Task { cell }
    })
    // ANCHOR_END: spawn
}

// ANCHOR: table
/// The loop's tasks, by id: a slab whose slots carry a generation.
///
/// An id is `generation << 32 | slot`. Removing a task bumps its slot's generation, so a wake
/// that arrives for a task that has finished finds a different generation and is ignored, even
/// if the slot now holds a new task.
#[derive(Default)]
pub(crate) struct TaskTable {
    slots: Vec<Slot>,
    /// Indices of empty slots, reused before the table grows.
    free: Vec<u32>,
    /// How many tasks are in the table.
    len: usize,
}

#[derive(Default)]
struct Slot {
    generation: u32,
    task: Option<Rc<dyn Runnable>>,
    /// The waker of the slot's last task. It stays when the task leaves, and the next task in
    /// the slot takes it over if nothing else holds it any more: one allocation less per spawn.
    waker: Option<Arc<TaskWaker>>,
}
// ANCHOR_END: table

impl TaskTable {
    /// The id and the waker the next inserted task will have. Call `insert` with them right away.
    pub(crate) fn vacant(&mut self, shared: &Arc<Shared>) -> (TaskId, Arc<TaskWaker>) {
        let index = match self.free.last() {
            Some(&index) => index,
            None => {
                self.slots.push(Slot::default());
                self.free.push((self.slots.len() - 1) as u32);
                (self.slots.len() - 1) as u32
            }
        };
        let slot = &mut self.slots[index as usize];
        let id = (u64::from(slot.generation) << 32) | u64::from(index);
        // `get_mut` succeeds only if no clone of the old waker is left anywhere (in a timer, a
        // socket, another thread): then no late wake for the old task can reach the new one.
        match slot.waker.as_mut().and_then(Arc::get_mut) {
            Some(waker) => waker.reuse(id),
            None => slot.waker = Some(TaskWaker::new(id, shared)),
        }
        let waker = slot.waker.clone().expect("the slot has a waker now");
        (id, waker)
    }

    pub(crate) fn insert(&mut self, id: TaskId, task: Rc<dyn Runnable>) {
        let index = self.free.pop().expect("vacant reserves a slot");
        debug_assert_eq!(u64::from(index), id & 0xffff_ffff);
        self.slots[index as usize].task = Some(task);
        self.len += 1;
    }

    // ANCHOR: generations
    /// The task with this id, if it is still in the table.
    pub(crate) fn get(&self, id: TaskId) -> Option<Rc<dyn Runnable>> {
        let slot = self.slots.get((id & 0xffff_ffff) as usize)?;
        if u64::from(slot.generation) != id >> 32 {
            return None;
        }
        slot.task.clone()
    }

    /// Takes the task out of the table. The caller drops it after releasing the borrow.
    pub(crate) fn remove(&mut self, id: TaskId) -> Option<Rc<dyn Runnable>> {
        let index = (id & 0xffff_ffff) as usize;
        let slot = self.slots.get_mut(index)?;
        if u64::from(slot.generation) != id >> 32 {
            return None;
        }
        let task = slot.task.take()?;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(index as u32);
        self.len -= 1;
        Some(task)
    }
    // ANCHOR_END: generations

    /// How many tasks are alive.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Takes every task out of the table (used when `run` returns).
    pub(crate) fn drain(&mut self) -> Vec<Rc<dyn Runnable>> {
        let ids: Vec<TaskId> = self
            .slots
            .iter()
            .enumerate()
            .filter(|(_, slot)| slot.task.is_some())
            .map(|(index, slot)| (u64::from(slot.generation) << 32) | index as u64)
            .collect();
        ids.into_iter().filter_map(|id| self.remove(id)).collect()
    }
}
