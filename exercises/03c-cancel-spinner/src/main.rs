//! Exercise 03c: a helper task nobody needs any more is cancelled.
//!
//! A browser loads a page. While it waits, a spinner task tells the user, once a second, that
//! the page is still loading. The spinner loops for ever: it is meant to run only as long as
//! the loading does. But nobody stops it, so once the page is there it goes on saying
//! `still loading` while the page is drawn, until `aio::run` cancels it at the very end.
//!
//! Goal: as soon as the page is loaded, cancel the spinner, so that it stops at 2.5 s (its
//! guard prints `spinner: stopped`), before the page is drawn; print exactly `expected.txt`.
//! `cargo course check 03c` runs it in virtual time and checks the output and, from the loop's
//! trace, that a task was cancelled and that no task was left running when `aio::run`
//! returned. Stuck? `cargo course hint 03c`; read lesson 03, part 4 (`cargo run -p lesson-03`).

use std::time::{Duration, Instant};

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// Prints when the spinner stops, however it stops: its `Drop` runs when the spinner's
/// future is dropped (Python's `finally`).
struct Stopped {
    start: Instant,
}

impl Drop for Stopped {
    fn drop(&mut self) {
        println!("{} spinner: stopped", at(self.start));
    }
}

/// Tells the user the page is still loading, once a second, for ever.
async fn spinner(start: Instant) {
    let _stopped = Stopped { start };
    loop {
        aio::sleep(Duration::from_secs(1)).await;
        println!("{} spinner: still loading", at(start));
    }
}

/// Loads the page: 2.5 s of network. Returns how many images it has.
async fn load_page(start: Instant) -> usize {
    aio::sleep(Duration::from_millis(2500)).await;
    println!("{} page loaded: 3 images", at(start));
    3
}

async fn browser() {
    let start = aio::now();
    println!("{} loading the page", at(start));
    aio::spawn(spinner(start)); // Keeps the user company while the page loads.
    let images = load_page(start).await;
    aio::sleep(Duration::from_millis(400) * images as u32).await; // Draws the page.
    println!("{} page shown", at(start));
}

fn main() {
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    aio::run(browser());
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
