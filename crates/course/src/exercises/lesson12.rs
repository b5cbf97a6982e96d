//! The exercises of lesson 12, limits.

use std::time::Duration;

use grade::{Exercise, Run};

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![semaphore()]
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
