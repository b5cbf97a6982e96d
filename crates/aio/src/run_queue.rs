//! The run queue, and the wakers that feed it.
//!
//! A waker is the only piece of a task that may travel to another thread (a blocking-pool
//! worker, a user's thread), so it holds nothing but the task's id, its "scheduled" flag and a
//! handle to this shared queue. Waking pushes the id into a crossbeam channel that the loop
//! drains; no lock is taken and, unless the loop is parked in the poller, no system call is made.
//!
//! ```text
//!  any thread                      loop thread
//!  ──────────                      ───────────
//!  waker.wake()                    for id in queue: clear flag, poll task
//!   └ flag false → true? ─push id─▶ crossbeam channel
//!      └ loop parked? ──notify()──▶ the poller's wait returns
//! ```

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Wake, Waker};

use crossbeam_channel::{Receiver, Sender};

use crate::reactor::Notifier;

/// Identifies a task in the loop's task table. See `TaskTable` for how ids stay unique.
pub(crate) type TaskId = u64;

/// The part of the loop that wakers on any thread may touch.
#[derive(Debug)]
pub(crate) struct Shared {
    /// Ids of tasks that were woken and should be polled, in wake order.
    sender: Sender<TaskId>,
    /// True while the loop is (about to be) blocked in the poller. A waker that sees it must
    /// call `notify()`, or the loop would sleep through the wake.
    parked: AtomicBool,
    /// Ends the loop's wait in the poller (the reactor's; see `reactor`).
    notifier: Arc<Notifier>,
}

/// The loop's end of the run queue.
#[derive(Debug)]
pub(crate) struct RunQueue {
    /// What wakers hold: the sending side, the parked flag and the notifier.
    pub(crate) shared: Arc<Shared>,
    /// Where the loop takes woken ids from, in wake order.
    receiver: Receiver<TaskId>,
}

impl RunQueue {
    pub(crate) fn new(notifier: Arc<Notifier>) -> RunQueue {
        let (sender, receiver) = crossbeam_channel::unbounded();
        let shared = Arc::new(Shared {
            sender,
            parked: AtomicBool::new(false),
            notifier,
        });
        RunQueue { shared, receiver }
    }

    /// How many wakes are queued right now.
    pub(crate) fn len(&self) -> usize {
        self.receiver.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.receiver.is_empty()
    }

    /// Takes the next woken task id, if any.
    pub(crate) fn pop(&self) -> Option<TaskId> {
        self.receiver.try_recv().ok()
    }

    /// Announces that the loop is about to block in the poller. Returns false (and stays
    /// unparked) if a wake arrived in the meantime, in which case the loop must not block.
    ///
    /// The flag is stored before the queue is checked, and a waker pushes before it reads the
    /// flag (both `SeqCst`), so at least one side sees the other: no wake is lost.
    pub(crate) fn park(&self) -> bool {
        self.shared.parked.store(true, Ordering::SeqCst);
        if self.receiver.is_empty() {
            true
        } else {
            self.shared.parked.store(false, Ordering::SeqCst);
            false
        }
    }

    /// The loop is running again.
    pub(crate) fn unpark(&self) {
        self.shared.parked.store(false, Ordering::SeqCst);
    }
}

/// The waker of one task: wakes it at most once until it is polled again.
#[derive(Debug)]
pub(crate) struct TaskWaker {
    /// The task to queue (changed only by `reuse`, when nothing else holds this waker).
    id: TaskId,
    /// True from the moment the task is queued until the loop starts polling it. While it is
    /// true, further wakes are dropped: the task is already in the queue once, which is enough.
    scheduled: AtomicBool,
    /// The queue to push into, and the notifier.
    shared: Arc<Shared>,
}

impl TaskWaker {
    /// A waker for task `id`, not yet scheduled (`spawn` schedules the new task right after).
    pub(crate) fn new(id: TaskId, shared: &Arc<Shared>) -> Arc<TaskWaker> {
        Arc::new(TaskWaker {
            id,
            scheduled: AtomicBool::new(false),
            shared: shared.clone(),
        })
    }

    /// Makes this waker, which nothing else holds, the waker of the new task `id`.
    pub(crate) fn reuse(&mut self, id: TaskId) {
        self.id = id;
        *self.scheduled.get_mut() = false;
    }

    /// Called by the loop just before polling the task, so that a wake during the poll
    /// queues the task again.
    pub(crate) fn clear_scheduled(&self) {
        self.scheduled.store(false, Ordering::Release);
    }

    /// Queues the task, unless it is queued already; interrupts the poller if the loop sleeps.
    pub(crate) fn schedule(&self) {
        if self.scheduled.swap(true, Ordering::AcqRel) {
            return; // Already queued once: one poll will see everything this wake announces.
        }
        // The receiver is gone only after the loop has finished; nothing to wake then.
        if self.shared.sender.send(self.id).is_ok()
            && self.shared.parked.swap(false, Ordering::SeqCst)
        {
            // The loop is blocked in the poller (possibly on another thread's behalf): interrupt it.
            self.shared.notifier.notify();
        }
    }

    /// This waker as a `std::task::Waker`.
    pub(crate) fn waker(self: &Arc<Self>) -> Waker {
        Waker::from(self.clone())
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
