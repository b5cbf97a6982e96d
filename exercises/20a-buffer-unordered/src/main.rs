//! Exercise 20a: at most three resizes at once, with a stream and `buffer_unordered`.
//!
//! Nine photos are resized by a service that takes three requests at a time. The program
//! makes all nine resize futures and awaits them together with `aio::gather`: all nine run
//! at once, and its gauge sees nine.
//!
//! Goal: run at most three at a time, without a task or a semaphore: make the photos a
//! stream (`futures::stream::iter`), turn each into its resize future (`.map`), and let
//! `.buffer_unordered(3)` poll at most three of them at once, starting the next as soon as
//! one ends. Nine resizes of one second, three at a time, take 3.0 s. Print exactly
//! `expected.txt`. `cargo course check 20a` runs it in virtual time and checks the output, the
//! most resizes the gauge saw at once, the loop time, and that no task was spawned. Stuck?
//! `cargo course hint 20a`; read lesson 20 (`cargo run -p lesson-20`).

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

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
    let resizes: Vec<_> = (1..=PHOTOS)
        .map(|n| resize(n, gauge.clone(), start))
        .collect();
    let done = aio::gather(resizes).await;
    println!(
        "{} photos in {:.1}s, at most {} at once (the service takes {LIMIT})",
        done.len(),
        (aio::now() - start).as_secs_f64(),
        gauge.peak.get()
    );
}

fn main() {
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    aio::run(resize_all());
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
