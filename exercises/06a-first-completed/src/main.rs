//! Exercise 06a: the first answer of three lookups, and the other two cancelled.
//!
//! A client needs the address of a host. It asks three resolvers at once, and any one answer
//! will do: the fastest takes 0.1 s, the slowest 0.3 s. But the program gathers the three
//! lookups, and `gather` returns once *every* lookup has answered, the slowest included: the
//! client waits 0.3 s for an answer it had at 0.1 s.
//!
//! Goal: use the first answer as soon as it arrives, and cancel the two lookups still running,
//! so that no lookup is left running; print exactly `expected.txt`. `cargo course check 06a`
//! runs it in virtual time and checks the output, the loop time (0.1 s), and, from the loop's
//! trace, that two tasks were cancelled and that no task was left running when `aio::run`
//! returned. Stuck? `cargo course hint 06a`; read lesson 06, "the fastest mirror"
//! (`cargo run -p lesson-06`).

use std::time::{Duration, Instant};

/// "[0.1s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// Asks one resolver for the host's address; the sleep is how long it takes to answer.
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
    // Any answer will do; this takes the first one in the list, once all three are in.
    let answers = aio::gather(lookups).await;
    let address = answers.into_iter().next().unwrap().unwrap();
    println!("{} address: {address}", at(start));
    println!(
        "{} lookups still running: {}",
        at(start),
        aio::task_count().unwrap()
    );
}

fn main() {
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    aio::run(resolve());
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
