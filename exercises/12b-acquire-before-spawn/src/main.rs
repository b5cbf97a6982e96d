//! Exercise 12b: a crawler that does not spawn a task for every page at once.
//!
//! A crawler fetches a list of pages, at most three at a time: each fetch holds a permit of a
//! semaphore, as in lesson 12. The limit works, but every page gets its task at once, and all
//! but three of them only wait in the semaphore's line. Nine waiting tasks cost little; a real
//! list has 100 000 pages, and then 100 000 tasks sit in memory, each with its future.
//!
//! Goal: never have more than three tasks: take the permit in the loop, *before* spawning the
//! page's task, and move it into the task, which gives it back when it ends. The pages take
//! different times; a new one must start as soon as any fetch ends (not in batches of three),
//! so the crawl still takes 6.0 s. Print exactly `expected.txt`. `cargo course check 12b` runs
//! it in virtual time and checks the output, the loop time, and, from the loop's trace, the
//! most tasks in flight at once. Stuck? `cargo course hint 12b`; read lesson 12
//! (`cargo run -p lesson-12`).

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
        let permits = permits.clone();
        tasks.push(aio::spawn(async move {
            let _permit = permits.acquire().await; // At most LIMIT fetch at once.
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
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    aio::run(crawl());
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
