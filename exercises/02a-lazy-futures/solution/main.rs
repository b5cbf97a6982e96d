//! Exercise 02a, solved: `aio::spawn` hands the future to the loop, which runs it at its next
//! turn, while `reader` reads page 1. Awaiting the task later returns its page (at once if it
//! is already loaded). `aio::gather!(reading, next)` would overlap them too, inside one task.

use std::time::{Duration, Instant};

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

async fn load_page(start: Instant, n: u32) -> String {
    println!("{} loading page {n}", at(start));
    aio::sleep(Duration::from_secs(1)).await;
    println!("{} page {n} loaded", at(start));
    format!("page {n}")
}

async fn reader() {
    let start = aio::now();
    let page = load_page(start, 1).await;
    let next = aio::spawn(load_page(start, 2)); // Scheduled: runs at the loop's next turn.
    println!("{} reading {page}", at(start));
    aio::sleep(Duration::from_secs(2)).await;
    let page = next.await.unwrap();
    println!("{} reading {page}", at(start));
}

fn main() {
    USAGE.parse().finish();
    aio::run(reader());
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
