//! Helpers for the tests: run a lesson binary, its asyncio original, or any other child
//! process, deterministically and with a deadline.
//!
//! Every lesson's test runs the lesson's own binary the way a student does, but in virtual time
//! (`AIO_CLOCK=virtual`), so its output is instant and exact, and compares it with a snapshot.
//! Where a lesson ports a seed article's example, it also runs the corrected asyncio program
//! (`original.py`, the lesson's Python twin) under a virtual-time asyncio loop and compares the
//! two outputs.
//!
//! Two rules hold for every helper here:
//!
//! - **Every child process has a deadline** ([`DEADLINE`]): a lesson, a Python twin, `sh`, a
//!   server that never prints its address. On expiry the child is stopped and the test fails
//!   with what the child printed so far ([`run_with_deadline`]). Tests that start a process of
//!   their own go through [`run_with_deadline`] too.
//! - **No check against Python is skipped in silence.** The twins need Python 3.10 or newer
//!   ([`MIN_PYTHON`]); a twin that needs a newer one says so in a `# Needs Python 3.11: why`
//!   line at its top. A check that cannot run here (no `python3`, too old a one, or
//!   `SKIP_TWINS` set) skips with a note in its test's captured output ([`python3_command`]),
//!   and the workspace's `tests/` package says in one line of plain `cargo test` output how
//!   many were skipped and why.

#![warn(missing_docs)]

mod deadline;
pub mod deaf;
mod python;
mod served;

use std::process::{Command, Output};

pub use deadline::{run_with_deadline, run_within, Expired, DEADLINE};
pub use deaf::{assert_stdout_gone_said, free_addr, Deaf};
pub use python::{
    assert_same_as_twin, assert_same_output_as_original, needs_python, parse_needs, python,
    python3, python3_command, python_runner, run_original, run_python, skip_reason, skip_twins,
    Needs, Python, Skip, Version, CHANGED_A_LESSON, MIN_PYTHON,
};
pub use served::{Served, ServedLines};

/// Runs a lesson binary with `args` in virtual time and returns what it printed to stdout.
///
/// # Panics
/// Showing stdout and stderr, if the lesson fails or does not finish within [`DEADLINE`].
#[track_caller]
pub fn run_lesson(exe: &str, args: &[&str]) -> String {
    let mut command = Command::new(exe);
    command
        .args(args)
        .env("AIO_CLOCK", "virtual")
        .env_remove("AIO_DEBUG")
        .env_remove("AIO_TRACE");
    stdout_of(exe, run(&mut command))
}

/// Like [`run_lesson`], with the variables `env` set too (say `AIO_TRACE=1`), and with stderr
/// merged into stdout in the order the lesson wrote them, as a terminal shows them.
///
/// # Panics
/// Showing the output, if the lesson fails or does not finish within [`DEADLINE`].
#[track_caller]
pub fn run_lesson_merged(exe: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    // `2>&1`: both streams go into one pipe. Each line is written whole, in program order.
    let mut command = Command::new("sh");
    command
        .args(["-c", r#"exec "$0" "$@" 2>&1"#, exe])
        .args(args)
        .env("AIO_CLOCK", "virtual")
        .env_remove("AIO_DEBUG")
        .env_remove("AIO_TRACE")
        .envs(env.iter().copied());
    stdout_of(exe, run(&mut command))
}

/// Runs `command` within [`DEADLINE`].
///
/// # Panics
/// If it cannot start, or does not finish in time.
#[track_caller]
pub fn run(command: &mut Command) -> Output {
    run_with_deadline(command, DEADLINE)
        .unwrap_or_else(|e| panic!("could not start {command:?}: {e}"))
}

/// Compiles the snippet `dir/file` as a library with rustc (`$RUSTC`, else `rustc`; edition
/// 2021, metadata only, no colours) and returns how it went: the book shows rustc's warnings
/// and refusals from files that tests compare with this stderr.
pub fn rustc_snippet(dir: &std::path::Path, file: &str) -> Output {
    let out_dir = std::env::temp_dir().join(format!("snippet-{file}-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).unwrap();
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let output = run(Command::new(rustc)
        .current_dir(dir)
        .args([
            "--edition",
            "2021",
            "--crate-type",
            "lib",
            "--emit=metadata",
        ])
        .args(["--color", "never", "--out-dir"])
        .arg(&out_dir)
        .arg(file));
    let _ = std::fs::remove_dir_all(&out_dir);
    output
}

/// The stdout of a finished program, `what`.
///
/// # Panics
/// Showing stdout and stderr, if it failed.
#[track_caller]
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
