//! The exercises of lesson 14, threads vs tasks.

use std::time::Duration;

use grade::Exercise;

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![tasks_not_threads()]
}

/// Lesson 14: waiting needs no thread of its own; a hundred tasks wait on one thread.
fn tasks_not_threads() -> Exercise {
    Exercise::new(
        "14a",
        "exercise-14a",
        "A hundred waiting jobs as tasks, not threads",
    )
    .chapter(
        r#"Lesson 14 · Threads vs tasks, "What to notice""#,
        "lessons/14-threads-vs-tasks.md#what-to-notice",
    )
    .hint(
        "Make ping an async fn whose waits are aio::sleep(PING).await, then in main: \
         let (threads, took) = aio::run(async { let start = aio::now(); spawn one task per \
         host with aio::spawn(ping(host)); gather them with aio::try_gather(..).await; \
         return the thread ids and aio::now() - start }); and report(&threads, took).",
    )
    .output(expected!("14a-tasks-not-threads"))
    .loop_time(
        Duration::from_millis(50),
        "the pings took {took} of loop time; a hundred tasks that wait at the same time \
         take {expected}, one job's five waits. 0.0 s means the waits never reached the \
         loop: thread::sleep inside a task blocks the loop's one thread, so the tasks ran \
         one after another and the loop's clock never moved. Await aio::sleep instead.",
    )
    .in_flight_at_least(100)
}
