//! Exercise 14a: a hundred waiting jobs as tasks on one thread, not a hundred OS threads.
//!
//! A monitor pings a hundred hosts, five times each; every ping waits 10 ms for its answer.
//! The jobs only wait, so they should wait at the same time, and they do: the program starts
//! one OS thread per host, and the hundred threads sleep side by side. It takes about 0.05 s,
//! as it should. But it pays for it with a hundred OS threads: a hundred stacks, a hundred
//! entries in the kernel's scheduler, a system call to create and to join each. Waiting needs
//! no thread of its own.
//!
//! Goal: run the hundred jobs as a hundred tasks on one event loop (`aio::run`), each ping an
//! `aio::sleep`, so that they still overlap (0.05 s) on one OS thread; print exactly
//! `expected.txt`. `cargo course check 14a` runs it in virtual time and checks the output
//! (which counts the OS threads that did the jobs), the loop time (0.05 s), and, from the
//! loop's trace, that the hundred tasks were in flight at once. Stuck?
//! `cargo course hint 14a`; read lesson 14 (`cargo run -p lesson-14`).

use std::collections::HashSet;
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

/// How many hosts, how many pings each, and how long each ping waits for its answer.
const HOSTS: usize = 100;
const PINGS: u32 = 5;
const PING: Duration = Duration::from_millis(10);

/// Pings one host `PINGS` times, waiting `PING` for each answer. Returns the OS thread that
/// did the job.
fn ping(_host: usize) -> ThreadId {
    for _ in 0..PINGS {
        thread::sleep(PING);
    }
    thread::current().id()
}

/// Says how long the jobs took, and on how many OS threads.
fn report(threads: &[ThreadId], took: Duration) {
    let distinct: HashSet<&ThreadId> = threads.iter().collect();
    println!(
        "{} hosts pinged in {:.2} s",
        threads.len(),
        took.as_secs_f64()
    );
    println!("OS threads that did the jobs: {}", distinct.len());
}

fn main() {
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    let start = Instant::now();
    // One OS thread per host; join them all. The scope lets the threads end before it does.
    let threads: Vec<ThreadId> = thread::scope(|scope| {
        let jobs: Vec<_> = (0..HOSTS)
            .map(|host| scope.spawn(move || ping(host)))
            .collect();
        jobs.into_iter().map(|job| job.join().unwrap()).collect()
    });
    report(&threads, start.elapsed());
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
