//! Exercise 17a, solved: one task per stage, a bounded queue between them, and `None` as the
//! sentinel (`Some(line)` for a line). Each stage works on a different line at the same time;
//! the slower one, the writer, sets the pace.

use std::time::{Duration, Instant};

use aio::sync::Queue;

/// How many lines to copy.
const LINES: usize = 6;

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// Reads line `n` from the slow source: 0.2 s.
async fn read_line(start: Instant, n: usize) -> String {
    aio::sleep(Duration::from_millis(200)).await;
    println!("{} read  line {n}", at(start));
    format!("line {n}")
}

/// Writes `line` to the slow sink: 0.5 s.
async fn write_line(start: Instant, line: String) {
    aio::sleep(Duration::from_millis(500)).await;
    println!("{} wrote {line}", at(start));
}

async fn copy() {
    let start = aio::now();
    let queue = Queue::new(2);
    let reader = aio::spawn({
        let queue = queue.clone();
        async move {
            for n in 0..LINES {
                queue.put(Some(read_line(start, n).await)).await; // Waits while 2 wait.
            }
            queue.put(None).await; // The sentinel: no more lines.
        }
    });
    let writer = aio::spawn(async move {
        while let Some(line) = queue.get().await {
            write_line(start, line).await;
        }
    });
    reader.await.unwrap();
    writer.await.unwrap();
    println!("{} copied {LINES} lines", at(start));
}

fn main() {
    USAGE.parse().finish();
    aio::run(copy());
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
