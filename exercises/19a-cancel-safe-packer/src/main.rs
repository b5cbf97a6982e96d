//! Exercise 19a: a packer that loses orders when it loses a race.
//!
//! Orders arrive on a queue; the packer puts two orders in each box. Every 0.3 s it also
//! prints a status line, so each turn of its loop races "take two orders" against the status
//! timer. When the timer wins, `aio::race!` drops the other future: and if `take_two` had
//! already taken one order and was waiting for the second, that order is dropped with it.
//! The `Order` type says so when that happens (`lost order-1`).
//!
//! Goal: lose no order. Make the future that races cancel-safe: race one `queue.get()` at a
//! time (a `get` that loses took nothing), and keep the order taken so far in a variable
//! outside the race, until its partner arrives. Print exactly `expected.txt`.
//! `cargo course check 19a` runs it in virtual time and checks the output and that every
//! order was packed. Stuck? `cargo course hint 19a`; read lesson 19 (`cargo run -p lesson-19`).

use std::time::{Duration, Instant};

use aio::sync::Queue;

/// How many orders arrive.
const ORDERS: usize = 6;
/// The time between two status lines.
const STATUS: Duration = Duration::from_millis(300);

/// "[1.2s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// An order taken from the queue. Dropped before it is packed, it says it was lost.
#[derive(Debug)]
struct Order(Option<String>);

impl Order {
    /// Packs the order: it is safe now.
    fn pack(mut self) -> String {
        self.0.take().expect("an order is packed once")
    }
}

impl Drop for Order {
    fn drop(&mut self) {
        if let Some(name) = &self.0 {
            println!("  lost {name}: dropped with the future that held it");
        }
    }
}

/// Puts the orders on the queue at fixed times.
async fn customers(queue: Queue<Order>, start: Instant) {
    for (n, ms) in [(1, 200), (2, 400), (3, 500), (4, 700), (5, 800), (6, 1000)] {
        aio::sleep_until(start + Duration::from_millis(ms)).await;
        queue.put_nowait(Order(Some(format!("order-{n}")))).unwrap();
    }
}

/// The status timer, due at `due`: `None`, for "no box, time for a status line".
async fn status<T>(due: Instant) -> Option<T> {
    aio::sleep_until(due).await;
    None
}

/// Takes the two orders of one box.
async fn take_two(queue: &Queue<Order>) -> (Order, Order) {
    let first = queue.get().await;
    let second = queue.get().await;
    (first, second)
}

async fn packer() {
    let (start, queue) = (aio::now(), Queue::unbounded());
    let arriving = aio::spawn(customers(queue.clone(), start));
    let (mut due, mut lines, mut boxes) = (start + STATUS, 0, 0);
    while lines < 4 {
        let (_, got) = aio::race!(async { Some(take_two(&queue).await) }, status(due)).await;
        match got {
            Some((a, b)) => {
                boxes += 1;
                println!("{} box {boxes}: {} + {}", at(start), a.pack(), b.pack());
            }
            None => {
                println!("{} status: {boxes} boxes packed", at(start));
                (due, lines) = (due + STATUS, lines + 1);
            }
        }
    }
    arriving.await.unwrap();
    println!("orders packed: {} of {ORDERS}", boxes * 2);
}

fn main() {
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    aio::run(packer());
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
