//! Tasks: futures that the loop owns and polls, and the `Task` handle that awaits them.
//!
//! [`spawn`](crate::spawn) moves a future into the loop's *task table* and hands back a
//! [`Task`] handle. Spawning costs one allocation, the box that holds the future, when it reuses
//! a slot whose waker nothing else holds any more; otherwise (a new slot, or a timer, socket or
//! thread still holding the old task's waker) the slot gets a new waker, a second allocation.
//!
//! # The table owns the box
//!
//! Each slot of the table holds everything about one task that does not depend on its
//! future's type (generation, waker, name, the handle's waker, the stage it is in) and one
//! `Pin<Box<dyn ErasedTask>>`: the future, erased to a small trait so that tasks of every type
//! fit in one table. The future must stay pinned once polled, and a `Box` gives it a fixed
//! address; sharing it (an `Rc<RefCell<..>>` between the table and the handle) would need a
//! second allocation, or `unsafe` code, to keep it pinned inside.
//!
//! To poll a task, the loop takes its box *out* of the slot, releases the table, polls, and puts
//! the box back. While the future runs, the table is free: the task may spawn, cancel or join
//! other tasks, or itself, and never meets a borrowed table. For the same reason no table
//! operation drops a future or an output, or wakes a waker, itself: it returns them as
//! `Leftovers`, which the caller releases once the borrow has ended.
//!
//! # The handle is an id
//!
//! A [`Task<T>`](Task) holds the task's id and the identity of the [`run`](crate::run) it
//! belongs to (and the task's name, if it has one, so that [`Task::name`] can lend it): no
//! pointer to the task. Its methods look the id up in the running loop's table. The type `T`
//! is what lets the handle take the output out of the box: the box hands it out as
//! `&mut dyn Any`, and the handle, knowing `T`, downcasts it. A handle kept past its `run`
//! finds no task in any table: when `run` returned, it cancelled the tasks still running, and
//! set aside the outcomes of finished tasks whose handles were still held (see `KEPT`).
//!
//! ```text
//!   Task<T> { id, run } ──look up id──▶  task table (in the running loop)
//!                                        slot 3, generation 7
//!                                        ┌─────────────────────────────┐
//!                                        │ stage, flags, name, wakers  │
//!                                        │ box ──▶ MaybeDone<F>        │  the one allocation
//!                                        └─────────────────────────────┘
//! ```
//!
//! # The box holds the future, then its output
//!
//! The box holds a [`MaybeDone<F>`](futures::future::MaybeDone) (from the `futures` crate):
//! `Future(F)` until the future returns, then `Done(output)`, then `Gone` once the output is
//! taken. Polling it to completion drops the future and keeps the output in the same
//! allocation, where it waits for the handle.
//!
//! A task is in one of these stages (see `Stage`):
//!
//! * **Running**: the box holds the future. The loop polls it each time its waker fires.
//! * **Polling**: the loop has taken the box out and is polling it.
//! * **Returned**: the box holds the output, which waits for the handle.
//! * **Failed**: the future panicked or was cancelled; it has been dropped, and the
//!   [`TaskError`] waits for the handle.
//!
//! The slot is freed when the handle takes the outcome, when a task whose handle was dropped
//! finishes, or when the handle of a finished task is dropped.
//!
//! Cancelling drops the future right away, which runs its destructors: timers are removed,
//! sockets deregistered and closed, guards released. The one exception is a task that cancels
//! itself while it is being polled: the loop drops it as soon as that poll returns.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::mem;
use std::panic::{self, AssertUnwindSafe, Location};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use futures::future::MaybeDone;

use crate::run_queue::{Shared, TaskId, TaskWaker};
use crate::runtime;
use crate::trace::Tracer;

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

// ANCHOR: erased
/// What the table needs from a task's box, whatever its future's type.
///
/// Implemented by `MaybeDone<F>`, the one type the table stores: the future until it returns,
/// then its output. The trait never mentions `F` or its output, so the table can hold
/// `Pin<Box<dyn ErasedTask>>` for tasks of every type.
pub(crate) trait ErasedTask {
    /// Polls the future once. True once it has returned (the box then holds the output).
    fn poll_once(self: Pin<&mut Self>, cx: &mut Context<'_>) -> bool;
    /// The output, if the future has returned and nobody took it, for the handle to downcast.
    fn output(self: Pin<&mut Self>) -> Option<&mut dyn Any>;
    /// Moves the output into `slot`, which must be an `&mut Option<F::Output>`.
    fn take_output(self: Pin<&mut Self>, slot: &mut dyn Any);
}

impl<F> ErasedTask for MaybeDone<F>
where
    F: Future,
    F::Output: 'static,
{
    fn poll_once(self: Pin<&mut Self>, cx: &mut Context<'_>) -> bool {
        // `MaybeDone` drops the future as it returns, and keeps the output.
        self.poll(cx).is_ready()
    }

    fn output(self: Pin<&mut Self>) -> Option<&mut dyn Any> {
        self.output_mut().map(|output| output as &mut dyn Any)
    }

    fn take_output(self: Pin<&mut Self>, slot: &mut dyn Any) {
        if let Some(slot) = slot.downcast_mut::<Option<F::Output>>() {
            *slot = MaybeDone::take_output(self);
        }
    }
}
// ANCHOR_END: erased

/// The box that holds a task's future, then its output: the task's one allocation.
type TaskBox = Pin<Box<dyn ErasedTask>>;

// ANCHOR: stages
/// Where a task is in its life. The box moves from stage to stage; it is never copied.
enum Stage {
    /// The slot holds no task.
    Free,
    /// The box holds the future, which waits to be polled.
    Running(TaskBox),
    /// The loop has taken the box out to poll it, and puts it back when the poll returns.
    Polling,
    /// The future returned; the same box holds its output, until the handle takes it.
    Returned(TaskBox),
    /// The future panicked or was cancelled, and is gone. The error waits for the handle.
    Failed(TaskError),
}
// ANCHOR_END: stages

impl Stage {
    /// True once the task has returned, panicked or been cancelled.
    fn is_finished(&self) -> bool {
        matches!(self, Stage::Returned(_) | Stage::Failed(_))
    }
}

// ANCHOR: table
/// The loop's tasks, by id: a slab whose slots carry a generation.
///
/// An id is `generation << 32 | slot`. Freeing a slot bumps its generation, so a wake that
/// arrives for a task that has finished finds a different generation and is ignored, even if
/// the slot now holds a new task.
pub(crate) struct TaskTable {
    /// Which `run` this table belongs to: handles carry it, so that a handle kept past its
    /// `run` never matches a slot of a later one.
    run: u64,
    /// The tasks, by the low 32 bits of their ids.
    slots: Vec<Slot>,
    /// Indices of free slots, reused before the table grows.
    free: Vec<u32>,
    /// The names of the tasks given one (`spawn_named`), by slot index. Most tasks have none,
    /// so a slot does not carry room for one.
    names: HashMap<u32, Rc<str>>,
}

/// One task: everything about it that does not depend on its future's type, and its box.
struct Slot {
    /// Bumped each time the slot is freed; part of the id of the task in it.
    generation: u32,
    /// Set when the task cancels itself during its own poll; the loop drops it afterwards.
    cancel_requested: bool,
    /// Set when the handle was dropped: nobody will take the outcome, so the slot is freed as
    /// soon as the task finishes.
    detached: bool,
    /// Set when the task has a name in the table's `names`.
    named: bool,
    /// The stage, which holds the box or the error.
    stage: Stage,
    /// The waker of whoever awaits the handle (one is enough: a handle cannot be cloned).
    join_waker: Option<Waker>,
    /// Where `spawn` was called, for messages (the name, if any, is in the table's `names`).
    location: &'static Location<'static>,
    /// The waker state of the slot's task. It stays when the task leaves, and the next task in
    /// the slot takes it over if nothing else holds it any more: one allocation less per spawn.
    /// Each poll lends the task a `std::task::Waker` made from it (a reference count more,
    /// until the poll returns).
    task_waker: Arc<TaskWaker>,
}
// ANCHOR_END: table

/// How messages name a task.
pub(crate) struct Header {
    /// The name given at spawn (shared with the handle), if any.
    name: Option<Rc<str>>,
    /// Where `spawn` was called.
    location: &'static Location<'static>,
}

impl Header {
    /// "task 'name' (spawned at file:line)" or "task spawned at file:line".
    pub(crate) fn describe(&self) -> String {
        match &self.name {
            Some(name) => format!("task '{name}' (spawned at {})", self.location),
            None => format!("task spawned at {}", self.location),
        }
    }

    /// As the trace names the task, with its `number` in the run: "task #3 'name' (spawned
    /// at file:line)" or "task #3 spawned at file:line".
    pub(crate) fn numbered(&self, number: u32) -> String {
        match &self.name {
            Some(name) => format!("task #{number} '{name}' (spawned at {})", self.location),
            None => format!("task #{number} spawned at {}", self.location),
        }
    }
}

/// A new run's identity: `run` calls this once per table.
static NEXT_RUN: AtomicU64 = AtomicU64::new(0);

impl TaskTable {
    /// An empty table for a new `run`.
    pub(crate) fn new() -> TaskTable {
        TaskTable {
            run: NEXT_RUN.fetch_add(1, Ordering::Relaxed),
            slots: Vec::new(),
            free: Vec::new(),
            names: HashMap::new(),
        }
    }

    /// How many tasks are alive (spawned and not finished). Counted on demand: only
    /// [`task_count`](crate::task_count) asks, and a count kept on the side could drift.
    pub(crate) fn len(&self) -> usize {
        (self.slots.iter())
            .filter(|slot| matches!(slot.stage, Stage::Running(_) | Stage::Polling))
            .count()
    }

    /// How messages name task `id`, which is in the table.
    fn header(&self, id: TaskId) -> Header {
        let index = (id & 0xffff_ffff) as u32;
        let slot = &self.slots[index as usize];
        Header {
            name: slot.named.then(|| self.names[&index].clone()),
            location: slot.location,
        }
    }

    // ANCHOR: generations
    /// The slot of task `id` of run `run`, if it is still in the table.
    fn slot(&mut self, run: u64, id: TaskId) -> Option<&mut Slot> {
        if run != self.run {
            return None; // A handle from another `run`.
        }
        let slot = self.slots.get_mut((id & 0xffff_ffff) as usize)?;
        if u64::from(slot.generation) != id >> 32 || matches!(slot.stage, Stage::Free) {
            return None; // A stale id: that task has left the slot.
        }
        Some(slot)
    }

    /// Empties the slot of task `id` (the caller checked that it is there), and bumps its
    /// generation so that the id matches nothing any more. Returns what the slot held, for
    /// the caller to drop after releasing the table.
    fn free(&mut self, id: TaskId) -> Leftovers {
        let index = (id & 0xffff_ffff) as usize;
        let slot = &mut self.slots[index];
        slot.generation = slot.generation.wrapping_add(1);
        slot.cancel_requested = false;
        slot.detached = false;
        self.free.push(index as u32);
        Leftovers {
            future: None,
            outcome: mem::replace(&mut slot.stage, Stage::Free),
            header: Some(Header {
                name: if mem::take(&mut slot.named) {
                    self.names.remove(&(index as u32))
                } else {
                    None
                },
                location: slot.location,
            }),
            wake: None,
            waker: slot.join_waker.take(),
        }
    }
    // ANCHOR_END: generations

    // ANCHOR: insert
    /// Puts a new task in a free slot (or a new one) and queues it for its first poll.
    fn insert(
        &mut self,
        task: TaskBox,
        name: Option<Rc<str>>,
        location: &'static Location<'static>,
        shared: &Arc<Shared>,
    ) -> TaskId {
        let index = match self.free.pop() {
            Some(index) => index as usize,
            None => {
                self.slots.push(Slot {
                    generation: 0,
                    cancel_requested: false,
                    detached: false,
                    named: false,
                    stage: Stage::Free,
                    join_waker: None,
                    location,
                    task_waker: TaskWaker::new(0, shared),
                });
                self.slots.len() - 1
            }
        };
        let slot = &mut self.slots[index];
        let id = (u64::from(slot.generation) << 32) | index as u64;
        // `get_mut` succeeds only if no clone of the old waker is left anywhere (in a timer, a
        // socket, another thread): then no late wake for the old task can reach the new one.
        match Arc::get_mut(&mut slot.task_waker) {
            Some(waker) => waker.reuse(id),
            None => slot.task_waker = TaskWaker::new(id, shared),
        }
        slot.stage = Stage::Running(task);
        slot.location = location;
        if let Some(name) = name {
            slot.named = true;
            self.names.insert(index as u32, name);
        }
        // Our own waker: it queues the id, and runs no user code.
        slot.task_waker.schedule();
        id
    }
    // ANCHOR_END: insert

    // ANCHOR: drain
    /// Takes every task out of the table (used when `run` returns): the futures of the tasks
    /// still running, to be dropped (cancelled) after the borrow ends. The outcome of a task
    /// that finished and whose handle is still held moves to `KEPT`, for that handle.
    pub(crate) fn drain(&mut self) -> Vec<Leftovers> {
        let ids: Vec<TaskId> = (self.slots.iter().enumerate())
            .filter(|(_, slot)| !matches!(slot.stage, Stage::Free))
            .map(|(index, slot)| (u64::from(slot.generation) << 32) | index as u64)
            .collect();
        let mut dropped = Vec::new();
        for id in ids {
            let slot = &self.slots[(id & 0xffff_ffff) as usize];
            let keep = slot.stage.is_finished() && !slot.detached;
            let mut leftovers = self.free(id);
            if keep {
                KEPT.with(|kept| kept.borrow_mut().push((self.run, id, leftovers)));
            } else {
                leftovers.wake = leftovers.waker.take();
                dropped.push(leftovers);
            }
        }
        dropped
    }
    // ANCHOR_END: drain
}

thread_local! {
    /// Outcomes of tasks that finished before their `run` returned, by run and id, while
    /// their handles live on: awaiting such a handle after `run` still gives the outcome.
    static KEPT: RefCell<Vec<(u64, TaskId, Leftovers)>> = const { RefCell::new(Vec::new()) };
}

/// Takes the kept outcome of task `id` of run `run` (see `KEPT`), if there is one.
fn take_kept(run: u64, id: TaskId) -> Option<Leftovers> {
    KEPT.try_with(|kept| {
        let mut kept = kept.borrow_mut();
        let index = kept.iter().position(|&(r, i, _)| (r, i) == (run, id))?;
        Some(kept.swap_remove(index).2)
    })
    .ok()
    .flatten()
}

/// What a table operation took out of a slot: dropped and woken by [`Leftovers::release`]
/// once the table's borrow has ended, because dropping a future or an output runs user code,
/// which may use the table (spawn, cancel, sleep ...).
#[must_use = "call `release` once the table is no longer borrowed"]
pub(crate) struct Leftovers {
    /// The box of a future that panicked or was cancelled: dropped first.
    future: Option<TaskBox>,
    /// What a freed slot held (a future, an output or an error), or `Stage::Free`: dropped
    /// next, unless the handle takes it out first. A panic still here is one that nobody
    /// will ever see: it is reported.
    outcome: Stage,
    /// The freed task's name and birthplace, for that report.
    header: Option<Header>,
    /// Whoever awaits the task, to wake now that it finished.
    wake: Option<Waker>,
    /// A waker to drop without waking.
    waker: Option<Waker>,
}

impl Leftovers {
    /// Nothing but `future` to drop, and `wake` to wake.
    fn new(future: Option<TaskBox>, wake: Option<Waker>) -> Leftovers {
        Leftovers {
            future,
            outcome: Stage::Free,
            header: None,
            wake,
            waker: None,
        }
    }

    /// Reports, drops, then wakes. Call it with no borrow of the table held.
    pub(crate) fn release(self) {
        // asyncio logs "Task exception was never retrieved"; so do we, for panics nobody took.
        if let (Stage::Failed(TaskError::Panicked(_)), Some(header)) = (&self.outcome, &self.header)
        {
            crate::trace::stderr_line(format_args!(
                "aio: {} panicked and its Task was never awaited",
                header.describe()
            ));
        }
        // The destructors of the future, then of the outcome, run here.
        drop(self.future);
        drop(self.outcome);
        drop(self.waker);
        if let Some(waker) = self.wake {
            waker.wake();
        }
    }
}

// ANCHOR: run
/// Polls task `id` once, if it is still running: takes its box out of the table, polls it
/// with the table released, and puts it back, or records how the task ended.
pub(crate) fn run(
    tasks: &RefCell<TaskTable>,
    id: TaskId,
    debug: Option<Duration>,
    trace: Option<&Tracer>,
) {
    let (mut task, waker) = {
        let mut table = tasks.borrow_mut();
        let run = table.run;
        let Some(slot) = table.slot(run, id) else {
            return; // Finished and freed since it was woken.
        };
        let task = match mem::replace(&mut slot.stage, Stage::Polling) {
            Stage::Running(task) => task,
            finished => {
                slot.stage = finished; // Cancelled or finished since it was woken.
                return;
            }
        };
        slot.task_waker.clear_scheduled();
        let waker = slot.task_waker.waker();
        (task, waker)
    };
    let traced = trace.map(|trace| trace_poll(trace, tasks, id));
    let started = debug.map(|_| Instant::now());
    let polled = panic::catch_unwind(AssertUnwindSafe(|| {
        task.as_mut().poll_once(&mut Context::from_waker(&waker))
    }));
    if let (Some(threshold), Some(started)) = (debug, started) {
        let table = tasks.borrow(); // The slot is still ours: it is `Polling`.
        crate::debug::check_poll(&table.header(id), started.elapsed(), threshold);
    }
    let panicked = polled.is_err();
    // A `let` of its own, so that the table is released before the leftovers are.
    drop(waker); // Before `after_poll`: a finished task's slot may then hand its waker on.
    let finished = tasks.borrow_mut().after_poll(id, task, polled);
    if let Some(leftovers) = finished {
        if let Some((trace, who)) = &traced {
            trace.done(who, panicked);
            trace.task_ended(id);
        }
        leftovers.release(); // The task finished.
    }
}
// ANCHOR_END: run

/// With trace on: writes the line about task `id`'s poll, and returns the tracer with the
/// task's description, for the line that says it finished. Out of line (`#[cold]`): only a
/// traced loop calls it, and the untraced path stays as short as it was.
#[cold]
fn trace_poll<'t>(
    trace: &'t Tracer,
    tasks: &RefCell<TaskTable>,
    id: TaskId,
) -> (&'t Tracer, String) {
    let table = tasks.borrow();
    let who = table.header(id).numbered(trace.task_number(id)); // The slot is ours.
    drop(table);
    trace.poll(&who);
    (trace, who)
}

impl TaskTable {
    // ANCHOR: after_poll
    /// Puts a polled box back (`None`), or records the outcome of a task that finished.
    fn after_poll(
        &mut self,
        id: TaskId,
        task: TaskBox,
        polled: std::thread::Result<bool>,
    ) -> Option<Leftovers> {
        let run = self.run;
        let slot = self
            .slot(run, id)
            .expect("a task being polled keeps its slot");
        let (outcome, dropped) = match polled {
            Err(payload) => (Stage::Failed(TaskError::Panicked(payload)), Some(task)),
            // The task cancelled itself during this poll: `cancel` promised `Cancelled`, so
            // that is the outcome even if the future went on to return (asyncio agrees).
            Ok(_) if slot.cancel_requested => (Stage::Failed(TaskError::Cancelled), Some(task)),
            Ok(true) => (Stage::Returned(task), None),
            Ok(false) => {
                slot.stage = Stage::Running(task);
                return None;
            }
        };
        slot.stage = outcome;
        Some(self.finish(id, dropped))
    }
    // ANCHOR_END: after_poll

    // ANCHOR: finish
    /// Called once the stage of task `id` holds its outcome (returned, panicked, cancelled).
    /// What this returns, once released, drops `dropped` (the box of a panicked or cancelled
    /// future) and then wakes whoever awaits the handle.
    fn finish(&mut self, id: TaskId, dropped: Option<TaskBox>) -> Leftovers {
        let run = self.run;
        let slot = self.slot(run, id).expect("a finishing task has its slot");
        if !slot.detached {
            return Leftovers::new(dropped, slot.join_waker.take());
        }
        // Nobody holds the handle, so nobody will take the outcome: free the slot now.
        let mut leftovers = self.free(id);
        leftovers.future = dropped;
        leftovers
    }
    // ANCHOR_END: finish
}

impl TaskTable {
    // ANCHOR: handle_cancel
    /// Cancels task `id` for its handle. The future is dropped when the returned leftovers are
    /// released, unless the task is cancelling itself from inside its own poll: then its box
    /// is out of the table, and the loop drops it when the poll returns.
    fn cancel(&mut self, run: u64, id: TaskId) -> (bool, Leftovers) {
        let nothing = || Leftovers::new(None, None);
        let Some(slot) = self.slot(run, id) else {
            return (false, nothing()); // Finished and taken, or from another `run`.
        };
        match &slot.stage {
            Stage::Running(_) => {
                let cancelled = Stage::Failed(TaskError::Cancelled);
                let Stage::Running(task) = mem::replace(&mut slot.stage, cancelled) else {
                    unreachable!("matched just above");
                };
                (true, self.finish(id, Some(task)))
            }
            Stage::Polling => {
                slot.cancel_requested = true;
                (true, nothing())
            }
            Stage::Returned(_) | Stage::Failed(_) | Stage::Free => (false, nothing()),
        }
    }
    // ANCHOR_END: handle_cancel

    /// Takes the outcome of task `id` for its handle, and frees the slot. `None` if the table
    /// has no such task, or if it has not finished.
    /// The handle of task `id` was dropped. A finished task leaves the table now; a running
    /// one is marked detached and leaves when it finishes.
    fn detach(&mut self, run: u64, id: TaskId) -> Option<Leftovers> {
        let slot = self.slot(run, id)?;
        if !slot.stage.is_finished() {
            slot.detached = true;
            return None;
        }
        Some(self.free(id))
    }
}

/// A handle to a spawned task. Awaiting it gives the task's output, or why there is none.
///
/// Like an asyncio `Task`, the task runs whether or not anyone awaits the handle, and dropping
/// the handle does not stop it (call [`Task::cancel`] for that).
///
/// Cancel safety: safe when awaited by reference (`&mut task`, as a race does): a poll that
/// does not finish changes nothing, and the handle can be awaited again. Awaiting it by value
/// and dropping that future drops the handle: the task runs on, detached, its output lost.
pub struct Task<T> {
    /// The task's id in the table of the loop that spawned it.
    id: TaskId,
    /// Which `run` spawned the task (see `TaskTable::run`).
    run: u64,
    /// The name given with [`spawn_named`], shared with the table.
    name: Option<Rc<str>>,
    /// The type of the output this handle takes out of the task's box. A `Task` stays on the
    /// loop's thread, like the table it points into: `Rc` makes it neither `Send` nor `Sync`.
    output: PhantomData<Rc<T>>,
    /// Set once the handle has taken the outcome: the slot is free, nothing is left to do.
    taken: bool,
}

impl<T> Task<T> {
    /// Runs `f` with the table of the running loop, if this task belongs to it.
    fn with_table<R>(&self, f: impl FnOnce(&mut TaskTable) -> R) -> Option<R> {
        runtime::try_with_core(|core| {
            let mut tasks = core.tasks.borrow_mut();
            (tasks.run == self.run).then(|| f(&mut tasks))
        })
        .flatten()
    }

    /// Cancels the task: its future is dropped now, at the `.await` where it is suspended, which
    /// releases its timers and sockets. Returns false if the task had already finished.
    ///
    /// Awaiting the handle afterwards gives `Err(TaskError::Cancelled)`.
    pub fn cancel(&self) -> bool {
        let cancel = |table: &mut TaskTable| {
            let traced = runtime::try_with_core(|core| core.trace.is_some()).unwrap_or(false);
            let who =
                (traced && table.slot(self.run, self.id).is_some()).then(|| table.header(self.id));
            let (cancelled, leftovers) = table.cancel(self.run, self.id);
            (cancelled, leftovers, who.filter(|_| cancelled))
        };
        let Some((cancelled, leftovers, who)) = self.with_table(cancel) else {
            return false; // Outside its `run`: `run` cancelled it when it returned.
        };
        if let Some(who) = who {
            runtime::try_with_core(|core| {
                let trace = core.trace.as_ref()?;
                trace.cancel(&who.numbered(trace.task_number(self.id)));
                trace.task_ended(self.id);
                Some(())
            });
        }
        leftovers.release(); // Drops the future: the table is free again.
        cancelled
    }

    /// True once the task has finished: returned, panicked or been cancelled.
    pub fn is_finished(&self) -> bool {
        self.with_table(|table| match table.slot(self.run, self.id) {
            Some(slot) => slot.stage.is_finished(),
            None => true, // Its outcome was taken.
        })
        .unwrap_or(true) // Outside its `run`: finished, cancelled at the latest when it returned.
    }

    /// The name given with [`spawn_named`], if any.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Ready once the task has finished, without taking its output; until then, `cx`'s waker
    /// is woken when it finishes. For [`wait`](crate::wait), which returns finished tasks
    /// still holding their outputs.
    pub(crate) fn poll_finished(&self, cx: &mut Context<'_>) -> Poll<()> {
        let registered = self.with_table(|table| {
            let slot = table.slot(self.run, self.id)?;
            if slot.stage.is_finished() {
                return None;
            }
            // One waker: the latest poller of the handle replaces the previous one.
            let waker = cx.waker();
            let replaced = match &slot.join_waker {
                Some(old) if old.will_wake(waker) => None,
                _ => slot.join_waker.replace(waker.clone()),
            };
            Some(replaced)
        });
        match registered.flatten() {
            Some(replaced) => {
                drop(replaced); // With the table released.
                Poll::Pending
            }
            // Finished, or its outcome was taken, or outside its `run`.
            None => Poll::Ready(()),
        }
    }

    /// Applies `f` to the outcome of a finished task without taking it; `None` while the task
    /// runs or once its output was taken. `f` runs while the table is borrowed: it may look,
    /// not spawn or cancel.
    pub(crate) fn peek<R>(&self, f: impl FnOnce(Result<&T, &TaskError>) -> R) -> Option<R>
    where
        T: 'static,
    {
        self.with_table(|table| match &mut table.slot(self.run, self.id)?.stage {
            Stage::Returned(task) => {
                let output = task.as_mut().output()?.downcast_ref::<T>()?;
                Some(f(Ok(output)))
            }
            Stage::Failed(error) => Some(f(Err(error))),
            Stage::Running(_) | Stage::Polling | Stage::Free => None,
        })
        .flatten()
    }
}

// ANCHOR: join
impl<T: 'static> Future for Task<T> {
    type Output = Result<T, TaskError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if this.taken {
            panic!("a `Task` was polled again after it returned its output");
        }
        // One look at the table: either the task runs on (wake us when it finishes), or it
        // has finished and its slot is freed, its outcome handed to us.
        let (run, id) = (this.run, this.id);
        let looked = this.with_table(|table| {
            let slot = table.slot(run, id)?;
            if !slot.stage.is_finished() {
                // One waker: the latest poller of the handle replaces the previous one.
                let waker = cx.waker();
                let replaced = match &slot.join_waker {
                    Some(old) if old.will_wake(waker) => None,
                    _ => slot.join_waker.replace(waker.clone()),
                };
                return Some(Err(replaced));
            }
            Some(Ok(table.free(id)))
        });
        let mut leftovers = match looked {
            Some(Some(Err(replaced))) => {
                drop(replaced); // With the table released.
                return Poll::Pending; // `cx`'s waker is woken when the task finishes.
            }
            Some(Some(Ok(leftovers))) => leftovers,
            Some(None) => unreachable!("only this handle frees a finished task it holds"),
            // Its `run` has returned: the outcome was set aside if the task had finished;
            // otherwise `run` cancelled it.
            None => match take_kept(run, id) {
                Some(leftovers) => leftovers,
                None => {
                    this.taken = true;
                    return Poll::Ready(Err(TaskError::Cancelled));
                }
            },
        };
        this.taken = true;
        let outcome = mem::replace(&mut leftovers.outcome, Stage::Free);
        leftovers.release(); // Drops the slot's join waker, with the table released.
        Poll::Ready(match outcome {
            Stage::Returned(mut task) => {
                // The box cannot name `T`; the handle can, and lends it a typed place to fill.
                let mut output: Option<T> = None;
                task.as_mut().take_output(&mut output);
                Ok(output.expect("a task's output has the type of its handle"))
            }
            Stage::Failed(error) => Err(error),
            Stage::Running(_) | Stage::Polling | Stage::Free => {
                unreachable!("a slot is freed only once its task has finished")
            }
        })
    }
}
// ANCHOR_END: join

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        if self.taken {
            return; // The outcome was taken, and the slot freed with it.
        }
        let leftovers = (self.with_table(|table| table.detach(self.run, self.id)))
            .flatten()
            .or_else(|| take_kept(self.run, self.id));
        if let Some(leftovers) = leftovers {
            leftovers.release();
        }
    }
}

impl<T> fmt::Debug for Task<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Where it was spawned is known while the task is in the table.
        let location = self
            .with_table(|table| Some(table.slot(self.run, self.id)?.location))
            .flatten();
        let spawned_at = location.map_or_else(|| "?".to_string(), |l| l.to_string());
        f.debug_struct("Task")
            .field("name", &self.name)
            .field("spawned_at", &format_args!("{spawned_at}"))
            .field("finished", &self.is_finished())
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
    spawn_at("aio::spawn", Location::caller(), None, future)
}

/// Like [`spawn`], with a name that debug mode and error messages use
/// (asyncio's `create_task(coro, name=...)`).
#[track_caller]
pub fn spawn_named<F>(name: impl Into<String>, future: F) -> Task<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    spawn_at(
        "aio::spawn_named",
        Location::caller(),
        Some(name.into()),
        future,
    )
}

/// With trace on: writes the line about a new task. Out of line, like `trace_poll`.
#[cold]
fn trace_spawn(
    trace: &Tracer,
    id: TaskId,
    name: &Option<Rc<str>>,
    location: &'static Location<'static>,
) {
    let name = name.clone();
    trace.spawn(&Header { name, location }.numbered(trace.task_spawned(id)));
}

/// Spawns `future` as a task born at `location` (where messages say it was spawned), for the
/// public entry point `what` (which a panic outside the loop names).
#[track_caller]
pub(crate) fn spawn_at<F>(
    what: &str,
    location: &'static Location<'static>,
    name: Option<String>,
    future: F,
) -> Task<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    // ANCHOR: spawn
    let name: Option<Rc<str>> = name.map(Rc::from);
    runtime::with_core(what, |core| {
        // The task's one allocation: the future, then its output, in one box.
        let task: TaskBox = Box::pin(MaybeDone::Future(future));
        let mut tasks = core.tasks.borrow_mut();
        let id = tasks.insert(task, name.clone(), location, &core.queue.shared);
        let run = tasks.run;
        drop(tasks);
        if let Some(trace) = &core.trace {
            trace_spawn(trace, id, &name, location);
        }
        Task {
            id,
            run,
            name,
            output: PhantomData,
            taken: false,
        }
    })
    // ANCHOR_END: spawn
}
