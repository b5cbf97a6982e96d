//! Trace (`AIO_TRACE=1`): one line per event of the loop, to watch it work.
//!
//! asyncio users switch on `PYTHONASYNCIODEBUG` and logging to see what their loop does. With
//! trace on, the loop says it as it happens, on stderr:
//!
//! ```text
//! aio trace: t=0.000s spawn  task #1 spawned at src/main.rs:37:21
//! aio trace: t=0.000s poll   task #1 spawned at src/main.rs:37:21
//! aio trace: t=0.000s timer  due at t=1.000s
//! aio trace: t=0.000s jump   to t=1.000s: only timers are left to wait for
//! aio trace: t=1.000s fire   1 timer
//! ```
//!
//! Each line starts with the time on the loop's clock since `run` began, then one word for
//! the event: `start`, `spawn`, `poll`, `done` (a task finished), `cancel`, `end` (`run`
//! returns), `timer` (the task being polled set a timer), `fire` (timers are due), `park`
//! (the loop blocks in the poller), `wake` (and why), `jump` (virtual time skips ahead).
//! A task is named by its number in the run (1 for the first one spawned), its name if it
//! was given one, and where it was spawned: `task #2 'napper' (spawned at src/main.rs:9:5)`.
//! The future given to `run` is `the main future`. `crates/timeline` draws a trace as a
//! picture.
//! In virtual time nothing in a line depends on the machine (no thread ids, addresses or
//! real durations), so a trace can be compared with a snapshot.
//!
//! When trace is off, the loop's `Option<Tracer>` is `None`: each hook is one check of it,
//! with no clock read, no formatting and no allocation.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::run_queue::TaskId;
use crate::runtime;

/// Writes one line to stderr, and ignores a failure: the runtime's own messages (a failed
/// accept, a panic nobody awaited, debug mode, trace) must never take down the program they
/// describe. (`eprintln!` panics when stderr is a closed pipe, as in `server 2>&1 | head -1`.)
pub(crate) fn stderr_line(line: fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Where trace lines go: a function given each line (without a newline).
#[derive(Clone)]
pub(crate) struct Sink(Arc<dyn Fn(&str) + Send + Sync>);

impl Sink {
    /// Each line to stderr: what `AIO_TRACE=1` and `Builder::trace(true)` choose.
    pub(crate) fn stderr() -> Sink {
        Sink(Arc::new(|line| stderr_line(format_args!("{line}"))))
    }

    /// Each line to `f`.
    pub(crate) fn to(f: impl Fn(&str) + Send + Sync + 'static) -> Sink {
        Sink(Arc::new(f))
    }
}

impl fmt::Debug for Sink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sink(..)")
    }
}

/// The loop's tracer: formats each event and hands the line to the sink.
#[derive(Debug)]
pub(crate) struct Tracer {
    /// Where the lines go.
    sink: Sink,
    /// The number of each task alive, by id: 1 for the first task the run spawned, 2 for the
    /// next … Kept here, not in the task table, so that a loop without trace pays nothing.
    numbers: RefCell<HashMap<TaskId, u32>>,
    /// How many tasks the run has spawned.
    spawned: Cell<u32>,
}

impl Tracer {
    /// Gives the task just spawned as `id` the next number, and returns it.
    pub(crate) fn task_spawned(&self, id: TaskId) -> u32 {
        let number = self.spawned.get().wrapping_add(1);
        self.spawned.set(number);
        self.numbers.borrow_mut().insert(id, number);
        number
    }

    /// The number of task `id` (0 for an id it was not told of).
    pub(crate) fn task_number(&self, id: TaskId) -> u32 {
        self.numbers.borrow().get(&id).copied().unwrap_or(0)
    }

    /// Task `id` finished or was cancelled: its id may come back for another task.
    pub(crate) fn task_ended(&self, id: TaskId) {
        self.numbers.borrow_mut().remove(&id);
    }
}

// ANCHOR: events
impl Tracer {
    pub(crate) fn new(sink: Sink) -> Tracer {
        Tracer {
            sink,
            numbers: RefCell::default(),
            spawned: Cell::new(0),
        }
    }

    /// A new loop starts, on a virtual or a real clock.
    pub(crate) fn start(&self, is_virtual: bool) {
        let clock = if is_virtual { "virtual" } else { "real" };
        self.emit("start", format_args!("a loop on the {clock} clock"));
    }

    /// A task was spawned; `who` says which (see `Header::numbered`).
    pub(crate) fn spawn(&self, who: &str) {
        self.emit("spawn", format_args!("{who}"));
    }

    /// The loop is about to poll `who`.
    pub(crate) fn poll(&self, who: &str) {
        self.emit("poll", format_args!("{who}"));
    }

    /// `who` finished during the poll that just returned (returned, or `panicked`).
    pub(crate) fn done(&self, who: &str, panicked: bool) {
        let how = if panicked { " (panicked)" } else { "" };
        self.emit("done", format_args!("{who}{how}"));
    }

    /// `who` was cancelled ([`Task::cancel`](crate::Task::cancel), or a task group's): its
    /// future is dropped, which runs its clean-up.
    pub(crate) fn cancel(&self, who: &str) {
        self.emit("cancel", format_args!("{who}"));
    }

    /// `run` returned; `running` tasks were still running and are cancelled now.
    pub(crate) fn end(&self, running: usize) {
        match running {
            0 => self.emit("end", format_args!("no task left running")),
            1 => self.emit("end", format_args!("1 task still running is cancelled")),
            n => self.emit("end", format_args!("{n} tasks still running are cancelled")),
        }
    }

    /// `count` timers are due: their tasks run next turn.
    pub(crate) fn fire(&self, count: usize) {
        if count > 0 {
            let s = if count == 1 { "" } else { "s" };
            self.emit("fire", format_args!("{count} timer{s}"));
        }
    }

    /// The loop blocks in the poller for at most `timeout` (`None`: until something happens).
    pub(crate) fn park(&self, timeout: Option<Duration>) {
        match timeout {
            Some(timeout) => self.emit("park", format_args!("for at most {}", Secs(timeout))),
            None => self.emit("park", format_args!("until a socket or a waker wakes it")),
        }
    }

    /// The poller returned with `events` socket events; `notified` if tasks were queued
    /// meanwhile (by a waker on another thread, through `notify()`).
    pub(crate) fn wake(&self, events: usize, notified: bool) {
        match (events, notified) {
            (0, true) => self.emit("wake", format_args!("notified by a waker")),
            (0, false) => self.emit("wake", format_args!("timeout")),
            (1, _) => self.emit("wake", format_args!("1 socket event")),
            (n, _) => self.emit("wake", format_args!("{n} socket events")),
        }
    }

    /// The task being polled (or the main future) set a timer that is due at `deadline`.
    pub(crate) fn timer(&self, deadline: Instant) {
        self.emit("timer", format_args!("due at t={}", at(deadline)));
    }

    /// Virtual time jumps to `deadline`, the nearest timer's.
    pub(crate) fn jump(&self, deadline: Instant) {
        let to = at(deadline);
        self.emit(
            "jump",
            format_args!("to t={to}: only timers are left to wait for"),
        );
    }

    /// Writes one line: the time on the loop's clock, the event, and what it concerns.
    fn emit(&self, event: &str, what: fmt::Arguments<'_>) {
        let now = runtime::try_with_core(|core| core.clock.since_start(core.clock.now()));
        let now = Secs(now.unwrap_or_default());
        let line = format!("aio trace: t={now} {event:<6} {what}");
        (self.sink.0)(&line);
    }
}
// ANCHOR_END: events

/// `instant` on the running loop's clock, as the time since its `run` began.
fn at(instant: Instant) -> Secs {
    let since = runtime::try_with_core(|core| core.clock.since_start(instant));
    Secs(since.unwrap_or_default())
}

/// A duration as `1.250s`, to the millisecond (truncated, so that it is exact in virtual time).
struct Secs(Duration);

impl fmt::Display for Secs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03}s", self.0.as_secs(), self.0.subsec_millis())
    }
}
