//! A stand-in for a blocking library with callbacks: it reads a sensor on a thread of its own
//! and calls you back *on that thread*, as many C libraries, device SDKs and GUI toolkits do.
//! It knows nothing about the loop.

use std::panic::{self, AssertUnwindSafe};
use std::thread::{self, JoinHandle};

/// One reading, as the library delivers it.
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    /// 1, 2, 3 …
    pub number: u32,
    /// The temperature read.
    pub celsius: f64,
}

// ANCHOR: sensor
/// A sensor being read on the library's thread.
pub struct Sensor {
    /// The library's thread. It ends with the readings, or when the callback fails: then it
    /// returns the failure's message.
    thread: JoinHandle<Result<(), String>>,
}

impl Sensor {
    /// Starts reading on a new thread, named "sensor": calls `on_reading` there with each
    /// reading, then with `None` when the sensor stops. A callback that panics stops the
    /// sensor; [`join`](Sensor::join) says why.
    pub fn start(
        readings: Vec<f64>,
        mut on_reading: impl FnMut(Option<Reading>) + Send + 'static,
    ) -> Sensor {
        let thread = thread::Builder::new().name("sensor".into());
        let thread = thread.spawn(move || {
            let numbered = readings.into_iter().zip(1..);
            let calls = numbered.map(|(celsius, number)| Some(Reading { number, celsius }));
            for reading in calls.chain([None]) {
                // The library survives its callback: it stops, and keeps the message.
                panic::catch_unwind(AssertUnwindSafe(|| on_reading(reading)))
                    .map_err(|payload| message(&*payload))?;
            }
            Ok(())
        });
        Sensor {
            thread: thread.expect("the sensor's thread started"),
        }
    }

    /// Waits for the library's thread to end (a blocking call): `Err` with the message of
    /// the callback's panic if it failed.
    pub fn join(self) -> Result<(), String> {
        self.thread
            .join()
            .expect("the sensor's thread caught its panics")
    }
}
// ANCHOR_END: sensor

/// The message of a panic payload.
fn message(payload: &(dyn std::any::Any + Send)) -> String {
    (payload.downcast_ref::<String>().cloned())
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(no message)".to_string())
}
