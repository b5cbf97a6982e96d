//! Exercise 01a: a countdown that waits without blocking the loop.
//!
//! The countdown prints a line every half second, stamped with the time on the loop's clock,
//! exactly as `expected.txt` shows:
//!
//! ```text
//! [0.0s] 3
//! [0.5s] 2
//! [1.0s] 1
//! [1.5s] liftoff!
//! ```
//!
//! Run it with `cargo run -p exercise-01a`: it looks right! But it waits with
//! `std::thread::sleep`, which blocks the whole thread, and the event loop with it: while the
//! countdown sleeps, no other task could run, and the loop does not even know that time is
//! passing. Run it the way the grader does, in virtual time and with debug mode on, and see:
//!
//! ```text
//! AIO_CLOCK=virtual AIO_DEBUG=1 cargo run -p exercise-01a
//! ```
//!
//! Goal: wait the async way, so that the loop is free while the countdown waits. Then
//! `cargo course check 01a` checks that the output is exactly `expected.txt`, that the
//! countdown takes 1.5 s on the loop's clock, and that debug mode saw no poll that blocked
//! the loop. Stuck? `cargo course hint 01a`; read lesson 01 (`cargo run -p lesson-01`).

use std::time::{Duration, Instant};

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

async fn countdown() {
    let start = aio::now();
    for n in [3, 2, 1] {
        println!("{} {n}", at(start));
        std::thread::sleep(Duration::from_millis(500));
    }
    println!("{} liftoff!", at(start));
}

fn main() {
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    aio::run(countdown());
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
