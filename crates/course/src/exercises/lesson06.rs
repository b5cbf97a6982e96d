//! The exercises of lesson 06, gather vs wait.

use std::time::Duration;

use grade::{secs, Exercise, Run};

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![first_completed(), every_outcome()]
}

/// Lesson 06: `wait(FirstCompleted)` returns at the first answer; cancelling the rest is ours.
fn first_completed() -> Exercise {
    Exercise::new(
        "06a",
        "exercise-06a",
        "The first answer of three lookups, the others cancelled",
    )
    .chapter(
        r#"Lesson 06 · Gather versus wait, "In Rust" (the fastest mirror)"#,
        "lessons/06-gather-vs-wait.md#in-rust",
    )
    .hint(
        "Replace the gather with let (done, pending) = aio::wait(lookups, \
         aio::ReturnWhen::FirstCompleted).await; print the address from the task in done \
         (task.await.unwrap()), then for each task in &pending call task.cancel() and print \
         `cancelled` with task.name(). In Python: asyncio.wait(lookups, \
         return_when=asyncio.FIRST_COMPLETED), task.cancel() for each pending one, then \
         await asyncio.wait(pending) before counting.",
    )
    .output(expected!("06a-first-completed"))
    .loop_time(
        Duration::from_millis(100),
        "the client took {took} of loop time to get its address; the fastest resolver \
         answers after {expected}. gather returns when every lookup is in, the slowest \
         included: wait with ReturnWhen::FirstCompleted returns at the first one.",
    )
    .cancelled_at_least(2)
    .no_task_left_running()
    .python("exercise.py")
}

/// Lesson 06: `wait` returns every finished task, failures included; fail-fast loses them.
fn every_outcome() -> Exercise {
    Exercise::new(
        "06b",
        "exercise-06b",
        "A status page that reports every service, the failed one too",
    )
    .chapter(
        r#"Lesson 06 · Gather versus wait, "What to notice""#,
        "lessons/06-gather-vs-wait.md#what-to-notice",
    )
    .hint(
        "Spawn the three checks (services.map(|(s, ms)| aio::spawn(check(s, ms)))), then \
         let (done, _) = aio::wait(checks, aio::ReturnWhen::AllCompleted).await; and match \
         each task.await: Ok(Ok(report)) is up, Ok(Err(error)) failed. (aio::gather(checks) \
         keeps every Result too.) In Python: asyncio.gather(..., return_exceptions=True), \
         then check which outcomes are exceptions.",
    )
    .output(expected!("06b-every-outcome"))
    .check("loop time", status_page_time)
    .python("exercise.py")
}

/// 06b's loop time, with a message for each way to miss it: too short is fail-fast, too long
/// is checks in a row.
fn status_page_time(run: &Run) -> Result<(), String> {
    let expected = Duration::from_millis(300);
    let took = run.loop_time().ok_or(
        "the program reported no loop time: does it run its async code with aio::run \
         (asyncio.run in Python)?",
    )?;
    let why = match took.cmp(&expected) {
        std::cmp::Ordering::Equal => return Ok(()),
        std::cmp::Ordering::Less => {
            "it stopped at the first failure, the cache's at 0.2 s, and never heard from the \
             checks still running: try_gather (and asyncio.gather without \
             return_exceptions) fails fast"
        }
        std::cmp::Ordering::Greater => {
            "the checks ran one after another, so their waits added up: start them all, \
             then wait for them together"
        }
    };
    Err(format!(
        "the status page took {} of loop time; with the three checks overlapped and every \
         one waited for, it takes {}, as long as the slowest. Here {why}.",
        secs(took),
        secs(expected)
    ))
}
