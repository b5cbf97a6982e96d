//! The blocking pool: bounded, woken through the poller, panics delivered, virtual time held.
//!
//! Jobs here block for a few milliseconds of real time at most, or on a channel the test
//! controls; waits that belong to the loop use virtual time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

fn virtual_loop() -> aio::Builder {
    aio::Builder::new().clock(aio::ClockKind::Virtual)
}

#[test]
fn a_job_returns_its_value_to_the_awaiting_task() {
    let (value, on_worker) = virtual_loop().run(async {
        let loop_thread = thread::current().id();
        aio::run_in_executor(move || (6 * 7, thread::current().id() != loop_thread)).await
    });
    assert_eq!(value, 42);
    assert!(on_worker, "the job ran on the loop's own thread");
}

// ANCHOR: limit
#[test]
fn many_jobs_at_once_never_exceed_the_limit() {
    const LIMIT: usize = 3;
    const JOBS: usize = 24;
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    // Each job first waits for a token, so none can finish while jobs are still submitted.
    let (tokens, gate) = crossbeam_channel::unbounded::<()>();
    let (peak, threads_after) = virtual_loop().blocking_threads(LIMIT).run({
        let (running, most) = (running.clone(), most.clone());
        async move {
            let jobs: Vec<_> = (0..JOBS)
                .map(|_| {
                    let (running, most, gate) = (running.clone(), most.clone(), gate.clone());
                    aio::run_in_executor(move || {
                        gate.recv_timeout(Duration::from_secs(5)).unwrap();
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        thread::sleep(Duration::from_millis(1));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                })
                .collect();
            assert_eq!(aio::blocking_threads(), Some(LIMIT));
            for _ in 0..JOBS {
                tokens.send(()).unwrap();
            }
            for job in jobs {
                job.await;
            }
            (
                aio::blocking_threads_peak().unwrap(),
                aio::blocking_threads().unwrap(),
            )
        }
    });
    let most = most.load(Ordering::SeqCst);
    assert!(
        most <= LIMIT,
        "{most} jobs ran at once with a limit of {LIMIT}"
    );
    assert_eq!(
        peak, LIMIT,
        "the pool started {peak} threads for {JOBS} jobs, limit {LIMIT}"
    );
    assert!(threads_after <= LIMIT);
}
// ANCHOR_END: limit

#[test]
fn threads_start_on_demand_only() {
    let (before, after) = virtual_loop().blocking_threads(8).run(async {
        let before = aio::blocking_threads().unwrap();
        // One job at a time: one worker is enough, and is reused.
        for _ in 0..5 {
            aio::to_thread(|| ()).await;
        }
        (before, aio::blocking_threads_peak().unwrap())
    });
    assert_eq!(before, 0, "threads were started before any job");
    assert_eq!(after, 1, "sequential jobs should reuse one worker");
}

#[test]
fn a_panicking_job_surfaces_in_the_awaiting_task() {
    let outcome = virtual_loop().run(async {
        let task =
            aio::spawn(async { aio::run_in_executor(|| -> u32 { panic!("disk on fire") }).await });
        let outcome = task.await;
        // The worker survived its job's panic: the pool still works.
        let after = aio::to_thread(|| 7).await;
        (outcome, after)
    });
    let (outcome, after) = outcome;
    let error = outcome.expect_err("the job's panic was lost");
    assert_eq!(error.panic_message(), Some("disk on fire"));
    assert_eq!(after, 7);
}

// ANCHOR: wakes_parked_loop
#[test]
fn the_result_wakes_a_parked_loop_through_notify() {
    // Real time. The only timer is a far-off watchdog, so the loop sleeps in the poller until
    // the worker's wake calls notify(). Without notify, the loop would sleep until the
    // watchdog (5 s); if the loop polled for the result, it would make many turns.
    let started = Instant::now();
    let turns = aio::Builder::new().run(async {
        let watchdog = aio::spawn(aio::sleep(Duration::from_secs(5)));
        aio::yield_now().await; // Let the watchdog register its timer.
        let before = aio::loop_turns().unwrap();
        aio::run_in_executor(|| thread::sleep(Duration::from_millis(5))).await;
        watchdog.cancel();
        aio::loop_turns().unwrap() - before
    });
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(2),
        "the loop slept through the wake ({took:?})"
    );
    assert!(
        turns <= 3,
        "the loop went round {turns} times waiting for one job"
    );
}
// ANCHOR_END: wakes_parked_loop

#[test]
fn to_thread_is_lazy_and_run_in_executor_is_not() {
    virtual_loop().run(async {
        let (tx, rx) = crossbeam_channel::unbounded();
        let tx2 = tx.clone();
        let lazy = aio::to_thread(move || tx.send("to_thread").unwrap());
        let eager = aio::run_in_executor(move || tx2.send("run_in_executor").unwrap());
        eager.await;
        assert_eq!(rx.try_recv(), Ok("run_in_executor"));
        assert!(
            rx.try_recv().is_err(),
            "to_thread ran before it was awaited"
        );
        lazy.await;
        assert_eq!(rx.try_recv(), Ok("to_thread"));
    });
}

#[test]
fn the_loop_stays_responsive_while_the_pool_is_saturated() {
    let (release, gate) = crossbeam_channel::unbounded::<()>();
    let (timer_late, jobs_released) = aio::Builder::new().blocking_threads(2).run(async move {
        // Four jobs for two threads: two run, two wait in the queue, all blocked on `gate`.
        let jobs: Vec<_> = (0..4)
            .map(|_| {
                let gate = gate.clone();
                aio::run_in_executor(move || gate.recv_timeout(Duration::from_secs(5)).is_ok())
            })
            .collect();
        let start = aio::now();
        aio::sleep(Duration::from_millis(3)).await;
        let timer_late = aio::now() - start - Duration::from_millis(3);
        for _ in 0..4 {
            release.send(()).unwrap();
        }
        let mut released = 0;
        for job in jobs {
            released += usize::from(job.await);
        }
        (timer_late, released)
    });
    assert!(
        timer_late < Duration::from_millis(500),
        "the timer fired {timer_late:?} late while the pool was busy"
    );
    assert_eq!(
        jobs_released, 4,
        "a job timed out: it was not released by the loop"
    );
}

#[test]
fn virtual_time_does_not_jump_past_a_running_job() {
    let (elapsed, timer_done) = virtual_loop().run(async {
        let start = aio::now();
        // A long timer is pending: with nothing in flight, virtual time would jump to it.
        let timer = aio::spawn(aio::sleep(Duration::from_secs(3600)));
        aio::to_thread(|| thread::sleep(Duration::from_millis(3))).await;
        (aio::now() - start, timer.is_finished())
    });
    assert!(
        !timer_done,
        "virtual time jumped an hour past a running job"
    );
    // Virtual time moved only by the real time the loop spent waiting for the job: at most
    // the job's 3 ms (less if the loop thread was itself descheduled meanwhile), never an hour.
    assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");
}

// ANCHOR: shutdown
#[test]
fn run_waits_for_a_running_job_and_skips_queued_ones() {
    /// Sends on its channel when dropped.
    struct SignalOnDrop(crossbeam_channel::Sender<()>);
    impl Drop for SignalOnDrop {
        fn drop(&mut self) {
            let _ = self.0.send(());
        }
    }

    let ran = Arc::new(AtomicUsize::new(0));
    let (started_tx, started) = crossbeam_channel::bounded::<()>(1);
    let (release_tx, release) = crossbeam_channel::bounded::<()>(1);
    aio::Builder::new().blocking_threads(1).run({
        let ran = ran.clone();
        async move {
            // Locals drop in reverse order: the queued job is abandoned first, and the running
            // job is released only after that, as the main future completes.
            let _release_on_return = SignalOnDrop(release_tx);
            let first_ran = ran.clone();
            let _running = aio::run_in_executor(move || {
                started_tx.send(()).unwrap();
                release.recv_timeout(Duration::from_secs(5)).unwrap();
                thread::sleep(Duration::from_millis(2));
                first_ran.fetch_add(1, Ordering::SeqCst);
            });
            let _queued = aio::run_in_executor(move || {
                ran.fetch_add(10, Ordering::SeqCst);
            });
            // Make sure the first job is running, then return without awaiting either.
            started.recv().unwrap();
        }
    });
    // The running job was released as `run` began to return: `run` waited for it.
    assert_eq!(
        ran.load(Ordering::SeqCst),
        1,
        "run should finish the running job and skip the queued one"
    );
}
// ANCHOR_END: shutdown

#[test]
fn idle_workers_retire() {
    let retired = aio::Builder::new()
        .blocking_idle(Duration::from_millis(1))
        .run(async {
            aio::to_thread(|| ()).await;
            assert_eq!(aio::blocking_threads_peak(), Some(1));
            for _ in 0..2000 {
                if aio::blocking_threads() == Some(0) {
                    return true;
                }
                aio::sleep(Duration::from_millis(1)).await;
            }
            false
        });
    assert!(retired, "an idle worker did not retire");
}

#[test]
#[should_panic(expected = "at least one thread")]
fn a_pool_of_zero_threads_is_refused() {
    let _ = aio::Builder::new().blocking_threads(0);
}

#[test]
#[should_panic(expected = "aio::run_in_executor was called outside the aio runtime")]
fn run_in_executor_outside_run_panics_with_advice() {
    drop(aio::run_in_executor(|| ()));
}

#[test]
fn the_pool_size_comes_from_aio_blocking_threads() {
    // The only test in this file that reads the environment (the others use Builder::new).
    std::env::set_var("AIO_BLOCKING_THREADS", "2");
    let limit = aio::Builder::from_env().run(async { aio::blocking_threads_limit() });
    std::env::set_var("AIO_BLOCKING_THREADS", "none");
    let refused = std::panic::catch_unwind(aio::Builder::from_env);
    std::env::remove_var("AIO_BLOCKING_THREADS");
    assert_eq!(limit, Some(2));
    let message = refused.expect_err("a bad value was accepted");
    let message = message.downcast_ref::<String>().unwrap();
    assert!(
        message.contains("AIO_BLOCKING_THREADS=\"none\" is not understood"),
        "{message}"
    );
    let default = aio::Builder::new().run(async { aio::blocking_threads_limit() });
    assert_eq!(default, Some(aio::default_blocking_threads()));
}

#[test]
#[allow(clippy::async_yields_async)] // Run 1 hands its job's future out unawaited, on purpose.
fn a_job_future_from_an_earlier_run_does_not_count_against_a_later_one() {
    // A `Blocking` future can outlive its `run` (it is `Send`): here it leaves run 1 unawaited.
    let old = virtual_loop().run(async { aio::run_in_executor(|| 1) });
    let outcome = virtual_loop().run(async move {
        let (send, receive) = std::sync::mpsc::channel();
        let job = aio::run_in_executor(move || receive.recv().unwrap());
        // Dropping the old future must not tell this loop that its own job is done...
        drop(old);
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(5));
            send.send(7).unwrap();
        });
        // ...or virtual time would jump to this deadline while the job is still running.
        aio::timeout(Duration::from_secs(60), job).await
    });
    assert_eq!(outcome, Ok(7));
}
