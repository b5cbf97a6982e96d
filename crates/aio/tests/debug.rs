//! Debug mode (`AIO_DEBUG`): a task that blocks the loop is named on stderr; a task that
//! behaves is not.
//!
//! Debug mode is switched on by an environment variable and reports on stderr, so each check
//! runs a small program in a child process: this test binary itself, asked to run one of the
//! `child_*` tests below (ignored in a normal run), with `AIO_DEBUG` set. The parent reads the
//! child's stderr.

use std::process::Command;
use std::thread;
use std::time::Duration;

/// Runs the ignored test `child` in a new process with `AIO_DEBUG=debug` (unset if `None`)
/// and returns its stderr.
fn stderr_of_child(child: &str, debug: Option<&str>) -> String {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([
            child,
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("AIO_CLOCK", "virtual");
    match debug {
        Some(value) => command.env("AIO_DEBUG", value),
        None => command.env_remove("AIO_DEBUG"),
    };
    let output = lesson_check::run(&mut command);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        output.status.success(),
        "child {child} failed:\n{stderr}\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("1 passed"),
        "the child test {child} did not run"
    );
    stderr
}

fn reports(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|line| line.starts_with("aio debug:"))
        .collect()
}

/// A task that behaves: it only ever waits at `.await`s.
async fn well_behaved() {
    for _ in 0..10 {
        aio::sleep(Duration::from_millis(50)).await;
        aio::yield_now().await;
    }
}

#[test]
#[ignore = "run in a child process by the debug-mode tests"]
fn child_one_blocking_task() {
    aio::run(async {
        let good = aio::spawn_named("heartbeat", well_behaved());
        let bad = aio::spawn_named("loader", async {
            aio::sleep(Duration::from_millis(20)).await;
            thread::sleep(Duration::from_millis(40)); // Blocks the loop.
        });
        bad.await.unwrap();
        good.await.unwrap();
    });
}

#[test]
#[ignore = "run in a child process by the debug-mode tests"]
fn child_unnamed_blocking_task() {
    aio::run(async {
        aio::spawn(async { thread::sleep(Duration::from_millis(40)) })
            .await
            .unwrap();
    });
}

#[test]
#[ignore = "run in a child process by the debug-mode tests"]
fn child_blocking_main_future() {
    aio::run(async { thread::sleep(Duration::from_millis(40)) });
}

#[test]
#[ignore = "run in a child process by the debug-mode tests"]
fn child_only_well_behaved_tasks() {
    aio::run(async {
        let tasks: Vec<_> = (0..5).map(|_| aio::spawn(well_behaved())).collect();
        // Blocking work offloaded properly does not count against the loop.
        aio::run_in_executor(|| thread::sleep(Duration::from_millis(40))).await;
        for task in tasks {
            task.await.unwrap();
        }
    });
}

#[test]
#[ignore = "run in a child process by the debug-mode tests"]
fn child_blocking_calls_from_a_thread() {
    aio::run(async {
        let handle = aio::get_running_loop();
        let (done, finished) = futures::channel::oneshot::channel();
        let sensor = thread::Builder::new().name("sensor".into());
        let sensor = sensor
            .spawn(move || {
                handle
                    .call_soon_threadsafe(|| thread::sleep(Duration::from_millis(40)))
                    .unwrap();
                let coroutine = handle.run_coroutine_threadsafe(async {
                    thread::sleep(Duration::from_millis(40)); // Blocks the loop.
                });
                coroutine.wait().unwrap();
                done.send(()).unwrap();
            })
            .unwrap();
        finished.await.unwrap();
        aio::to_thread(move || sensor.join().unwrap()).await;
    });
}

#[test]
fn debug_mode_names_the_thread_that_sent_a_blocking_call() {
    let stderr = stderr_of_child("child_blocking_calls_from_a_thread", Some("25"));
    let found = reports(&stderr);
    assert_eq!(found.len(), 2, "expected two reports, got:\n{stderr}");
    assert!(
        found[0].contains(
            "task 'call_soon_threadsafe from thread sensor' (spawned at crates/aio/tests/debug.rs:"
        ),
        "{}",
        found[0]
    );
    assert!(
        found[1].contains("task 'run_coroutine_threadsafe from thread sensor' (spawned at"),
        "{}",
        found[1]
    );
    // Without debug mode, nothing is reported (and no thread name is looked up).
    let quiet = stderr_of_child("child_blocking_calls_from_a_thread", None);
    assert!(reports(&quiet).is_empty(), "{quiet}");
}

#[test]
fn debug_mode_names_the_blocking_task_and_how_long_it_blocked() {
    let stderr = stderr_of_child("child_one_blocking_task", Some("25"));
    let reports = reports(&stderr);
    assert_eq!(reports.len(), 1, "expected one report, got:\n{stderr}");
    let report = reports[0];
    assert!(
        report.contains("task 'loader' (spawned at crates/aio/tests/debug.rs:"),
        "the report does not name the task and where it was spawned: {report}"
    );
    let ms: u64 = report
        .split("blocked the loop for ")
        .nth(1)
        .and_then(|rest| rest.split(" ms").next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no duration in: {report}"));
    assert!(ms >= 40, "it blocked 40 ms, the report says {ms} ms");
    assert!(
        !stderr.contains("heartbeat"),
        "a well-behaved task was reported"
    );
}

#[test]
fn an_unnamed_task_is_named_by_where_it_was_spawned() {
    let stderr = stderr_of_child("child_unnamed_blocking_task", Some("25"));
    let reports = reports(&stderr);
    assert_eq!(reports.len(), 1, "expected one report, got:\n{stderr}");
    assert!(
        reports[0].contains("task spawned at crates/aio/tests/debug.rs:"),
        "{}",
        reports[0]
    );
}

#[test]
fn the_main_future_is_reported_too() {
    let stderr = stderr_of_child("child_blocking_main_future", Some("25"));
    let reports = reports(&stderr);
    assert_eq!(reports.len(), 1, "expected one report, got:\n{stderr}");
    assert!(reports[0].contains("the main future"), "{}", reports[0]);
}

#[test]
fn debug_mode_stays_quiet_for_well_behaved_tasks() {
    // The default threshold (100 ms): what `AIO_DEBUG=1` users get.
    let stderr = stderr_of_child("child_only_well_behaved_tasks", Some("1"));
    assert!(reports(&stderr).is_empty(), "unexpected reports:\n{stderr}");
}

#[test]
fn debug_mode_is_off_by_default() {
    let stderr = stderr_of_child("child_one_blocking_task", None);
    assert!(
        reports(&stderr).is_empty(),
        "reported with debug mode off:\n{stderr}"
    );
    let stderr = stderr_of_child("child_one_blocking_task", Some("0"));
    assert!(
        reports(&stderr).is_empty(),
        "AIO_DEBUG=0 did not turn it off:\n{stderr}"
    );
}

#[test]
#[should_panic(expected = "AIO_DEBUG=\"yes\" is not understood")]
fn a_bad_debug_value_is_refused_with_advice() {
    // Only this test reads the variable it sets; the others run children.
    std::env::set_var("AIO_DEBUG", "yes");
    let builder = std::panic::catch_unwind(aio::Builder::from_env);
    std::env::remove_var("AIO_DEBUG");
    if let Err(payload) = builder {
        std::panic::resume_unwind(payload);
    }
}
