//! Lesson 08: timeouts and cancellation.
//!
//! `cargo run -p lesson-08` puts a time limit on a slow query, cancels a worker task and
//! watches it clean up, shares one deadline between several steps, and runs a `TaskGroup`
//! in which one failure cancels the other tasks.

use std::time::{Duration, Instant};

/// Seconds since `start` on the loop's clock, to one decimal: "0.3s".
fn since(start: Instant) -> String {
    format!("{:.1}s", (aio::now() - start).as_secs_f64())
}

// ANCHOR: connection
/// Something that must be released however the work ends: here, a pretend connection.
/// `Drop` is Rust's `finally`: it runs when the value goes away, also on cancellation.
struct Connection {
    name: &'static str,
}

impl Connection {
    fn open(name: &'static str) -> Connection {
        println!("open  {name}");
        Connection { name }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        println!("close {}", self.name);
    }
}

/// A database query that takes `delay`.
async fn query(name: &'static str, delay: Duration) -> String {
    let _connection = Connection::open(name);
    aio::sleep(delay).await; // If cancelled here, the code below never runs...
    format!("{name}: 3 rows") // ...but `_connection` is dropped, and closes.
}
// ANCHOR_END: connection

// ANCHOR: timeout
async fn time_limits() {
    let start = aio::now();
    let limit = Duration::from_secs(1);
    match aio::timeout(limit, query("fast", Duration::from_millis(200))).await {
        Ok(rows) => println!("got {rows} after {}", since(start)),
        Err(elapsed) => println!("fast: {elapsed}"),
    }
    let start = aio::now();
    match aio::timeout(limit, query("slow", Duration::from_secs(5))).await {
        Ok(rows) => println!("got {rows}"),
        // By now the query has been dropped: its connection is already closed.
        Err(elapsed) => println!("slow: {elapsed} after {}", since(start)),
    }
}
// ANCHOR_END: timeout

// ANCHOR: task_timeout
async fn time_limit_on_a_task() {
    let mut task = aio::spawn(query("report", Duration::from_secs(3)));
    // Lend the handle (`&mut task`): on expiry only the loan is dropped, not the task.
    if aio::timeout(Duration::from_secs(1), &mut task)
        .await
        .is_err()
    {
        println!("report: timed out; task finished? {}", task.is_finished());
        task.cancel(); // Stop it ourselves; asyncio.wait_for would have.
        println!("report: cancelled; task finished? {}", task.is_finished());
    }
}
// ANCHOR_END: task_timeout

// ANCHOR: cancel
async fn worker() {
    let _connection = Connection::open("worker");
    let start = aio::now();
    loop {
        aio::sleep(Duration::from_secs(1)).await;
        println!("worker: tick at {}", since(start));
    }
}

async fn cancel_a_task() {
    let task = aio::spawn(worker());
    aio::sleep(Duration::from_millis(2500)).await;
    println!("cancelling the worker");
    task.cancel(); // Drops the worker's future now, at its `sleep(..).await`.
    println!("cancel() returned");
    match task.await {
        Ok(()) => println!("awaiting it: finished"),
        Err(error) => println!("awaiting it: {error}"),
    }
}
// ANCHOR_END: cancel

// ANCHOR: deadline
/// One step of a job.
async fn step(name: &'static str, delay: Duration) {
    aio::sleep(delay).await;
    println!("{name} done");
}

async fn shared_deadline() {
    let start = aio::now();
    // One deadline for the whole job: each step gets what the earlier ones left.
    let deadline = start + Duration::from_secs(1);
    let steps = [("connect", 300), ("authenticate", 400), ("download", 500)];
    for (name, ms) in steps {
        if let Err(elapsed) = aio::timeout_at(deadline, step(name, Duration::from_millis(ms))).await
        {
            println!("{name}: {elapsed} at {}", since(start));
            break;
        }
    }
}
// ANCHOR_END: deadline

// ANCHOR: reschedule
/// A download that may take as long as it likes while chunks keep coming: each chunk pushes
/// the deadline back one second. A limit on idleness, not on the total.
async fn download(gaps_ms: &[u64]) {
    let start = aio::now();
    let idle = Duration::from_secs(1);
    // `cm` is a handle to this very timeout, as in `async with asyncio.timeout(1) as cm`.
    let outcome = aio::timeout_with(idle, |cm| async move {
        for (i, gap) in gaps_ms.iter().enumerate() {
            aio::sleep(Duration::from_millis(*gap)).await;
            println!("chunk {} at {}", i + 1, since(start));
            cm.reschedule(aio::now() + idle); // Progress: one more second from now.
        }
    })
    .await;
    match outcome {
        Ok(()) => println!("download complete at {}", since(start)),
        Err(elapsed) => println!("download stalled: {elapsed} at {}", since(start)),
    }
}
// ANCHOR_END: reschedule

// ANCHOR: group
/// Fetches one part of a file; the part named `bad` arrives corrupted.
async fn fetch_part(name: &'static str, delay: Duration, bad: &str) -> Result<String, String> {
    let _connection = Connection::open(name);
    aio::sleep(delay).await;
    if name == bad {
        println!("{name} failed");
        return Err(format!("{name}: checksum mismatch"));
    }
    println!("{name} done");
    Ok(format!("<{name}>"))
}

async fn task_group(bad: &'static str) {
    let start = aio::now();
    let mut group = aio::TaskGroup::new();
    for (name, ms) in [("part-1", 100), ("part-2", 200), ("part-3", 500)] {
        group.spawn(fetch_part(name, Duration::from_millis(ms), bad));
    }
    // join waits for every task, or stops at the first failure, which has cancelled the rest.
    match group.join().await {
        Ok(parts) => println!("all parts at {}: {}", since(start), parts.join("")),
        Err(error) => println!("group failed at {}: {error}", since(start)),
    }
}
// ANCHOR_END: group

// ANCHOR: main
fn main() {
    USAGE.parse().finish(); // `--help` says what the lesson does; no other options
    aio::run(async {
        println!("== a time limit ==");
        time_limits().await;
        println!();
        println!("== a time limit on a task ==");
        time_limit_on_a_task().await;
        println!();
        println!("== cancelling a task ==");
        cancel_a_task().await;
        println!();
        println!("== one deadline for several steps ==");
        shared_deadline().await;
        println!();
        println!("== a deadline pushed back by progress ==");
        download(&[600, 600, 600, 600]).await; // 2.4 s in all, never 1 s idle.
        download(&[600, 600, 1500]).await; // Stalls after the second chunk.
        println!();
        println!("== a task group: all succeed ==");
        task_group("none").await;
        println!();
        println!("== a task group: one fails, the others are cancelled ==");
        task_group("part-2").await;
    });
}
// ANCHOR_END: main

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
