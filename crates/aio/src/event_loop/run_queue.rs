//! The run queue, and the wakers that feed it.
//!
//! A waker is the only piece of a task that may travel to another thread (a blocking-pool
//! worker, a user's thread), so it holds nothing but the task's id, its "scheduled" flag and a
//! handle to this shared queue.
//!
//! Most wakes happen on the loop's own thread: a task sets an event another task waits for, a
//! timer fires, a socket is ready. Those push the id onto a plain `VecDeque` that only the
//! loop's thread can reach (a thread-local): no lock, no atomic operation beyond the flag. A
//! wake from any other thread pushes into a crossbeam channel instead, and interrupts the
//! poller if the loop sleeps there. At the start of each turn the loop moves what the channel
//! holds to the back of the local queue, so tasks run in the order their wakes reached it.
//!
//! ```text
//!  loop thread                     other threads
//!  ───────────                     ─────────────
//!  waker.wake()                    waker.wake()
//!   └ flag false → true?            └ flag false → true?
//!      └ push id ──▶ local queue       └ push id ──▶ crossbeam channel
//!                       ▲                 └ loop parked? ──notify()──▶ the poller's wait returns
//!  each turn: channel ──┘ then for id in local queue: clear flag, poll task
//! ```

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
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
    /// Ids of tasks woken on other threads, in wake order.
    sender: Sender<TaskId>,
    /// Raised after each send, lowered by the loop before it empties the channel: one load
    /// tells the loop whether to look into the channel at all.
    sent: AtomicBool,
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
    /// Where the loop takes the ids woken on other threads from, in wake order.
    receiver: Receiver<TaskId>,
    /// How many ids the loop has taken from the channel (see `wakes_from_other_threads`).
    taken: Cell<u64>,
}

/// The queue of the loop running on this thread, for wakes made on this thread.
struct Local {
    /// The address of that loop's `Shared` (0: no loop). A waker compares its own: equal means
    /// it belongs to this thread's loop. The waker keeps its `Shared` alive, so no other
    /// loop's `Shared` can have the same address meanwhile.
    owner: Cell<usize>,
    /// Woken ids, in wake order.
    ids: RefCell<VecDeque<TaskId>>,
}

thread_local! {
    static LOCAL: Local = const {
        Local {
            owner: Cell::new(0),
            ids: RefCell::new(VecDeque::new()),
        }
    };
}

impl RunQueue {
    /// The run queue of a new loop on this thread; wakes on this thread go to its local queue
    /// until it is dropped.
    pub(crate) fn new(notifier: Arc<Notifier>) -> RunQueue {
        let (sender, receiver) = crossbeam_channel::unbounded();
        let shared = Arc::new(Shared {
            sender,
            sent: AtomicBool::new(false),
            parked: AtomicBool::new(false),
            notifier,
        });
        LOCAL.with(|local| {
            local.owner.set(Arc::as_ptr(&shared) as usize);
            local.ids.borrow_mut().clear();
        });
        RunQueue {
            shared,
            receiver,
            taken: Cell::new(0),
        }
    }

    /// Starts a turn: moves the ids woken on other threads behind those woken here, and
    /// returns how many tasks are queued now (those the turn polls).
    pub(crate) fn start_turn(&self) -> usize {
        LOCAL.with(|local| {
            let mut ids = local.ids.borrow_mut();
            // Lowered before the channel is emptied: a send after this raises it again.
            let sent = &self.shared.sent;
            if sent.load(Ordering::Relaxed) && sent.swap(false, Ordering::Acquire) {
                let before = ids.len();
                ids.extend(self.receiver.try_iter());
                let taken = (ids.len() - before) as u64;
                self.taken.set(self.taken.get() + taken);
            }
            ids.len()
        })
    }

    /// How many wakes came through the channel, from other threads, since the loop started.
    pub(crate) fn wakes_from_other_threads(&self) -> u64 {
        self.taken.get()
    }

    pub(crate) fn is_empty(&self) -> bool {
        LOCAL.with(|local| local.ids.borrow().is_empty())
            && !self.shared.sent.load(Ordering::Acquire)
    }

    /// Takes the next woken task id, if any (those from other threads arrive at `start_turn`).
    pub(crate) fn pop(&self) -> Option<TaskId> {
        LOCAL.with(|local| local.ids.borrow_mut().pop_front())
    }

    /// Announces that the loop is about to block in the poller. Returns false (and stays
    /// unparked) if a wake arrived in the meantime, in which case the loop must not block.
    ///
    /// The flag is stored before the queue is checked, and a waker pushes before it reads the
    /// flag (both `SeqCst`), so at least one side sees the other: no wake is lost. (Wakes on
    /// the loop's own thread cannot happen while it decides: it is the one deciding.)
    pub(crate) fn park(&self) -> bool {
        self.shared.parked.store(true, Ordering::SeqCst);
        if !self.receiver.is_empty() {
            // A sender between its send and raising `sent`: the next turn must look anyway.
            self.shared.sent.store(true, Ordering::Relaxed);
        }
        if self.is_empty() {
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

impl Drop for RunQueue {
    fn drop(&mut self) {
        // From now on, wakes for this loop take the channel, whose receiver is gone: dropped.
        let _ = LOCAL.try_with(|local| {
            if local.owner.get() == Arc::as_ptr(&self.shared) as usize {
                local.owner.set(0);
                local.ids.borrow_mut().clear();
            }
        });
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

    /// Like `clear_scheduled`, for the inbox of jobs from other threads (see `loop_handle`),
    /// which the loop reads right after. A read-modify-write: if a sender's wake found the flag
    /// still raised (and so queued nothing), this reads that wake's write, which makes the
    /// job it sent before visible to the loop's next look into the inbox.
    pub(crate) fn take_scheduled(&self) {
        self.scheduled.swap(false, Ordering::AcqRel);
    }

    /// True on the thread whose running loop this waker belongs to.
    pub(crate) fn on_loop_thread(&self) -> bool {
        let shared = Arc::as_ptr(&self.shared) as usize;
        LOCAL
            .try_with(|local| local.owner.get() == shared)
            .unwrap_or(false)
    }

    // ANCHOR: schedule
    /// Queues the task, unless it is queued already; interrupts the poller if the loop sleeps.
    pub(crate) fn schedule(&self) {
        let shared = Arc::as_ptr(&self.shared) as usize;
        let here = LOCAL.try_with(|local| {
            if local.owner.get() != shared {
                return false;
            }
            // On the loop's own thread: the local queue, and no atomic read-modify-write. The
            // loop is running (it is us), so there is no poller to interrupt. A wake from
            // another thread at this very moment may queue the task a second time; the second
            // poll then finds nothing new, which every future must accept.
            if !self.scheduled.load(Ordering::Acquire) {
                self.scheduled.store(true, Ordering::Release);
                local.ids.borrow_mut().push_back(self.id);
            }
            true
        });
        if here == Ok(true) {
            return;
        }
        // Another thread.
        if self.scheduled.swap(true, Ordering::AcqRel) {
            return; // Already queued once: one poll will see everything this wake announces.
        }
        // The receiver is gone only after the loop has finished; nothing to wake then.
        if self.shared.sender.send(self.id).is_err() {
            return;
        }
        self.shared.sent.store(true, Ordering::Release);
        if self.shared.parked.swap(false, Ordering::SeqCst) {
            // The loop is blocked in the poller (possibly on another thread's behalf): interrupt it.
            self.shared.notifier.notify();
        }
    }
    // ANCHOR_END: schedule

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
