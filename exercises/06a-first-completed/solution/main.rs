//! Exercise 06a, solved: `aio::wait(.., ReturnWhen::FirstCompleted)` returns as soon as one
//! lookup is done, with the others in `pending`, still running; `cancel()` stops each of them
//! on the spot, so none is left running.

use std::time::{Duration, Instant};

use aio::ReturnWhen;

/// "[0.1s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

async fn lookup(start: Instant, resolver: &'static str, ms: u64) -> String {
    aio::sleep(Duration::from_millis(ms)).await;
    println!("{} {resolver} answered", at(start));
    format!("93.184.215.14 (from {resolver})")
}

async fn resolve() {
    let start = aio::now();
    let resolvers = [
        ("resolver-eu", 300),
        ("resolver-us", 100),
        ("resolver-asia", 200),
    ];
    let lookups: Vec<_> = resolvers
        .iter()
        .map(|&(name, ms)| aio::spawn_named(name, lookup(start, name, ms)))
        .collect();
    let (done, pending) = aio::wait(lookups, ReturnWhen::FirstCompleted).await;
    for task in done {
        println!("{} address: {}", at(start), task.await.unwrap());
    }
    for task in &pending {
        task.cancel();
        println!("{} cancelled {}", at(start), task.name().unwrap_or("?"));
    }
    println!(
        "{} lookups still running: {}",
        at(start),
        aio::task_count().unwrap()
    );
}

fn main() {
    USAGE.parse().finish();
    aio::run(resolve());
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
