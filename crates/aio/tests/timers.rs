//! Timers: they fire in deadline order, ties in registration order, never early; thousands of
//! them share the loop's one thread; a `Sleep` starts its clock when first polled.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

mod common;
use common::run_virtual as virtual_run;

#[test]
fn timers_fire_in_deadline_order_and_never_early() {
    // Spawned in an order that has nothing to do with their deadlines.
    let delays_ms: [u64; 8] = [50, 10, 40, 25, 30, 0, 20, 5];
    let fired = virtual_run(async move {
        let log = Rc::new(RefCell::new(Vec::new()));
        let start = aio::now();
        let tasks: Vec<_> = delays_ms
            .iter()
            .enumerate()
            .map(|(i, &ms)| {
                let log = log.clone();
                aio::spawn(async move {
                    let deadline = start + Duration::from_millis(ms);
                    aio::sleep_until(deadline).await;
                    let now = aio::now();
                    assert!(now >= deadline, "timer {i} woke {:?} early", deadline - now);
                    log.borrow_mut().push((i, now - start));
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        log.take()
    });
    let order: Vec<usize> = fired.iter().map(|&(i, _)| i).collect();
    assert_eq!(order, [5, 7, 1, 6, 3, 4, 2, 0]);
    // In virtual time each one wakes exactly at its deadline, not merely after it.
    for (i, at) in fired {
        assert_eq!(at, Duration::from_millis(delays_ms[i]), "timer {i}");
    }
}

#[test]
fn ties_fire_in_registration_order() {
    // Every task sleeps until the same instant, but registers its timer after a different
    // number of turns, so registration order is neither spawn order nor its reverse.
    let yields_before_sleeping = [3, 0, 5, 1, 4, 2];
    let fired = virtual_run(async move {
        let log = Rc::new(RefCell::new(Vec::new()));
        let deadline = aio::now() + Duration::from_millis(10);
        let tasks: Vec<_> = yields_before_sleeping
            .iter()
            .enumerate()
            .map(|(i, &yields)| {
                let log = log.clone();
                aio::spawn(async move {
                    for _ in 0..yields {
                        aio::yield_now().await;
                    }
                    aio::sleep_until(deadline).await;
                    log.borrow_mut().push(i);
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        log.take()
    });
    // Sorted by how many turns each task waited before registering.
    assert_eq!(fired, [1, 3, 5, 0, 4, 2]);
}

#[test]
fn real_time_sleeps_never_wake_early() {
    // The poller's timeout has millisecond granularity; the loop must not round deadlines down.
    aio::Builder::new().run(async {
        for micros in [300, 1_000, 1_700] {
            let real_start = Instant::now();
            let start = aio::now();
            aio::sleep(Duration::from_micros(micros)).await;
            assert!(aio::now() - start >= Duration::from_micros(micros));
            assert!(real_start.elapsed() >= Duration::from_micros(micros));
        }
    });
}

#[test]
#[cfg_attr(miri, ignore = "Miri takes over ten minutes for 10,000 tasks")]
fn ten_thousand_sleeps_all_complete_on_the_loops_one_thread() {
    const N: u64 = 10_000;
    let loop_thread = std::thread::current().id();
    let (completed, elapsed, timers_left, tasks_left) = virtual_run(async move {
        let completed = Rc::new(Cell::new(0u64));
        let start = aio::now();
        let tasks: Vec<_> = (0..N)
            .map(|i| {
                let completed = completed.clone();
                // Durations from 0 to 999 ms, scattered (7919 is prime).
                let delay = Duration::from_millis(i * 7919 % 1000);
                aio::spawn(async move {
                    aio::sleep(delay).await;
                    assert!(aio::now() - start >= delay, "task {i} woke early");
                    assert_eq!(std::thread::current().id(), loop_thread);
                    completed.set(completed.get() + 1);
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        (
            completed.get(),
            aio::now() - start,
            aio::timer_count(),
            aio::task_count(),
        )
    });
    assert_eq!(completed, N);
    // All the waits overlapped: the whole took as long as the longest one.
    assert_eq!(elapsed, Duration::from_millis(999));
    assert_eq!(timers_left, Some(0));
    assert_eq!(tasks_left, Some(0));
}

#[test]
fn a_sleep_starts_counting_at_its_first_poll_not_when_created() {
    let (first, second) = virtual_run(async {
        let start = aio::now();
        let nap = aio::sleep(Duration::from_millis(10)); // Created: nothing happens yet.
        assert_eq!(
            aio::timer_count(),
            Some(0),
            "creating a Sleep registered a timer"
        );
        aio::sleep(Duration::from_millis(30)).await;
        let first = aio::now() - start;
        nap.await; // Its 10 ms start now.
        (first, aio::now() - start)
    });
    assert_eq!(first, Duration::from_millis(30));
    assert_eq!(second, Duration::from_millis(40));
}

#[test]
fn sleep_until_a_past_instant_completes_without_a_timer() {
    virtual_run(async {
        let start = aio::now();
        aio::sleep(Duration::from_millis(5)).await;
        let polls_before = aio::loop_turns().unwrap();
        aio::sleep_until(start).await;
        assert_eq!(
            aio::loop_turns().unwrap(),
            polls_before,
            "it waited for a turn"
        );
        assert_eq!(aio::timer_count(), Some(0));
    });
}

#[test]
fn dropping_a_pending_sleep_removes_its_timer() {
    virtual_run(async {
        let sleeper = aio::spawn(aio::sleep(Duration::from_secs(60)));
        aio::yield_now().await; // The task runs and registers its timer.
        assert_eq!(aio::timer_count(), Some(1));
        assert!(sleeper.cancel());
        assert_eq!(aio::timer_count(), Some(0));
        // With no timer left the loop does not wait a minute: the clock has not moved.
        let start = aio::now();
        aio::yield_now().await;
        assert_eq!(aio::now(), start);
    });
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri takes over a minute for 1,000 cancelled sleeps; the tests above cancel a few"
)]
fn cancelled_timers_do_not_pile_up_in_the_heap() {
    // Lazy deletion leaves dead heap entries behind; they must not delay or wake anything.
    let elapsed = virtual_run(async {
        let start = aio::now();
        for _ in 0..1_000 {
            let sleeper = aio::spawn(aio::sleep(Duration::from_millis(1)));
            aio::yield_now().await;
            sleeper.cancel();
        }
        assert_eq!(aio::timer_count(), Some(0));
        aio::sleep(Duration::from_millis(7)).await;
        aio::now() - start
    });
    assert_eq!(elapsed, Duration::from_millis(7));
}
