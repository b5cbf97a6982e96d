//! The exercises of lesson 20, async iteration.

use std::time::Duration;

use grade::{Exercise, Run};

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![buffer_unordered()]
}

/// The N of "…, at most N at once" in the program's last line, printed by its gauge.
fn most_at_once(run: &Run) -> Option<usize> {
    let line = run.stdout.lines().rev().find(|l| l.contains(" at once"))?;
    let (_, rest) = line.split_once("at most ")?;
    rest.split(' ').next()?.parse().ok()
}

/// Lesson 20: `buffer_unordered(n)` limits how many of a stream's futures run at once, inside
/// one task, where lesson 12 needed a task per job and a semaphore.
fn buffer_unordered() -> Exercise {
    Exercise::new(
        "20a",
        "exercise-20a",
        "At most three resizes at once, with a stream and buffer_unordered",
    )
    .chapter(
        r#"Lesson 20 · Async iteration, "In Rust""#,
        "lessons/20-async-iteration.md#in-rust",
    )
    .hint(
        "Replace the Vec and aio::gather with a stream: \
         futures::stream::iter(1..=PHOTOS).map(|n| resize(n, gauge.clone(), start))\
         .buffer_unordered(LIMIT).collect::<Vec<u32>>().await (with `use futures::StreamExt;` \
         for map, buffer_unordered and collect). buffer_unordered(3) polls at most three of \
         the futures at once and starts the next as soon as one ends.",
    )
    .output(expected!("20a-buffer-unordered"))
    .check("at most 3 at once", |run| match most_at_once(run) {
        Some(3) => Ok(()),
        Some(n) if n > 3 => Err(format!(
            "the program's gauge saw {n} resizes at once; the service takes 3. aio::gather \
             (like asyncio.gather) polls every future it is given at the same time: make the \
             photos a stream and put .buffer_unordered(3) between the .map and the .collect."
        )),
        Some(n) => Err(format!(
            "the gauge saw at most {n} resize(s) at once: they wait for each other more than \
             the limit asks. buffer_unordered(3) keeps three going; `buffered(1)`, or a `for` \
             loop that awaits each in turn, keeps fewer."
        )),
        None => Err(
            "the program no longer prints its gauge's line (`… at most N at once …`): \
                     keep the last println! as it is."
                .to_string(),
        ),
    })
    .check_trace("no task spawned", |run| match run.most_in_flight() {
        0 => Ok(()),
        n => Err(format!(
            "{n} tasks were in flight at once. The limit can do without tasks: \
             buffer_unordered polls its futures inside the task that awaits the stream, so \
             neither aio::spawn nor a Semaphore is needed (that is lesson 12's way)."
        )),
    })
    .loop_time(
        Duration::from_secs(3),
        "the nine resizes took {took} of loop time; three at a time, nine one-second resizes \
         take three rounds, {expected}. 1.0 s means all nine ran at once (no limit); 9.0 s, \
         one after another.",
    )
}
