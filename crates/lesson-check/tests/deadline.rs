//! A child that does not finish in time is stopped, and the test fails with what it printed.
//!
//! The children are `sh` scripts that print, then sleep for 1000 s; the deadlines are one
//! second. Each test also checks that the call came back long before the sleep would have
//! ended: within 100 s, a margin that a busy machine cannot eat (the deadline, plus two
//! seconds of grace after SIGINT and one to collect the last output, is four seconds).

use std::process::Command;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use lesson_check::{run_with_deadline, Served};

const SHORT: Duration = Duration::from_secs(1);
const LONG_BEFORE_THE_SLEEP_ENDS: Duration = Duration::from_secs(100);

/// Runs `f` on a thread; it must panic within [`LONG_BEFORE_THE_SLEEP_ENDS`]. Returns the
/// panic's message.
fn panic_message(f: impl FnOnce() + Send + std::panic::UnwindSafe + 'static) -> String {
    let (send, receive) = mpsc::channel();
    thread::spawn(move || {
        let failure = std::panic::catch_unwind(f).map(|()| "it returned".to_string());
        let _ = send.send(failure.map_err(|failure| {
            failure
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| format!("{:?}", failure.downcast_ref::<&str>()))
        }));
    });
    match receive.recv_timeout(LONG_BEFORE_THE_SLEEP_ENDS) {
        Ok(Err(message)) => message,
        Ok(Ok(_)) => panic!("the deadline expired, so it should have panicked"),
        Err(_) => panic!("it did not come back within {LONG_BEFORE_THE_SLEEP_ENDS:?}"),
    }
}

/// True if this process ignores SIGINT, as a command that a non-interactive shell starts in
/// the background does (and so do its children). Linux says so in `/proc/self/status`
/// (`SigIgn`, a mask in which SIGINT, signal 2, is bit 1); elsewhere, assume not.
fn sigint_ignored_here() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("SigIgn:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask & (1 << 1) != 0)
}

fn sh(script: &str) -> Command {
    let mut command = Command::new("sh");
    command.args(["-c", script]);
    command
}

#[test]
fn a_sleeping_child_is_stopped_and_the_failure_shows_what_it_printed() {
    let message = panic_message(|| {
        let mut child =
            sh("echo 'on stdout, before'; echo 'on stderr, before' >&2; exec sleep 1000");
        let _ = run_with_deadline(&mut child, SHORT);
    });
    assert!(message.contains("sh did not finish within 1s"), "{message}");
    if sigint_ignored_here() {
        // Started in the background by a shell (`cargo test &`): SIGINT is ignored, and stays
        // ignored in every child, so the child outlives its grace and is killed.
        assert!(message.contains("killed (signal: 9"), "{message}");
    } else {
        assert!(message.contains("stopped with SIGINT"), "{message}");
    }
    assert!(
        message.contains("--- stdout so far\non stdout, before\n"),
        "{message}"
    );
    assert!(
        message.contains("--- stderr so far\non stderr, before\n"),
        "{message}"
    );
}

#[test]
fn a_child_that_ignores_sigint_is_killed() {
    // An ignored signal stays ignored across exec: `sleep` ignores SIGINT too.
    let message = panic_message(|| {
        let mut child = sh("trap '' INT; echo 'still here'; exec sleep 1000");
        let _ = run_with_deadline(&mut child, SHORT);
    });
    assert!(message.contains("killed (signal: 9"), "{message}");
    assert!(message.contains("still here"), "{message}");
}

#[test]
fn a_child_that_finishes_in_time_gives_its_whole_output_and_status() {
    // Far more than a pipe holds, on both pipes at once: neither may block the other.
    let mut child =
        sh("head -c 1000000 /dev/zero; head -c 300000 /dev/zero >&2; echo done; exit 3");
    let output = run_with_deadline(&mut child, Duration::from_secs(60)).unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(output.stdout.len(), 1_000_000 + "done\n".len());
    assert!(output.stdout.ends_with(b"\0done\n"));
    assert_eq!(output.stderr.len(), 300_000);
}

#[test]
fn a_missing_program_is_an_error_not_a_panic() {
    let mut command = Command::new("no-such-program-here");
    let error = run_with_deadline(&mut command, SHORT).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
}

#[test]
fn a_server_that_prints_no_first_line_is_killed_and_its_stderr_shown() {
    let message = panic_message(|| {
        let server = Served::start_within(sh("echo 'binding...' >&2; exec sleep 1000"), SHORT);
        drop(server);
    });
    assert!(
        message.contains("it printed no first line within 1s"),
        "{message}"
    );
    assert!(
        message.contains("--- its stderr\nbinding...\n"),
        "{message}"
    );
}

#[test]
fn a_server_gives_its_address_then_its_lines() {
    let mut server = Served::start(sh(
        "echo 'listening on 127.0.0.1:4321'; echo second; echo third",
    ));
    assert_eq!(server.addr, "127.0.0.1:4321".parse().unwrap());
    let lines: Vec<String> = server.take_lines().map(Result::unwrap).collect();
    assert_eq!(lines, ["second", "third"]);
}

#[test]
fn run_within_gives_an_expired_child_as_a_value_with_the_first_bytes_it_printed() {
    use lesson_check::run_within;
    let (send, receive) = mpsc::channel();
    thread::spawn(move || {
        // Prints far more than it keeps, then never ends.
        let mut child = sh("echo first; head -c 1000000 /dev/zero; echo oops >&2; exec sleep 1000");
        let _ = send.send(run_within(&mut child, SHORT, 10));
    });
    let ended = receive
        .recv_timeout(LONG_BEFORE_THE_SLEEP_ENDS)
        .expect("run_within came back long before the sleep would have ended");
    let expired = ended.unwrap().expect_err("the deadline expired");
    assert_eq!(expired.stdout, b"first\n\0\0\0\0");
    assert_eq!(expired.stderr, b"oops\n");
    assert!(
        expired.how.starts_with("stopped with SIGINT") || expired.how.starts_with("killed"),
        "{}",
        expired.how
    );
    // One that finishes in time is the same as with run_with_deadline.
    let output = run_within(&mut sh("echo done"), SHORT * 60, 10)
        .unwrap()
        .unwrap();
    assert_eq!(output.stdout, b"done\n");
}
