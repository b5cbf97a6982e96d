//! The two clocks: virtual time jumps only when nothing but timers is left, stands still while
//! tasks compute, and is exact; real time is the wall clock.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

mod common;
use common::run_virtual as virtual_run;

#[test]
fn the_virtual_clock_jumps_only_when_nothing_else_is_ready() {
    const TURNS: u32 = 500;
    let (turns_seen, woke_after, yielder_saw) = virtual_run(async {
        let start = aio::now();
        let turns = Rc::new(Cell::new(0));
        let counter = turns.clone();
        // Ready on every turn for TURNS turns: the loop never runs out of work meanwhile.
        let yielder = aio::spawn(async move {
            let mut clock_readings = Vec::new();
            for _ in 0..TURNS {
                clock_readings.push(aio::now() - start);
                counter.set(counter.get() + 1);
                aio::yield_now().await;
            }
            clock_readings
        });
        let sleeper = aio::spawn(async move {
            aio::sleep(Duration::from_millis(1)).await;
            (turns.get(), aio::now() - start)
        });
        let (turns_seen, woke_after) = sleeper.await.unwrap();
        (turns_seen, woke_after, yielder.await.unwrap())
    });
    // Had the clock jumped while the yielder was ready, the sleeper would have woken first.
    assert_eq!(turns_seen, TURNS);
    assert_eq!(woke_after, Duration::from_millis(1));
    assert!(yielder_saw.iter().all(|&t| t == Duration::ZERO));
}

#[test]
fn virtual_time_stands_still_while_tasks_compute() {
    let (virtual_elapsed, real_elapsed) = virtual_run(async {
        let start = aio::now();
        let real_start = Instant::now();
        // A few milliseconds of real work without an await.
        while real_start.elapsed() < Duration::from_millis(3) {
            std::hint::spin_loop();
        }
        (aio::now() - start, real_start.elapsed())
    });
    assert_eq!(virtual_elapsed, Duration::ZERO);
    assert!(real_elapsed >= Duration::from_millis(3));
}

// ANCHOR: exact
#[test]
fn virtual_durations_add_up_exactly() {
    let elapsed = virtual_run(async {
        let start = aio::now();
        for _ in 0..3 {
            aio::sleep(Duration::from_nanos(333_333_333)).await;
        }
        aio::now() - start
    });
    assert_eq!(elapsed, Duration::from_nanos(999_999_999));
}
// ANCHOR_END: exact

#[test]
fn a_day_of_virtual_sleeps_takes_no_real_time() {
    let real_start = Instant::now();
    let elapsed = virtual_run(async {
        let start = aio::now();
        for _ in 0..24 {
            aio::sleep(Duration::from_secs(3600)).await;
        }
        aio::now() - start
    });
    assert_eq!(elapsed, Duration::from_secs(24 * 3600));
    // Real time: 24 turns of the loop take well under a millisecond; 5 s is the margin for a
    // busy machine, and still nothing next to the day a real clock would take.
    assert!(real_start.elapsed() < Duration::from_secs(5));
}

#[test]
fn the_virtual_clock_follows_real_time_while_the_loop_waits_for_a_thread() {
    // Nothing but a thread is pending: no timer to jump to, so the loop waits for real and its
    // clock moves with the wall clock, by the time it spent waiting in the poller.
    let (elapsed, real_elapsed) = virtual_run(async {
        let real_start = Instant::now();
        let start = aio::now();
        let (sender, receiver) = std::sync::mpsc::channel::<std::task::Waker>();
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = done.clone();
        let worker = std::thread::spawn(move || {
            let waker = receiver.recv().unwrap();
            std::thread::sleep(Duration::from_millis(5));
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
            waker.wake();
        });
        let mut sender = Some(sender);
        std::future::poll_fn(|cx| {
            if done.load(std::sync::atomic::Ordering::SeqCst) {
                return std::task::Poll::Ready(());
            }
            if let Some(sender) = sender.take() {
                sender.send(cx.waker().clone()).unwrap();
            }
            std::task::Poll::Pending
        })
        .await;
        worker.join().unwrap();
        let elapsed = aio::now() - start;
        (elapsed, real_start.elapsed())
    });
    assert!(
        elapsed > Duration::ZERO,
        "virtual time stood still during a real wait"
    );
    assert!(
        elapsed <= real_elapsed,
        "virtual time ran ahead of a real wait"
    );
}

#[test]
fn the_real_clock_is_the_wall_clock() {
    let (loop_elapsed, real_elapsed) = aio::Builder::new().run(async {
        let real_start = Instant::now();
        let start = aio::now();
        aio::sleep(Duration::from_millis(2)).await;
        let loop_elapsed = aio::now() - start;
        (loop_elapsed, real_start.elapsed())
    });
    assert!(loop_elapsed >= Duration::from_millis(2));
    // The loop's stretch lies inside the real one: it started later and ended earlier.
    assert!(loop_elapsed <= real_elapsed);
}

#[test]
#[should_panic(expected = "aio::now was called outside the aio runtime")]
fn now_outside_run_panics_with_advice() {
    let _ = aio::now();
}
