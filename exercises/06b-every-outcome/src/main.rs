//! Exercise 06b: a status page that reports every service, the failed one too.
//!
//! The status page checks three services at once: the database (0.1 s), the cache (0.2 s) and
//! the search engine (0.3 s). Today the cache is down. The page gathers the checks with
//! `aio::try_gather`, which fails fast: at the first `Err` it drops the other checks and returns
//! that error. So the page says only that the cache failed, at 0.2 s, and nothing about the
//! database, which answered, or the search engine, which was dropped before it could.
//!
//! Goal: wait for all three checks, failures included, and report each one in the order
//! listed, then how many are up; print exactly `expected.txt`. `cargo course check 06b` runs it
//! in virtual time and checks the output and the loop time (0.3 s: the checks overlap, and the
//! page waits for the slowest). Stuck? `cargo course hint 06b`; read lesson 06, "wait: done and
//! pending" (`cargo run -p lesson-06`).

use std::time::{Duration, Instant};

/// "[0.3s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// Checks one service: the sleep is how long it takes to answer. The cache is down.
async fn check(service: &'static str, ms: u64) -> Result<String, String> {
    aio::sleep(Duration::from_millis(ms)).await;
    if service == "cache" {
        return Err(format!("{service}: connection refused"));
    }
    Ok(format!("{service} is up"))
}

async fn status_page() {
    let start = aio::now();
    let services = [("database", 100), ("cache", 200), ("search", 300)];
    let checks = services.map(|(service, ms)| check(service, ms));
    match aio::try_gather(checks).await {
        Ok(reports) => {
            for report in &reports {
                println!("{} ok:     {report}", at(start));
            }
            println!("{} {} of 3 services up", at(start), reports.len());
        }
        Err(error) => println!("{} failed: {error}", at(start)),
    }
}

fn main() {
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    aio::run(status_page());
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
