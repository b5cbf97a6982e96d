//! Lesson 14: threads vs tasks.
//!
//! `cargo run -p lesson-14` runs the same jobs two ways, one OS thread per job and one task per
//! job, and compares how long they take and how many threads the process used. First an
//! I/O-bound job (it mostly waits), then a CPU-bound one (it only computes).
//!
//! Timings depend on the machine and on what else it is doing, so the lesson prints counts
//! that do not vary and durations sorted into buckets; `-- --verbose` adds the raw figures,
//! including the CPU-bound speed-ups.

use std::sync::Barrier;
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

mod measure;

use measure::{distinct_threads, os_threads, show_threads, time_against_in_a_row};

/// I/O-bound: this many jobs...
const IO_JOBS: usize = 500;
/// ...each waiting this many times...
const WAITS: u32 = 10;
/// ...for this long.
const WAIT: Duration = Duration::from_millis(20);

/// CPU-bound: this many jobs, each counting the primes below `PRIMES_BELOW`.
const CPU_JOBS: usize = 4;
const PRIMES_BELOW: u64 = 20_000;

// ANCHOR: io_threads
/// One OS thread per job; each thread blocks in `thread::sleep` for every wait.
/// Returns how long all the jobs took, and how many threads the process had meanwhile.
fn io_with_threads() -> (Duration, Option<usize>) {
    let start = Instant::now();
    let done = Barrier::new(IO_JOBS + 1);
    thread::scope(|scope| {
        for _ in 0..IO_JOBS {
            scope.spawn(|| {
                for _ in 0..WAITS {
                    thread::sleep(WAIT);
                }
                done.wait(); // Stay alive until the count below is taken.
            });
        }
        let threads = os_threads();
        done.wait();
        (start.elapsed(), threads)
    })
}
// ANCHOR_END: io_threads

// ANCHOR: io_tasks
/// One task per job, all on the loop's one thread; each wait is an `aio::sleep`.
fn io_with_tasks() -> (Duration, Option<usize>) {
    aio::run(async {
        let start = aio::now();
        let tasks: Vec<_> = (0..IO_JOBS)
            .map(|_| {
                aio::spawn(async {
                    for _ in 0..WAITS {
                        aio::sleep(WAIT).await;
                    }
                })
            })
            .collect();
        let threads = os_threads(); // All 500 tasks exist now; they start at the next turn.
        aio::try_gather(tasks).await.expect("every job finished");
        (aio::now() - start, threads)
    })
}
// ANCHOR_END: io_tasks

/// What an I/O-bound run's time means: the waits overlapped (ideally one job's 0.2 s, a bit
/// more on a busy machine), or not (500 jobs in a row would take 100 s).
fn io_bucket(took: Duration) -> &'static str {
    if took < WAIT * WAITS * IO_JOBS as u32 / 10 {
        "the waits overlapped (under 10 s; in a row: 100 s)"
    } else {
        "the waits did not overlap (10 s or more)"
    }
}

/// What CPU-bound jobs return: each job's count of primes and the thread that did it.
type Results = Vec<(usize, ThreadId)>;

/// A way to run the CPU-bound jobs, with its name.
type Variant = (&'static str, fn() -> Results);

// ANCHOR: cpu_job
/// A CPU-bound job: count the primes below `n` by trial division. No waiting at all.
/// Returns the count and the thread that did the work.
fn count_primes(n: u64) -> (usize, ThreadId) {
    let n = std::hint::black_box(n); // Keep an optimizing build from computing it once.
    let count = (2..n)
        .filter(|&k| (2..).take_while(|d| d * d <= k).all(|d| k % d != 0))
        .count();
    (count, thread::current().id())
}
// ANCHOR_END: cpu_job

// ANCHOR: cpu
/// The CPU-bound jobs, one after another on this thread: the baseline.
fn cpu_in_a_row() -> Results {
    (0..CPU_JOBS).map(|_| count_primes(PRIMES_BELOW)).collect()
}

/// One task per job on one loop. A task that computes never reaches an `.await`, so the
/// loop runs the jobs one at a time on its one thread.
fn cpu_with_tasks() -> Results {
    aio::run(async {
        let tasks: Vec<_> = (0..CPU_JOBS)
            .map(|_| aio::spawn(async { count_primes(PRIMES_BELOW) }))
            .collect();
        aio::try_gather(tasks).await.expect("every job finished")
    })
}

/// One OS thread per job: the kernel runs them on as many cores as are free.
fn cpu_with_threads() -> Results {
    thread::scope(|scope| {
        let jobs: Vec<_> = (0..CPU_JOBS)
            .map(|_| scope.spawn(|| count_primes(PRIMES_BELOW)))
            .collect();
        jobs.into_iter().map(|job| job.join().unwrap()).collect()
    })
}

/// One job per blocking-pool thread, awaited from the loop: the way to mix the two.
fn cpu_with_the_pool() -> Results {
    aio::run(async {
        let jobs = (0..CPU_JOBS).map(|_| aio::run_in_executor(|| count_primes(PRIMES_BELOW)));
        aio::gather(jobs).await
    })
}
// ANCHOR_END: cpu

// ANCHOR: main
fn main() {
    let mut args = USAGE.parse();
    let verbose = args.flag("--verbose");
    args.finish();

    println!("I/O-bound: {IO_JOBS} jobs, each waiting {WAITS} times for {WAIT:?}");
    // Tasks first: the threads of the other run might still be exiting afterwards.
    let (took, threads) = io_with_tasks();
    println!("  one task per job:   {}", io_bucket(took));
    println!("    threads in the process: {}", show_threads(threads));
    if verbose {
        println!("    (raw: {took:.1?} on the loop's clock)");
    }
    let (took, threads) = io_with_threads();
    println!("  one thread per job: {}", io_bucket(took));
    println!("    threads in the process: {}", show_threads(threads));
    if verbose {
        println!("    (raw: {took:.1?})");
    }

    println!("CPU-bound: {CPU_JOBS} jobs, each counting the primes below {PRIMES_BELOW}");
    let baseline = cpu_in_a_row();
    println!("  each job finds {} primes", baseline[0].0);
    let variants: [Variant; 3] = [
        ("one task per job:", cpu_with_tasks),
        ("one thread per job:", cpu_with_threads),
        ("run_in_executor:", cpu_with_the_pool),
    ];
    for (name, run) in variants {
        let results = run();
        assert!(results.iter().all(|r| r.0 == baseline[0].0), "same answer");
        // A pool may reuse a thread that is already free, so its count is not exact.
        let how = match (distinct_threads(&results), name) {
            (1, _) => "1 OS thread, one job at a time".to_string(),
            (_, "run_in_executor:") => "pool threads, in parallel on the free cores".to_string(),
            (n, _) => format!("{n} OS threads, in parallel on the free cores"),
        };
        println!("  {name:<20} {how}");
        if verbose {
            let (in_a_row, took) = time_against_in_a_row(run);
            let speedup = in_a_row.as_secs_f64() / took.as_secs_f64();
            println!("    (raw: {took:.1?}, x{speedup:.2} against {in_a_row:.1?} in a row)");
        }
    }
}
// ANCHOR_END: main

/// The command line: `--help` prints the description in Cargo.toml and this option.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[(
        "--verbose",
        "also print the raw timings and the CPU-bound speed-ups",
    )],
};
