//! The exercises of lesson 17, a pipeline.

use std::time::Duration;

use grade::Exercise;

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![two_stages(), crawl_pipeline()]
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

/// Lessons 17, 12 and 08 together: a pipeline's fetch stage bounded by a semaphore taken
/// before each spawn, and each download by a timeout, so a dead server costs 1 s, not the
/// whole crawl.
fn crawl_pipeline() -> Exercise {
    Exercise::new(
        "17b",
        "exercise-17b",
        "A crawl pipeline with a limit and a timeout (harder)",
    )
    .chapter(
        r#"Lesson 17 · A pipeline, "In Rust""#,
        "lessons/17-pipeline.md#in-rust",
    )
    .hint(
        "In fetch: make let permits = Semaphore::new(3) before the loop; in the loop, first \
         let permit = permits.acquire().await; then spawn async move { let _permit = permit; \
         let page = aio::timeout(Duration::from_secs(1), download(tenths, gauge)).await; \
         pages.put(Some((url, page))).await; }. The permit goes back when the task ends, the \
         timeout drops a download that takes too long.",
    )
    .output(expected!("17b-crawl-pipeline"))
    .check("at most 3 downloads at once", |run| {
        let most = (run.stdout.lines())
            .find_map(|line| line.split_once("at most "))
            .and_then(|(_, rest)| rest.split(' ').next()?.parse::<usize>().ok());
        match most {
            Some(n) if n <= 3 => Ok(()),
            Some(n) => Err(format!(
                "the gauge saw {n} downloads at once; the site allows 3. Take a permit of a \
                 Semaphore of 3 in fetch, before spawning each download, and move it into the \
                 download's task so that it is held until the download ends (a permit held \
                 in `let _ = ..`, or left in the loop, is given back at once)."
            )),
            None => Err(
                "the program no longer prints its last line (`… at most N downloads \
                         at once`): keep that println! as it is."
                    .to_string(),
            ),
        }
    })
    .check_trace("at most 6 tasks at once", |run| {
        // The three stages, and at most three downloads.
        let most = run.most_in_flight();
        if most <= 6 {
            return Ok(());
        }
        Err(format!(
            "{most} tasks were in flight at once; three stages and at most three downloads \
             make 6. The others were download tasks that may not run yet: nothing limits \
             them, or they were spawned before they had a permit and wait in the semaphore's \
             line (exercise 12b). Take the permit in fetch's loop, before aio::spawn: while \
             fetch waits for it, it takes no URL, and list waits too."
        ))
    })
    .loop_time(
        Duration::from_millis(1600),
        "the crawl took {took} of loop time; with 3 downloads at a time and 1 s for each, it \
         takes {expected}. An hour or more means a download still waits for the dead server \
         with no limit: give each download aio::timeout(1 s, ..). Much less means more than \
         3 ran at once.",
    )
    .no_task_left_running()
}
