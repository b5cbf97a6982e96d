//! Exercise 12a, solved: one `Semaphore::new(LIMIT)`, cloned into every task (a clone is
//! another handle to the same permits). Each task waits for a permit before it downloads and
//! holds it in `_permit` until the download ends; the nine wait in line, first come first
//! served.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use aio::sync::Semaphore;

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
    let permits = Semaphore::new(LIMIT);
    let start = aio::now();
    let tasks: Vec<_> = (0..JOBS)
        .map(|_| {
            let (permits, gauge) = (permits.clone(), gauge.clone());
            aio::spawn(async move {
                let _permit = permits.acquire().await; // Given back when dropped.
                download(gauge, start).await
            })
        })
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
    USAGE.parse().finish();
    aio::run(download_all());
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
