//! The exercises, in the order a student meets them, each with its grader.
//!
//! To add one: a package `exercises/NNx-topic/` (copy one: `src/main.rs` is the starting
//! point, `solution/main.rs` the solution, `expected.txt` the exact output), then a function
//! below, and its place in [`all`]. `cargo course verify NNx` checks that its starting point
//! fails and its solution passes. The book's page "Exercises" says more.

use std::time::Duration;

use grade::Exercise;

/// The exact output an exercise must print: `exercises/{folder}/expected.txt`, compiled in.
macro_rules! expected {
    ($folder:literal) => {
        include_str!(concat!("../../../exercises/", $folder, "/expected.txt"))
    };
}

/// Every exercise, in order.
pub fn all() -> Vec<Exercise> {
    vec![countdown(), downloads(), forgotten_task(), late_task()]
}

/// Lesson 01: awaiting a sleep gives the loop back; `std::thread::sleep` blocks it.
fn countdown() -> Exercise {
    Exercise::new(
        "01a",
        "exercise-01a",
        "A countdown that waits without blocking the loop",
    )
    .chapter(
        r#"Lesson 01 · Hello, sleep, "In Rust""#,
        "lessons/01-hello-sleep.md#in-rust",
    )
    .hint(
        "Replace std::thread::sleep(d) with aio::sleep(d).await: it suspends the \
         countdown and lets the loop wait, as `hello` does in lesson 01. In Python: \
         await asyncio.sleep(0.5) instead of time.sleep(0.5).",
    )
    .output(expected!("01a-hello-sleep"))
    .loop_time(
        Duration::from_millis(1500),
        "your countdown took {took} on the loop's clock; it should take {expected}. \
         Its waits never reached the loop: std::thread::sleep blocks the thread without \
         telling the loop, and an aio::sleep(..) that is not .awaited never runs (a \
         future does nothing until it is awaited).",
    )
    .no_slow_poll()
    .python("exercise.py")
}

// ANCHOR: downloads
/// Lesson 03: tasks overlap their waits; awaits in a row add them up.
fn downloads() -> Exercise {
    Exercise::new(
        "03a",
        "exercise-03a",
        "Three downloads run as tasks, so that they overlap",
    )
    .chapter(
        r#"Lesson 03 · Tasks, "In Rust""#,
        "lessons/03-tasks.md#in-rust",
    )
    .hint(
        "aio::spawn each download first and keep the three handles \
         (let a = aio::spawn(download(start, \"a\", 1));), then await the handles \
         (a.await.unwrap()). In Python: asyncio.create_task, then await each task.",
    )
    .output(expected!("03a-tasks"))
    .loop_time(
        Duration::from_secs(3),
        "your three downloads took {took} of loop time, the sum of their waits; \
         overlapped, they take as long as the longest, {expected}.",
    )
    .in_flight_at_least(3)
    .python("exercise.py")
}
// ANCHOR_END: downloads

/// Lesson 03: `aio::run` cancels the tasks still running when its future returns.
fn forgotten_task() -> Exercise {
    Exercise::new("03b", "exercise-03b", "A task that main must not forget")
        .chapter(
            r#"Lesson 03 · Tasks, "What to notice""#,
            "lessons/03-tasks.md#what-to-notice",
        )
        .hint(
            "Keep the handle aio::spawn returns (let saving = aio::spawn(save(start));) \
             and await it (saving.await.unwrap()) once the window is closed, before `bye`. \
             In Python: await the task.",
        )
        .output(expected!("03b-leftover-task"))
        .loop_time(
            Duration::from_secs(2),
            "the editor took {took} of loop time; saving while the window fades out, then \
             waiting for the save to end, takes {expected}.",
        )
        .no_task_left_running()
        .python("exercise.py")
}

/// Lesson 08: a timeout on a lent task handle does not stop the task; `cancel` does.
fn late_task() -> Exercise {
    Exercise::new(
        "08a",
        "exercise-08a",
        "A task that takes too long is cancelled",
    )
    .chapter(
        r#"Lesson 08 · Timeouts and cancellation, "What to notice""#,
        "lessons/08-timeouts-and-cancellation.md#what-to-notice",
    )
    .hint(
        "When the time is up (the Err arm), call report.cancel() before printing: it \
         drops the task's future now, and with it the connection. In Python: \
         report.cancel(), then await report inside try/except asyncio.CancelledError.",
    )
    .output(expected!("08a-timeouts"))
    .cancelled_at_least(1)
    .no_task_left_running()
    .python("exercise.py")
}
