//! Lesson 09: errors.
//!
//! `cargo run -p lesson-09` shows where an error in async code goes: out of a task when it is
//! awaited, out of `gather` (every outcome, or fail-fast), out of `wait`, and nowhere at all
//! when nobody awaits the task. The panics print their usual message on stderr.

use std::time::{Duration, Instant};

/// Seconds since `start` on the loop's clock, to one decimal: "0.3s".
fn since(start: Instant) -> String {
    format!("{:.1}s", (aio::now() - start).as_secs_f64())
}

// ANCHOR: fetch
/// Fetches `name` after `ms` milliseconds; the names starting with "bad" fail.
/// An expected failure is a value: `Err`.
async fn fetch(name: &'static str, ms: u64) -> Result<String, String> {
    aio::sleep(Duration::from_millis(ms)).await;
    if name.starts_with("bad") {
        return Err(format!("{name}: not found"));
    }
    Ok(format!("<{name}>"))
}

/// A bug is a panic. It unwinds the task, not the loop.
async fn buggy(ms: u64) -> Result<String, String> {
    aio::sleep(Duration::from_millis(ms)).await;
    panic!("bug: negative size");
}
// ANCHOR_END: fetch

// ANCHOR: in_a_task
async fn errors_in_tasks() {
    let failing = aio::spawn(fetch("bad-page", 100));
    let crashing = aio::spawn(buggy(100));
    let fine = aio::spawn(fetch("page", 200));
    for task in [failing, crashing, fine] {
        print_outcome(task.await);
    }
}

/// Two layers: did the task run to its end (outer), and what did it return (inner)?
fn print_outcome(outcome: Result<Result<String, String>, aio::TaskError>) {
    match outcome {
        Ok(Ok(page)) => println!("got {page}"),
        Ok(Err(error)) => println!("failed: {error}"),
        Err(task_error) => println!("crashed: {task_error}"),
    }
}
// ANCHOR_END: in_a_task

// ANCHOR: gather
async fn gather_every_outcome() {
    // Outputs that are `Result`s keep every outcome: asyncio's return_exceptions=True.
    let outcomes = aio::gather([fetch("a", 100), fetch("bad-b", 200), fetch("c", 300)]).await;
    for outcome in outcomes {
        match outcome {
            Ok(page) => println!("got {page}"),
            Err(error) => println!("failed: {error}"),
        }
    }
}

/// Says when its fetch finished, or that it was dropped before it could.
struct Watch {
    name: &'static str,
    start: Instant,
    finished: bool,
}

impl Drop for Watch {
    fn drop(&mut self) {
        if !self.finished {
            println!("{} dropped at {}", self.name, since(self.start));
        }
    }
}

/// `fetch`, watched: prints when it finishes or when it is dropped unfinished.
async fn watched(name: &'static str, ms: u64, start: Instant) -> Result<String, String> {
    let mut watch = Watch {
        name,
        start,
        finished: false,
    };
    let page = fetch(name, ms).await;
    watch.finished = true;
    println!("{name} finished at {}", since(start));
    page
}

async fn gather_fail_fast() {
    let start = aio::now();
    let futures = [("a", 100), ("bad-b", 200), ("c", 300)].map(|(n, ms)| watched(n, ms, start));
    // Stops at the first Err, and drops the other futures before returning.
    match aio::try_gather(futures).await {
        Ok(pages) => println!("got {pages:?}"),
        Err(error) => println!("failed at {}: {error}", since(start)),
    }
    aio::sleep(Duration::from_millis(300)).await;
    println!("at {}: nothing more happened", since(start));
}
// ANCHOR_END: gather

// ANCHOR: gather_tasks
async fn gather_tasks_fail_fast() {
    let start = aio::now();
    let tasks =
        [("a", 100), ("bad-b", 200), ("c", 300)].map(|(n, ms)| aio::spawn(watched(n, ms, start)));
    // Gather the handles; a task's outcome has two layers, so flatten them first.
    let outcomes = tasks.map(|task| async move {
        task.await
            .unwrap_or_else(|task_error| Err(task_error.to_string()))
    });
    match aio::try_gather(outcomes).await {
        Ok(pages) => println!("got {pages:?}"),
        Err(error) => println!("failed at {}: {error}", since(start)),
    }
    // Dropping a handle does not stop its task: `c` runs on, like in asyncio.
    aio::sleep(Duration::from_millis(300)).await;
}
// ANCHOR_END: gather_tasks

// ANCHOR: wait
async fn wait_first_error() {
    let start = aio::now();
    let tasks = vec![
        aio::spawn(fetch("a", 100)),
        aio::spawn(buggy(200)),
        aio::spawn(fetch("c", 300)),
    ];
    let (done, pending) = aio::wait(tasks, aio::ReturnWhen::FirstError).await;
    println!(
        "after {}: {} done, {} pending",
        since(start),
        done.len(),
        pending.len()
    );
    // `wait` raises nothing: look at each done task.
    for task in done {
        print_outcome(task.await);
    }
    for task in pending {
        task.cancel();
    }
}
// ANCHOR_END: wait

// ANCHOR: unawaited
async fn nobody_awaits() {
    // The handles are dropped at once: nobody will ever look at these outcomes.
    drop(aio::spawn(fetch("bad-lost", 100)));
    drop(aio::spawn(buggy(100)));
    aio::sleep(Duration::from_millis(200)).await;
    // The Err was dropped with the task, silently. The panic printed its message on stderr,
    // and aio added "panicked and its Task was never awaited" there too. Stdout saw nothing.
    println!("nothing was printed here");
}
// ANCHOR_END: unawaited

// ANCHOR: hook
/// A panic in a task is caught by the loop, but the panic hook runs first, where the panic
/// happens. The default hook prints "thread 'main' panicked at ..." and a note on backtraces,
/// which reads as if the program had crashed. This one prints one line on stderr instead.
fn quiet_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("(no message)");
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()));
        eprintln!("panic: {message}{}", place.unwrap_or_default());
    }));
}
// ANCHOR_END: hook

// ANCHOR: main
fn main() {
    USAGE.parse().finish(); // `--help` says what the lesson does; no other options
    quiet_panic_hook();
    aio::run(async {
        println!("== errors in tasks ==");
        errors_in_tasks().await;
        println!();
        println!("== gather: every outcome ==");
        gather_every_outcome().await;
        println!();
        println!("== try_gather: fail fast, the others are dropped ==");
        gather_fail_fast().await;
        println!();
        println!("== try_gather over tasks: the others run on ==");
        gather_tasks_fail_fast().await;
        println!();
        println!("== wait(FirstError) ==");
        wait_first_error().await;
        println!();
        println!("== nobody awaits ==");
        nobody_awaits().await;
    });
}
// ANCHOR_END: main

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
