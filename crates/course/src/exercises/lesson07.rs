//! The exercises of lesson 07, blocking offload.

use std::time::Duration;

use grade::Exercise;

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![blocking_call()]
}

/// Lesson 07: a blocking call in a task stops every task; the blocking pool keeps them going.
fn blocking_call() -> Exercise {
    Exercise::new(
        "07a",
        "exercise-07a",
        "A blocking database call moved off the loop",
    )
    .chapter(
        r#"Lesson 07 · Blocking work off the loop, "What to notice""#,
        "lessons/07-blocking-offload.md#what-to-notice",
    )
    .hint(
        "In report, replace query_database() with aio::to_thread(query_database).await: the \
         call runs on a thread of the blocking pool, and the task waits at the .await, which \
         frees the loop for the heartbeat. Moving the call into another task does not help: \
         every task runs on the loop's one thread. In Python: \
         await asyncio.to_thread(query_database).",
    )
    .output(expected!("07a-blocking-call"))
    .no_slow_poll()
    .loop_time(
        Duration::from_secs(2),
        "the server took {took} of loop time; the heartbeat's 8 beats take {expected}, and \
         the query should run during them. More than that means the query ran before the \
         heartbeat started or after it ended: while a job is on the blocking pool, the \
         loop's clock follows the wall clock, so 0.5 s of query spent outside the beats \
         adds 0.5 s. Start both tasks first, then await them.",
    )
    .python("exercise.py")
}
