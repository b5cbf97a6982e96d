//! The exercises of lesson 11, concurrent fetch.

use std::time::Duration;

use grade::Exercise;

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![fetch_at_once()]
}

/// Lesson 11: one future that waits for every fetch (a gather) overlaps their waits.
fn fetch_at_once() -> Exercise {
    Exercise::new(
        "11a",
        "exercise-11a",
        "Four pages fetched at once from a slow local server",
    )
    .chapter(
        r#"Lesson 11 · Fetching pages concurrently, "What to notice""#,
        "lessons/11-concurrent-fetch.md#what-to-notice",
    )
    .hint(
        "In fetch_all, make the four fetches first, without awaiting them, and await them \
         together: aio::try_gather(URLS.map(|url| fetch_page(server, url))).await returns \
         the bodies in the order asked (or the first error). In Python: return await \
         asyncio.gather(*(fetch_page(port, url) for url in URLS)).",
    )
    .output(expected!("11a-fetch-at-once"))
    .loop_time(
        Duration::from_millis(800),
        "the four fetches took {took} of loop time, the sum of the server's delays: each \
         fetch started when the one before it had finished. Waiting for all four at once \
         takes as long as the slowest page, {expected}: the client does no more work, it \
         only waits for the four answers at the same time.",
    )
    .python("exercise.py")
}
