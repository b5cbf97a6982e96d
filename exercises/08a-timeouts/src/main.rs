//! Exercise 08a: a task that takes too long is cancelled, and cleans up at once.
//!
//! A dashboard starts building a report in a task, and gives it one second: a late report is
//! shown without. The time limit works (`aio::timeout`), but the report task is not stopped:
//! `timeout` was lent the handle (`&mut report`), so on expiry it drops only the loan, and the
//! task runs on, holding its database connection open, until `aio::run` returns and cancels it
//! at 3.0 s. (Dropping a `Task` handle does not stop the task either.)
//!
//! Goal: as soon as the time is up, cancel the report, so that its connection closes at 1.0 s,
//! before the dashboard goes on; print exactly `expected.txt`. `cargo course check 08a` runs it
//! in virtual time and checks the output and, from the loop's trace, that a task was cancelled
//! and that no task was left running when `aio::run` returned. Stuck? `cargo course hint 08a`;
//! read lesson 08 (`cargo run -p lesson-08`).

use std::time::{Duration, Instant};

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// A database connection, closed when it is dropped: when the work ends, however it ends.
struct Connection {
    start: Instant,
}

impl Connection {
    fn open(start: Instant) -> Connection {
        println!("{} report: connection open", at(start));
        Connection { start }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        println!("{} report: connection closed", at(self.start));
    }
}

/// Builds the report: 5 s of queries on one connection. Returns its number of pages.
async fn build_report(start: Instant) -> usize {
    let _connection = Connection::open(start);
    aio::sleep(Duration::from_secs(5)).await;
    12
}

async fn dashboard() {
    let start = aio::now();
    let mut report = aio::spawn(build_report(start));
    match aio::timeout(Duration::from_secs(1), &mut report).await {
        Ok(pages) => println!("{} dashboard: {} pages", at(start), pages.unwrap()),
        Err(_) => println!("{} dashboard: no report, too slow", at(start)),
    }
    aio::sleep(Duration::from_secs(2)).await; // Shows the rest of the dashboard.
    println!("{} dashboard: shown", at(start));
}

fn main() {
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    aio::run(dashboard());
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
