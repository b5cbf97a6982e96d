//! `aio::signal`: a signal delivered while a task waits resolves its future, through the
//! reactor (the loop sleeps in the poller, and no thread waits for signals); every delivery is
//! counted; and what the process does on a signal nobody listens for any more is the default
//! again.
//!
//! Signals belong to the whole process, and the tests in this file run on threads of one
//! process: each in-process test holds `ONE_AT_A_TIME`, so that a signal raised by one is not
//! heard by another. The tests of what kills the process run this test binary again, as a
//! child, and read how it ended.

use std::os::unix::process::ExitStatusExt;
use std::process::Command;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use aio::signal::{raise, Signals, SIGINT, SIGTERM, SIGUSR1, SIGUSR2};

mod common;
use common::run_virtual;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

#[test]
fn ctrl_c_resolves_when_sigint_arrives_while_a_task_waits() {
    let _one = one_at_a_time();
    run_virtual(async {
        let waiter = aio::spawn(async { aio::signal::ctrl_c().await });
        // Let the task start waiting: it is parked on the socket, not finished.
        aio::yield_now().await;
        assert!(!waiter.is_finished());
        assert_eq!(aio::io_waiter_count(), Some(1));
        raise(SIGINT).unwrap();
        waiter.await.unwrap().expect("ctrl_c resolves");
        // The wake came from the loop's own poller, not from a waker on another thread.
        assert_eq!(aio::wakes_from_other_threads(), Some(0));
        assert_eq!(aio::socket_count(), Some(0), "its socket pair is gone");
    });
}

#[test]
fn ctrl_c_listens_from_the_call_not_from_the_first_poll() {
    let _one = one_at_a_time();
    run_virtual(async {
        let ctrl_c = aio::signal::ctrl_c();
        raise(SIGINT).unwrap(); // Before the first poll.
        ctrl_c.await.expect("the earlier Ctrl-C was kept");
    });
}

/// The next delivery, or `None` if there is none. In virtual time a recv that would wait
/// forever ends at once, with `Elapsed`.
async fn recv_or_none(signals: &mut Signals) -> Option<i32> {
    let next = aio::timeout(Duration::from_secs(1), signals.recv()).await;
    next.ok().map(|got| got.unwrap())
}

#[test]
fn signals_returns_every_delivery_of_each_signal() {
    let _one = one_at_a_time();
    run_virtual(async {
        let mut signals = Signals::new(&[SIGUSR1, SIGUSR2, SIGUSR1]).unwrap();
        // Asked twice, listened for once.
        assert_eq!(aio::socket_count(), Some(2));
        for signal in [SIGUSR2, SIGUSR1, SIGUSR1, SIGUSR1] {
            raise(signal).unwrap();
        }
        let mut got = Vec::new();
        for _ in 0..4 {
            got.push(recv_or_none(&mut signals).await.expect("a delivery"));
        }
        got.sort();
        let mut want = vec![SIGUSR1, SIGUSR1, SIGUSR1, SIGUSR2];
        want.sort();
        assert_eq!(got, want);
        // Nothing more: the next recv waits.
        assert!(recv_or_none(&mut signals).await.is_none());
        assert_eq!(
            aio::io_waiter_count(),
            Some(0),
            "a dropped recv is forgotten"
        );
        // And it still hears the next one.
        raise(SIGUSR2).unwrap();
        assert_eq!(signals.recv().await.unwrap(), SIGUSR2);
    });
}

#[test]
fn signals_is_a_stream() {
    use futures::StreamExt;
    let _one = one_at_a_time();
    run_virtual(async {
        let signals = Signals::new(&[SIGTERM, SIGUSR1]).unwrap();
        raise(SIGTERM).unwrap();
        raise(SIGUSR1).unwrap();
        let mut got: Vec<i32> = signals.take(2).map(Result::unwrap).collect().await;
        got.sort();
        let mut want = vec![SIGTERM, SIGUSR1];
        want.sort();
        assert_eq!(got, want);
    });
}

#[test]
fn a_signal_wakes_the_loop_from_its_sleep_in_the_poller() {
    let _one = one_at_a_time();
    // The trace says when the loop sleeps in the poller, so that the other thread raises the
    // signal only then; and it says what woke the loop.
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    let trace = lines.clone();
    aio::Builder::new()
        .trace_to(move |line| sink.lock().unwrap().push(line.to_string()))
        .run(async move {
            let mut signals = Signals::new(&[SIGUSR1]).unwrap();
            let parked = move || {
                let lines = trace.lock().unwrap();
                lines.iter().any(|l| l.contains(" park "))
            };
            let thread = std::thread::spawn(move || {
                // Wait until the loop sleeps (or a while, if the trace never says so).
                for _ in 0..10_000 {
                    if parked() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
                // On this thread: the handler runs here, not on the loop's thread.
                raise(SIGUSR1).unwrap();
            });
            // No other task, and no timer but a backstop a minute away (so that a lost wake
            // fails instead of hanging): only the signal's socket can end this wait.
            let got = aio::timeout(Duration::from_secs(60), signals.recv()).await;
            assert_eq!(got.expect("woken by the signal").unwrap(), SIGUSR1);
            thread.join().unwrap();
            assert_eq!(aio::wakes_from_other_threads(), Some(0));
            assert_eq!(aio::blocking_threads(), Some(0));
        });
    let lines = lines.lock().unwrap();
    let park = lines
        .iter()
        .position(|l| l.contains(" park "))
        .expect("the loop slept in the poller");
    assert!(
        lines[park + 1].contains(" wake ") && lines[park + 1].ends_with(" 1 socket event"),
        "the signal's socket woke the loop:\n{}",
        lines.join("\n")
    );
}

#[test]
fn a_signal_that_cannot_be_handled_or_none_at_all_is_an_error() {
    let _one = one_at_a_time();
    run_virtual(async {
        for signals in [&[9][..], &[0], &[1000], &[SIGUSR1, 9], &[]] {
            let e = Signals::new(signals).unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput, "{signals:?}");
        }
        // Nothing was left behind.
        assert_eq!(aio::socket_count(), Some(0));
    });
}

/// The child process's part, run by the tests below (`AIO_SIGNAL_CHILD` names the case).
#[test]
#[ignore = "run by the tests below, in a child process"]
fn child() {
    let case = std::env::var("AIO_SIGNAL_CHILD").expect("run by the tests below");
    run_virtual(async move {
        match case.as_str() {
            "second ctrl-c" => {
                let ctrl_c = aio::signal::ctrl_c();
                raise(SIGINT).unwrap();
                println!("the first Ctrl-C was taken");
                // Never polled: the loop has not even looked at the first one.
                raise(SIGINT).unwrap();
                println!("still alive after the second");
                drop(ctrl_c);
            }
            "after ctrl-c" => {
                drop(aio::signal::ctrl_c());
                println!("dropped");
                raise(SIGINT).unwrap();
                println!("still alive");
            }
            "after signals" => {
                let mut signals = Signals::new(&[SIGTERM]).unwrap();
                raise(SIGTERM).unwrap();
                raise(SIGTERM).unwrap();
                signals.recv().await.unwrap();
                signals.recv().await.unwrap();
                println!("both were delivered");
                let other = Signals::new(&[SIGTERM]).unwrap();
                drop(signals);
                raise(SIGTERM).unwrap();
                println!("one listener is left");
                drop(other);
                raise(SIGTERM).unwrap();
                println!("still alive");
            }
            other => panic!("no case {other:?}"),
        }
    });
}

/// Runs the `child` test in a child process for `case`; returns its stdout and the signal
/// that ended it, if one did.
fn run_child(case: &str) -> (String, Option<i32>) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["child", "--exact", "--ignored", "--nocapture", "--quiet"])
        .env("AIO_SIGNAL_CHILD", case);
    let output = lesson_check::run(&mut command);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (stdout, output.status.signal())
}

#[test]
fn the_second_ctrl_c_takes_the_default_action_even_before_the_loop_saw_the_first() {
    let (stdout, signal) = run_child("second ctrl-c");
    assert_eq!(signal, Some(SIGINT), "{stdout}");
    assert!(stdout.contains("the first Ctrl-C was taken"), "{stdout}");
    assert!(!stdout.contains("still alive"), "{stdout}");
}

#[test]
fn after_ctrl_c_is_dropped_ctrl_c_ends_the_process_again() {
    let (stdout, signal) = run_child("after ctrl-c");
    assert_eq!(signal, Some(SIGINT), "{stdout}");
    assert!(stdout.contains("dropped"), "{stdout}");
    assert!(!stdout.contains("still alive"), "{stdout}");
}

#[test]
fn the_default_action_is_back_when_the_last_listener_goes() {
    let (stdout, signal) = run_child("after signals");
    assert_eq!(signal, Some(SIGTERM), "{stdout}");
    assert!(stdout.contains("one listener is left"), "{stdout}");
    assert!(!stdout.contains("still alive"), "{stdout}");
}
