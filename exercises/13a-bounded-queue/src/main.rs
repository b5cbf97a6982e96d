//! Exercise 13a: a fast producer slowed to its consumer's pace by a bounded queue.
//!
//! An app logs a line every 0.1 s; a shipper task sends each line to a log server, which takes
//! 0.5 s. The queue between them has no bound, so the app never waits: the lines it logs
//! faster than they can be shipped pile up in the queue, in memory. Here, up to 8 lines; in an
//! app that runs for days, until memory runs out.
//!
//! Goal: make the queue hold at most 2 lines, so that `put` waits for room when it is full
//! (backpressure): the app then logs at the shipper's pace, and no more than 2 lines ever
//! wait. Print exactly `expected.txt`. `cargo course check 13a` runs it in virtual time and
//! checks the output and the most lines that waited in the queue. Stuck? `cargo course hint
//! 13a`; read lesson 13 (`cargo run -p lesson-13`).

use std::time::{Duration, Instant};

use aio::sync::Queue;

/// How many lines the app logs.
const LINES: usize = 10;

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// Ships lines to the log server for ever: 0.5 s each.
async fn shipper(queue: Queue<String>) {
    loop {
        let _line = queue.get().await;
        aio::sleep(Duration::from_millis(500)).await; // Sending it.
        queue.task_done();
    }
}

async fn app() {
    let start = aio::now();
    let queue = Queue::unbounded();
    let shipping = aio::spawn(shipper(queue.clone()));
    let mut most_waiting = 0;
    for n in 0..LINES {
        aio::sleep(Duration::from_millis(100)).await; // The app's work between two lines.
        queue.put(format!("line {n}")).await;
        most_waiting = most_waiting.max(queue.qsize());
        println!("{} app: logged line {n}", at(start));
    }
    queue.join().await; // Every line got and shipped.
    shipping.cancel();
    println!("{} shipper: all {LINES} lines shipped", at(start));
    println!("most lines waiting in the queue: {most_waiting}");
}

fn main() {
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    aio::run(app());
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
