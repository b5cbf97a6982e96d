//! Exercise 02a: the next page loads while this one is read, not after.
//!
//! An e-reader loads page 1 (1 s), then shows it; the reader spends 2 s on it. To save time,
//! the program "starts" loading page 2 before the reader begins page 1, so that page 2 is
//! ready when the page turns. Or so it thinks: `load_page(start, 2)` makes a future, and a
//! future is lazy. It describes the work; nothing runs until it is awaited. Page 2 starts
//! loading only at `next.await`, after the reading, and the reader waits for it: 4 s in all.
//!
//! Goal: make page 2 really load while page 1 is read, so that the whole takes 3 s, printing
//! exactly `expected.txt` (`loading page 2` at 1.0 s, right after `reading page 1`).
//! `cargo course check 02a` runs it in virtual time and checks the output and the loop time
//! (3.0 s). Stuck? `cargo course hint 02a`; read lesson 02, part 1 (`cargo run -p lesson-02`).

use std::time::{Duration, Instant};

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// Loads page `n` from the disk: 1 s.
async fn load_page(start: Instant, n: u32) -> String {
    println!("{} loading page {n}", at(start));
    aio::sleep(Duration::from_secs(1)).await;
    println!("{} page {n} loaded", at(start));
    format!("page {n}")
}

async fn reader() {
    let start = aio::now();
    let page = load_page(start, 1).await;
    // Start loading page 2 now, so that it is ready when the reader turns the page.
    let next = load_page(start, 2);
    println!("{} reading {page}", at(start));
    aio::sleep(Duration::from_secs(2)).await; // The reader reads page 1.
    let page = next.await;
    println!("{} reading {page}", at(start));
}

fn main() {
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    aio::run(reader());
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
