//! Exercise 08b: a server that does not answer gets a time limit, not an hour.
//!
//! A shop compares the price of a book on two servers and shows the best. The first answers in
//! 0.3 s. The second is down: it accepts the request and never answers (here, it answers after
//! an hour). The shop awaits it with no limit, so the customer waits an hour for a price.
//!
//! Goal: give each server 2 s. A server that has not answered by then is skipped with
//! `no answer in 2.0s, skipped`, and the shop shows the best price it has, at 2.3 s; print
//! exactly `expected.txt`. `cargo course check 08b` runs it in virtual time and checks the
//! output, the loop time (2.3 s), and, from the loop's trace, that no task was left running
//! when `aio::run` returned. Stuck? `cargo course hint 08b`; read lesson 08
//! (`cargo run -p lesson-08`).

use std::time::{Duration, Instant};

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// Asks `server` for the price, in cents; the sleep stands in for the time it takes to answer.
async fn ask(start: Instant, server: &str, answers_after: Duration, cents: u32) -> u32 {
    println!("{} asking {server}", at(start));
    aio::sleep(answers_after).await;
    println!("{} {server}: {}", at(start), price(cents));
    cents
}

/// "42.10 EUR".
fn price(cents: u32) -> String {
    format!("{}.{:02} EUR", cents / 100, cents % 100)
}

async fn shop() {
    let start = aio::now();
    let servers = [
        ("books.example", Duration::from_millis(300), 4210),
        ("down.example", Duration::from_secs(3600), 3990), // Never answers in practice.
    ];
    let mut prices = Vec::new();
    for (server, answers_after, cents) in servers {
        prices.push(ask(start, server, answers_after, cents).await);
    }
    let best = prices.iter().min().expect("at least one server answered");
    println!("{} best price: {}", at(start), price(*best));
}

fn main() {
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    aio::run(shop());
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
