//! Helpers for the lessons' snapshot tests.
//!
//! Every lesson's test runs the lesson's own binary the way a student does, but in virtual time
//! (`AIO_CLOCK=virtual`), so its output is instant and exact, and compares it with a snapshot.
//! Where a lesson ports a seed article's example, it also runs the corrected asyncio program
//! (`original.py`) under a virtual-time asyncio loop and compares the two outputs.
//!
//! Every helper that needs Python skips (returns `None`, or passes) with a note on stderr when
//! no `python3` is installed, so the Rust side of the course can be tested without it.

#![warn(missing_docs)]

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Lines};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Output, Stdio};

/// Runs a lesson binary with `args` in virtual time and returns what it printed to stdout.
///
/// Panics, showing stderr, if the lesson fails.
pub fn run_lesson(exe: &str, args: &[&str]) -> String {
    let output = Command::new(exe)
        .args(args)
        .env("AIO_CLOCK", "virtual")
        .env_remove("AIO_DEBUG")
        .env_remove("AIO_TRACE")
        .output()
        .unwrap_or_else(|e| panic!("could not start {exe}: {e}"));
    stdout_of(exe, output)
}

/// Like [`run_lesson`], with the variables `env` set too (say `AIO_TRACE=1`), and with stderr
/// merged into stdout in the order the lesson wrote them, as a terminal shows them.
///
/// Panics, showing the output, if the lesson fails.
pub fn run_lesson_merged(exe: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    // `2>&1`: both streams go into one pipe. Each line is written whole, in program order.
    let output = Command::new("sh")
        .args(["-c", r#"exec "$0" "$@" 2>&1"#, exe])
        .args(args)
        .env("AIO_CLOCK", "virtual")
        .env_remove("AIO_DEBUG")
        .env_remove("AIO_TRACE")
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("could not start {exe} through sh: {e}"));
    stdout_of(exe, output)
}

/// Where the Python side finds its virtual-time event loop.
pub fn python_runner() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/py/run_virtual.py")
}

/// Runs an asyncio program (`original.py`) under the virtual-time loop and returns its stdout,
/// or `None` when no `python3` is installed.
///
/// Panics, showing stderr, if the program fails.
pub fn run_python(script: impl AsRef<Path>, args: &[&str]) -> Option<String> {
    let script = script.as_ref();
    let runner = [OsStr::new(python_runner()), script.as_os_str()];
    let output = python3(runner.into_iter().chain(args.iter().map(OsStr::new)))?;
    Some(stdout_of(&script.display().to_string(), output))
}

/// Runs the lesson's asyncio original, `original.py` in `lesson_dir` (the lesson's
/// `env!("CARGO_MANIFEST_DIR")`), like [`run_python`].
pub fn run_original(lesson_dir: &str) -> Option<String> {
    run_python(Path::new(lesson_dir).join("original.py"), &[])
}

/// Checks that the lesson binary `exe` prints exactly what its asyncio original in
/// `lesson_dir` prints, both run in virtual time.
pub fn assert_same_output_as_original(exe: &str, lesson_dir: &str) {
    let rust = run_lesson(exe, &[]);
    if let Some(python) = run_original(lesson_dir) {
        assert!(
            rust == python,
            "the lesson and its original.py print different lines.\n\
             --- lesson\n{rust}--- original.py\n{python}"
        );
    }
}

/// Runs `python3` with `args` (with `PYTHONDONTWRITEBYTECODE=1`, so that no `__pycache__` is
/// left beside the lessons) and returns its output, or `None` when no `python3` is installed.
pub fn python3(args: impl IntoIterator<Item = impl AsRef<OsStr>>) -> Option<Output> {
    let output = Command::new("python3")
        .args(args)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output();
    match output {
        Ok(output) => Some(output),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("python3 not found: skipping this check against Python");
            None
        }
        Err(e) => panic!("could not start python3: {e}"),
    }
}

/// The stdout of a finished program, `what`. Panics, showing stdout and stderr, if it failed.
pub fn stdout_of(what: &str, output: Output) -> String {
    let stdout = String::from_utf8(output.stdout).expect("output is UTF-8");
    assert!(
        output.status.success(),
        "{what} failed ({}).\n--- stdout\n{stdout}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// A server started for a test (a lesson in `--serve` mode, or a Python server), in real time.
/// It prints where it listens as the last word of its first line ("listening on
/// 127.0.0.1:PORT"), which [`Served::start`] reads. Dropping it kills the process.
#[derive(Debug)]
pub struct Served {
    child: Child,
    /// Where the server listens.
    pub addr: SocketAddr,
    /// What the server prints after its first line, until [`Served::take_lines`] takes it.
    lines: Option<Lines<BufReader<ChildStdout>>>,
}

impl Served {
    /// Starts `command` (without `AIO_CLOCK`: a server that talks to real clients runs in real
    /// time) and waits for its first line.
    pub fn start(mut command: Command) -> Served {
        let mut child = command
            .env_remove("AIO_CLOCK")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {command:?}: {e}"));
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = match lines.next() {
            Some(Ok(line)) => line,
            other => {
                let _ = child.kill();
                panic!("{command:?} printed no first line: {other:?}");
            }
        };
        let addr = first
            .split_whitespace()
            .last()
            .and_then(|word| word.parse().ok())
            .unwrap_or_else(|| panic!("no address at the end of the first line {first:?}"));
        Served {
            child,
            addr,
            lines: Some(lines),
        }
    }

    /// The server's output after its first line, line by line.
    ///
    /// # Panics
    /// When called a second time.
    pub fn take_lines(&mut self) -> Lines<BufReader<ChildStdout>> {
        self.lines.take().expect("the lines were taken already")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
