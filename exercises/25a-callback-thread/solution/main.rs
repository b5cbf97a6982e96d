//! Exercise 25a, solved: the callback hands each reading to the loop through a `LoopCallback`,
//! which runs on the loop's thread and puts it in a `Queue`; the task awaits the queue, and
//! the loop sleeps in the poller until a reading arrives (the call from the sensor's thread
//! wakes it).

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

// ---- The program. ----

fn main() {
    USAGE.parse().finish();
    aio::run(async {
        let readings = aio::sync::Queue::new(0);
        // Registered on the loop; its handle is `Send`, the queue it uses stays here.
        let put = {
            let readings = readings.clone();
            aio::LoopCallback::new(move |reading| readings.put_nowait(reading).unwrap())
        };
        let sensor = start_sensor(vec![21.5, 21.7, 22.4, 22.1], move |reading| {
            put.call_soon_threadsafe(reading)
                .expect("the loop is running");
        });
        let mut count = 0;
        while let Some(reading) = readings.get().await {
            println!("reading {}: {:.1} °C", reading.number, reading.celsius);
            count += 1;
        }
        aio::to_thread(move || sensor.join().expect("the sensor ran")).await;
        println!("the sensor stopped after {count} readings");
    });
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
