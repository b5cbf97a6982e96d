//! Lesson 25: threads and the loop.
//!
//! `cargo run -p lesson-25` hands work between threads and the loop, both ways:
//!
//! 1. A blocking library calls back on its own thread; the callback hands each reading to the
//!    loop (asyncio's `loop.call_soon_threadsafe(queue.put_nowait, reading)`).
//! 2. A worker thread runs coroutines on the loop (`run_coroutine_threadsafe`) and blocks for
//!    each result; one never answers, and the worker cancels it.
//! 3. The wrong way: the library's callback calls a loop-only function on its own thread.
//! 4. After the loop has closed, a call from a thread is refused.
//!
//! Real threads run here, so nothing printed may depend on how the OS schedules them: in each
//! section one side prints while the other waits for it.

mod sensor;

use std::thread::{self, ThreadId};
use std::time::Duration;

use aio::sync::Queue;
use aio::{LoopCallback, LoopHandle, Promise};
use sensor::{Reading, Sensor};

/// "the loop's thread" on the thread `loop_thread`; otherwise "thread NAME".
fn which_thread(loop_thread: ThreadId) -> String {
    let here = thread::current();
    if here.id() == loop_thread {
        "the loop's thread".to_string()
    } else {
        format!("thread {}", here.name().unwrap_or("(unnamed)"))
    }
}

// ANCHOR: callback_thread
async fn a_library_calls_back_on_its_thread() {
    println!("== a library calls back on its own thread ==");
    let loop_thread = thread::current().id();
    let readings = Queue::new(0);
    // The queue stays on the loop (it is not `Send`). What the library's thread gets is a
    // function registered on the loop, which it can call from there.
    let put = {
        let readings = readings.clone();
        LoopCallback::new(move |reading| readings.put_nowait(reading).unwrap())
    };
    let sensor = Sensor::start(vec![21.5, 21.7, 22.4], move |reading| {
        // On the sensor's thread: hand the reading over, and return to the library at once.
        let on = which_thread(loop_thread);
        put.call_soon_threadsafe(reading.map(|r| (r, on)))
            .expect("the loop is running");
    });
    let mut count = 0;
    while let Some((reading, called_on)) = readings.get().await {
        let Reading { number, celsius } = reading;
        let handled_on = which_thread(loop_thread);
        let threads = format!("called back on {called_on}, handled on {handled_on}");
        println!("reading {number}: {celsius:.1} °C ({threads})");
        count += 1;
    }
    // Joining is a blocking call: on the blocking pool, not on the loop.
    let stopped = aio::to_thread(move || sensor.join()).await;
    assert_eq!(stopped, Ok(()));
    println!("the sensor stopped after {count} readings");
}
// ANCHOR_END: callback_thread

// ANCHOR: lookup
/// An async service that lives on the loop: a price lookup that takes 0.1 s (a request, say).
async fn lookup_price(item: &str) -> u32 {
    aio::sleep(Duration::from_millis(100)).await;
    match item {
        "apples" => 3,
        "pears" => 4,
        other => panic!("no price for {other}"),
    }
}
// ANCHOR_END: lookup

// ANCHOR: worker
/// Blocking code on a thread of its own (an old synchronous importer, say) that needs the
/// loop's async service: it runs each lookup on the loop, and blocks until its result is back.
fn worker(handle: LoopHandle, loop_thread: ThreadId) {
    for item in ["apples", "pears", "durian"] {
        let lookup = handle.run_coroutine_threadsafe(async move {
            let start = aio::now();
            let price = lookup_price(item).await;
            (price, aio::now() - start, which_thread(loop_thread))
        });
        match lookup.wait() {
            Ok((price, took, on)) => println!(
                "worker: {item} cost {price} (looked up on {on}, in {:.1} s of loop time)",
                took.as_secs_f64()
            ),
            Err(error) => println!("worker: {item} failed: {}", error.panic_message().unwrap()),
        }
    }
    // A lookup whose answer never comes: give up after a while, and cancel it on the loop.
    let mut stuck = handle.run_coroutine_threadsafe(std::future::pending::<u32>());
    match stuck.wait_timeout(Duration::from_millis(200)) {
        Some(outcome) => println!("worker: the lookup answered after all: {outcome:?}"),
        None => {
            println!("worker: no answer within 0.2 s, so cancel the lookup");
            stuck.cancel();
            if stuck.wait().is_err_and(|error| error.is_cancelled()) {
                println!("worker: the stuck lookup was cancelled");
            }
        }
    }
}
// ANCHOR_END: worker

// ANCHOR: worker_thread
async fn a_worker_thread_runs_coroutines_on_the_loop() {
    println!("== a worker thread runs coroutines on the loop ==");
    let handle = aio::get_running_loop();
    let loop_thread = thread::current().id();
    let finished = Promise::new();
    let done = {
        let finished = finished.clone();
        LoopCallback::new(move |()| finished.set_result(()))
    };
    let thread = thread::Builder::new().name("worker".into());
    let thread = thread.spawn(move || {
        worker(handle, loop_thread);
        done.call_soon_threadsafe(()).expect("the loop is running");
    });
    // The loop runs the worker's lookups while this task waits.
    finished.await.unwrap();
    println!("the loop: the worker is done");
    aio::to_thread(move || thread.unwrap().join().unwrap()).await;
}
// ANCHOR_END: worker_thread

// ANCHOR: wrong_way
async fn the_wrong_way() {
    println!("== the wrong way: a loop-only call on the library's thread ==");
    let sensor = Sensor::start(vec![21.5], move |reading| {
        // On the sensor's thread, written as if it were the loop's. There is no loop here:
        // aio::call_soon finds none, and panics with a message that says what to do.
        if let Some(reading) = reading {
            aio::call_soon(move || println!("reading {}", reading.number));
        }
    });
    match aio::to_thread(move || sensor.join()).await {
        Err(message) => {
            println!("the callback called call_soon on the sensor's thread: refused");
            println!("  says: {message}");
        }
        Ok(()) => println!("the callback called call_soon on the sensor's thread: accepted"),
    }
}
// ANCHOR_END: wrong_way

// ANCHOR: hook
/// Two panics here are on purpose: the lookup with no price, and the wrong way. The default
/// hook prints each with a note on backtraces, which reads as if the program had crashed; this
/// one prints a line on stderr, naming the thread.
fn quiet_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = (payload.downcast_ref::<&str>().copied())
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("(no message)");
        let thread = thread::current();
        let name = thread.name().unwrap_or("(unnamed)");
        eprintln!("panic on thread {name}: {message}");
    }));
}
// ANCHOR_END: hook

// ANCHOR: main
fn main() {
    USAGE.parse().finish(); // `--help` says what the lesson does; no other options
    quiet_panic_hook();
    let handle = aio::run(async {
        a_library_calls_back_on_its_thread().await;
        a_worker_thread_runs_coroutines_on_the_loop().await;
        the_wrong_way().await;
        aio::get_running_loop()
    });

    println!("== after the loop has closed ==");
    match handle.call_soon_threadsafe(|| println!("too late")) {
        Err(aio::LoopClosed) => println!("call_soon_threadsafe: refused, the loop is closed"),
        Ok(()) => println!("call_soon_threadsafe: accepted"),
    }
}
// ANCHOR_END: main

/// The command line: `--help` prints the description in Cargo.toml.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
