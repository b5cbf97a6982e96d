//! The exercises of lesson 15, debug mode.

use std::time::Duration;

use grade::Exercise;

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![find_the_blocker()]
}

/// Lesson 15: the output looks right; debug mode names the task whose poll blocked the loop.
fn find_the_blocker() -> Exercise {
    Exercise::new(
        "15a",
        "exercise-15a",
        "Three tasks, one blocks the loop: find it with debug mode",
    )
    .chapter(
        r#"Lesson 15 · Debug mode, "Finding the culprit""#,
        "lessons/15-debug-mode.md#finding-the-culprit",
    )
    .hint(
        "Run AIO_CLOCK=virtual AIO_DEBUG=1 cargo run -p exercise-15a: it names the task \
         'thumbnails'. One poll is the code between two .awaits: after download(..).await, \
         shrink runs, and deep inside it scale_down holds the thread for 0.3 s. Send it to \
         the blocking pool and await it: aio::to_thread(move || shrink(&image)).await.",
    )
    .output(expected!("15a-find-the-blocker"))
    .no_slow_poll()
    .loop_time(
        Duration::from_secs(2),
        "the back office took {took} of loop time; with its three tasks running at the \
         same time it takes {expected}, the price updates' 8 ticks. Start the three tasks \
         first, then await them.",
    )
    .in_flight_at_least(3)
}
