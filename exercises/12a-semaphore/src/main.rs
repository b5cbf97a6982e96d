//! Exercise 12a: at most three downloads at once, with a semaphore.
//!
//! Nine files are downloaded from a server that allows three connections per client: a fourth
//! is refused (or gets the client banned). The program spawns all nine downloads at once, and
//! nothing stops them from running together: its gauge sees nine at once.
//!
//! Goal: let at most three downloads run at the same time, with an `aio::sync::Semaphore` of
//! three permits that each download holds while it runs. Nine downloads of one second, three
//! at a time, take three rounds: 3.0 s, not 1.0 s (all at once) nor 9.0 s (one after another).
//! Print exactly `expected.txt`. `cargo course check 12a` runs it in virtual time and checks
//! the output, the most downloads the gauge saw at once, and the loop time. Stuck? `cargo
//! course hint 12a`; read lesson 12 (`cargo run -p lesson-12`).

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// How many downloads, and how many the server allows at once.
const JOBS: usize = 9;
const LIMIT: usize = 3;

/// Counts the downloads running right now and remembers the most there ever were.
#[derive(Default)]
struct Gauge {
    now: Cell<usize>,
    peak: Cell<usize>,
}

/// A download: one second of network (a sleep stands in for it). Returns when it started,
/// measured from `start`.
async fn download(gauge: Rc<Gauge>, start: Instant) -> Duration {
    let started = aio::now() - start;
    gauge.now.set(gauge.now.get() + 1);
    gauge.peak.set(gauge.peak.get().max(gauge.now.get()));
    aio::sleep(Duration::from_secs(1)).await;
    gauge.now.set(gauge.now.get() - 1);
    started
}

async fn download_all() {
    let gauge = Rc::new(Gauge::default());
    let start = aio::now();
    let tasks: Vec<_> = (0..JOBS)
        .map(|_| aio::spawn(download(gauge.clone(), start)))
        .collect();
    let starts = aio::try_gather(tasks).await.unwrap();
    print_starts(&starts);
    println!(
        "{JOBS} downloads in {:.1}s, at most {} at once (the server allows {LIMIT})",
        (aio::now() - start).as_secs_f64(),
        gauge.peak.get()
    );
}

/// Prints which downloads started when: "started at 1.0s: 4 5 6".
fn print_starts(starts: &[Duration]) {
    let mut first = 1; // The number of the first download in the group.
    for same in starts.chunk_by(|a, b| a == b) {
        let numbers: Vec<String> = (first..first + same.len()).map(|n| n.to_string()).collect();
        println!(
            "started at {:.1}s: {}",
            same[0].as_secs_f64(),
            numbers.join(" ")
        );
        first += same.len();
    }
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
