//! Lesson 02: futures.
//!
//! `cargo run -p lesson-02` shows that a Rust future is lazy (like a coroutine object, unlike
//! a task), polls a hand-written future next to the `async fn` that does the same, and ports
//! the asyncio article's `Future` + `call_later` example to `aio::Promise`, then shows the rest
//! of asyncio's `Future` on it: `result()`, failing, cancelling and done-callbacks.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

// ANCHOR: greet
async fn greet(name: &str) -> String {
    println!("greet({name}) runs");
    format!("hello, {name}")
}
// ANCHOR_END: greet

// ANCHOR: lazy
async fn lazy_versus_scheduled() {
    println!("--- 1. futures are lazy, tasks are scheduled");
    let future = greet("Ada"); // A value describing the work: nothing runs.
    println!("future created");
    let task = aio::spawn(greet("Grace")); // Handed to the loop: runs at its next turn.
    println!("task spawned");
    aio::yield_now().await; // One turn of the loop: the task runs, the future does not.
    println!("after one turn");
    println!("{}", future.await); // Now, and only now, greet("Ada") runs.
    println!("{}", task.await.unwrap());

    drop(greet("Nobody")); // A future that is never awaited never runs.
    println!("a future dropped without being awaited printed nothing");
}
// ANCHOR_END: lazy

// ANCHOR: countdown_struct
/// A hand-written future: counts down one step per poll, then is ready.
///
/// `#[must_use]` is what makes rustc warn when a `Countdown` is made and never awaited. The
/// future of an `async fn` gets that warning from the `Future` trait; a named type like this
/// one gets it only from its own attribute.
#[must_use = "futures do nothing unless you `.await` or poll them"]
struct Countdown {
    remaining: u32,
}

impl Future for Countdown {
    type Output = &'static str;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.remaining == 0 {
            return Poll::Ready("liftoff");
        }
        println!("poll: {} to go", self.remaining);
        self.remaining -= 1;
        // Not done: ask to be polled again. Without this wake nobody would ever poll us
        // again, and the task would hang forever.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
// ANCHOR_END: countdown_struct

// ANCHOR: countdown_fn
/// The same countdown as an `async fn`: the compiler writes the state machine and its `poll`.
async fn countdown(from: u32) -> &'static str {
    for remaining in (1..=from).rev() {
        println!("step: {remaining} to go");
        aio::yield_now().await; // Pending once, with our waker already woken.
    }
    "liftoff"
}
// ANCHOR_END: countdown_fn

// ANCHOR: polled
async fn polled_by_the_loop() {
    println!("--- 2. a future is polled until it is ready");
    let turns = aio::loop_turns().unwrap();
    println!("{}", Countdown { remaining: 3 }.await);
    println!("turns of the loop: {}", aio::loop_turns().unwrap() - turns);

    let turns = aio::loop_turns().unwrap();
    println!("{}", countdown(3).await);
    println!("turns of the loop: {}", aio::loop_turns().unwrap() - turns);
}
// ANCHOR_END: polled

// ANCHOR: promise
/// The article's asyncio.Future example, with `aio::Promise` as the settable value.
async fn my_coroutine() {
    println!("--- 3. a promise, set later by a callback");
    let start = aio::now();
    let future = aio::Promise::new();
    let setter = future.clone(); // Both handles share one slot.
    aio::call_later(Duration::from_secs(1), move || {
        setter.set_result("Hello, world!")
    });
    // Pending until the callback sets the value. Awaiting consumes a handle, so await a clone
    // and keep `future` for later.
    let result = future
        .clone()
        .await
        .expect("set, never failed or cancelled");
    println!("{result} (after {:.1?})", aio::now() - start);

    // A promise is set once. `set_result` would panic; `try_set_result` hands the value back.
    if let Err(refused) = future.try_set_result("Goodbye!") {
        println!("a second result is refused: {refused}");
    }
}
// ANCHOR_END: promise

// ANCHOR: endings
/// The rest of asyncio's `Future`: a look without waiting, done-callbacks, failure, cancel.
async fn other_endings() {
    println!("--- 4. result(), callbacks, failing and cancelling");
    let future = aio::Promise::new();
    // `result()` does not wait. Not done yet is an error value (asyncio raises InvalidStateError).
    if let Err(aio::PromiseError::NotReady) = future.result() {
        println!("result() before it is done: not ready yet");
    }
    future.add_done_callback(|f| println!("callback: done, result {}", f.result().unwrap()));
    let removed = future.add_done_callback(|_| println!("a removed callback never runs"));
    future.remove_done_callback(removed);
    future.set_result("ready");
    println!("set_result returned; the callback has not run yet");
    aio::yield_now().await; // One turn: the loop calls the callback.
    println!("result() now: {}", future.result().unwrap());

    // A promise can fail (asyncio's set_exception): awaiting it gives the error.
    let failed: aio::Promise<&str> = aio::Promise::new();
    let setter = failed.clone();
    aio::call_soon(move || setter.set_error("disk on fire"));
    if let Err(aio::PromiseError::Failed(error)) = failed.await {
        println!("awaiting a failed promise: {error}");
    }

    // Or be cancelled: awaiting it gives `Cancelled`, as a value the awaiting task handles.
    let cancelled: aio::Promise<&str> = aio::Promise::new();
    let canceller = cancelled.clone();
    aio::call_soon(move || {
        canceller.cancel();
    });
    if let Err(aio::PromiseError::Cancelled) = cancelled.clone().await {
        if cancelled.is_cancelled() {
            println!("awaiting a cancelled promise: cancelled, and cancelled() says so");
        }
    }
}
// ANCHOR_END: endings

// ANCHOR: main
fn main() {
    USAGE.parse().finish(); // `--help` says what the lesson does; no other options
    aio::run(async {
        lazy_versus_scheduled().await;
        polled_by_the_loop().await;
        my_coroutine().await;
        other_endings().await;
    });
}
// ANCHOR_END: main

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
