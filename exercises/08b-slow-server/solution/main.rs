//! Exercise 08b, solved: `aio::timeout(LIMIT, ask(..))` gives `Ok(price)` in time, or
//! `Err(Elapsed)` after 2 s, having dropped (cancelled) the request: the shop goes on with the
//! prices it has.

use std::time::{Duration, Instant};

/// How long a server may take to answer.
const LIMIT: Duration = Duration::from_secs(2);

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

async fn ask(start: Instant, server: &str, answers_after: Duration, cents: u32) -> u32 {
    println!("{} asking {server}", at(start));
    aio::sleep(answers_after).await;
    println!("{} {server}: {}", at(start), price(cents));
    cents
}

fn price(cents: u32) -> String {
    format!("{}.{:02} EUR", cents / 100, cents % 100)
}

async fn shop() {
    let start = aio::now();
    let servers = [
        ("books.example", Duration::from_millis(300), 4210),
        ("down.example", Duration::from_secs(3600), 3990),
    ];
    let mut prices = Vec::new();
    for (server, answers_after, cents) in servers {
        match aio::timeout(LIMIT, ask(start, server, answers_after, cents)).await {
            Ok(cents) => prices.push(cents),
            Err(_) => println!(
                "{} {server}: no answer in {:.1}s, skipped",
                at(start),
                LIMIT.as_secs_f64()
            ),
        }
    }
    let best = prices.iter().min().expect("at least one server answered");
    println!("{} best price: {}", at(start), price(*best));
}

fn main() {
    USAGE.parse().finish();
    aio::run(shop());
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
