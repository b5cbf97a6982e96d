//! Exercise 20a, solved: the photos as a stream, each mapped to its resize future, and
//! `buffer_unordered(LIMIT)` polling at most three of them at once, inside the one task that
//! awaits the stream. No task is spawned and no semaphore is needed: the stream simply does
//! not start a fourth future until one of the three has finished.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use futures::{stream, StreamExt};

/// How many photos, and how many resizes the service takes at once.
const PHOTOS: u32 = 9;
const LIMIT: usize = 3;

/// Counts the resizes running right now and remembers the most there ever were.
#[derive(Default)]
struct Gauge {
    now: Cell<usize>,
    peak: Cell<usize>,
}

/// Resizes photo `n`: one second of waiting on the service (a sleep stands in for it).
async fn resize(n: u32, gauge: Rc<Gauge>, start: Instant) -> u32 {
    gauge.now.set(gauge.now.get() + 1);
    gauge.peak.set(gauge.peak.get().max(gauge.now.get()));
    aio::sleep(Duration::from_secs(1)).await;
    gauge.now.set(gauge.now.get() - 1);
    let took = (aio::now() - start).as_secs_f64();
    println!("{took:.1}s  photo {n} resized");
    n
}

async fn resize_all() {
    let gauge = Rc::new(Gauge::default());
    let start = aio::now();
    let done: Vec<u32> = stream::iter(1..=PHOTOS)
        .map(|n| resize(n, gauge.clone(), start))
        .buffer_unordered(LIMIT)
        .collect()
        .await;
    println!(
        "{} photos in {:.1}s, at most {} at once (the service takes {LIMIT})",
        done.len(),
        (aio::now() - start).as_secs_f64(),
        gauge.peak.get()
    );
}

fn main() {
    USAGE.parse().finish();
    aio::run(resize_all());
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
