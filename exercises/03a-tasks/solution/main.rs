//! Exercise 03a, solved: spawn the three downloads first, then await the handles. Each task
//! runs from its spawn, so all three wait together; awaiting them in order is fine.

use std::time::{Duration, Instant};

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

async fn download(start: Instant, name: &'static str, seconds: u64) -> usize {
    println!("{} start {name}", at(start));
    aio::sleep(Duration::from_secs(seconds)).await;
    println!("{} done  {name}", at(start));
    1000 * seconds as usize
}

async fn download_all() {
    let start = aio::now();
    let a = aio::spawn(download(start, "a", 1));
    let b = aio::spawn(download(start, "b", 2));
    let c = aio::spawn(download(start, "c", 3));
    let bytes = a.await.unwrap() + b.await.unwrap() + c.await.unwrap();
    println!("{} all three: {bytes} bytes", at(start));
}

fn main() {
    USAGE.parse().finish();
    aio::run(download_all());
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
