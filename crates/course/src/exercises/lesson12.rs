//! The exercises of lesson 12, limits.

use std::time::Duration;

use grade::{Exercise, Run};

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![semaphore(), acquire_before_spawn()]
}

/// The N of "…, at most N at once" in the program's last line, printed by its gauge.
fn most_at_once(run: &Run) -> Option<usize> {
    let line = run.stdout.lines().rev().find(|l| l.contains(" at once"))?;
    let (_, rest) = line.split_once("at most ")?;
    rest.split(' ').next()?.parse().ok()
}

/// Lesson 12: a semaphore bounds how many downloads run at once; the loop doesn't.
fn semaphore() -> Exercise {
    Exercise::new(
        "12a",
        "exercise-12a",
        "At most three downloads at once, with a semaphore",
    )
    .chapter(
        r#"Lesson 12 · Limits, "In Rust""#,
        "lessons/12-limits.md#in-rust",
    )
    .hint(
        "Make one aio::sync::Semaphore::new(LIMIT) before spawning, clone it into each task, \
         and spawn async move { let _permit = permits.acquire().await; download(gauge, \
         start).await }. The permit is given back when _permit is dropped, at the end of the \
         block. In Python: one asyncio.Semaphore(3), and `async with permits:` around each \
         download.",
    )
    .output(expected!("12a-semaphore"))
    .check("at most 3 at once", |run| match most_at_once(run) {
        Some(3) => Ok(()),
        Some(n) if n > 3 => Err(format!(
            "the program's gauge saw {n} downloads at once; the server allows 3. Nothing in \
             the loop limits how many tasks run: hold a permit of one shared Semaphore (3 \
             permits) for the whole download. Two traps: `let _ = permits.acquire().await` \
             gives the permit back at once (`_` is not a variable; name it `_permit`), and a \
             semaphore made inside each task limits nothing (make one, then clone it)."
        )),
        Some(n) => Err(format!(
            "the gauge saw at most {n} download(s) at once: they wait for each other more than \
             the limit asks, and take longer than they need. Spawn all nine, and let the \
             semaphore hold back only the fourth and later."
        )),
        None => Err(
            "the program no longer prints its gauge's line (`… at most N at \
                     once …`): keep the last println! as it is."
                .to_string(),
        ),
    })
    .loop_time(
        Duration::from_secs(3),
        "the nine downloads took {took} of loop time; three at a time, nine one-second \
         downloads take three rounds, {expected}. 1.0 s means all nine ran at once (no \
         limit); 9.0 s, one after another.",
    )
    .python("exercise.py")
}

/// Lesson 12: a limit inside the tasks still makes every task; taking the permit before
/// `spawn` bounds the tasks themselves, and a semaphore (unlike batches) starts the next job
/// as soon as any ends.
fn acquire_before_spawn() -> Exercise {
    Exercise::new(
        "12b",
        "exercise-12b",
        "A crawler that does not spawn a task for every page at once",
    )
    .chapter(
        r#"Lesson 12 · Limits, "What to notice""#,
        "lessons/12-limits.md#what-to-notice",
    )
    .hint(
        "In the for loop, first let permit = permits.acquire().await; then spawn \
         async move { let _permit = permit; fetch(start, n).await }. The loop waits for a \
         permit before it makes the next task, and the task gives the permit back when it \
         ends. Keep awaiting the handles at the end.",
    )
    .output(expected!("12b-acquire-before-spawn"))
    .check_trace("at most 3 tasks at once", |run| {
        let most = run.most_in_flight();
        if most <= 3 {
            return Ok(());
        }
        // How many fetches began at once: more than 3 means the permits held nothing back.
        let first_round = (run.stdout.lines())
            .filter(|line| line.starts_with("[0.0s] page"))
            .count();
        if first_round > 3 {
            return Err(format!(
                "{most} tasks were in flight at once, and {first_round} pages were fetched at \
                 0.0 s: the permit was given back before its fetch ended. A permit taken in \
                 the loop is dropped at the end of the loop's body unless you move it into \
                 the task (async move {{ let _permit = permit; .. }})."
            ));
        }
        Err(format!(
            "{most} tasks were in flight at once, and all but 3 of them only waited in the \
             semaphore's line. The limit held the fetches back, not the tasks: each waiting \
             task is still a future in memory, and a list of 100 000 pages would make \
             100 000 of them. Take the permit in the loop, before aio::spawn, and move it into \
             the task."
        ))
    })
    .loop_time(
        Duration::from_secs(6),
        "the crawl took {took} of loop time; with 3 fetches at a time, each new page starting \
         as soon as any fetch ends, it takes {expected}. Batches of three (spawn three, await \
         the three) take longer, because each batch waits for its slowest page while two \
         permits sit unused; one after another takes the sum, 15.0 s; less than {expected} \
         means more than 3 fetches ran at once.",
    )
}
