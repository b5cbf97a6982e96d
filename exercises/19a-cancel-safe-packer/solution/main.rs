//! Exercise 19a, solved: the race is over one `queue.get()`, which either finishes with an
//! order or took nothing, and the order waiting for its partner lives in `held`, outside any
//! future the race can drop. The status line still comes every 0.3 s, and no order is lost.

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

async fn packer() {
    let (start, queue) = (aio::now(), Queue::unbounded());
    let arriving = aio::spawn(customers(queue.clone(), start));
    let (mut due, mut lines, mut boxes) = (start + STATUS, 0, 0);
    // The order taken so far: here, not inside a future that a race may drop.
    let mut held: Option<Order> = None;
    while lines < 4 {
        let (_, got) = aio::race!(async { Some(queue.get().await) }, status(due)).await;
        match got {
            Some(order) => match held.take() {
                None => held = Some(order),
                Some(first) => {
                    boxes += 1;
                    println!(
                        "{} box {boxes}: {} + {}",
                        at(start),
                        first.pack(),
                        order.pack()
                    );
                }
            },
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
