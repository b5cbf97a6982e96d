//! Exercise 03b: a task that main must not forget before it returns.
//!
//! An editor is closing. It saves the document in the background, as a task, while its window
//! fades out. But the save takes 2 s and the window only 1 s: `editor` returns first, and when
//! the future given to `aio::run` returns, `run` cancels every task still running. The save
//! is dropped half-way: `save: document saved` is never printed. (asyncio's `asyncio.run`
//! does the same to leftover tasks.)
//!
//! Goal: the editor says `bye` only once the document is saved, printing exactly
//! `expected.txt`. `cargo course check 03b` runs it in virtual time and checks the output, the
//! loop time (2.0 s: the save still runs while the window fades out) and, from the loop's
//! trace, that no task was left running when `aio::run` returned. Stuck? `cargo course hint
//! 03b`; read lesson 03, part 5 (`cargo run -p lesson-03`).

use std::time::{Duration, Instant};

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// Writes the document to a slow disk: 2 s.
async fn save(start: Instant) {
    println!("{} save: writing the document", at(start));
    aio::sleep(Duration::from_secs(2)).await;
    println!("{} save: document saved", at(start));
}

async fn editor() {
    let start = aio::now();
    // The handle `aio::spawn` returns is dropped at once: nobody waits for the task.
    aio::spawn(save(start));
    println!("{} editor: saving in the background", at(start));
    aio::sleep(Duration::from_secs(1)).await; // The window fades out.
    println!("{} editor: window closed", at(start));
    println!("{} editor: bye", at(start));
}

fn main() {
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    aio::run(editor());
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
