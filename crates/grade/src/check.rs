//! The checks: each looks at a [`Run`] and says what it saw, what was expected, and what to do.

use std::time::Duration;

use crate::run::{secs, Run};

/// What a check needs besides stdout, and so which programs it can grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Needs {
    /// Only what any program shows: stdout, stderr, its status, its loop time. Rust and Python.
    Nothing,
    /// aio's trace (`AIO_TRACE=1`): Rust only.
    Trace,
    /// aio's debug mode (`AIO_DEBUG`): Rust only.
    Debug,
}

/// A check's test: `Ok` if the run passes it, or the message that teaches why not.
pub(crate) type Test = Box<dyn Fn(&Run) -> Result<(), String> + Send + Sync>;

/// One check of an exercise's grader.
pub(crate) struct Check {
    /// Its name in the verdict: "loop time", "no task left running".
    pub(crate) name: String,
    /// What it reads.
    pub(crate) needs: Needs,
    /// The test itself.
    pub(crate) test: Test,
}

impl std::fmt::Debug for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Check({:?}, {:?})", self.name, self.needs)
    }
}

impl Check {
    pub(crate) fn new(
        name: impl Into<String>,
        needs: Needs,
        test: impl Fn(&Run) -> Result<(), String> + Send + Sync + 'static,
    ) -> Check {
        Check {
            name: name.into(),
            needs,
            test: Box::new(test),
        }
    }
}

/// Debug mode's threshold for the graders: a poll longer than this is reported.
///
/// aio's default is 100 ms; the graders use more, so that a machine busy compiling cannot
/// make a quick poll look slow. The margin: the exercises' blocking calls take 500 ms or more,
/// a good poll takes microseconds.
pub const SLOW_POLL: Duration = Duration::from_millis(250);

/// The run's loop time equals `expected` (to the millisecond: virtual time is exact).
/// `message` says what it means, with `{took}` and `{expected}` filled in.
pub(crate) fn loop_time(expected: Duration, message: String) -> Check {
    Check::new("loop time", Needs::Nothing, move |run| {
        let Some(took) = run.loop_time() else {
            return Err(match run.language {
                crate::Language::Rust => {
                    "the program printed no trace, so its loop time is unknown: does it run \
                     its async code with aio::run?"
                }
                crate::Language::Python => {
                    "run_virtual.py reported no loop time: does the program run its async \
                     code with asyncio.run?"
                }
            }
            .to_string());
        };
        if took == expected {
            return Ok(());
        }
        let said = (message.replace("{took}", &secs(took))).replace("{expected}", &secs(expected));
        Err(format!(
            "{said} (loop time: {} expected, {} taken)",
            secs(expected),
            secs(took)
        ))
    })
}

/// At some moment, at least `n` tasks were in flight at once.
pub(crate) fn in_flight_at_least(n: usize) -> Check {
    Check::new("tasks in flight", Needs::Trace, move |run| {
        let most = run.most_in_flight();
        if most >= n {
            return Ok(());
        }
        let no_task = match most {
            0 => {
                " Futures awaited together (aio::gather!) overlap too, but inside one task, \
                   and this exercise practises tasks."
            }
            _ => "",
        };
        Err(format!(
            "the most tasks in flight at once was {most}; this exercise wants {n} tasks \
             running at the same time. Spawn each one (aio::spawn) before you await the \
             first: a task runs from its spawn, whoever awaits it and when.{no_task}"
        ))
    })
}

/// At no moment were more than `n` tasks in flight at once.
pub(crate) fn in_flight_at_most(n: usize) -> Check {
    Check::new("tasks in flight", Needs::Trace, move |run| {
        let most = run.most_in_flight();
        if most <= n {
            return Ok(());
        }
        Err(format!(
            "{} in flight at once; the limit is {n}. Wait for a task to finish (or \
             hold a permit of an aio::sync::Semaphore) before you start another.",
            tasks_were(most)
        ))
    })
}

/// Every `run` returned with no task left running: the trace's `end` lines say so.
pub(crate) fn no_task_left_running() -> Check {
    Check::new("no task left running", Needs::Trace, |run| {
        let Some(left) = run.left_running() else {
            return Err(
                "aio::run never returned (its trace has no `end` line): the program \
                 ended some other way, by a panic or std::process::exit."
                    .to_string(),
            );
        };
        if left.is_empty() {
            return Ok(());
        }
        Err(format!(
            "when aio::run returned, {} still running, and run cancelled {}: {}. {} never \
             finished. Await each task you spawn (or cancel it on purpose) before the future \
             given to aio::run returns.",
            tasks_were(left.len()),
            if left.len() == 1 { "it" } else { "them" },
            left.join("; "),
            if left.len() == 1 {
                "Its work"
            } else {
                "Their work"
            },
        ))
    })
}

/// Debug mode reported no poll longer than [`SLOW_POLL`].
pub(crate) fn no_slow_poll() -> Check {
    Check::new("no slow poll", Needs::Debug, |run| {
        if run.slow_polls.is_empty() {
            return Ok(());
        }
        // "the main future (given to aio::run) 3 times", in the order they were first seen.
        let mut counted: Vec<(&str, usize)> = Vec::new();
        for who in &run.slow_polls {
            match counted.iter_mut().find(|(seen, _)| seen == who) {
                Some((_, n)) => *n += 1,
                None => counted.push((who, 1)),
            }
        }
        let whom: Vec<String> = (counted.iter())
            .map(|(who, n)| match n {
                1 => format!("{who}, once"),
                n => format!("{who}, {n} times"),
            })
            .collect();
        Err(format!(
            "debug mode saw polls that blocked the loop for longer than {} ms: {}. While one \
             poll blocks, no other task runs and the loop's clock cannot move. A blocking call \
             (std::thread::sleep, a long computation, std::fs) does that: await aio::sleep \
             instead, or move the blocking work to aio::to_thread.",
            SLOW_POLL.as_millis(),
            whom.join("; "),
        ))
    })
}

/// At least `n` tasks were cancelled (`cancel` lines in the trace).
pub(crate) fn cancelled_at_least(n: usize) -> Check {
    Check::new("tasks cancelled", Needs::Trace, move |run| {
        let cancelled = run.cancelled();
        if cancelled >= n {
            return Ok(());
        }
        Err(format!(
            "{} cancelled; this exercise wants {n}. A task nobody needs any more keeps \
             running until it ends by itself, even once its handle is dropped: stop it with \
             task.cancel(), which drops its future (and runs its clean-up) at once.",
            match cancelled {
                0 => "no task was".to_string(),
                c => tasks_were(c),
            }
        ))
    })
}

/// "1 task was", "3 tasks were".
fn tasks_were(n: usize) -> String {
    match n {
        1 => "1 task was".to_string(),
        n => format!("{n} tasks were"),
    }
}
