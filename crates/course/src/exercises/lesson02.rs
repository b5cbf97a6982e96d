//! The exercises of lesson 02, futures.

use std::time::Duration;

use grade::Exercise;

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![lazy_future()]
}

/// Lesson 02: a future is lazy, it runs when awaited; a task is scheduled, it runs at once.
fn lazy_future() -> Exercise {
    Exercise::new(
        "02a",
        "exercise-02a",
        "The next page loads while this one is read, not after",
    )
    .chapter(
        r#"Lesson 02 · Futures, "In Rust""#,
        "lessons/02-futures.md#in-rust",
    )
    .hint(
        "Making the future (load_page(start, 2)) starts nothing. Hand it to the loop \
         instead: let next = aio::spawn(load_page(start, 2)); it runs at the loop's next \
         turn, while the reader reads, and next.await.unwrap() gives page 2 later. In \
         Python: asyncio.create_task(load_page(start, 2)).",
    )
    .output(expected!("02a-lazy-futures"))
    .loop_time(
        Duration::from_secs(3),
        "the reader took {took} of loop time; loading page 2 while page 1 is read takes \
         {expected}. Page 2 loaded before or after the reading, not during it: a future \
         runs only while it is awaited, and .await waits for it to finish. Spawn it \
         (aio::spawn) and it runs while the reader reads.",
    )
    .python("exercise.py")
}
