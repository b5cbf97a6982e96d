//! Graders for the course's exercises: they check *how* a program ran, not only what it printed.
//!
//! A grader runs the student's program the way the lessons' tests do, in virtual time
//! (`AIO_CLOCK=virtual`), so sleeps take no real time and durations are exact. With trace on
//! (`AIO_TRACE=1`), the loop writes a line to stderr for each thing it does; with debug mode on
//! (`AIO_DEBUG`), it reports each poll that blocked it. The grader reads them back and checks:
//!
//! - the output, line for line, against the exercise's `expected.txt`;
//! - the loop time: the `t=` of the trace's last line, so "6.0 s" is three downloads in a row
//!   and "3.0 s" the same three overlapped;
//! - the trace: the most tasks in flight at once (spawns minus `done` and `cancel` lines),
//!   tasks cancelled, tasks still running when `aio::run` returned (its `end` line);
//! - debug mode: no poll that blocked the loop.
//!
//! Each failed check says what it saw, what it expected and what to do, and the verdict names
//! the chapter to read. An instructor writes a grader in a few lines:
//!
//! ```
//! use std::time::Duration;
//! use grade::Exercise;
//!
//! let grader = Exercise::new("03a", "exercise-03a", "Run three downloads as tasks")
//!     .chapter(r#"Lesson 03 · Tasks, "In Rust""#, "lessons/03-tasks.md#in-rust")
//!     .hint("aio::spawn each download first, then await the handles")
//!     .output("[0.0s] start a\n[3.0s] all done\n") // include_str!("…/expected.txt")
//!     .loop_time(
//!         Duration::from_secs(3),
//!         "your three downloads took {took} of loop time; overlapped they take {expected}",
//!     )
//!     .in_flight_at_least(3)
//!     .no_task_left_running()
//!     .python("exercise.py"); // exercise.py is graded too: output and loop time
//! # let _ = grader;
//! ```
//!
//! Then [`Exercise::grade`] runs a built binary and returns a [`Verdict`], and
//! [`Exercise::grade_python`] does the same for an asyncio program, under
//! `crates/lesson-check/py/run_virtual.py`. A check of one's own is a closure over the [`Run`]:
//! [`Exercise::check`] (any program) or [`Exercise::check_trace`] (one that reads aio's trace).
//!
//! A network exercise is a server, and its grader a client: [`Exercise::client`] gives the
//! client (a closure over the server's address, written with [`Conn`]); the grader starts the
//! program on a free loopback port, runs the client once the server listens, stops the server
//! with SIGINT, and grades its output and trace as any other run's.
//!
//! Building the program is not this crate's business: `cargo course` (crates/course) builds,
//! caches and walks a student through the exercises. [`Exercise::command`] gives the
//! configured [`Command`] for a driver of its own to start, and [`Run::parse`] reads what it
//! printed.

#![warn(missing_docs, missing_debug_implementations)]

mod check;
mod run;
mod serve;
mod verdict;

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use check::{Check, Needs};
use lesson_check::Skip;

pub use check::SLOW_POLL;
pub use run::{parse_trace_line, secs, Ended, Event, Language, Run, MAIN_FUTURE};
pub use serve::{Conn, ANSWER_WAIT};
pub use verdict::{Chapter, Mark, Outcome, Verdict};

/// How long a graded program may run, in real time.
///
/// In virtual time the exercises take well under a second (a starting point that blocks the
/// loop on purpose takes 1.5 s); a program still running after 20 s is stuck, not slow: it
/// waits for something that never happens, or loops for ever. That is a margin of ten times
/// for a machine busy compiling, and short enough for a student not to wonder.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// How much of each of stdout and stderr a grader keeps (a runaway program can print for ever).
const KEEP: usize = 16 << 20;

/// One exercise's grader: its name, where to read, its hint, and its checks.
pub struct Exercise {
    /// Its number and letter: `03a`. `cargo course check 03a` grades it.
    pub id: &'static str,
    /// Its Cargo package: `exercise-03a`.
    pub package: &'static str,
    /// What to achieve, in a few words.
    pub title: &'static str,
    /// Where to read about it.
    pub chapter: Option<Chapter>,
    /// A hint, for `cargo course hint 03a`.
    pub hint: &'static str,
    /// The file name of its asyncio version in the exercise's folder, if it has one.
    pub python: Option<&'static str>,
    /// The exact output expected.
    expected: Option<&'static str>,
    /// The checks besides the output, in order.
    checks: Vec<Check>,
    /// How long the program may run.
    deadline: Duration,
    /// For a server: the client that talks to it, and its check's name.
    client: Option<(String, serve::Client)>,
}

impl std::fmt::Debug for Exercise {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (f.debug_struct("Exercise"))
            .field("id", &self.id)
            .field("package", &self.package)
            .field("python", &self.python)
            .field("checks", &self.checks)
            .field("client", &self.client.is_some())
            .finish_non_exhaustive()
    }
}

impl Exercise {
    /// A grader with no checks yet. The program must still run to the end and succeed.
    pub fn new(id: &'static str, package: &'static str, title: &'static str) -> Exercise {
        Exercise {
            id,
            package,
            title,
            chapter: None,
            hint: "",
            python: None,
            expected: None,
            checks: Vec::new(),
            deadline: DEADLINE,
            client: None,
        }
    }

    /// Where to read about it: a title (`Lesson 03 · Tasks, "In Rust"`) and a page under
    /// `book/src` with the section's anchor (`lessons/03-tasks.md#in-rust`).
    pub fn chapter(mut self, title: &'static str, page: &'static str) -> Exercise {
        self.chapter = Some(Chapter { title, page });
        self
    }

    /// The hint `cargo course hint` prints.
    pub fn hint(mut self, hint: &'static str) -> Exercise {
        self.hint = hint;
        self
    }

    /// The program must print exactly `expected` on stdout (a failure shows a line diff).
    pub fn output(mut self, expected: &'static str) -> Exercise {
        self.expected = Some(expected);
        self
    }

    /// The program must take exactly `expected` of loop time (virtual time is exact).
    /// `message` says what that means for this exercise; `{took}` and `{expected}` in it are
    /// filled in ("your downloads took {took} of loop time; overlapped they take {expected}").
    pub fn loop_time(mut self, expected: Duration, message: &str) -> Exercise {
        self.checks
            .push(check::loop_time(expected, message.to_string()));
        self
    }

    /// At some moment, at least `n` tasks must have been in flight at once (from the trace:
    /// spawned, and not yet done or cancelled).
    pub fn in_flight_at_least(mut self, n: usize) -> Exercise {
        self.checks.push(check::in_flight_at_least(n));
        self
    }

    /// At no moment may more than `n` tasks have been in flight at once (a limit).
    pub fn in_flight_at_most(mut self, n: usize) -> Exercise {
        self.checks.push(check::in_flight_at_most(n));
        self
    }

    /// When `aio::run` returned, no task was still running: the trace's `end` line says
    /// `no task left running`.
    pub fn no_task_left_running(mut self) -> Exercise {
        self.checks.push(check::no_task_left_running());
        self
    }

    /// Debug mode reported no poll that blocked the loop for longer than [`SLOW_POLL`].
    pub fn no_slow_poll(mut self) -> Exercise {
        self.checks.push(check::no_slow_poll());
        self
    }

    /// At least `n` tasks were cancelled (`Task::cancel`, a task group's): `cancel` lines.
    pub fn cancelled_at_least(mut self, n: usize) -> Exercise {
        self.checks.push(check::cancelled_at_least(n));
        self
    }

    /// A check of one's own, named `name`, over anything a run shows ([`Run::stdout`],
    /// [`Run::stderr`], [`Run::loop_time`]): it grades Rust and Python programs alike.
    /// `Err(message)` fails it; say what was seen, what was expected, and what to do.
    pub fn check(
        mut self,
        name: &str,
        test: impl Fn(&Run) -> Result<(), String> + Send + Sync + 'static,
    ) -> Exercise {
        self.checks.push(Check::new(name, Needs::Nothing, test));
        self
    }

    /// Like [`check`](Exercise::check), for a check that reads aio's trace ([`Run::trace`]):
    /// it grades the Rust program only.
    pub fn check_trace(
        mut self,
        name: &str,
        test: impl Fn(&Run) -> Result<(), String> + Send + Sync + 'static,
    ) -> Exercise {
        self.checks.push(Check::new(name, Needs::Trace, test));
        self
    }

    /// The program is a server, and `client` talks to it: a check named `name`, passed when
    /// `client` returns `Ok`, and graded first after "runs to the end". The grader starts the program with a free loopback address as
    /// its one argument (`127.0.0.1:PORT`), in real time, waits for its first line on stdout
    /// (the server says it listens), calls `client` with the address, then stops the server
    /// with SIGINT, as Ctrl-C does. The server must not exit by itself. In its stdout, the
    /// address reads `ADDR`.
    ///
    /// The client drives the order: the server prints a line before it answers, and the
    /// client waits for each answer ([`Conn::expect`]), so the output is the same every run.
    /// `Err(message)` says what the client sent, what it got, and why that is wrong.
    pub fn client(
        mut self,
        name: &str,
        client: impl Fn(SocketAddr) -> Result<(), String> + Send + Sync + 'static,
    ) -> Exercise {
        self.client = Some((name.to_string(), std::sync::Arc::new(client)));
        self
    }

    /// The exercise has an asyncio version, `file` in its folder (with its solution in
    /// `solution/{file}`): the same grader grades it, on the checks that do not need aio.
    pub fn python(mut self, file: &'static str) -> Exercise {
        self.python = Some(file);
        self
    }

    /// How long the program may run in real time ([`DEADLINE`] unless set).
    pub fn deadline(mut self, deadline: Duration) -> Exercise {
        self.deadline = deadline;
        self
    }

    /// The command that runs the built exercise `exe` for grading: virtual time (real time
    /// for a server, which talks to a real client), trace on, and debug mode on if a check
    /// needs it.
    pub fn command(&self, exe: &Path) -> Command {
        let mut command = Command::new(exe);
        command.env("AIO_CLOCK", "virtual").env("AIO_TRACE", "1");
        if self.client.is_some() {
            command.env_remove("AIO_CLOCK");
        }
        if self.checks.iter().any(|c| c.needs == Needs::Debug) {
            command.env("AIO_DEBUG", SLOW_POLL.as_millis().to_string());
        } else {
            command.env_remove("AIO_DEBUG");
        }
        command
    }

    /// The command that runs the asyncio program `script` under the virtual-time loop
    /// (`run_virtual.py`, which reports the loop time), or why Python cannot run it here. A
    /// server runs in real time, on asyncio's own loop, with its prints unbuffered.
    pub fn python_command(&self, script: &Path) -> Result<Command, Skip> {
        if let Some(skip) = lesson_check::skip_reason(Some(script)) {
            return Err(skip);
        }
        let mut command = Command::new("python3");
        if self.client.is_some() {
            command
                .arg(script)
                .env("PYTHONUNBUFFERED", "1")
                .env("PYTHONDONTWRITEBYTECODE", "1");
            return Ok(command);
        }
        command
            .arg(lesson_check::python_runner())
            .arg(script)
            .env("RUN_VIRTUAL_REPORT", "1")
            .env("PYTHONDONTWRITEBYTECODE", "1");
        Ok(command)
    }

    /// Runs `command` (from [`command`](Exercise::command) or
    /// [`python_command`](Exercise::python_command)) within the deadline, and reads its run.
    /// For a server, it is started, talked to by the client, and stopped.
    pub fn run(&self, language: Language, mut command: Command) -> std::io::Result<Run> {
        if let Some((_, client)) = &self.client {
            return serve::serve(language, command, client, self.deadline, KEEP);
        }
        let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
        Ok(
            match lesson_check::run_within(&mut command, self.deadline, KEEP)? {
                Ok(output) => Run::parse(
                    language,
                    text(output.stdout),
                    text(output.stderr),
                    Ended::Exited(output.status),
                ),
                Err(expired) => Run::parse(
                    language,
                    text(expired.stdout),
                    text(expired.stderr),
                    Ended::Expired {
                        after: self.deadline,
                        how: expired.how,
                    },
                ),
            },
        )
    }

    /// Runs the built exercise `exe` and grades it.
    pub fn grade(&self, exe: &Path) -> Verdict {
        match self.run(Language::Rust, self.command(exe)) {
            Ok(run) => self.judge(&run),
            Err(e) => self.cannot_start(Language::Rust, &exe.display().to_string(), e),
        }
    }

    /// Runs the asyncio program `script` and grades it, or says why Python cannot run here.
    pub fn grade_python(&self, script: &Path) -> Result<Verdict, Skip> {
        let command = self.python_command(script)?;
        Ok(match self.run(Language::Python, command) {
            Ok(run) => self.judge(&run),
            Err(e) => self.cannot_start(Language::Python, "python3", e),
        })
    }

    fn cannot_start(&self, language: Language, what: &str, e: std::io::Error) -> Verdict {
        self.verdict(
            language,
            vec![Outcome {
                check: "runs to the end".into(),
                mark: Mark::Fail(format!("could not start {what}: {e}")),
            }],
        )
    }

    /// Grades a run: it ran to the end, then the output, then each check in order.
    pub fn judge(&self, run: &Run) -> Verdict {
        let mut outcomes = vec![Outcome {
            check: "runs to the end".into(),
            mark: match ran_to_the_end(run, self.client.is_some()) {
                Ok(()) => Mark::Pass,
                Err(message) => Mark::Fail(message),
            },
        }];
        if matches!(run.ended, Ended::Expired { .. }) {
            // Cut short, its output and trace say nothing about the rest.
            return self.verdict(run.language, outcomes);
        }
        if let Some((name, _)) = &self.client {
            outcomes.push(Outcome {
                check: name.clone(),
                mark: match run.client.clone() {
                    Some(Ok(())) => Mark::Pass,
                    Some(Err(message)) => Mark::Fail(message),
                    None => Mark::Fail("no client talked to the server".into()),
                },
            });
        }
        if let Some(expected) = self.expected {
            outcomes.push(Outcome {
                check: "output".into(),
                mark: match verdict::compare_output(expected, &run.stdout) {
                    Ok(()) => Mark::Pass,
                    Err(message) => Mark::Fail(message),
                },
            });
        }
        for check in &self.checks {
            let mark = match (run.language, check.needs) {
                (Language::Python, Needs::Trace | Needs::Debug) => {
                    Mark::NotChecked("it reads aio's trace; a Python program has none".into())
                }
                _ => match (check.test)(run) {
                    Ok(()) => Mark::Pass,
                    Err(message) => Mark::Fail(message),
                },
            };
            outcomes.push(Outcome {
                check: check.name.clone(),
                mark,
            });
        }
        self.verdict(run.language, outcomes)
    }

    fn verdict(&self, language: Language, outcomes: Vec<Outcome>) -> Verdict {
        Verdict {
            language,
            outcomes,
            chapter: self.chapter.clone(),
        }
    }
}

/// How many of the last lines printed a failure to run shows.
const LAST_LINES: usize = 8;

/// The program exited by itself, with success; a server ran until the grader stopped it.
fn ran_to_the_end(run: &Run, server: bool) -> Result<(), String> {
    match &run.ended {
        Ended::Stopped(_) => Ok(()),
        Ended::Exited(status) if server => Err(format!(
            "the server exited by itself ({status}) before it was stopped: a server serves \
             until Ctrl-C (serve_forever). What it printed on stderr last:\n{}",
            last_lines(&run.own_stderr())
        )),
        Ended::Exited(status) if status.success() => Ok(()),
        Ended::Exited(status) => Err(format!(
            "it failed ({status}). What it printed on stderr last:\n{}",
            last_lines(&run.own_stderr())
        )),
        Ended::Expired { after, .. } => Err(format!(
            "it was still running after {} s of real time, and was stopped. In virtual time \
             a sleep takes no real time, so it is not slow: it waits for something that never \
             happens (a task that never ends, an event nobody sets), or loops for ever. What \
             it printed last:\n{}",
            after.as_secs(),
            last_lines(&run.stdout)
        )),
    }
}

/// The last few lines of `text`, each indented, as an excerpt in a message.
fn last_lines(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.is_empty() {
        return "  (nothing)".to_string();
    }
    let from = lines.len().saturating_sub(LAST_LINES);
    let mut shown: Vec<String> = lines[from..].iter().map(|l| format!("  {l}")).collect();
    if from > 0 {
        shown.insert(0, format!("  ({from} lines before these)"));
    }
    shown.join("\n")
}
