//! Lesson 24: coordinating tasks.
//!
//! `cargo run -p lesson-24` shows asyncio's synchronization primitives on `aio`. Two
//! withdrawals that read a balance, await the bank, and write the balance back lose money; a
//! `Lock` held across the await fixes it. An `Event` starts three runners at once, a
//! `Condition` lets buyers wait for stock, and a `Barrier` holds runners until all are ready.
//! Last, `LifoQueue` and `PriorityQueue` give the items of a `Queue` in other orders. Times are
//! read from the loop's clock.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use aio::sync::{
    Barrier, Condition, Event, GenericQueue, LifoQueue, Lock, PriorityQueue, Queue, QueueOrder,
};

/// Seconds since `start` on the loop's clock, to a tenth: "1.5s".
fn at(start: Instant) -> String {
    format!("{:.1}s", (aio::now() - start).as_secs_f64())
}

/// Who withdraws how much, and how long their bank call takes.
const WITHDRAWALS: [(&str, i32, Duration); 2] = [
    ("alice", 30, Duration::from_millis(100)),
    ("bob", 50, Duration::from_millis(200)),
];

// ANCHOR: race
/// Withdraws `amount`: reads the balance, waits for the bank, writes the new balance. At the
/// `.await`, other tasks run, and may read the balance this one is about to change.
async fn withdraw(balance: Rc<Cell<i32>>, who: &str, amount: i32, call: Duration, start: Instant) {
    let read = balance.get();
    println!("{}  {who} reads {read}", at(start));
    aio::sleep(call).await; // The bank call.
    balance.set(read - amount);
    println!(
        "{}  {who} writes {read} - {amount} = {}",
        at(start),
        read - amount
    );
}

async fn race() {
    println!("== read, await, write: a race ==");
    let balance = Rc::new(Cell::new(100));
    let start = aio::now();
    let tasks: Vec<_> = WITHDRAWALS
        .into_iter()
        .map(|(who, amount, call)| aio::spawn(withdraw(balance.clone(), who, amount, call, start)))
        .collect();
    aio::try_gather(tasks).await.unwrap();
    println!(
        "balance {}, not 20: bob wrote over alice's withdrawal",
        balance.get()
    );
}
// ANCHOR_END: race

// ANCHOR: locked
/// The same withdrawal, holding the lock from the read to the write: `async with lock:`.
async fn withdraw_locked(
    balance: Lock<i32>,
    who: &str,
    amount: i32,
    call: Duration,
    start: Instant,
) {
    let mut guard = balance.lock().await; // Waits in line while another task holds it.
    let read = *guard;
    println!("{}  {who} reads {read}", at(start));
    aio::sleep(call).await; // Still holding the lock: nobody else reads in between.
    *guard = read - amount;
    println!(
        "{}  {who} writes {read} - {amount} = {}",
        at(start),
        read - amount
    );
} // The guard is dropped here, and the lock goes to the next task in line.

async fn locked() {
    println!("== the same with a Lock ==");
    let balance = Lock::new(100);
    let start = aio::now();
    let tasks: Vec<_> = WITHDRAWALS
        .into_iter()
        .map(|(who, amount, call)| {
            aio::spawn(withdraw_locked(balance.clone(), who, amount, call, start))
        })
        .collect();
    aio::try_gather(tasks).await.unwrap();
    println!("balance {}", *balance.lock().await);
}
// ANCHOR_END: locked

// ANCHOR: event
/// Three runners wait for one shot: `Event::set` wakes every task in `wait`, at once.
async fn starting_gun() {
    println!("== an Event: a starting gun ==");
    let gun = Event::new();
    let start = aio::now();
    let runners: Vec<_> = (1..=3)
        .map(|n| {
            let gun = gun.clone();
            aio::spawn(async move {
                println!("{}  runner {n} on the mark", at(start));
                gun.wait().await;
                println!("{}  runner {n} off", at(start));
            })
        })
        .collect();
    aio::sleep(Duration::from_secs(1)).await;
    println!("{}  bang!", at(start));
    gun.set();
    aio::try_gather(runners).await.unwrap();
}
// ANCHOR_END: event

// ANCHOR: condition
/// Buys `want` items once the shop has that many, looking at the stock again after each
/// wake-up: the loop asyncio's docs show, `while not enough: await cond.wait()`.
async fn buyer(shop: Condition<u32>, who: &str, want: u32, start: Instant) {
    let mut stock = shop.lock().await;
    while *stock < want {
        println!("{}  {who} wants {want}, stock {}: waits", at(start), *stock);
        stock = shop.wait(stock).await; // Lets the lock go while it waits.
    }
    *stock -= want;
    println!("{}  {who} buys {want}, stock {}", at(start), *stock);
}

/// The same with `wait_for`, which runs that loop: it asks the predicate with the lock held,
/// at once and after each wake-up.
async fn patient_buyer(shop: Condition<u32>, who: &str, want: u32, start: Instant) {
    let stock = shop.lock().await;
    println!("{}  {who} wants {want}, waits for stock", at(start));
    let mut stock = shop.wait_for(stock, |stock| *stock >= want).await;
    *stock -= want;
    println!("{}  {who} buys {want}, stock {}", at(start), *stock);
}

/// Delivers one item every half second, and tells every waiting buyer to look again.
async fn supplier(shop: Condition<u32>, start: Instant) {
    for _ in 0..3 {
        aio::sleep(Duration::from_millis(500)).await;
        let mut stock = shop.lock().await;
        *stock += 1;
        println!("{}  supplier delivers, stock {}", at(start), *stock);
        shop.notify_all(&stock); // Holding the lock: the guard is the proof.
    }
}
// ANCHOR_END: condition

async fn stock() {
    println!("== a Condition: buyers wait for stock ==");
    let shop = Condition::new(0);
    let start = aio::now();
    let tasks = [
        aio::spawn(buyer(shop.clone(), "ann", 2, start)),
        aio::spawn(patient_buyer(shop.clone(), "ben", 1, start)),
        aio::spawn(supplier(shop.clone(), start)),
    ];
    aio::try_gather(tasks).await.unwrap();
}

// ANCHOR: barrier
/// Three runners get ready at their own pace; none starts before all are ready.
async fn start_line() {
    println!("== a Barrier: all ready before anyone starts ==");
    let line = Barrier::new(3);
    let start = aio::now();
    let runners: Vec<_> = [("cara", 500), ("dan", 200), ("eve", 300)]
        .into_iter()
        .map(|(who, lacing)| {
            let line = line.clone();
            aio::spawn(async move {
                aio::sleep(Duration::from_millis(lacing)).await;
                println!("{}  {who} is ready", at(start));
                let arrived = line.wait().await.unwrap(); // Err only if it was aborted.
                println!("{}  {who} goes (arrived {arrived})", at(start));
            })
        })
        .collect();
    aio::try_gather(runners).await.unwrap();
}
// ANCHOR_END: barrier

// ANCHOR: siblings
/// Puts 3, 1, 2 into `queue` and prints the order they come out in. The three queues are
/// one type, `GenericQueue`, with three orders.
fn put_and_get<O: QueueOrder<u32>>(name: &str, queue: GenericQueue<u32, O>) {
    for n in [3, 1, 2] {
        queue.put_nowait(n).unwrap();
    }
    let got: Vec<String> = (0..3)
        .map(|_| queue.get_nowait().unwrap().to_string())
        .collect();
    println!("{name:<15}put 3 1 2, got {}", got.join(" "));
}

fn siblings() {
    println!("== the queue's siblings ==");
    put_and_get("Queue", Queue::unbounded());
    put_and_get("LifoQueue", LifoQueue::unbounded());
    put_and_get("PriorityQueue", PriorityQueue::unbounded());
}
// ANCHOR_END: siblings

// ANCHOR: main
fn main() {
    USAGE.parse().finish(); // `--help` says what the lesson does; no other options
    aio::run(async {
        race().await;
        locked().await;
        starting_gun().await;
        stock().await;
        start_line().await;
        siblings();
    });
}
// ANCHOR_END: main

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
