//! Exercise 14a, solved: one task per host on one loop. Each ping is an `aio::sleep`, which
//! suspends the task and lets the loop run the others, so the hundred jobs wait at the same
//! time on the loop's one thread. Each task costs a small heap allocation and a timer per wait.

use std::collections::HashSet;
use std::thread::{self, ThreadId};
use std::time::Duration;

const HOSTS: usize = 100;
const PINGS: u32 = 5;
const PING: Duration = Duration::from_millis(10);

/// Pings one host: each wait is an `aio::sleep`, awaited. Returns the OS thread that did it.
async fn ping(_host: usize) -> ThreadId {
    for _ in 0..PINGS {
        aio::sleep(PING).await;
    }
    thread::current().id()
}

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
    USAGE.parse().finish();
    let (threads, took) = aio::run(async {
        let start = aio::now();
        let jobs = (0..HOSTS).map(|host| aio::spawn(ping(host)));
        let threads = aio::try_gather(jobs).await.expect("every ping finished");
        (threads, aio::now() - start)
    });
    report(&threads, took);
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
