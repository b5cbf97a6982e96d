//! Lesson 12: limits.
//!
//! `cargo run -p lesson-12` runs ten one-second "downloads" three ways: with no limit, with a
//! semaphore of three permits, and, as the second knob, blocking jobs on a pool of two threads.
//! It prints how long each took by the loop's clock and the most jobs seen running at once.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aio::sync::Semaphore;

/// How many downloads.
const JOBS: usize = 10;
/// How long one download takes.
const DOWNLOAD: Duration = Duration::from_secs(1);

// ANCHOR: gauge
/// Counts the jobs running right now and remembers the most there ever were.
#[derive(Default)]
struct Gauge {
    now: Cell<usize>,
    peak: Cell<usize>,
}

impl Gauge {
    fn enter(&self) {
        self.now.set(self.now.get() + 1);
        self.peak.set(self.peak.get().max(self.now.get()));
    }

    fn leave(&self) {
        self.now.set(self.now.get() - 1);
    }
}
// ANCHOR_END: gauge

// ANCHOR: download
/// A download: one second of waiting on the network (a sleep stands in for it). Returns the
/// time it started, measured from `start`.
async fn download(gauge: Rc<Gauge>, start: Instant) -> Duration {
    let started = aio::now() - start;
    gauge.enter();
    aio::sleep(DOWNLOAD).await;
    gauge.leave();
    started
}
// ANCHOR_END: download

// ANCHOR: unlimited
/// Every download at once: nothing stops the tenth (or the ten-thousandth) from starting.
async fn unlimited() {
    let gauge = Rc::new(Gauge::default());
    let start = aio::now();
    let tasks: Vec<_> = (0..JOBS)
        .map(|_| aio::spawn(download(gauge.clone(), start)))
        .collect();
    aio::try_gather(tasks).await.unwrap();
    let took = aio::now() - start;
    println!(
        "no limit: took {:.1}s, at most {} at once",
        took.as_secs_f64(),
        gauge.peak.get()
    );
}
// ANCHOR_END: unlimited

// ANCHOR: limited
/// The same downloads, but each must hold one of `limit` permits while it runs.
async fn limited(limit: usize) {
    let permits = Semaphore::new(limit);
    let gauge = Rc::new(Gauge::default());
    let start = aio::now();
    let tasks: Vec<_> = (0..JOBS)
        .map(|_| {
            let permits = permits.clone();
            let gauge = gauge.clone();
            aio::spawn(async move {
                // `async with sem:` in asyncio. Waits in line while `limit` others run;
                // the permit goes back when `_permit` is dropped at the end of the block.
                let _permit = permits.acquire().await;
                download(gauge, start).await
            })
        })
        .collect();
    let starts = aio::try_gather(tasks).await.unwrap();
    let took = aio::now() - start;
    let rounds = JOBS.div_ceil(limit);
    println!(
        "limit {limit}:  took {:.1}s, at most {} at once (ceil({JOBS}/{limit}) = {rounds} rounds)",
        took.as_secs_f64(),
        gauge.peak.get()
    );
    print_rounds(&starts);
}
// ANCHOR_END: limited

/// Prints which downloads started when, one line per start time (to a tenth of a second:
/// in real time, "at once" differs by a few microseconds).
fn print_rounds(starts: &[Duration]) {
    let tenths: Vec<String> = starts
        .iter()
        .map(|at| format!("{:.1}", at.as_secs_f64()))
        .collect();
    let mut first = 0; // The number of the first download in the group.
    for same in tenths.chunk_by(|a, b| a == b) {
        let numbers: Vec<String> = (first..first + same.len()).map(|n| n.to_string()).collect();
        println!("  started at {}s: {}", same[0], numbers.join(" "));
        first += same.len();
    }
}

/// How many blocking jobs, how long each holds its thread, and how many threads the pool gets.
const BLOCKING_JOBS: usize = 6;
const BLOCKING_JOB: Duration = Duration::from_millis(100);
const POOL: usize = 2;

// ANCHOR: pool
/// Blocking jobs on a pool of `POOL` threads: the pool's size is the limit.
async fn blocking_pool() {
    let running = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    // Wall-clock time: blocking jobs take real time even when the loop's clock is virtual.
    let start = Instant::now();
    let jobs: Vec<_> = (0..BLOCKING_JOBS)
        .map(|_| {
            let (running, peak) = (running.clone(), peak.clone());
            aio::run_in_executor(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(BLOCKING_JOB); // A blocking call.
                running.fetch_sub(1, Ordering::SeqCst);
            })
        })
        .collect();
    aio::gather(jobs).await;
    let rounds = BLOCKING_JOBS.div_ceil(POOL);
    println!(
        "blocking pool of {POOL} threads, {BLOCKING_JOBS} jobs of {} ms:",
        BLOCKING_JOB.as_millis()
    );
    println!("  at most {} at once", peak.load(Ordering::SeqCst));
    println!(
        "  took {rounds} rounds of {} ms or more: {}",
        BLOCKING_JOB.as_millis(),
        yes_no(start.elapsed() >= BLOCKING_JOB * rounds as u32)
    );
}
// ANCHOR_END: pool

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

// ANCHOR: main
fn main() {
    USAGE.parse().finish(); // `--help` says what the lesson does; no other options
    println!("{JOBS} downloads of {:.1}s each", DOWNLOAD.as_secs_f64());
    aio::run(async {
        unlimited().await;
        limited(3).await;
    });

    // The other knob is set where the loop is made (or with AIO_BLOCKING_THREADS).
    aio::Builder::from_env()
        .blocking_threads(POOL)
        .run(blocking_pool());
}
// ANCHOR_END: main

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
