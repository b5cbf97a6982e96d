//! The exercises of lesson 09, errors.

use std::time::Duration;

use grade::Exercise;

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![lost_errors()]
}

/// What aio writes on stderr when it drops a panicked task that nobody awaited.
const NEVER_AWAITED: &str = "panicked and its Task was never awaited";

/// Lesson 09: an error in a task comes out where the task is awaited, and nowhere otherwise.
fn lost_errors() -> Exercise {
    Exercise::new(
        "09a",
        "exercise-09a",
        "Notifications whose failures are reported, not lost",
    )
    .chapter(
        r#"Lesson 09 · Errors, "What to notice""#,
        "lessons/09-errors.md#what-to-notice",
    )
    .hint(
        "Keep the handles (let tasks = USERS.map(|(user, ms)| aio::spawn(notify(user, \
         ms)));), drop the sleep, and await each task in turn with a match on its two \
         layers: Ok(Ok(())) sent, Ok(Err(error)) failed, Err(task_error) crashed (it \
         panicked). Count the ones sent for the last line.",
    )
    .output(expected!("09a-lost-errors"))
    .loop_time(
        Duration::from_millis(300),
        "the newsletter took {took} of loop time; awaiting the notifications, it ends when \
         the slowest one is done, at {expected}. A sleep to \"give the tasks time\" is a \
         guess: too long, it waits for nothing; too short, the tasks are cut off when \
         aio::run returns. Await the tasks instead.",
    )
    .check_trace("no panic left unawaited", |run| {
        if !run.stderr.contains(NEVER_AWAITED) {
            return Ok(());
        }
        Err(format!(
            "aio said on stderr that a task {NEVER_AWAITED}: dave's notification panicked, \
             and since nobody held its handle, the only trace of it is that line; the \
             program could not report it, or do anything about it. Keep each task's handle \
             and await it: a panic then comes back as Err(TaskError), a value to match on."
        ))
    })
}
