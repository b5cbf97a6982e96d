//! Trace (`AIO_TRACE=1`, `Builder::trace`): one line per loop event, in the order they happen.
//!
//! Most checks collect the lines through `Builder::trace_to` in virtual time, where a trace is
//! exact. The environment variable is checked in a child process, as debug mode's tests do.

use std::process::Command;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod common;
use common::ms;

// ANCHOR: traced
/// Runs `future` in virtual time with trace on, and returns its output and the trace lines.
/// `on_line` sees each line as it is written (to act when the loop reaches a point).
fn traced<F: std::future::Future>(
    on_line: impl Fn(&str) + Send + Sync + 'static,
    future: F,
) -> (F::Output, Vec<String>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let collect = lines.clone();
    let output = aio::Builder::new()
        .clock(aio::ClockKind::Virtual)
        .trace_to(move |line| {
            collect.lock().unwrap().push(line.to_string());
            on_line(line);
        })
        .run(future);
    let lines = lines.lock().unwrap().clone();
    (output, lines)
}
// ANCHOR_END: traced

/// The lines without their `aio trace: t=...s ` prefix, for traces that wait for real things
/// (then the virtual clock moves with real time too).
fn untimed(lines: &[String]) -> Vec<&str> {
    lines
        .iter()
        .map(|line| {
            let rest = line.strip_prefix("aio trace: t=").expect("a trace line");
            rest.split_once("s ").expect("a time, then the event").1
        })
        .collect()
}

// ANCHOR: sleeping_task
#[test]
fn a_sleeping_task_is_traced_from_spawn_to_done() {
    let (_, lines) = traced(|_| {}, async {
        let napper = aio::spawn_named("napper", async {
            aio::sleep(ms(1500)).await;
            7
        });
        assert_eq!(napper.await.unwrap(), 7);
    });
    // The task: its number in the run, its name and where it was spawned.
    let napper = lines[2]
        .strip_prefix("aio trace: t=0.000s spawn  ")
        .unwrap_or("");
    assert!(
        napper.starts_with("task #1 'napper' (spawned at crates/aio/tests/trace.rs:"),
        "{lines:#?}"
    );
    let expected = [
        "aio trace: t=0.000s start  a loop on the virtual clock".to_string(),
        "aio trace: t=0.000s poll   the main future".to_string(),
        format!("aio trace: t=0.000s spawn  {napper}"),
        format!("aio trace: t=0.000s poll   {napper}"),
        // Set during the poll above: the napper's own timer.
        "aio trace: t=0.000s timer  due at t=1.500s".to_string(),
        "aio trace: t=0.000s jump   to t=1.500s: only timers are left to wait for".to_string(),
        "aio trace: t=1.500s fire   1 timer".to_string(),
        format!("aio trace: t=1.500s poll   {napper}"),
        format!("aio trace: t=1.500s done   {napper}"),
        "aio trace: t=1.500s poll   the main future".to_string(),
        "aio trace: t=1.500s done   the main future".to_string(),
        "aio trace: t=1.500s end    no task left running".to_string(),
    ];
    assert_eq!(lines, expected, "{lines:#?}");
}
// ANCHOR_END: sleeping_task

#[test]
fn timers_due_together_fire_in_one_line_and_unnamed_tasks_are_named_by_number_and_birthplace() {
    let (_, lines) = traced(|_| {}, async {
        let tasks: Vec<_> = (0..3).map(|_| aio::spawn(aio::sleep(ms(250)))).collect();
        for task in tasks {
            task.await.unwrap();
        }
    });
    let fired: Vec<&String> = lines.iter().filter(|l| l.contains(" fire ")).collect();
    assert_eq!(fired, ["aio trace: t=0.250s fire   3 timers"]);
    let spawned = lines.iter().filter(|l| l.contains(" spawn ")).count();
    assert_eq!(spawned, 3, "{lines:#?}");
    // Spawned at the same place, told apart by their numbers.
    for (i, n) in [(2, 1), (3, 2), (4, 3)] {
        let spawn =
            format!("aio trace: t=0.000s spawn  task #{n} spawned at crates/aio/tests/trace.rs:");
        assert!(lines[i].starts_with(&spawn), "{lines:#?}");
    }
    let done: Vec<&str> = (lines.iter())
        .filter_map(|l| l.strip_prefix("aio trace: t=0.250s done   task #"))
        .map(|rest| &rest[..1])
        .collect();
    assert_eq!(done, ["1", "2", "3"], "{lines:#?}");
    let timers = lines
        .iter()
        .filter(|l| l.contains(" timer  due at t=0.250s"))
        .count();
    assert_eq!(timers, 3, "{lines:#?}");
}

#[test]
fn a_panicking_task_is_traced_as_done_with_its_panic() {
    let (_, lines) = traced(|_| {}, async {
        let task = aio::spawn_named("doomed", async { panic!("on purpose") });
        assert!(task.await.unwrap_err().is_panic());
    });
    assert!(
        (lines.iter()).any(
            |l| l.starts_with("aio trace: t=0.000s done   task #1 'doomed'")
                && l.ends_with(" (panicked)")
        ),
        "{lines:#?}"
    );
}

#[test]
fn waiting_for_a_blocking_job_parks_the_loop_until_a_waker_notifies_it() {
    // The job finishes only once the loop has said it parks: the wake must come by notify().
    let (parked_tx, parked_rx) = mpsc::channel();
    let parked_tx = Mutex::new(parked_tx);
    let (answer, lines) = traced(
        move |line| {
            if line.contains(" park ") {
                let _ = parked_tx.lock().unwrap().send(());
            }
        },
        async move {
            let job = aio::run_in_executor(move || {
                // Not forever: without a park line, the test fails instead of hanging.
                let _ = parked_rx.recv_timeout(Duration::from_secs(5));
                42
            });
            job.await
        },
    );
    assert_eq!(answer, 42);
    assert_eq!(
        untimed(&lines),
        [
            "start  a loop on the virtual clock",
            "poll   the main future",
            "park   until a socket or a waker wakes it",
            "wake   notified by a waker",
            "poll   the main future",
            "done   the main future",
            "end    no task left running",
        ]
    );
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot run a TCP listener (see .ci/miri.sh)")]
fn a_connection_wakes_the_parked_loop_with_a_socket_event() {
    // A client thread connects only once the loop has said it parks.
    let (addr_tx, addr_rx) = mpsc::channel();
    let (parked_tx, parked_rx) = mpsc::channel();
    let parked_tx = Mutex::new(parked_tx);
    let client = std::thread::spawn(move || {
        let addr = addr_rx.recv().unwrap();
        let _ = parked_rx.recv_timeout(Duration::from_secs(5));
        std::net::TcpStream::connect(addr).unwrap()
    });
    let (_, lines) = traced(
        move |line| {
            if line.contains(" park ") {
                let _ = parked_tx.lock().unwrap().send(());
            }
        },
        async move {
            let listener = aio::TcpListener::bind("127.0.0.1:0").unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            listener.accept().await.unwrap();
        },
    );
    drop(client.join().unwrap());
    assert_eq!(
        untimed(&lines),
        [
            "start  a loop on the virtual clock",
            "poll   the main future",
            "park   until a socket or a waker wakes it",
            "wake   1 socket event",
            "poll   the main future",
            "done   the main future",
            "end    no task left running",
        ]
    );
}

#[test]
fn with_a_job_in_flight_the_loop_parks_until_the_nearest_timer_at_most() {
    // A blocking job keeps virtual time from jumping: the loop parks until the timer (2 ms, in
    // real time too), wakes on the timeout, fires the timer, then lets the job finish.
    let (fired_tx, fired_rx) = mpsc::channel();
    let fired_tx = Mutex::new(fired_tx);
    let (_, lines) = traced(
        move |line| {
            if line.contains(" fire ") {
                let _ = fired_tx.lock().unwrap().send(());
            }
        },
        async move {
            let job = aio::run_in_executor(move || fired_rx.recv_timeout(Duration::from_secs(5)));
            aio::sleep(ms(2)).await;
            job.await.expect("the job saw the `fire` line");
        },
    );
    let events = untimed(&lines);
    let position = |event: &str| {
        (events.iter().position(|e| *e == event)).unwrap_or_else(|| panic!("{event}: {events:#?}"))
    };
    let parked = position("park   for at most 0.002s");
    let woke = position("wake   timeout");
    let fired = position("fire   1 timer");
    assert!(parked < woke && woke < fired, "{events:#?}");
}

#[test]
fn the_start_line_names_the_clock() {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let collect = lines.clone();
    aio::Builder::new()
        .trace_to(move |line| collect.lock().unwrap().push(line.to_string()))
        .run(async {});
    let lines = lines.lock().unwrap();
    assert_eq!(untimed(&lines)[0], "start  a loop on the real clock");
}

#[test]
fn trace_is_off_unless_switched_on() {
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let collect = lines.clone();
    aio::Builder::new()
        .clock(aio::ClockKind::Virtual)
        .trace_to(move |line| collect.lock().unwrap().push(line.to_string()))
        .trace(false)
        .run(async {
            aio::spawn(aio::sleep(Duration::from_secs(1)))
                .await
                .unwrap();
        });
    assert!(lines.lock().unwrap().is_empty());
}

/// The stderr of the ignored test `child_sleeps`, run in a new process with `AIO_TRACE`
/// set to `value` (unset if `None`).
fn stderr_of_child(value: Option<&str>) -> String {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["child_sleeps", "--exact", "--ignored", "--nocapture"])
        .env("AIO_CLOCK", "virtual");
    match value {
        Some(value) => command.env("AIO_TRACE", value),
        None => command.env_remove("AIO_TRACE"),
    };
    let output = lesson_check::run(&mut command);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "the child failed:\n{stderr}");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("1 passed"),
        "the child test did not run"
    );
    stderr
}

#[test]
#[ignore = "run in a child process by the AIO_TRACE tests"]
fn child_sleeps() {
    aio::run(aio::sleep(Duration::from_secs(2)));
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot start a child process")]
fn aio_trace_1_writes_the_trace_to_stderr() {
    let stderr = stderr_of_child(Some("1"));
    let trace: Vec<&str> = (stderr.lines())
        .filter(|line| line.starts_with("aio trace:"))
        .collect();
    assert_eq!(
        trace,
        [
            "aio trace: t=0.000s start  a loop on the virtual clock",
            "aio trace: t=0.000s poll   the main future",
            "aio trace: t=0.000s timer  due at t=2.000s",
            "aio trace: t=0.000s jump   to t=2.000s: only timers are left to wait for",
            "aio trace: t=2.000s fire   1 timer",
            "aio trace: t=2.000s poll   the main future",
            "aio trace: t=2.000s done   the main future",
            "aio trace: t=2.000s end    no task left running",
        ],
        "{stderr}"
    );
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot start a child process")]
fn aio_trace_unset_or_0_writes_nothing() {
    for value in [None, Some("0")] {
        let stderr = stderr_of_child(value);
        assert!(
            !stderr.contains("aio trace:"),
            "AIO_TRACE={value:?}:\n{stderr}"
        );
    }
}

#[test]
#[should_panic(expected = "AIO_TRACE=\"yes\" is not understood")]
fn a_bad_trace_value_is_refused_with_advice() {
    // Only this test reads the variable it sets; the others run children or use the Builder.
    std::env::set_var("AIO_TRACE", "yes");
    let builder = std::panic::catch_unwind(aio::Builder::from_env);
    std::env::remove_var("AIO_TRACE");
    if let Err(payload) = builder {
        std::panic::resume_unwind(payload);
    }
}

#[test]
fn a_cancelled_task_and_the_tasks_left_running_when_run_returns_are_traced() {
    let (_, lines) = traced(|_| {}, async {
        let doomed = aio::spawn_named("doomed", aio::sleep(ms(1000)));
        let _left = aio::spawn_named("left", aio::sleep(ms(1000)));
        aio::sleep(ms(10)).await;
        assert!(doomed.cancel());
        assert!(!doomed.cancel(), "a second cancel finds nothing to cancel");
    });
    let events: Vec<&str> = lines
        .iter()
        .filter_map(|line| line.split_once("s ").map(|(_, rest)| rest))
        .filter(|rest| rest.starts_with("cancel") || rest.starts_with("end"))
        .collect();
    assert_eq!(events.len(), 2, "{lines:#?}");
    assert!(
        events[0].starts_with("cancel task #1 'doomed' (spawned at "),
        "{lines:#?}"
    );
    assert_eq!(
        events[1], "end    1 task still running is cancelled",
        "{lines:#?}"
    );
    assert!(lines[lines.len() - 1].starts_with("aio trace: t=0.010s end "));
}

#[test]
fn each_run_numbers_its_tasks_from_1_and_a_reused_slot_gets_a_new_number() {
    for _ in 0..2 {
        let (_, lines) = traced(|_| {}, async {
            aio::spawn(aio::yield_now()).await.unwrap(); // Its slot is free again,
            aio::spawn(aio::yield_now()).await.unwrap(); // and this task takes it.
        });
        let numbers: Vec<&str> = (lines.iter())
            .filter_map(|l| l.strip_prefix("aio trace: t=0.000s spawn  task #"))
            .map(|rest| rest.split(' ').next().unwrap())
            .collect();
        assert_eq!(numbers, ["1", "2"], "{lines:#?}");
    }
}
