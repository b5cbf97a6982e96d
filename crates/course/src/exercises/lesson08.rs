//! The exercises of lesson 08, timeouts and cancellation.

use grade::Exercise;

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![late_task()]
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
