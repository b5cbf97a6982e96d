//! Exercise 07a: a blocking database call moved off the loop, so the heartbeat keeps beating.
//!
//! A server runs two tasks: a heartbeat, which tells the load balancer every 0.25 s that the
//! server is alive (8 beats), and a report, which queries the database. The database driver is
//! synchronous: `query_database` holds its thread for 0.5 s until the rows arrive. Called from
//! the report task, it holds the loop's one thread too, and the heartbeat cannot beat until it
//! returns: the load balancer hears nothing for 0.5 s, and could decide the server is dead.
//!
//! Goal: keep `query_database` as it is (it stands for a library you cannot change), but run
//! it where it cannot block the loop, so that the heartbeat keeps beating while the query
//! runs; print exactly `expected.txt`. `cargo course check 07a` runs it in virtual time, with
//! debug mode on, and checks the output, that no poll blocked the loop, and the loop time
//! (2.0 s: the query runs during the beats, not before or after them). Stuck?
//! `cargo course hint 07a`; read lesson 07 (`cargo run -p lesson-07`).
//!
//! See what debug mode says: `AIO_CLOCK=virtual AIO_DEBUG=1 cargo run -p exercise-07a`.

use std::time::{Duration, Instant};

/// How often the heartbeat beats, and how many times.
const BEAT: Duration = Duration::from_millis(250);
const BEATS: u32 = 8;
/// How long the database takes to answer.
const QUERY: Duration = Duration::from_millis(500);

/// "[2.0s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// The synchronous database driver: it blocks its thread until the rows arrive (a sleep
/// stands in for the wait). Returns how many rows it read.
fn query_database() -> usize {
    std::thread::sleep(QUERY);
    1200
}

/// Beats every `BEAT` on the loop's clock, `BEATS` times, from `start`. Returns the longest
/// silence since `wall_start` or between two beats, measured with the wall clock: a blocked
/// loop does not move the loop's own clock in virtual time, so only the wall clock sees how
/// long the silence really was.
async fn heartbeat(start: Instant, wall_start: Instant) -> Duration {
    let mut last = wall_start;
    let mut longest = Duration::ZERO;
    for beat in 1..=BEATS {
        aio::sleep_until(start + BEAT * beat).await;
        let now = Instant::now();
        longest = longest.max(now - last);
        last = now;
    }
    longest
}

/// Builds the report from the database's rows.
async fn report() -> usize {
    println!("report: querying the database");
    let rows = query_database();
    println!("report: {rows} rows");
    rows
}

async fn server() {
    let (start, wall_start) = (aio::now(), Instant::now());
    let heart = aio::spawn(heartbeat(start, wall_start));
    let report = aio::spawn(report());
    report.await.unwrap();
    let silence = heart.await.unwrap();
    if silence >= QUERY {
        println!("heartbeat: {BEATS} beats, but silent while the query ran");
    } else {
        println!("heartbeat: {BEATS} beats, none missed while the query ran");
    }
    println!("{} done", at(start));
}

fn main() {
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    aio::run(server());
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
