//! One run of a student's program, as the checks see it: what it printed, how it ended, and
//! what its loop did (aio's trace lines and debug-mode reports, read back from stderr).

use std::process::ExitStatus;
use std::time::Duration;

/// What a trace line starts with (`AIO_TRACE=1`; see `crates/aio/src/event_loop/trace.rs`).
const TRACE: &str = "aio trace: t=";

/// What a debug-mode report starts with (`AIO_DEBUG`; see `crates/aio/src/event_loop/debug.rs`).
const DEBUG: &str = "aio debug: ";

/// What `run_virtual.py` prints last on stderr with `RUN_VIRTUAL_REPORT=1`.
const PYTHON_LOOP_TIME: &str = "loop time: ";

/// How the trace names the future given to `aio::run`, which is polled but is not a task.
pub const MAIN_FUTURE: &str = "the main future";

/// Which program was graded: the Rust exercise, or its asyncio twin `exercise.py`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// The exercise's binary, on aio: its trace and debug mode are there to read.
    Rust,
    /// `exercise.py` under the virtual-time asyncio loop: output and loop time only.
    Python,
}

/// How the program ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// It exited by itself, with this status.
    Exited(ExitStatus),
    /// It was still running at the deadline, `after` this much real time, and was stopped
    /// (`how`, in words).
    Expired {
        /// The deadline.
        after: Duration,
        /// "stopped with SIGINT (…)" or "killed (…)".
        how: String,
    },
    /// A server ([`Exercise::client`](crate::Exercise::client)), stopped by the grader with
    /// SIGINT once its client was done, with this status.
    Stopped(ExitStatus),
}

/// One trace line: `aio trace: t=1.500s poll   task #2 spawned at src/main.rs:12:5`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// `t=`: the time on the loop's clock since its `run` began.
    pub time: Duration,
    /// The event's word: `start`, `spawn`, `poll`, `done`, `cancel`, `timer`, `fire`, `park`,
    /// `wake`, `jump` or `end`.
    pub event: String,
    /// The rest of the line: the task for `spawn`, `poll`, `done` and `cancel` (`the main
    /// future` for the future given to `run`); what happened for the others.
    pub who: String,
    /// The task's number in its run (`task #2 …`: the second task it spawned), when the line
    /// is about a task: tasks spawned at the same place differ by it.
    pub task: Option<u32>,
}

/// One run of a program, parsed.
#[derive(Debug, Clone)]
pub struct Run {
    /// Which program ran.
    pub language: Language,
    /// Everything it printed on stdout.
    pub stdout: String,
    /// Everything it printed on stderr, trace lines and debug reports included.
    pub stderr: String,
    /// How it ended.
    pub ended: Ended,
    /// The trace lines on stderr, in order (none for Python).
    pub trace: Vec<Event>,
    /// The tasks debug mode reported for blocking the loop, one entry per slow poll (`the main
    /// future (given to aio::run)` or `task spawned at …`; debug mode does not number tasks).
    pub slow_polls: Vec<String>,
    /// For a server, what its client found: `Ok`, or what went wrong (`None` if no client
    /// talked to it).
    pub client: Option<Result<(), String>>,
}

impl Run {
    /// Reads the trace lines, the debug reports (and for Python, the loop time) out of stderr.
    pub fn parse(language: Language, stdout: String, stderr: String, ended: Ended) -> Run {
        let trace = stderr.lines().filter_map(parse_trace_line).collect();
        let slow_polls = (stderr.lines())
            .filter_map(|line| line.strip_prefix(DEBUG))
            .filter_map(|report| report.split_once(" blocked the loop for "))
            .map(|(who, _)| who.to_string())
            .collect();
        Run {
            language,
            stdout,
            stderr,
            ended,
            trace,
            slow_polls,
            client: None,
        }
    }

    /// Whether it exited by itself with success.
    pub fn succeeded(&self) -> bool {
        matches!(&self.ended, Ended::Exited(status) if status.success())
    }

    /// The loop time the program took: for Rust, the `t=` of each run's last trace line (a
    /// program may call `aio::run` more than once: their times add up); for Python, what
    /// `run_virtual.py` reports. `None` if the program said nothing about it.
    pub fn loop_time(&self) -> Option<Duration> {
        match self.language {
            Language::Rust => {
                // Each `start` begins a new run, whose clock starts at 0 again.
                let mut total = Duration::ZERO;
                for (i, event) in self.trace.iter().enumerate() {
                    let next = self.trace.get(i + 1);
                    if next.is_none_or(|next| next.event == "start") {
                        total += event.time;
                    }
                }
                (!self.trace.is_empty()).then_some(total)
            }
            Language::Python => (self.stderr.lines().rev())
                .find_map(|line| line.strip_prefix(PYTHON_LOOP_TIME))
                .and_then(|secs| parse_secs(secs.strip_suffix('s')?)),
        }
    }

    /// The most tasks in flight at once: spawned, and not yet done or cancelled. The future
    /// given to `aio::run` is not a task and does not count.
    pub fn most_in_flight(&self) -> usize {
        let (mut now, mut most) = (0usize, 0);
        for event in &self.trace {
            match event.event.as_str() {
                "spawn" => now += 1,
                "done" | "cancel" if event.who != MAIN_FUTURE => now = now.saturating_sub(1),
                // A new run, or the end of one (which cancels what is left).
                "start" | "end" => now = 0,
                _ => {}
            }
            most = most.max(now);
        }
        most
    }

    /// The tasks still running when a `run` returned (which `run` then cancelled), one entry
    /// per task, named as the trace names them; empty if every `end` line says `no task left
    /// running`. `None` if no `run` returned (no `end` line).
    pub fn left_running(&self) -> Option<Vec<String>> {
        let mut running: Vec<&Event> = Vec::new();
        let mut left = Vec::new();
        let mut ends = 0;
        for event in &self.trace {
            match event.event.as_str() {
                "start" => running.clear(),
                "spawn" => running.push(event),
                "done" | "cancel" if event.task.is_some() => {
                    running.retain(|spawned| spawned.task != event.task);
                }
                "end" => {
                    ends += 1;
                    left.extend(running.drain(..).map(|spawned| spawned.who.clone()));
                }
                _ => {}
            }
        }
        (ends > 0).then_some(left)
    }

    /// How many tasks were cancelled: `cancel` lines (`Task::cancel`, a task group's), not
    /// counting those `run` cancelled as it returned.
    pub fn cancelled(&self) -> usize {
        self.trace.iter().filter(|e| e.event == "cancel").count()
    }

    /// What it printed on stderr, without the trace lines and the loop-time report: what the
    /// student's own code (or a panic) wrote.
    pub fn own_stderr(&self) -> String {
        (self.stderr.lines())
            .filter(|line| !line.starts_with(TRACE) && !line.starts_with(PYTHON_LOOP_TIME))
            .map(|line| format!("{line}\n"))
            .collect()
    }
}

/// `aio trace: t=1.500s poll   task #2 spawned at src/main.rs:12:5` as an [`Event`].
pub fn parse_trace_line(line: &str) -> Option<Event> {
    let rest = line.strip_prefix(TRACE)?;
    let (secs, rest) = rest.split_once("s ")?;
    let rest = rest.trim_start();
    let (event, who) = rest.split_once(' ').unwrap_or((rest, ""));
    let who = who.trim_start();
    let task = (who.strip_prefix("task #")).and_then(|rest| rest.split(' ').next()?.parse().ok());
    Some(Event {
        time: parse_secs(secs)?,
        event: event.to_string(),
        who: who.to_string(),
        task,
    })
}

/// "1.500" (seconds, to the millisecond) as a duration.
fn parse_secs(text: &str) -> Option<Duration> {
    let (secs, millis) = text.split_once('.')?;
    if millis.len() != 3 {
        return None;
    }
    let millis = secs.parse::<u64>().ok()? * 1000 + millis.parse::<u64>().ok()?;
    Some(Duration::from_millis(millis))
}

/// A duration the way the messages show it: `6.0 s`, `1.5 s`, `0.25 s`, `1.001 s`.
pub fn secs(duration: Duration) -> String {
    let millis = duration.as_millis();
    let (whole, frac) = (millis / 1000, millis % 1000);
    match frac {
        f if f % 100 == 0 => format!("{whole}.{} s", f / 100),
        f if f % 10 == 0 => format!("{whole}.{:02} s", f / 10),
        f => format!("{whole}.{f:03} s"),
    }
}
