//! Lesson 13: queues.
//!
//! `cargo run -p lesson-13` runs the asyncio documentation's pattern: a producer puts jobs in a
//! bounded queue, three workers take them out, the producer waits whenever the queue is full
//! (backpressure), `join` tells when every job is done, and then the workers, which loop
//! forever, are cancelled. Every line is stamped with the loop's clock.

use std::time::{Duration, Instant};

use aio::sync::Queue;

/// How long each job takes, in tenths of a second: job n takes `JOB_TIMES[n]`.
const JOB_TIMES: [u64; 8] = [3, 5, 2, 4, 1, 3, 2, 4];
/// How many workers take jobs from the queue.
const WORKERS: usize = 3;
/// How many jobs the queue holds before `put` waits.
const MAXSIZE: usize = 2;

fn tenths(n: u64) -> Duration {
    Duration::from_millis(100 * n)
}

/// Seconds since `start` on the loop's clock, to a tenth.
fn stamp(start: Instant) -> String {
    format!("{:.1}s", (aio::now() - start).as_secs_f64())
}

// ANCHOR: worker
/// Takes jobs from the queue forever; each job is a sleep of its own length.
async fn worker(name: String, queue: Queue<usize>, start: Instant) {
    loop {
        let job = queue.get().await; // Waits while the queue is empty.
        println!("{}  {name} starts job {job}", stamp(start));
        aio::sleep(tenths(JOB_TIMES[job])).await;
        queue.task_done(); // Exactly once per item got.
    }
}
// ANCHOR_END: worker

// ANCHOR: main
fn main() {
    USAGE.parse().finish(); // `--help` says what the lesson does; no other options
    aio::run(async {
        let start = aio::now();
        let queue = Queue::new(MAXSIZE);
        let workers: Vec<_> = (0..WORKERS)
            .map(|i| aio::spawn(worker(format!("worker-{i}"), queue.clone(), start)))
            .collect();

        for job in 0..JOB_TIMES.len() {
            let before = aio::now();
            queue.put(job).await; // Waits while the queue is full: backpressure.
            let waited = aio::now() - before;
            // In real time even a put that finds room takes a few microseconds: count
            // only waits that show at the precision printed.
            let note = if waited >= Duration::from_millis(50) {
                format!(" (waited {:.1}s for room)", waited.as_secs_f64())
            } else {
                String::new()
            };
            println!("{}  producer put job {job}{note}", stamp(start));
        }

        queue.join().await; // Every job was got *and* marked done.
        println!("{}  all jobs done", stamp(start));

        for task in &workers {
            task.cancel(); // The workers loop forever: cancel them ...
        }
        let outcomes = aio::gather(workers).await; // ... and wait for them.
        let cancelled = outcomes
            .iter()
            .filter(|outcome| outcome.as_ref().is_err_and(|e| e.is_cancelled()))
            .count();
        println!("{cancelled} workers cancelled");
        let work: u64 = JOB_TIMES.iter().sum();
        println!(
            "work: {:.1}s in all, done in {} by {WORKERS} workers",
            tenths(work).as_secs_f64(),
            stamp(start)
        );
    });
}
// ANCHOR_END: main

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
