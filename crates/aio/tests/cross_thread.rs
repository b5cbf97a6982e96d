//! A waker called on another thread ends the loop's sleep in the poller, on every wake: the
//! reactor's `notify()` must make a new edge each time, though nobody reads its counter.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::channel::oneshot;

/// How long a wake may take to end the loop's sleep. It takes microseconds; 10 s is the margin
/// for a machine too busy to schedule the loop's thread. A lost wake would leave the loop
/// asleep until its next timer, `SLEEP` away.
const LATE: Duration = Duration::from_secs(10);
const SLEEP: Duration = Duration::from_secs(30);

#[test]
fn every_wake_from_another_thread_ends_the_loops_sleep() {
    // The trace says when the loop has gone to sleep in the poller, so that the other thread
    // wakes it from there, and not while it is still busy.
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    let parks = move || {
        let lines = lines.lock().unwrap();
        lines.iter().filter(|l| l.contains(" park ")).count()
    };
    aio::Builder::new()
        .trace_to(move |line| sink.lock().unwrap().push(line.to_string()))
        .run(async move {
            for round in 0..20 {
                let (send, receive) = oneshot::channel();
                let parked_before = parks();
                let parks = parks.clone();
                let thread = std::thread::spawn(move || {
                    // Wait until the loop sleeps (or a while, if the trace never says so).
                    for _ in 0..2_000 {
                        if parks() > parked_before {
                            break;
                        }
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    send.send(round).unwrap();
                });
                let started = Instant::now();
                // The timer gives the loop a deadline to sleep until, should the wake be lost.
                let got = aio::timeout(SLEEP, receive).await;
                let took = started.elapsed();
                assert!(
                    took < LATE,
                    "round {round}: the wake from another thread did not end the loop's sleep \
                     (it took {took:?})"
                );
                assert_eq!(got, Ok(Ok(round)));
                thread.join().unwrap();
            }
        });
}
