//! The exercises of lesson 03, tasks.

use std::time::Duration;

use grade::Exercise;

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![downloads(), forgotten_task(), spinner()]
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

/// Lesson 03: a task nobody needs any more is stopped with `cancel`; dropping its handle does
/// not stop it.
fn spinner() -> Exercise {
    Exercise::new(
        "03c",
        "exercise-03c",
        "A helper task nobody needs any more is cancelled",
    )
    .chapter(
        r#"Lesson 03 · Tasks, "In Rust" (cancelling a task)"#,
        "lessons/03-tasks.md#in-rust",
    )
    .hint(
        "Keep the spinner's handle (let spinner = aio::spawn(spinner(start));) and call \
         spinner.cancel() right after load_page(..).await, before the page is drawn. \
         cancel() drops the spinner's future at once, so its guard prints `stopped`. \
         Awaiting the spinner would wait for ever: it loops. In Python: spinning.cancel(), \
         then await it inside try/except asyncio.CancelledError.",
    )
    .output(expected!("03c-cancel-spinner"))
    .check("spinner stops with the loading", |run| {
        let stamp = |what: &str| {
            (run.stdout.lines())
                .find(|line| line.ends_with(what))
                .and_then(|line| line.split(' ').next())
                .unwrap_or("never")
                .to_string()
        };
        let (loaded, stopped) = (stamp("page loaded: 3 images"), stamp("spinner: stopped"));
        if loaded == stopped {
            return Ok(());
        }
        Err(format!(
            "the page was loaded at {loaded} but the spinner stopped at {stopped}: it went on \
             after nobody needed it. A spinner that checks a flag sees it only when it wakes \
             up, at its next tick; cancel() stops it at once, at the .await where it waits."
        ))
    })
    .cancelled_at_least(1)
    .no_task_left_running()
    .python("exercise.py")
}
