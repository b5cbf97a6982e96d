//! Lesson 18: build an executor.
//!
//! `cargo run -p lesson-18` builds a tiny event loop from scratch, with nothing but the standard
//! library, in four steps that each print something:
//!
//! 1. `block_on`: poll one future; between polls, sleep until its waker is called.
//! 2. A run queue of tasks: `spawn`, a `JoinHandle`, and wakers that queue a task id once.
//! 3. Timers: a binary heap of deadlines; the loop sleeps until the nearest one.
//! 4. The same program on `aio`, and one thing the mini loop gets wrong (a panicking task).
//!
//! Everything in `mini.rs` is `std` alone. `aio` appears only in step 4, to compare.

use std::panic;
use std::time::Duration;

mod mini;

/// A duration rounded to the nearest 10 ms, for printing: exact in virtual time, and what
/// `cargo run` shows in real time too.
fn ms(d: Duration) -> u128 {
    (d.as_micros() + 5_000) / 10_000 * 10
}

fn step1() {
    println!("1. block_on: one future, woken from other threads");
    // ANCHOR: step1
    let (answer, polls) = mini::block_on(async {
        let six = mini::on_a_thread(|| 6).await; // Pending once...
        mini::on_a_thread(move || six * 7).await // ...and once more.
    });
    println!("   answer {answer}, after {polls} polls");
    // ANCHOR_END: step1
}

fn step2() {
    println!("2. a run queue: three tasks take turns");
    // ANCHOR: step2
    /// Counts to `n`, giving the other tasks a turn after each step.
    async fn count(name: &'static str, n: u32) -> u32 {
        for i in 1..=n {
            println!("   {name}: {i} of {n}");
            mini::yield_now().await;
        }
        n * 10
    }

    mini::run(async {
        let a = mini::spawn(count("a", 3));
        let b = mini::spawn(count("b", 2));
        let c = mini::spawn(count("c", 1));
        println!("   main: spawned a, b, c; none has run yet");
        let results = (a.await, b.await, c.await);
        println!("   main: results {results:?}");

        // Two wakes before the next poll: the scheduled flag keeps one queue entry.
        std::future::poll_fn(|cx| {
            cx.waker().wake_by_ref();
            cx.waker().wake_by_ref();
            println!("   main: woken twice, queued {} time(s)", mini::queued());
            std::task::Poll::Ready(())
        })
        .await;
        let s = mini::stats();
        println!(
            "   {} polls in {} turns; slept {} times",
            s.polls, s.turns, s.waits
        );
    });
    // ANCHOR_END: step2
}

fn step3() {
    println!("3. timers: a heap of deadlines, and a loop that sleeps until the nearest");
    // ANCHOR: step3
    mini::run(async {
        let start = mini::now();
        let cooks = [("tea", 300), ("toast", 100), ("eggs", 200)].map(|(what, millis)| {
            mini::spawn(async move {
                mini::sleep(Duration::from_millis(millis)).await;
                println!("   {:>3} ms  {what} is ready", ms(mini::now() - start));
                what
            })
        });
        let mut served = Vec::new();
        for cook in cooks {
            served.push(cook.await); // In spawn order, whatever order they finished in.
        }
        println!(
            "   served {served:?} after {} ms, not 600",
            ms(mini::now() - start)
        );
        let s = mini::stats();
        println!(
            "   {} polls in {} turns; slept {} times",
            s.polls, s.turns, s.waits
        );
    });
    // ANCHOR_END: step3
}

fn step4() {
    println!("4. the same breakfast on aio");
    // ANCHOR: step4_same
    aio::run(async {
        let start = aio::now();
        let cooks = [("tea", 300), ("toast", 100), ("eggs", 200)].map(|(what, millis)| {
            aio::spawn(async move {
                aio::sleep(Duration::from_millis(millis)).await;
                println!("   {:>3} ms  {what} is ready", ms(aio::now() - start));
                what
            })
        });
        let mut served = Vec::new();
        for cook in cooks {
            // A Result: an aio task may also end by panicking or by being cancelled.
            served.push(cook.await.unwrap());
        }
        println!(
            "   served {served:?} after {} ms, not 600",
            ms(aio::now() - start)
        );
        println!("   {} loop turns", aio::loop_turns().unwrap());
    });
    // ANCHOR_END: step4_same

    println!("   a task panics:");
    // Both panics below are expected: keep the default hook from printing them to stderr.
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    // ANCHOR: step4_panic
    let outcome = panic::catch_unwind(|| {
        mini::run(async {
            let toast = mini::spawn(async {
                mini::sleep(Duration::from_millis(100)).await;
                "toast"
            });
            let _fire = mini::spawn(async { panic!("the toaster caught fire") });
            toast.await
        })
    });
    if outcome.is_err() {
        println!("   mini: the panic unwound out of mini::run; the toast was lost with it");
    }

    aio::run(async {
        let toast = aio::spawn(async {
            aio::sleep(Duration::from_millis(100)).await;
            "toast"
        });
        let fire = aio::spawn(async { panic!("the toaster caught fire") });
        println!("   aio:  fire -> {}", fire.await.unwrap_err());
        println!("   aio:  toast -> {}", toast.await.unwrap());
    });
    // ANCHOR_END: step4_panic
    panic::set_hook(default_hook);
}

// ANCHOR: main
fn main() {
    USAGE.parse().finish(); // `--help` says what the lesson does; no other options
    step1();
    step2();
    step3();
    step4();
}
// ANCHOR_END: main

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
