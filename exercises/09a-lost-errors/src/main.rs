//! Exercise 09a: notifications whose failures are reported, not lost with their tasks.
//!
//! A newsletter goes out to four users, one task per notification. The program spawns the
//! tasks, drops their handles at once ("fire and forget"), sleeps a second to give them time,
//! and says they were all sent. Two were not. Carol's mailbox is full: `notify` returned
//! `Err`, a value, dropped with its task without a trace. Dave's address is missing, and
//! `notify` panics on it: a bug, which the loop caught, and reported on stderr only because
//! nobody awaited the task (`panicked and its Task was never awaited`). Nobody could react to
//! either. And the second of sleep is a guess: too short, and tasks are cut off; too long, and
//! the newsletter waits for nothing.
//!
//! Goal: await every notification, as soon as it is done and no longer, and report each one's
//! outcome in the order of `USERS`: sent, failed (an `Err`) or crashed (a panic), then the
//! counts; print exactly `expected.txt`. `cargo course check 09a` runs it in virtual time and
//! checks the output, the loop time (0.3 s: the slowest notification), and that no task
//! panicked without being awaited. Stuck? `cargo course hint 09a`; read lesson 09
//! (`cargo run -p lesson-09`).
//!
//! The panic prints a line on stderr when it happens, even once it is handled: the panic hook
//! (a short one, set in `main`, as in lesson 09) runs before the loop catches the panic.

use std::time::{Duration, Instant};

/// Who gets the newsletter, and how long the mail server takes for each.
const USERS: [(&str, u64); 4] = [("ada", 100), ("carol", 200), ("dave", 150), ("erin", 300)];

/// "[0.3s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// Sends one notification. A full mailbox is an expected failure: an `Err`. A user without an
/// address is a bug: a panic.
async fn notify(user: &'static str, ms: u64) -> Result<(), String> {
    aio::sleep(Duration::from_millis(ms)).await;
    match user {
        "carol" => Err(format!("{user}'s mailbox is full")),
        "dave" => panic!("no address for {user}"),
        _ => Ok(()),
    }
}

async fn newsletter() {
    let start = aio::now();
    for (user, ms) in USERS {
        aio::spawn(notify(user, ms)); // Fire and forget: the handle is dropped.
    }
    aio::sleep(Duration::from_secs(1)).await; // Give them time to finish.
    println!("{} newsletter: {} sent", at(start), USERS.len());
}

fn main() {
    USAGE.parse().finish(); // `--help` says what the exercise is about.
                            // A panic prints one short message on stderr: where, and what (not Rust's longer one).
    std::panic::set_hook(Box::new(|info| eprintln!("{info}")));
    aio::run(newsletter());
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
