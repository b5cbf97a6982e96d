//! Lesson 15: debug mode.
//!
//! `cargo run -p lesson-15` runs a small program whose settings loader hides a blocking call.
//! Debug mode (asyncio's `loop.set_debug(True)`, here `AIO_DEBUG=1` or
//! `Builder::debug`) prints a warning on stderr that names the task that blocked the loop and
//! for how long. Then the fix, which debug mode lets through quietly. Last, the Rust side of
//! asyncio's "coroutine was never awaited": a future that is never awaited never runs.

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

// ANCHOR: hidden
/// Reads the settings file. Somewhere deep in a library, this blocks: a slow disk, a
/// synchronous HTTP call, a lock held by another thread. Here: a 300 ms sleep.
fn read_settings_file() -> String {
    std::thread::sleep(Duration::from_millis(300));
    "workers = 4\nretries = 3\n".to_string()
}

/// Loads the settings. It looks like good async code: it awaits.
async fn load_settings() -> usize {
    aio::sleep(Duration::from_millis(10)).await;
    let text = read_settings_file(); // The hidden blocking call.
    text.lines().count()
}
// ANCHOR_END: hidden

// ANCHOR: fixed
/// The fix: the blocking call goes to the blocking pool, and the task awaits it.
async fn load_settings_fixed() -> usize {
    aio::sleep(Duration::from_millis(10)).await;
    let text = aio::to_thread(read_settings_file).await;
    text.lines().count()
}
// ANCHOR_END: fixed

// ANCHOR: app
/// The program: a ticker that should tick every 50 ms, and the settings loader, both named
/// so that debug mode can tell them apart.
async fn app(load: impl Future<Output = usize> + 'static) {
    let ticker = aio::spawn_named("ticker", async {
        for _ in 0..8 {
            aio::sleep(Duration::from_millis(50)).await;
        }
    });
    let loader = aio::spawn_named("load_settings", load);
    let lines = loader.await.expect("the loader finished");
    ticker.await.expect("the ticker finished");
    println!("  loaded {lines} settings; the ticker finished");
}

fn debug_loop() -> aio::Builder {
    // Debug mode on, as `asyncio.run(main(), debug=True)`; `AIO_DEBUG=1` does the same
    // for any program that starts its loop with `aio::run`.
    aio::Builder::from_env().debug(Some(aio::DEFAULT_SLOW_POLL))
}
// ANCHOR_END: app

// ANCHOR: forgotten
/// Sends a report, and records that it ran.
async fn send_report(sent: Rc<Cell<bool>>) {
    sent.set(true);
}

/// Forgets the `.await`. The compiler warns about this line: the allow() silences it here,
/// so that the program can show what happens.
#[allow(unused_must_use)]
async fn forgetful(sent: Rc<Cell<bool>>) {
    send_report(sent); // Makes a future and drops it: nothing runs.
}

async fn careful(sent: Rc<Cell<bool>>) {
    send_report(sent).await;
}
// ANCHOR_END: forgotten

// ANCHOR: main
fn main() {
    USAGE.parse().finish(); // `--help` says what the lesson does; no other options
    println!("1. a hidden blocking call, with debug mode on:");
    debug_loop().run(app(load_settings()));

    println!("2. the fix, aio::to_thread, with debug mode on:");
    debug_loop().run(app(load_settings_fixed()));

    println!("3. a future that is never awaited:");
    aio::run(async {
        let sent = Rc::new(Cell::new(false));
        forgetful(sent.clone()).await;
        println!("  without .await, the report was sent: {}", sent.get());
        careful(sent.clone()).await;
        println!("  with .await, the report was sent: {}", sent.get());
    });
}
// ANCHOR_END: main

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
