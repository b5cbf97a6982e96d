//! Lesson 01: hello, sleep.
//!
//! `cargo run -p lesson-01` prints "Hello ...", waits one second, prints "... World!", then
//! compares two sleeps run one after the other with two sleeps run at the same time.

use std::time::Duration;

// ANCHOR: hello
async fn hello() {
    println!("Hello ...");
    // The task is suspended here; the loop is free to run others (or to sleep in the kernel).
    aio::sleep(Duration::from_secs(1)).await;
    println!("... World!");
}
// ANCHOR_END: hello

// ANCHOR: say_after
/// Waits `delay`, then prints `what`: the seed's coroutine with an argument.
async fn say_after(delay: Duration, what: &str) {
    aio::sleep(delay).await;
    println!("{what}");
}
// ANCHOR_END: say_after
// ANCHOR: main
fn main() {
    USAGE.parse().finish(); // `--help` says what the lesson does; there are no options.

    // `aio::run` is `asyncio.run`: it makes the event loop and runs the future to completion.
    aio::run(hello());

    aio::run(async {
        // One after the other: the second sleep starts when the first one ends.
        let start = aio::now();
        say_after(Duration::from_secs(1), "one").await;
        say_after(Duration::from_secs(2), "two").await;
        println!("in a row: {:.1?}", aio::now() - start);

        // At the same time: both sleeps are in the loop's timer heap together.
        let start = aio::now();
        let first = aio::spawn(say_after(Duration::from_secs(1), "one"));
        let second = aio::spawn(say_after(Duration::from_secs(2), "two"));
        first.await.unwrap();
        second.await.unwrap();
        println!("at once:  {:.1?}", aio::now() - start);
    });
}
// ANCHOR_END: main

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
