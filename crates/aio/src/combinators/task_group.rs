//! [`TaskGroup`]: tasks that live and die together (asyncio's `asyncio.TaskGroup`).
//!
//! # Why
//!
//! A [`Task`] handle does not own its task: drop the handle and the task runs on, unwatched.
//! That is flexible, and it is how errors get lost and work outlives the code that started it.
//! Structured concurrency puts tasks in a scope instead: the scope does not end before its
//! tasks do, and when one of them fails the others are cancelled, because their work is no
//! longer wanted.
//!
//! # Shape
//!
//! asyncio's `TaskGroup` is an `async with` block. Rust has no async destructors, so the group
//! is a value that owns its tasks:
//!
//! * [`TaskGroup::spawn`] starts a task in the group. Its future returns `Result<T, E>`.
//! * [`TaskGroup::join`] waits for every task and returns their `Ok` values in spawn order,
//!   or the first error.
//! * The first failure (an `Err`, or a panic) cancels every other task of the group at once,
//!   from inside the failing task, whether or not anyone is awaiting `join` yet.
//! * Dropping the group (without joining, or by dropping the `join` future because the code
//!   around it was cancelled) cancels every task still running. So no task outlives its
//!   group; when `join` returns, every task has finished.
//!
//! # Differences from asyncio
//!
//! * asyncio's `TaskGroup` raises an `ExceptionGroup` holding every error. Here cancellation
//!   is immediate (the siblings are dropped, not asked to stop), so no sibling can fail after
//!   the first failure: `join` returns that one error.
//! * asyncio also cancels the body of the `async with` block when a child fails. Here the code
//!   that owns the group is not interrupted; it learns of the failure from `join`.
//! * All tasks of a group have the same output type. For different types, use an enum, or
//!   `()` and send results elsewhere.

use std::cell::RefCell;
use std::fmt;
use std::future::poll_fn;
use std::future::Future;
use std::mem;
use std::panic;
use std::rc::{Rc, Weak};
use std::task::Poll;
use std::thread;

use crate::ready_list::ReadyList;
use crate::task::{spawn, Task, TaskError};

/// A set of tasks that finish together, and fail together (asyncio's `TaskGroup`).
///
/// ```
/// use std::time::Duration;
///
/// // Virtual time: durations are exact (and a 60 s wait would take no real time).
/// aio::Builder::new().clock(aio::ClockKind::Virtual).run(async {
///     let mut group = aio::TaskGroup::new();
///     group.spawn(async {
///         aio::sleep(Duration::from_millis(10)).await;
///         Err("no route to host")
///     });
///     group.spawn(async {
///         aio::sleep(Duration::from_secs(60)).await;
///         Ok(())
///     });
///     let start = aio::now();
///     // The first task fails at 10 ms and cancels the second: no 60 s wait.
///     assert_eq!(group.join().await, Err("no route to host"));
///     assert_eq!(aio::now() - start, Duration::from_millis(10));
/// });
/// ```
pub struct TaskGroup<T, E> {
    /// What the group's tasks share with it.
    shared: Rc<Shared<E>>,
    /// The tasks, in spawn order. Each returns `Some(value)`, or `None` after recording its
    /// error in `shared.failure`.
    tasks: Rc<RefCell<Vec<Task<Option<T>>>>>,
}

/// The group's state that its tasks can reach.
struct Shared<E> {
    /// The first failure. Once set, the group is failing: later failures are ignored and new
    /// tasks are not started.
    failure: RefCell<Option<Failure<E>>>,
}

impl<E> Shared<E> {
    /// True once a task of the group has failed.
    fn has_failed(&self) -> bool {
        self.failure.borrow().is_some()
    }
}

/// How the first task to fail failed.
enum Failure<E> {
    /// It returned this error.
    Error(E),
    /// It panicked; the payload is in its task's outcome.
    Panic,
}

impl<T: 'static, E: 'static> TaskGroup<T, E> {
    /// An empty group.
    pub fn new() -> TaskGroup<T, E> {
        TaskGroup {
            shared: Rc::new(Shared {
                failure: RefCell::new(None),
            }),
            tasks: Rc::new(RefCell::new(Vec::new())),
        }
    }

    /// Starts `future` as a task of the group (asyncio's `tg.create_task`).
    ///
    /// If the group has already failed, the future is dropped without running (asyncio refuses
    /// with "TaskGroup is shutting down").
    #[track_caller]
    pub fn spawn<F>(&mut self, future: F)
    where
        F: Future<Output = Result<T, E>> + 'static,
    {
        if self.shared.has_failed() {
            return;
        }
        let index = self.tasks.borrow().len();
        let shared = self.shared.clone();
        let tasks = Rc::downgrade(&self.tasks);
        let task = spawn(async move {
            // If the future panics, this guard's destructor runs during the unwinding.
            let mut on_panic = FailOnPanic {
                shared: shared.clone(),
                tasks: tasks.clone(),
                index,
                armed: true,
            };
            let outcome = future.await;
            on_panic.armed = false;
            match outcome {
                Ok(value) => Some(value),
                Err(error) => {
                    fail(&shared, &tasks, index, Failure::Error(error));
                    None
                }
            }
        });
        self.tasks.borrow_mut().push(task);
    }

    /// Waits for every task, and returns their values in spawn order; or, as soon as one
    /// fails, returns its error (the failure has already cancelled the others). If a task
    /// panicked, `join` continues its panic in the caller, as asyncio re-raises.
    ///
    /// When `join` returns, every task of the group has finished. Dropping the `join` future
    /// before that cancels the tasks still running.
    ///
    /// Cancel safety: not safe, on purpose: dropping it cancels the group's tasks, and the
    /// values of those that had finished are lost.
    pub async fn join(self) -> Result<Vec<T>, E> {
        // Wait until every task has finished, leaving the outcomes in place. Each handle gets
        // a waker of its own, so each poll looks only at the tasks that finished since the last
        // (see `ready_list.rs`). No task joins the group meanwhile: `spawn` needs the group.
        let mut ready = ReadyList::new(self.len());
        let mut finished = vec![false; self.len()];
        let mut unfinished = self.len();
        poll_fn(|cx| {
            let tasks = self.tasks.borrow();
            ready.poll_woken(cx.waker(), |index, task_cx| {
                if !finished[index] && tasks[index].poll_finished(task_cx).is_ready() {
                    finished[index] = true;
                    unfinished -= 1;
                }
            });
            if unfinished == 0 {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
        let tasks = mem::take(&mut *self.tasks.borrow_mut());
        let mut values = Vec::with_capacity(tasks.len());
        let mut panic = None;
        for task in tasks {
            match task.await {
                Ok(Some(value)) => values.push(value),
                Ok(None) | Err(TaskError::Cancelled) => {}
                Err(TaskError::Panicked(payload)) => {
                    panic.get_or_insert(payload);
                }
            }
        }
        let failure = self.shared.failure.borrow_mut().take();
        match failure {
            None => Ok(values),
            Some(Failure::Error(error)) => Err(error),
            Some(Failure::Panic) => match panic {
                Some(payload) => panic::resume_unwind(payload),
                // A task was dropped by an unwinding that began elsewhere.
                None => panic!("a task of this TaskGroup was dropped while panicking"),
            },
        }
    }

    /// How many tasks the group has started (finished or not).
    pub fn len(&self) -> usize {
        self.tasks.borrow().len()
    }

    /// True if the group has started no task.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T: 'static, E: 'static> Default for TaskGroup<T, E> {
    fn default() -> Self {
        TaskGroup::new()
    }
}

impl<T, E> Drop for TaskGroup<T, E> {
    fn drop(&mut self) {
        // No task outlives its group. Take the handles out first: cancelling drops futures.
        let tasks = mem::take(&mut *self.tasks.borrow_mut());
        for task in &tasks {
            task.cancel();
        }
    }
}

impl<T, E> fmt::Debug for TaskGroup<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskGroup")
            .field("tasks", &self.tasks.borrow().len())
            .field("failed", &self.shared.has_failed())
            .finish()
    }
}

/// Records the first failure and cancels every task of the group but the failing one.
fn fail<T, E>(
    shared: &Shared<E>,
    tasks: &Weak<RefCell<Vec<Task<Option<T>>>>>,
    failing: usize,
    failure: Failure<E>,
) {
    if shared.has_failed() {
        return; // Not the first failure (only possible while the first one is cancelling).
    }
    *shared.failure.borrow_mut() = Some(failure);
    let Some(tasks) = tasks.upgrade() else { return };
    // Cancelling drops futures, which may run any code: hold no borrow while doing it.
    let taken = mem::take(&mut *tasks.borrow_mut());
    for (index, task) in taken.iter().enumerate() {
        if index != failing {
            task.cancel();
        }
    }
    let mut slot = tasks.borrow_mut();
    let added_meanwhile = mem::replace(&mut *slot, taken);
    slot.extend(added_meanwhile);
}

/// Lives in a group task's future while it runs; if the future panics, its destructor runs
/// during the unwinding and fails the group.
struct FailOnPanic<T, E> {
    shared: Rc<Shared<E>>,
    tasks: Weak<RefCell<Vec<Task<Option<T>>>>>,
    /// The position of this guard's task in the group.
    index: usize,
    /// Cleared when the future returned: from then on, dropping the guard means nothing.
    armed: bool,
}

impl<T, E> Drop for FailOnPanic<T, E> {
    fn drop(&mut self) {
        // Dropped while armed and not panicking means cancelled: that is not a failure.
        if self.armed && thread::panicking() {
            fail(&self.shared, &self.tasks, self.index, Failure::Panic);
        }
    }
}
