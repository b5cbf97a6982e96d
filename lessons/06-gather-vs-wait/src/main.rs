//! Lesson 06: gather versus wait.
//!
//! `cargo run -p lesson-06` fetches three pages with `gather` (results in argument order,
//! whatever the completion order), waits for three jobs with `wait` (done and pending), takes
//! the fastest of three mirrors and cancels the rest, and waits for reports with a timeout.

use std::time::{Duration, Instant};

use aio::ReturnWhen;

/// Seconds since `start` on the loop's clock, to one decimal: "0.3s".
fn since(start: Instant) -> String {
    format!("{:.1}s", (aio::now() - start).as_secs_f64())
}

// ANCHOR: fetch_page
/// Pretends to download `url`: the article used aiohttp; a sleep stands in for the network.
async fn fetch_page(url: &'static str, delay: Duration) -> String {
    println!("fetching {url}");
    aio::sleep(delay).await;
    println!("fetched  {url}");
    format!("<html of {url}>")
}
// ANCHOR_END: fetch_page

// ANCHOR: gather
async fn gather_pages() {
    let start = aio::now();
    let pages = [
        ("https://www.jython.org", 300),
        ("http://olympus.realpython.org/", 100),
        ("https://realpython.com/", 200),
    ];
    let tasks = pages.map(|(url, ms)| aio::spawn(fetch_page(url, Duration::from_millis(ms))));
    // Completion order is 2, 3, 1; result order is argument order, 1, 2, 3.
    let results = aio::gather(tasks).await;
    for html in results {
        println!(
            "result: {}",
            html.expect("fetch_page neither panics nor is cancelled")
        );
    }
    println!("total time: {}", since(start));

    // gather! takes a fixed set of futures of different types and returns a tuple.
    let (html, links) = aio::gather!(
        fetch_page("https://docs.python.org/", Duration::from_millis(100)),
        count_links(Duration::from_millis(50)),
    )
    .await;
    println!("{html} has {links} links");
}

/// Another kind of work, with another output type.
async fn count_links(delay: Duration) -> usize {
    aio::sleep(delay).await;
    42
}
// ANCHOR_END: gather

// ANCHOR: coroutine
/// The article's `coroutine1()`..`coroutine3()`: the second one fails.
async fn coroutine(n: u32, delay: Duration) -> Result<String, String> {
    aio::sleep(delay).await;
    if n == 2 {
        Err(format!("coroutine{n} failed"))
    } else {
        Ok(format!("coroutine{n} result"))
    }
}
// ANCHOR_END: coroutine

// ANCHOR: wait
async fn wait_for_all() {
    // `wait` takes tasks, not bare futures: spawn them first.
    let tasks = vec![
        aio::spawn(coroutine(1, Duration::from_millis(100))),
        aio::spawn(coroutine(2, Duration::from_millis(200))),
        aio::spawn(coroutine(3, Duration::from_millis(300))),
    ];
    let (done, pending) = aio::wait(tasks, ReturnWhen::AllCompleted).await;
    // One list of finished tasks, successes and failures together; nothing is pending.
    println!("done: {}, pending: {}", done.len(), pending.len());
    for task in done {
        // A done task holds its outcome: awaiting it returns at once.
        match task.await {
            Ok(Ok(result)) => println!("ok:     {result}"),
            Ok(Err(error)) => println!("failed: {error}"),
            Err(task_error) => println!("task error: {task_error}"),
        }
    }
}
// ANCHOR_END: wait

// ANCHOR: mirrors
/// Downloads the same file from one mirror; some mirrors are slower than others.
async fn download(mirror: &'static str, delay: Duration) -> String {
    aio::sleep(delay).await;
    format!("file from {mirror}")
}

async fn fastest_mirror() {
    let start = aio::now();
    let mirrors = [("mirror-eu", 300), ("mirror-us", 120), ("mirror-asia", 250)];
    let tasks: Vec<_> = mirrors
        .iter()
        .map(|&(name, ms)| aio::spawn_named(name, download(name, Duration::from_millis(ms))))
        .collect();
    let (done, pending) = aio::wait(tasks, ReturnWhen::FirstCompleted).await;
    for task in done {
        println!("fastest: {} after {}", task.await.unwrap(), since(start));
    }
    // The slower downloads are still running: we no longer want them.
    for task in &pending {
        task.cancel();
        println!("cancelled {}", task.name().unwrap_or("?"));
    }
    println!("tasks still running: {}", aio::task_count().unwrap());
}
// ANCHOR_END: mirrors

// ANCHOR: timeout
async fn wait_with_timeout() {
    let start = aio::now();
    let reports = [("report-a", 100), ("report-b", 400), ("report-c", 250)];
    let tasks: Vec<_> = reports
        .iter()
        .map(|&(name, ms)| aio::spawn_named(name, download(name, Duration::from_millis(ms))))
        .collect();
    let (done, pending) = aio::wait(tasks, ReturnWhen::AllCompleted)
        .timeout(Duration::from_millis(300))
        .await;
    println!(
        "after {}: {} done, {} pending",
        since(start),
        done.len(),
        pending.len()
    );
    for task in done {
        println!("got {}", task.await.unwrap());
    }
    // The timeout cancelled nothing: the straggler is still running, and can be awaited.
    for task in pending {
        let name = task.name().unwrap_or("?").to_string();
        println!("{name} still running, waiting for it");
        println!("got {} after {}", task.await.unwrap(), since(start));
    }
}
// ANCHOR_END: timeout

// ANCHOR: main
fn main() {
    USAGE.parse().finish(); // `--help` says what the lesson does; no other options
    aio::run(async {
        println!("== gather: results in argument order ==");
        gather_pages().await;
        println!();
        println!("== wait: done and pending ==");
        wait_for_all().await;
        println!();
        println!("== wait(FirstCompleted): the fastest mirror ==");
        fastest_mirror().await;
        println!();
        println!("== wait with a timeout ==");
        wait_with_timeout().await;
    });
}
// ANCHOR_END: main

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
