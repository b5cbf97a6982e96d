//! Reading a trace: one [`Event`] per line that starts with `aio trace: t=`.
//!
//! ```text
//! aio trace: t=1.000s poll   task #2 spawned at lessons/03-tasks/src/main.rs:28:16
//! ```
//!
//! The time (to the millisecond), one word for the event, and what it concerns. Lines that are
//! not trace lines (the program's own output) are skipped, and so are events this tool does
//! not know.

/// One line of a trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// `t=`: milliseconds on the loop's clock since its run began.
    pub at: u64,
    /// What happened.
    pub what: What,
}

/// The events a timeline draws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// A new loop (`aio::run`, `asyncio.run`): its clock starts at 0.
    Start,
    /// A task was spawned.
    Spawn(Task),
    /// The loop starts polling a task (or the main future); the poll lasts until the next
    /// line that is not written during a poll.
    Poll(Who),
    /// The task finished (returned, or panicked).
    Done(Who),
    /// The task was cancelled.
    Cancel(Who),
    /// The task being polled set a timer, due at this time (ms).
    Timer {
        /// When the timer is due.
        due: u64,
    },
    /// Timers were due.
    Fire,
    /// The poller returned because a socket is ready.
    Socket,
    /// The poller returned because a waker on another thread notified it.
    Thread,
    /// The loop parks, jumps ahead (virtual time) or wakes on a timeout: between polls.
    Idle,
    /// The run ends; tasks still alive are cancelled.
    End,
}

/// Whom an event concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    /// The future given to `run` (in Python, the coroutine given to `asyncio.run`).
    Main,
    /// A task.
    Task(Task),
}

/// A task, as a line names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// Its number in the run: 1 for the first task spawned.
    pub number: u32,
    /// Its name if it has one (`spawn_named`, a Python coroutine's name), else where it was
    /// spawned, short: `main.rs:63`.
    pub name: String,
}

/// Every trace line of `text`, in order.
pub fn parse(text: &str) -> Vec<Event> {
    text.lines().filter_map(parse_line).collect()
}

/// One trace line, or `None` for any other line.
pub fn parse_line(line: &str) -> Option<Event> {
    let rest = line.strip_prefix("aio trace: t=")?;
    let (time, rest) = rest.split_once("s ")?;
    let at = parse_millis(time)?;
    let (word, rest) = rest
        .trim_start()
        .split_once(' ')
        .unwrap_or((rest.trim(), ""));
    let rest = rest.trim_start();
    let what = match word {
        "start" => What::Start,
        "spawn" => match parse_who(rest)? {
            Who::Task(task) => What::Spawn(task),
            Who::Main => return None,
        },
        "poll" => What::Poll(parse_who(rest)?),
        "done" => What::Done(parse_who(rest)?),
        "cancel" => What::Cancel(parse_who(rest)?),
        "timer" => What::Timer {
            due: parse_millis(rest.strip_prefix("due at t=")?.strip_suffix('s')?)?,
        },
        "fire" => What::Fire,
        "wake" if rest.contains("socket event") => What::Socket,
        "wake" if rest.starts_with("notified") => What::Thread,
        "park" | "jump" | "wake" => What::Idle,
        "end" => What::End,
        _ => return None, // Nothing this tool knows.
    };
    Some(Event { at, what })
}

/// `1.250` (seconds, to the millisecond) as 1250 ms.
pub fn parse_millis(text: &str) -> Option<u64> {
    let (secs, millis) = text.split_once('.')?;
    if millis.len() != 3 {
        return None;
    }
    Some(secs.parse::<u64>().ok()? * 1000 + millis.parse::<u64>().ok()?)
}

/// `the main future`, `task #3 'name' (spawned at …)` or `task #3 spawned at file:line:col`.
fn parse_who(text: &str) -> Option<Who> {
    if text == "the main future" {
        return Some(Who::Main);
    }
    let (number, rest) = text.strip_prefix("task #")?.split_once(' ')?;
    let name = match rest.strip_prefix('\'') {
        Some(named) => named.split_once("' (spawned at ")?.0.to_string(),
        None => short_site(rest.strip_prefix("spawned at ")?.split(' ').next()?),
    };
    let number = number.parse().ok()?;
    Some(Who::Task(Task { number, name }))
}

/// `lessons/03-tasks/src/main.rs:63:17` as `main.rs:63`: the file and the line.
fn short_site(site: &str) -> String {
    let file_line = site.rsplit('/').next().unwrap_or(site);
    let mut parts = file_line.split(':');
    match (parts.next(), parts.next()) {
        (Some(file), Some(line)) => format!("{file}:{line}"),
        _ => file_line.to_string(),
    }
}
