//! The exercises of lesson 17, a pipeline.

use std::time::Duration;

use grade::Exercise;

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![two_stages()]
}

/// Lesson 17: stages joined by a queue work at the same time, each on a different item, and
/// the slowest sets the pace.
fn two_stages() -> Exercise {
    Exercise::new(
        "17a",
        "exercise-17a",
        "Two stages that work at the same time",
    )
    .chapter(
        r#"Lesson 17 · A pipeline, "In Rust""#,
        "lessons/17-pipeline.md#in-rust",
    )
    .hint(
        "Make a Queue::new(2) of Option<String>. Spawn a reader task: for each n, \
         queue.put(Some(read_line(start, n).await)).await, then queue.put(None).await. Spawn a \
         writer task: while let Some(line) = queue.get().await { write_line(start, \
         line).await }. Clone the queue into one of them, then await both handles before \
         printing `copied`.",
    )
    .output(expected!("17a-two-stages"))
    .loop_time(
        Duration::from_millis(3200),
        "the copy took {took} of loop time; as a pipeline it takes {expected}: the first read \
         (0.2 s), then six writes of 0.5 s, the next line being read while one is written. \
         4.2 s is every read, then every write: the stages take turns instead of working at \
         the same time. Hand each line over as soon as it is read, through the queue.",
    )
    .in_flight_at_least(2)
}
