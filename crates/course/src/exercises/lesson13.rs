//! The exercises of lesson 13, queues.

use std::time::Duration;

use grade::Exercise;

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![bounded_queue(), join_workers()]
}

/// Lesson 13: a bounded queue makes a fast producer wait for room (backpressure), so work
/// cannot pile up in memory.
fn bounded_queue() -> Exercise {
    Exercise::new(
        "13a",
        "exercise-13a",
        "A fast producer slowed down by a bounded queue",
    )
    .chapter(
        r#"Lesson 13 · Queues, "What to notice""#,
        "lessons/13-queues.md#what-to-notice",
    )
    .hint(
        "Make the queue with Queue::new(2) instead of Queue::unbounded(): put(..).await then \
         waits while two lines wait, until the shipper takes one. Nothing else changes. In \
         Python: asyncio.Queue(maxsize=2).",
    )
    .output(expected!("13a-bounded-queue"))
    .check("at most 2 lines waiting", |run| {
        let most = (run.stdout.lines())
            .find_map(|line| line.strip_prefix("most lines waiting in the queue: "))
            .and_then(|n| n.trim().parse::<usize>().ok());
        match most {
            Some(n) if n <= 2 => Ok(()),
            Some(n) => Err(format!(
                "{n} lines waited in the queue at once: the app logs five lines in the time \
                 the shipper sends one, and an unbounded queue lets them pile up in memory. A \
                 queue made with Queue::new(2) holds at most 2, and put then waits for room, so \
                 the app slows to the shipper's pace (backpressure). Queue::new(0) is \
                 unbounded, as asyncio.Queue(maxsize=0) is: 0 means no limit."
            )),
            None => Err(
                "the program no longer prints `most lines waiting in the queue: N`: \
                         keep its last println! as it is."
                    .to_string(),
            ),
        }
    })
    .python("exercise.py")
}

/// Lesson 13: `task_done` and `join` say when the work is done, not only taken; then the
/// workers, which loop for ever, are cancelled.
fn join_workers() -> Exercise {
    Exercise::new(
        "13b",
        "exercise-13b",
        "Workers stopped when the queue is drained",
    )
    .chapter(
        r#"Lesson 13 · Queues, "What to notice""#,
        "lessons/13-queues.md#what-to-notice",
    )
    .hint(
        "In worker, call queue.task_done() after the println! (once the photo is done). In \
         thumbnails, keep the workers' handles in a Vec, replace the sleep with \
         queue.join().await, and after `all photos done` cancel each worker \
         (worker.cancel()), then await them all (aio::gather(workers).await) and print how \
         many stopped.",
    )
    .output(expected!("13b-join-workers"))
    .loop_time(
        Duration::from_millis(1300),
        "the program took {took} of loop time; the last photo is done at {expected}, and that \
         is when it should end. Less means it stopped before the work was done: a guessed \
         sleep, or task_done called right after get, before the work (join then waits only \
         for the photos to be taken). More means it waited longer than the work.",
    )
    .no_task_left_running()
}
