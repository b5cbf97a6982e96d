//! Lesson 03: tasks.
//!
//! `cargo run -p lesson-03` shows that `aio::spawn` (asyncio's `create_task`) schedules a task
//! and returns at once, downloads three pages one after another and then at the same time,
//! cancels a task, and shows what `aio::run` does with tasks still running when it returns.

use std::time::{Duration, Instant};

/// "[1.5s]": the time since `start` on the loop's clock, as the lesson prints it.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

// ANCHOR: spawn
async fn my_coroutine() {
    println!("Coroutine started");
    aio::sleep(Duration::from_secs(1)).await;
    println!("Coroutine resumed");
}

async fn spawn_and_await() {
    println!("--- 1. spawn schedules the task; it starts when main yields");
    let task = aio::spawn(my_coroutine()); // Queued on the loop; none of it has run.
    println!("Task created");
    task.await.unwrap(); // main is suspended here, so the loop runs the task.
    println!("Task completed");

    let task = aio::spawn(my_coroutine());
    println!("Task created, main goes on");
    // Any await that suspends main lets the task start: awaiting the task is not needed.
    aio::sleep(Duration::from_millis(500)).await;
    println!("main: half a second later");
    task.await.unwrap();
    println!("Task completed");
}
// ANCHOR_END: spawn

// ANCHOR: download
/// Stands in for fetching a page: the sleep is the time the network takes to answer.
async fn download_page(start: Instant, url: &str, seconds: u64) -> usize {
    println!("{} start {url}", at(start));
    aio::sleep(Duration::from_secs(seconds)).await;
    println!("{} done  {url}", at(start));
    1000 * seconds as usize // The page's size in bytes: slow pages are big ones, say.
}
// ANCHOR_END: download

// ANCHOR: sequential
async fn one_after_another() {
    println!("--- 2. three downloads, one after another");
    let start = aio::now();
    download_page(start, "https://example.com/a", 3).await;
    download_page(start, "https://example.com/b", 1).await;
    download_page(start, "https://example.com/c", 2).await;
    println!("{} all three: the sum of the waits", at(start));
}
// ANCHOR_END: sequential

// ANCHOR: concurrent
async fn at_the_same_time() {
    println!("--- 3. three downloads, as three tasks");
    let start = aio::now();
    let task1 = aio::spawn(download_page(start, "https://example.com/a", 3));
    let task2 = aio::spawn(download_page(start, "https://example.com/b", 1));
    let task3 = aio::spawn(download_page(start, "https://example.com/c", 2));
    // Awaiting in spawn order is fine: the tasks run meanwhile, whoever is awaited.
    let bytes = task1.await.unwrap() + task2.await.unwrap() + task3.await.unwrap();
    println!("{} all three: the longest wait ({bytes} bytes)", at(start));
}
// ANCHOR_END: concurrent

// ANCHOR: cleanup
/// Prints when it is dropped: cleanup that runs however the task ends (Python's `finally`).
struct Cleanup {
    start: Instant,
    url: &'static str,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        println!("{} cleanup: {}", at(self.start), self.url);
    }
}

async fn slow_download(start: Instant, url: &'static str) {
    let _cleanup = Cleanup { start, url };
    println!("{} start {url}", at(start));
    aio::sleep(Duration::from_secs(10)).await;
    println!("{} done  {url}", at(start)); // Never printed below: the task is cancelled.
}
// ANCHOR_END: cleanup

// ANCHOR: cancel
async fn cancelling() {
    println!("--- 4. cancelling a task");
    let start = aio::now();
    let task = aio::spawn(slow_download(start, "https://example.com/big"));
    aio::sleep(Duration::from_secs(1)).await;
    println!("{} cancel the task", at(start));
    // Drops the task's future right here, at the .await where it is suspended.
    if task.cancel() {
        println!("{} cancel() returned: it was cancelled", at(start));
    }
    match task.await {
        Ok(()) => println!("{} it finished after all", at(start)),
        Err(error) => println!("{} awaiting it: {error}", at(start)),
    }
}
// ANCHOR_END: cancel

// ANCHOR: leftovers
fn leftovers() {
    println!("--- 5. tasks still running when run returns");
    aio::run(async {
        let start = aio::now();
        // The handle is dropped at once; the task runs on regardless.
        aio::spawn(slow_download(start, "https://example.com/forgotten"));
        aio::sleep(Duration::from_secs(2)).await;
        println!("{} main returns", at(start));
    }); // The forgotten task is cancelled here, before run returns.
    println!("run returned");
}
// ANCHOR_END: leftovers

// ANCHOR: main
fn main() {
    USAGE.parse().finish(); // `--help` says what the lesson does; no other options
    aio::run(async {
        spawn_and_await().await;
        one_after_another().await;
        at_the_same_time().await;
        cancelling().await;
    });
    leftovers();
}
// ANCHOR_END: main

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
