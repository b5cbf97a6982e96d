//! Each check passes a run that does the right thing and fails one that does not, with a
//! message that says what it saw. The traces come from aio itself (`Builder::trace_to`), so a
//! change in aio's trace format fails here first.

use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use grade::{Ended, Exercise, Language, Mark, Run};

/// The trace of `future` run on a virtual-time loop, as stderr would hold it.
fn trace_of<F: std::future::Future>(future: F) -> String {
    let lines = Arc::new(Mutex::new(String::new()));
    let sink = lines.clone();
    aio::Builder::new()
        .clock(aio::ClockKind::Virtual)
        .trace_to(move |line| {
            let mut lines = sink.lock().unwrap();
            lines.push_str(line);
            lines.push('\n');
        })
        .run(future);
    let lines = lines.lock().unwrap();
    lines.clone()
}

fn exited(code: i32) -> Ended {
    Ended::Exited(ExitStatus::from_raw(code << 8))
}

fn rust_run(stdout: &str, stderr: &str) -> Run {
    Run::parse(Language::Rust, stdout.into(), stderr.into(), exited(0))
}

async fn download(seconds: u64) {
    aio::sleep(Duration::from_secs(seconds)).await;
}

/// Three downloads of 1, 2 and 3 s, awaited in a row.
fn in_a_row() -> String {
    trace_of(async {
        for seconds in [1, 2, 3] {
            download(seconds).await;
        }
    })
}

/// The same three, as tasks.
fn as_tasks() -> String {
    trace_of(async {
        let tasks: Vec<_> = [1, 2, 3].map(|s| aio::spawn(download(s))).into();
        for task in tasks {
            task.await.unwrap();
        }
    })
}

/// A task spawned and forgotten: `run` cancels it when main returns.
fn forgotten() -> String {
    trace_of(async {
        aio::spawn(download(2));
        download(1).await;
    })
}

/// The message of the check named `check`, or a panic if it did not fail.
fn failure(grader: &Exercise, run: &Run, check: &str) -> String {
    let verdict = grader.judge(run);
    let outcome = (verdict.outcomes.iter())
        .find(|o| o.check == check)
        .unwrap_or_else(|| panic!("no check {check:?} in {verdict:?}"));
    match &outcome.mark {
        Mark::Fail(message) => message.clone(),
        mark => panic!("{check} should have failed, but: {mark:?}\n{verdict}"),
    }
}

fn passes(grader: &Exercise, run: &Run) {
    let verdict = grader.judge(run);
    assert!(verdict.passed(), "{verdict}");
}

#[test]
fn a_trace_line_is_read_into_its_time_event_and_who() {
    let event = grade::parse_trace_line(
        "aio trace: t=1.500s poll   task #12 'saver' (spawned at src/main.rs:12:5)",
    )
    .unwrap();
    assert_eq!(event.time, Duration::from_millis(1500));
    assert_eq!(event.event, "poll");
    assert_eq!(event.who, "task #12 'saver' (spawned at src/main.rs:12:5)");
    assert_eq!(event.task, Some(12));
    let main = grade::parse_trace_line("aio trace: t=0.000s done   the main future").unwrap();
    assert_eq!((main.who.as_str(), main.task), ("the main future", None));
    let end = grade::parse_trace_line("aio trace: t=12.000s end    no task left running").unwrap();
    assert_eq!(
        (end.time, end.event.as_str()),
        (Duration::from_secs(12), "end")
    );
    assert_eq!(end.who, "no task left running");
    assert_eq!(grade::parse_trace_line("[1.0s] done  a"), None);
    assert_eq!(grade::parse_trace_line("aio trace: t=1.5s poll x"), None);
}

#[test]
fn the_loop_time_adds_up_the_runs_and_tasks_in_flight_are_counted() {
    let run = rust_run("", &in_a_row());
    assert_eq!(run.loop_time(), Some(Duration::from_secs(6)));
    assert_eq!(run.most_in_flight(), 0, "the main future is not a task");
    let two_runs = format!("{}{}", in_a_row(), as_tasks());
    let run = rust_run("", &two_runs);
    assert_eq!(run.loop_time(), Some(Duration::from_secs(9)));
    assert_eq!(run.most_in_flight(), 3);
    assert_eq!(run.left_running(), Some(vec![]));
    assert_eq!(rust_run("", "").loop_time(), None);
}

#[test]
fn the_output_check_shows_a_line_diff() {
    let grader = Exercise::new("x", "x", "x").output("a\nb\nc\n");
    passes(&grader, &rust_run("a\nb\nc\n", ""));
    let message = failure(&grader, &rust_run("a\nB\nc\nd\n", ""), "output");
    assert!(
        message.starts_with(
            "it printed something else than expected.txt. Line 2: expected \"b\", printed \
             \"B\". In all, 1 expected line not printed, 2 printed lines not expected:"
        ),
        "{message}"
    );
    assert!(
        message.contains("    a\n  - b\n  + B\n    c\n  + d"),
        "{message}"
    );
    let message = failure(&grader, &rust_run("a\nb\n", ""), "output");
    assert!(
        message.contains("Line 3: expected \"c\", printed nothing."),
        "{message}"
    );
    let message = failure(&grader, &rust_run("a\nb\nc", ""), "output");
    assert!(message.contains("line ending at the end"), "{message}");
}

#[test]
fn the_loop_time_check_says_what_it_took_and_what_it_should() {
    let grader = Exercise::new("x", "x", "x").loop_time(
        Duration::from_secs(3),
        "your downloads took {took}; overlapped they take {expected}",
    );
    passes(&grader, &rust_run("", &as_tasks()));
    let message = failure(&grader, &rust_run("", &in_a_row()), "loop time");
    assert_eq!(
        message,
        "your downloads took 6.0 s; overlapped they take 3.0 s \
         (loop time: 3.0 s expected, 6.0 s taken)"
    );
    let message = failure(&grader, &rust_run("", ""), "loop time");
    assert!(message.contains("printed no trace"), "{message}");
}

#[test]
fn the_in_flight_checks_count_spawned_tasks_not_yet_done() {
    let at_least = Exercise::new("x", "x", "x").in_flight_at_least(3);
    passes(&at_least, &rust_run("", &as_tasks()));
    let message = failure(&at_least, &rust_run("", &in_a_row()), "tasks in flight");
    assert!(
        message.starts_with("the most tasks in flight at once was 0; this exercise wants 3 tasks"),
        "{message}"
    );
    let at_most = Exercise::new("x", "x", "x").in_flight_at_most(2);
    passes(&at_most, &rust_run("", &in_a_row()));
    let message = failure(&at_most, &rust_run("", &as_tasks()), "tasks in flight");
    assert!(
        message.starts_with("3 tasks were in flight at once; the limit is 2"),
        "{message}"
    );
}

#[test]
fn a_task_left_running_is_named() {
    let grader = Exercise::new("x", "x", "x").no_task_left_running();
    passes(&grader, &rust_run("", &as_tasks()));
    let message = failure(&grader, &rust_run("", &forgotten()), "no task left running");
    assert!(
        message.starts_with(
            "when aio::run returned, 1 task was still running, and run cancelled it: \
             task #1 spawned at crates/grade/tests/checks.rs:"
        ),
        "{message}"
    );
    // No `end` line: run never returned.
    let cut = forgotten().replace(" end ", " (cut) ");
    let message = failure(&grader, &rust_run("", &cut), "no task left running");
    assert!(message.starts_with("aio::run never returned"), "{message}");
}

#[test]
fn of_tasks_spawned_at_the_same_place_the_one_left_running_is_named_by_its_number() {
    let trace = trace_of(async {
        let mut tasks: Vec<_> = [3, 1]
            .into_iter()
            .map(|s| aio::spawn(download(s)))
            .collect();
        tasks.pop().unwrap().await.unwrap(); // The second one (1 s); the first is left.
    });
    let left = rust_run("", &trace).left_running().unwrap();
    assert_eq!(left.len(), 1, "{trace}");
    assert!(
        left[0].starts_with("task #1 spawned at "),
        "{left:?}\n{trace}"
    );
}

#[test]
fn a_cancelled_task_is_counted_from_its_cancel_line() {
    let grader = Exercise::new("x", "x", "x").cancelled_at_least(1);
    let cancelled = trace_of(async {
        let task = aio::spawn(download(5));
        download(1).await;
        task.cancel();
    });
    passes(&grader, &rust_run("", &cancelled));
    // Cancelled by `run` as it returned is not cancelled by the program.
    let message = failure(&grader, &rust_run("", &forgotten()), "tasks cancelled");
    assert!(
        message.starts_with("no task was cancelled; this exercise wants 1"),
        "{message}"
    );
}

#[test]
fn slow_polls_reported_by_debug_mode_are_counted_by_task() {
    let grader = Exercise::new("x", "x", "x").no_slow_poll();
    passes(&grader, &rust_run("", &as_tasks()));
    let report = "aio debug: the main future (given to aio::run) blocked the loop for 501 ms \
                  in one poll.\n  No other task could run meanwhile: …\n";
    let message = failure(&grader, &rust_run("", &report.repeat(3)), "no slow poll");
    assert!(
        message.starts_with(
            "debug mode saw polls that blocked the loop for longer than 250 ms: the main \
             future (given to aio::run), 3 times."
        ),
        "{message}"
    );
    // Debug mode is on only for a grader that needs it.
    let command = grader.command("exe".as_ref());
    let debug = command.get_envs().find(|(k, _)| *k == "AIO_DEBUG");
    assert_eq!(debug, Some(("AIO_DEBUG".as_ref(), Some("250".as_ref()))));
    let command = Exercise::new("x", "x", "x").command("exe".as_ref());
    let debug = command.get_envs().find(|(k, _)| *k == "AIO_DEBUG");
    assert_eq!(debug, Some(("AIO_DEBUG".as_ref(), None)), "removed");
}

#[test]
fn checks_of_ones_own_see_the_run() {
    let grader = Exercise::new("x", "x", "x")
        .check("says bye", |run| match run.stdout.ends_with("bye\n") {
            true => Ok(()),
            false => Err("it should say bye last".into()),
        })
        .check_trace("polls", |run| match run.trace.len() {
            0 => Err("no trace".into()),
            _ => Ok(()),
        });
    passes(&grader, &rust_run("hello\nbye\n", &as_tasks()));
    assert_eq!(
        failure(&grader, &rust_run("bye\nhello\n", &as_tasks()), "says bye"),
        "it should say bye last"
    );
    assert_eq!(
        failure(&grader, &rust_run("bye\n", ""), "polls"),
        "no trace"
    );
}

#[test]
fn a_failed_or_stuck_program_says_how_it_ended_and_what_it_printed_last() {
    let grader = Exercise::new("x", "x", "x").output("done\n");
    let stderr = format!(
        "{}thread 'main' panicked at src/main.rs:3:5:\nboom\n",
        in_a_row()
    );
    let run = Run::parse(Language::Rust, "".into(), stderr, exited(101));
    let message = failure(&grader, &run, "runs to the end");
    assert!(
        message.ends_with(
            "it failed (exit status: 101). What it printed on stderr last:\n  \
             thread 'main' panicked at src/main.rs:3:5:\n  boom"
        ),
        "{message}"
    );
    assert!(!message.contains("aio trace"), "{message}");
    // Cut short, its other checks are not run: the output so far says nothing.
    let stuck = Ended::Expired {
        after: Duration::from_secs(20),
        how: "killed".into(),
    };
    let many: String = (1..=20).map(|n| format!("tick {n}\n")).collect();
    let run = Run::parse(Language::Rust, many, "".into(), stuck);
    let verdict = grader.judge(&run);
    assert_eq!(verdict.outcomes.len(), 1, "{verdict}");
    let message = failure(&grader, &run, "runs to the end");
    assert!(
        message.starts_with("it was still running after 20 s of real time"),
        "{message}"
    );
    assert!(
        message.ends_with("  (12 lines before these)\n  tick 13\n  tick 14\n  tick 15\n  tick 16\n  tick 17\n  tick 18\n  tick 19\n  tick 20"),
        "{message}"
    );
}

#[test]
fn a_python_program_is_graded_on_what_needs_no_trace() {
    let grader = Exercise::new("x", "x", "x")
        .output("hi\n")
        .loop_time(Duration::from_secs(3), "took {took}")
        .in_flight_at_least(3);
    let run = |stderr: &str| Run::parse(Language::Python, "hi\n".into(), stderr.into(), exited(0));
    let verdict = grader.judge(&run("loop time: 3.000s\n"));
    assert!(verdict.passed(), "{verdict}");
    let not_checked = &verdict.outcomes[3];
    assert_eq!(not_checked.check, "tasks in flight");
    assert!(matches!(not_checked.mark, Mark::NotChecked(_)));
    assert_eq!(
        failure(&grader, &run("loop time: 6.000s\n"), "loop time"),
        "took 6.0 s (loop time: 3.0 s expected, 6.0 s taken)"
    );
}

#[test]
fn a_real_program_runs_in_virtual_time_with_trace_and_within_its_deadline() {
    let dir = std::env::temp_dir().join(format!("grade-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = |name: &str, body: &str| {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    };
    let grader = Exercise::new("x", "x", "x")
        .output("virtual 1\n")
        .deadline(Duration::from_secs(1));
    let says = script("says", r#"echo "$AIO_CLOCK $AIO_TRACE""#);
    assert!(grader.grade(&says).passed());
    let stuck = script("stuck", "echo started; exec sleep 100");
    let run = grader.run(Language::Rust, grader.command(&stuck)).unwrap();
    assert!(matches!(run.ended, Ended::Expired { .. }), "{run:?}");
    let message = failure(&grader, &run, "runs to the end");
    assert!(
        message.ends_with("What it printed last:\n  started"),
        "{message}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
