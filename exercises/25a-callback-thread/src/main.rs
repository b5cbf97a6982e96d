//! Exercise 25a: readings from a library's callback thread, handed to the loop instead of
//! waited for with a blocking call.
//!
//! A sensor library (below: leave it as it is) reads a thermometer on a thread of its own,
//! every 0.3 s, and calls you back on that thread with each reading, then with `None` when it
//! stops. The program prints each reading, then how many there were.
//!
//! The output is right, but the loop spends the whole time stuck: the callback sends each
//! reading into a std channel, and the loop's task waits for it with `recv()`, a blocking call.
//! For 0.3 s at a time the loop's one thread sleeps inside a poll, and no other task, timer or
//! socket on the loop could get a turn.
//!
//! Goal: the loop waits without blocking. The callback hands each reading to the loop, and the
//! task awaits it: put the readings in an `aio::sync::Queue` through an `aio::LoopCallback` (the
//! queue cannot leave the loop's thread; the callback's handle can), and `.await` the queue's
//! `get()`. Print exactly `expected.txt`. `cargo course check 25a` runs it in virtual time, with
//! debug mode on, and checks the output and that no poll blocked the loop. Stuck?
//! `cargo course hint 25a`; read lesson 25 (`cargo run -p lesson-25`).

use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

// ---- The sensor library: leave it as it is. ----

/// How often the sensor reads.
const EVERY: Duration = Duration::from_millis(300);

/// One reading, as the library delivers it.
#[derive(Debug, Clone, Copy)]
struct Reading {
    number: u32,
    celsius: f64,
}

/// Reads the sensor on a thread of its own, named "sensor": every `EVERY`, calls `on_reading`
/// there with the next reading; at the end, with `None`.
fn start_sensor(
    readings: Vec<f64>,
    mut on_reading: impl FnMut(Option<Reading>) + Send + 'static,
) -> JoinHandle<()> {
    let thread = thread::Builder::new().name("sensor".into());
    let thread = thread.spawn(move || {
        for (celsius, number) in readings.into_iter().zip(1..) {
            thread::sleep(EVERY);
            on_reading(Some(Reading { number, celsius }));
        }
        on_reading(None);
    });
    thread.expect("the sensor's thread started")
}

// ---- Your program. ----

fn main() {
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    aio::run(async {
        let (send, readings) = mpsc::channel();
        let sensor = start_sensor(vec![21.5, 21.7, 22.4, 22.1], move |reading| {
            send.send(reading).expect("the loop listens");
        });
        let mut count = 0;
        // Wait for each reading: recv() blocks until the sensor's thread sends one.
        while let Some(reading) = readings.recv().expect("the sensor sends None at the end") {
            println!("reading {}: {:.1} °C", reading.number, reading.celsius);
            count += 1;
        }
        aio::to_thread(move || sensor.join().expect("the sensor ran")).await;
        println!("the sensor stopped after {count} readings");
    });
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
