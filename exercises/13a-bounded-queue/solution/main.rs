//! Exercise 13a, solved: `Queue::new(2)`. When two lines wait, the app's `put` waits for the
//! shipper to take one: the app logs at the shipper's pace (one line every 0.5 s once the
//! queue is full), and the queue never holds more than two. The shipping ends at the same
//! time as before: the shipper was the bottleneck all along.

use std::time::{Duration, Instant};

use aio::sync::Queue;

/// How many lines the app logs.
const LINES: usize = 10;

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// Ships lines to the log server for ever: 0.5 s each.
async fn shipper(queue: Queue<String>) {
    loop {
        let _line = queue.get().await;
        aio::sleep(Duration::from_millis(500)).await; // Sending it.
        queue.task_done();
    }
}

async fn app() {
    let start = aio::now();
    let queue = Queue::new(2); // put waits while 2 lines wait.
    let shipping = aio::spawn(shipper(queue.clone()));
    let mut most_waiting = 0;
    for n in 0..LINES {
        aio::sleep(Duration::from_millis(100)).await; // The app's work between two lines.
        queue.put(format!("line {n}")).await;
        most_waiting = most_waiting.max(queue.qsize());
        println!("{} app: logged line {n}", at(start));
    }
    queue.join().await; // Every line got and shipped.
    shipping.cancel();
    println!("{} shipper: all {LINES} lines shipped", at(start));
    println!("most lines waiting in the queue: {most_waiting}");
}

fn main() {
    USAGE.parse().finish();
    aio::run(app());
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
