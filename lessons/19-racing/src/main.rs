//! Lesson 19: racing.
//!
//! `cargo run -p lesson-19` races three mirrors and keeps the fastest (the others are dropped),
//! takes reports in completion order until a deadline, races one pinned download against a
//! ticker again and again, and shows a future that loses a job when it loses a race, then the
//! cancel-safe way to write it.

use std::pin::pin;
use std::time::{Duration, Instant};

use aio::sync::Queue;

/// Seconds since `start` on the loop's clock, to two decimals: "0.35s".
fn since(start: Instant) -> String {
    format!("{:.2}s", (aio::now() - start).as_secs_f64())
}

// ANCHOR: race
/// Says so when it is dropped before `finished` is set: shows when a racer is cancelled.
struct Cancelled {
    name: &'static str,
    start: Instant,
    finished: bool,
}

impl Drop for Cancelled {
    fn drop(&mut self) {
        if !self.finished {
            println!("{}: cancelled at {}", self.name, since(self.start));
        }
    }
}

/// Downloads the same file from one mirror; some mirrors are slower than others.
async fn download(name: &'static str, ms: u64, start: Instant) -> String {
    let mut guard = Cancelled {
        name,
        start,
        finished: false,
    };
    aio::sleep(Duration::from_millis(ms)).await;
    guard.finished = true;
    format!("file from {name}")
}

async fn fastest_mirror() {
    let start = aio::now();
    let mirrors = [("mirror-eu", 300), ("mirror-us", 120), ("mirror-asia", 250)];
    let racers = mirrors.map(|(name, ms)| download(name, ms, start));
    // The first to finish wins; the others are dropped before `race` returns.
    let (index, file) = aio::race(racers).await;
    println!("winner: #{index} {}, {file}", mirrors[index].0);
    println!(
        "at {}, tasks running: {}",
        since(start),
        aio::task_count().unwrap()
    );
}
// ANCHOR_END: race

// ANCHOR: as_completed
/// Fetches one report.
async fn report(name: &'static str, ms: u64) -> &'static str {
    aio::sleep(Duration::from_millis(ms)).await;
    name
}

async fn reports_as_they_come() {
    let start = aio::now();
    let reports = [
        ("report-a", 300),
        ("report-b", 100),
        ("report-c", 400),
        ("report-d", 200),
        ("report-e", 500),
    ];
    let mut done = aio::as_completed(reports.map(|(name, ms)| report(name, ms)));
    // One deadline for the whole loop, asyncio's as_completed(..., timeout=0.35).
    let deadline = aio::now() + Duration::from_millis(350);
    loop {
        match aio::timeout_at(deadline, done.next()).await {
            Ok(Some(name)) => println!("{} {name}", since(start)),
            Ok(None) => break, // All in.
            Err(_elapsed) => {
                println!(
                    "timed out at {}: {} reports not in",
                    since(start),
                    done.len()
                );
                break;
            }
        }
    }
} // `done` is dropped here, and with it the two unfinished reports.
  // ANCHOR_END: as_completed

// ANCHOR: pinned
async fn download_with_progress() {
    let start = aio::now();
    // Made and pinned once, outside the loop: each race borrows it and never restarts it.
    let mut download = pin!(async {
        println!("download started");
        aio::sleep(Duration::from_millis(350)).await;
        "big.iso"
    });
    loop {
        let (_, finished) = aio::race!(async { Some((&mut download).await) }, async {
            aio::sleep(Duration::from_millis(100)).await;
            None // The ticker.
        },)
        .await;
        // Losing the race dropped the `&mut` borrow, not the download.
        match finished {
            Some(file) => {
                println!("{} downloaded: {file}", since(start));
                break;
            }
            None => println!("{} still downloading", since(start)),
        }
    }
}
// ANCHOR_END: pinned

// ANCHOR: job
/// A job taken from the queue. If it is dropped before being handled, it says so: that is
/// data a cancelled future lost.
#[derive(Debug)]
struct Job(Option<String>);

impl Job {
    /// Handles the job: it is no longer at risk.
    fn handle(mut self) -> String {
        self.0.take().expect("a job is handled once")
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        if let Some(name) = &self.0 {
            println!("  lost {name}: dropped with the future that held it");
        }
    }
}

/// Puts four jobs on the queue at fixed times: 0.1, 0.3, 0.4 and 0.6 s.
async fn producer(queue: Queue<Job>, start: Instant) {
    for (n, ms) in [(1, 100), (2, 300), (3, 400), (4, 600)] {
        aio::sleep_until(start + Duration::from_millis(ms)).await;
        queue.put_nowait(Job(Some(format!("job-{n}")))).unwrap();
    }
}

/// The heartbeat, due at `beat`: `None`, for "no job, it is time to say I am alive".
async fn heartbeat<T>(beat: Instant) -> Option<T> {
    aio::sleep_until(beat).await;
    None
}

/// The time between two heartbeats.
const BEAT: Duration = Duration::from_millis(250);
// ANCHOR_END: job

// ANCHOR: lossy
/// Takes two jobs: one future with a job in a local variable while it waits for the second.
async fn take_two(queue: &Queue<Job>) -> (Job, Job) {
    let first = queue.get().await;
    let second = queue.get().await; // Dropped here? `first` is dropped with the future.
    (first, second)
}

async fn lossy_worker() {
    let (start, queue) = (aio::now(), Queue::unbounded());
    let producing = aio::spawn(producer(queue.clone(), start));
    let (mut beat, mut beats, mut handled) = (start + BEAT, 0, 0);
    while beats < 3 {
        let (_, got) = aio::race!(async { Some(take_two(&queue).await) }, heartbeat(beat)).await;
        match got {
            Some((a, b)) => {
                println!("{} handled {} + {}", since(start), a.handle(), b.handle());
                handled += 2;
            }
            None => {
                println!("{} heartbeat", since(start));
                (beat, beats) = (beat + BEAT, beats + 1);
            }
        }
    }
    producing.await.unwrap();
    println!("handled {handled} of 4 jobs");
}
// ANCHOR_END: lossy

// ANCHOR: safe
async fn safe_worker() {
    let (start, queue) = (aio::now(), Queue::unbounded());
    let producing = aio::spawn(producer(queue.clone(), start));
    let (mut beat, mut beats, mut handled) = (start + BEAT, 0, 0);
    // The job taken so far lives here, outside any future a race can drop.
    let mut held: Option<Job> = None;
    while beats < 3 {
        // Race a single `get`: it either finishes with a job or took nothing.
        let (_, got) = aio::race!(async { Some(queue.get().await) }, heartbeat(beat)).await;
        match got {
            Some(job) => match held.take() {
                None => held = Some(job),
                Some(first) => {
                    println!(
                        "{} handled {} + {}",
                        since(start),
                        first.handle(),
                        job.handle()
                    );
                    handled += 2;
                }
            },
            None => {
                println!("{} heartbeat", since(start));
                (beat, beats) = (beat + BEAT, beats + 1);
            }
        }
    }
    producing.await.unwrap();
    println!("handled {handled} of 4 jobs");
}
// ANCHOR_END: safe

// ANCHOR: main
fn main() {
    USAGE.parse().finish(); // `--help` says what the lesson does; no other options
    aio::run(async {
        println!("== race: the first of three mirrors wins ==");
        fastest_mirror().await;
        println!();
        println!("== as_completed: in completion order, with a timeout ==");
        reports_as_they_come().await;
        println!();
        println!("== a pinned future raced again and again ==");
        download_with_progress().await;
        println!();
        println!("== cancel safety: take_two loses a job when it loses a race ==");
        lossy_worker().await;
        println!();
        println!("== the fix: race one get at a time, keep what was taken outside ==");
        safe_worker().await;
    });
}
// ANCHOR_END: main

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
