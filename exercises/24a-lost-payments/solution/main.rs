//! Exercise 24a, solved: the balance lives in one `Lock<u32>`, cloned into every task (a clone
//! is another handle to the same lock). Each payment takes the lock before it reads and holds
//! the guard across the bank's `.await` until it has written; the next payment waits in line,
//! and reads what this one wrote.

use std::time::{Duration, Instant};

use aio::sync::Lock;

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

/// One payment, holding the lock from the read to the write.
async fn pay(balance: Lock<u32>, who: &str, amount: u32, start: Instant) {
    let mut guard = balance.lock().await; // Waits while another payment holds it.
    let read = *guard;
    let fee = fee(read).await; // Still holding the lock: no other payment reads meanwhile.
    *guard = read + amount - fee;
    println!(
        "{}  {who} pays {amount}, fee {fee}: balance {}",
        at(start),
        *guard
    );
} // Dropping the guard hands the lock to the next payment in line.

async fn pay_all() {
    let balance = Lock::new(1000);
    let start = aio::now();
    let payments: Vec<_> = PAYMENTS
        .into_iter()
        .map(|(who, amount)| aio::spawn(pay(balance.clone(), who, amount, start)))
        .collect();
    aio::try_gather(payments).await.unwrap();
    println!("balance {} after {}", *balance.lock().await, at(start));
}

fn main() {
    USAGE.parse().finish();
    aio::run(pay_all());
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
