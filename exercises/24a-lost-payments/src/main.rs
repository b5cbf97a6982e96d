//! Exercise 24a: payments that are not lost, with a Lock.
//!
//! Four customers pay into one account at the same time, each in a task of its own. A payment
//! reads the balance, awaits the bank's fee for that balance (1 %, which takes the bank a tenth
//! of a second), and writes balance + amount - fee. Run it: all four read 1000 before any of
//! them writes, each write replaces the one before, and three of the four payments vanish.
//!
//! Goal: make each payment one step that no other payment can enter, with an
//! `aio::sync::Lock` around the balance, held from the read to the write. Then each payment
//! finds the balance the one before left, and pays the fee of that balance: the balance ends
//! at 1953, after 0.4 s. Keep the four tasks. Print exactly `expected.txt`. `cargo course check
//! 24a` runs it in virtual time and checks the output, the loop time and the tasks in flight.
//! Stuck? `cargo course hint 24a`; read lesson 24 (`cargo run -p lesson-24`).

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// Who pays how much, all at the same time.
const PAYMENTS: [(&str, u32); 4] = [("ann", 100), ("ben", 200), ("cid", 300), ("dee", 400)];

/// Seconds since `start` on the loop's clock, to a tenth: "0.4s".
fn at(start: Instant) -> String {
    format!("{:.1}s", (aio::now() - start).as_secs_f64())
}

/// The bank's fee for a payment into an account that holds `balance`: 1 %, rounded down. The
/// bank takes a tenth of a second to say.
async fn fee(balance: u32) -> u32 {
    aio::sleep(Duration::from_millis(100)).await;
    balance / 100
}

/// One payment: read the balance, ask the bank for the fee, write the new balance.
async fn pay(balance: Rc<Cell<u32>>, who: &str, amount: u32, start: Instant) {
    let read = balance.get();
    let fee = fee(read).await; // Other payments run here.
    balance.set(read + amount - fee);
    println!(
        "{}  {who} pays {amount}, fee {fee}: balance {}",
        at(start),
        balance.get()
    );
}

async fn pay_all() {
    let balance = Rc::new(Cell::new(1000));
    let start = aio::now();
    let payments: Vec<_> = PAYMENTS
        .into_iter()
        .map(|(who, amount)| aio::spawn(pay(balance.clone(), who, amount, start)))
        .collect();
    aio::try_gather(payments).await.unwrap();
    println!("balance {} after {}", balance.get(), at(start));
}

fn main() {
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    aio::run(pay_all());
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
