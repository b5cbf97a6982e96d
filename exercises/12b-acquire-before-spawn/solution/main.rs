//! Exercise 12b, solved: the loop waits for a permit before it spawns, so the fourth page's
//! task is not even made until a fetch ends. The permit moves into the task, and is given back
//! when the task's future ends and drops it.

use std::time::{Duration, Instant};

use aio::sync::Semaphore;

/// How long each page takes to fetch, in seconds: page n takes `PAGES[n - 1]`.
const PAGES: [u64; 9] = [2, 1, 3, 1, 1, 2, 1, 3, 1];
/// How many fetches may run at once.
const LIMIT: usize = 3;

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// Fetches page `n`: a sleep stands in for the network. Returns its size in bytes.
async fn fetch(start: Instant, n: usize) -> usize {
    println!("{} page {n}: fetching", at(start));
    aio::sleep(Duration::from_secs(PAGES[n - 1])).await;
    1000 * PAGES[n - 1] as usize
}

async fn crawl() {
    let start = aio::now();
    let permits = Semaphore::new(LIMIT);
    let mut tasks = Vec::new();
    for n in 1..=PAGES.len() {
        let permit = permits.acquire().await; // Waits here while LIMIT fetches run.
        tasks.push(aio::spawn(async move {
            let _permit = permit; // Held until the fetch ends.
            fetch(start, n).await
        }));
    }
    let mut bytes = 0;
    for task in tasks {
        bytes += task.await.unwrap();
    }
    println!("{} {} pages, {bytes} bytes", at(start), PAGES.len());
}

fn main() {
    USAGE.parse().finish();
    aio::run(crawl());
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
