//! The exercises of lesson 01, hello, sleep.

use std::time::Duration;

use grade::Exercise;

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![countdown()]
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
