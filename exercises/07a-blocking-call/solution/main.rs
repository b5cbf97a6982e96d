//! Exercise 07a, solved: `aio::to_thread(query_database)` runs the call on a thread of the
//! blocking pool and returns a future of its result. The report task waits at that `.await`,
//! which gives the loop back: the heartbeat beats while a pool thread waits for the database.
//! (`aio::run_in_executor(query_database)` does the same, and starts the job at once.)

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
    let rows = aio::to_thread(query_database).await;
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
    USAGE.parse().finish();
    aio::run(server());
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
