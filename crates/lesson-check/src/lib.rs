//! Helpers for the lessons' snapshot tests.
//!
//! Every lesson's test runs the lesson's own binary the way a student does, but in virtual time
//! (`AIO_CLOCK=virtual`), so its output is instant and exact, and compares it with a snapshot.
//! Where a lesson ports a seed article's example, it also runs the corrected asyncio program
//! (`original.py`) under a virtual-time asyncio loop and compares the two outputs.

#![warn(missing_docs)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs a lesson binary with `args` in virtual time and returns what it printed to stdout.
///
/// Panics, showing stderr, if the lesson fails.
pub fn run_lesson(exe: &str, args: &[&str]) -> String {
    let output = Command::new(exe)
        .args(args)
        .env("AIO_CLOCK", "virtual")
        .env_remove("AIO_DEBUG")
        .output()
        .unwrap_or_else(|e| panic!("could not start {exe}: {e}"));
    stdout_of(exe, output)
}

/// Where the Python side finds its virtual-time event loop.
pub fn python_runner() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/py/run_virtual.py")
}

/// Runs an asyncio program (`original.py`) under the virtual-time loop and returns its stdout,
/// or `None` (with a note on stderr) when no `python3` is installed.
pub fn run_python(script: impl AsRef<Path>, args: &[&str]) -> Option<String> {
    let script = script.as_ref();
    let output = match Command::new("python3")
        .arg(python_runner())
        .arg(script)
        .args(args)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
    {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("python3 not found: skipping the comparison with {script:?}");
            return None;
        }
        Err(e) => panic!("could not start python3: {e}"),
    };
    Some(stdout_of(&script.display().to_string(), output))
}

fn stdout_of(what: &str, output: Output) -> String {
    let stdout = String::from_utf8(output.stdout).expect("output is UTF-8");
    assert!(
        output.status.success(),
        "{what} failed ({}).\n--- stdout\n{stdout}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}
