//! Exercise 03a: three downloads run as tasks, so that they overlap.
//!
//! Three downloads take 1, 2 and 3 seconds: most of that time is spent waiting for the network
//! (here, a sleep stands in for it). Awaited one after another, as below, the waits add up to
//! 6 s. Nothing needs that: each download could wait while the others wait too.
//!
//! Goal: run the three downloads as three tasks, so that they wait at the same time and the
//! whole takes as long as the longest, 3 s. The program must print exactly `expected.txt`:
//! all three start at 0.0 s, each ends after its own wait, and the total is printed last.
//!
//! `cargo course check 03a` runs it in virtual time and checks the output, the loop time
//! (3.0 s), and, from the loop's trace, that three tasks were in flight at once. Stuck?
//! `cargo course hint 03a`; read lesson 03 (`cargo run -p lesson-03`).

use std::time::{Duration, Instant};

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// Stands in for fetching a page: the sleep is the time the network takes to answer.
/// Returns the page's size in bytes.
async fn download(start: Instant, name: &'static str, seconds: u64) -> usize {
    println!("{} start {name}", at(start));
    aio::sleep(Duration::from_secs(seconds)).await;
    println!("{} done  {name}", at(start));
    1000 * seconds as usize
}

async fn download_all() {
    let start = aio::now();
    let a = download(start, "a", 1).await;
    let b = download(start, "b", 2).await;
    let c = download(start, "c", 3).await;
    println!("{} all three: {} bytes", at(start), a + b + c);
}

fn main() {
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    aio::run(download_all());
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
