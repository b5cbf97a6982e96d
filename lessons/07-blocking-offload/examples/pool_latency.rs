//! How long a job takes from `run_in_executor` to the awaiting task resuming, with an empty
//! job: the pool's own overhead. Not part of the lesson's output (it prints raw timings).
//!
//! ```console
//! $ cargo run --release -p lesson-07 --example pool_latency
//! ```
//!
//! Each round trip is split in two: submit -> the job starts on a worker (the channel and the
//! worker's wake-up), and the job returns -> the task runs again (the waker, `notify()`, the
//! loop leaving the poller and polling the task).

use std::time::{Duration, Instant};

const ROUNDS: usize = 20_000;

fn percentiles(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |p: f64| samples[((samples.len() - 1) as f64 * p) as usize];
    println!(
        "{name:<28} median {:>8.1?}  p90 {:>8.1?}  p99 {:>8.1?}  max {:>8.1?}",
        at(0.5),
        at(0.9),
        at(0.99),
        samples[samples.len() - 1]
    );
}

fn main() {
    let (round_trip, to_start, to_resume) = aio::Builder::new().run(async {
        // Warm up: start the worker thread.
        aio::run_in_executor(|| ()).await;
        let mut round_trip = Vec::with_capacity(ROUNDS);
        let mut to_start = Vec::with_capacity(ROUNDS);
        let mut to_resume = Vec::with_capacity(ROUNDS);
        for _ in 0..ROUNDS {
            let submitted = Instant::now();
            let job = aio::run_in_executor(Instant::now);
            let started = job.await;
            let resumed = Instant::now();
            round_trip.push(resumed - submitted);
            to_start.push(started - submitted);
            to_resume.push(resumed - started);
        }
        (round_trip, to_start, to_resume)
    });
    println!("{ROUNDS} empty jobs, one at a time, on a warm worker:");
    percentiles("submit -> task resumes", round_trip);
    percentiles("  submit -> job starts", to_start);
    percentiles("  job ends -> task resumes", to_resume);

    // A job long enough for the loop to be asleep in the poller when it ends: the wake-up
    // then goes through `notify()`.
    let parked = aio::Builder::new().run(async {
        aio::run_in_executor(|| ()).await;
        let mut to_resume = Vec::with_capacity(ROUNDS / 10);
        for _ in 0..ROUNDS / 10 {
            let ended = aio::run_in_executor(|| {
                std::thread::sleep(Duration::from_micros(200));
                Instant::now()
            })
            .await;
            to_resume.push(ended.elapsed());
        }
        to_resume
    });
    println!("{} jobs of 200 µs, the loop parked meanwhile:", ROUNDS / 10);
    percentiles("  job ends -> task resumes", parked);

    // The first job of a run also starts its worker thread.
    let cold: Vec<Duration> = (0..200)
        .map(|_| {
            aio::Builder::new().run(async {
                let submitted = Instant::now();
                aio::run_in_executor(|| ()).await;
                submitted.elapsed()
            })
        })
        .collect();
    percentiles("first job (starts a thread)", cold);
}
