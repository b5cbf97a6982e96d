//! Other threads and the loop: `LoopHandle::call_soon_threadsafe`,
//! `run_coroutine_threadsafe` and its `ConcurrentFuture`, `LoopCallback`, what a closed loop
//! answers, and the message of a loop-only call made on a thread that runs no loop.
//!
//! Where a test needs the loop to stand still while a thread sends (to know what the loop has
//! seen), the main future blocks the loop on purpose: it joins the thread inside one poll.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use futures::channel::{mpsc, oneshot};
use futures::StreamExt;

mod common;

/// Runs the future that `make` makes on a new loop in virtual time, on a thread of its own,
/// and returns its output; fails the test if that takes more than a minute. A lost wake would
/// leave the loop asleep for ever: the test then fails instead of hanging.
fn run_virtual<F>(make: impl FnOnce() -> F + Send + 'static) -> F::Output
where
    F: std::future::Future,
    F::Output: Send + 'static,
{
    within_a_minute(move || common::run_virtual(make()))
}

/// Runs `test` on a thread named "loop", and returns what it returns (or continues its
/// panic); fails if it takes more than a minute.
fn within_a_minute<T: Send + 'static>(test: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, finished) = std::sync::mpsc::channel();
    spawn_named("loop", move || {
        let _ = done.send(panic::catch_unwind(AssertUnwindSafe(test)));
    });
    match finished.recv_timeout(Duration::from_secs(60)) {
        Ok(Ok(output)) => output,
        Ok(Err(payload)) => panic::resume_unwind(payload),
        Err(_) => panic!("the test did not finish within a minute: a call or a wake was lost"),
    }
}

/// Starts a thread named `name` running `f`.
fn spawn_named<T: Send + 'static>(
    name: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> thread::JoinHandle<T> {
    thread::Builder::new()
        .name(name.to_string())
        .spawn(f)
        .unwrap()
}

/// The message of a panic payload.
fn message(payload: &(dyn std::any::Any + Send)) -> String {
    (payload.downcast_ref::<String>().cloned())
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// Sets its flag when dropped, from any thread.
struct Dropped(Arc<AtomicBool>);

impl Drop for Dropped {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn calls_from_many_threads_all_run_on_the_loop_in_each_threads_order() {
    const THREADS: usize = 4;
    const CALLS: usize = 50;
    let (got, loop_thread) = run_virtual(|| async {
        let handle = aio::get_running_loop();
        let (sender, mut receiver) = mpsc::unbounded();
        let threads: Vec<_> = (0..THREADS)
            .map(|t| {
                let (handle, sender) = (handle.clone(), sender.clone());
                spawn_named(&format!("sender-{t}"), move || {
                    for i in 0..CALLS {
                        let sender = sender.clone();
                        handle
                            .call_soon_threadsafe(move || {
                                let here = thread::current().id();
                                sender.unbounded_send((t, i, here)).unwrap();
                            })
                            .unwrap();
                    }
                })
            })
            .collect();
        let mut got = Vec::new();
        while got.len() < THREADS * CALLS {
            got.push(receiver.next().await.unwrap());
        }
        for thread in threads {
            thread.join().unwrap();
        }
        (got, thread::current().id())
    });
    assert_eq!(got.len(), THREADS * CALLS);
    assert!(
        got.iter().all(|&(_, _, on)| on == loop_thread),
        "every call ran on the loop's thread"
    );
    for t in 0..THREADS {
        let order: Vec<usize> = got.iter().filter(|c| c.0 == t).map(|c| c.1).collect();
        assert_eq!(
            order,
            (0..CALLS).collect::<Vec<_>>(),
            "thread {t}'s calls, in its order"
        );
    }
}

#[test]
fn calls_sent_while_the_loop_is_busy_cost_it_one_wake_and_run_in_order() {
    let (order, wakes) = run_virtual(|| async {
        let handle = aio::get_running_loop();
        let order = Arc::new(Mutex::new(Vec::new()));
        let before = aio::wakes_from_other_threads().unwrap();
        let log = order.clone();
        let (done, all_ran) = oneshot::channel();
        // The loop is blocked while the thread sends: all 101 calls wait in the inbox.
        spawn_named("sender", move || {
            for i in 0..100 {
                let log = log.clone();
                handle
                    .call_soon_threadsafe(move || log.lock().unwrap().push(i))
                    .unwrap();
            }
            handle
                .call_soon_threadsafe(move || done.send(()).unwrap())
                .unwrap();
        })
        .join()
        .unwrap();
        all_ran.await.unwrap(); // Sent last, so it runs last.
        let wakes = aio::wakes_from_other_threads().unwrap() - before;
        let order = order.lock().unwrap().clone();
        (order, wakes)
    });
    assert_eq!(order, (0..100).collect::<Vec<_>>());
    assert_eq!(
        wakes, 1,
        "one wake for the inbox, however many calls wait in it"
    );
}

#[test]
fn a_call_wakes_a_loop_that_sleeps_in_the_poller() {
    // Real time, and no timer but the test's own deadline: the loop sleeps in the poller
    // until the thread's call arrives. The trace says when it has gone to sleep.
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    let parks = move || {
        let lines = lines.lock().unwrap();
        lines.iter().filter(|l| l.contains(" park ")).count()
    };
    let (woken, wakes, turns) = within_a_minute(move || {
        aio::Builder::new()
            .trace_to(move |line| sink.lock().unwrap().push(line.to_string()))
            .run(async move {
                let handle = aio::get_running_loop();
                let (send, receive) = oneshot::channel();
                let (wakes_before, turns_before) = (
                    aio::wakes_from_other_threads().unwrap(),
                    aio::loop_turns().unwrap(),
                );
                let parked_before = parks();
                let thread = spawn_named("caller", move || {
                    // Wait until the loop sleeps (or a while, if the trace never says so).
                    for _ in 0..2_000 {
                        if parks() > parked_before {
                            break;
                        }
                        thread::sleep(Duration::from_millis(1));
                    }
                    let parked = parks() > parked_before;
                    handle
                        .call_soon_threadsafe(move || send.send(parked).unwrap())
                        .unwrap();
                });
                // Should the wake be lost, the deadline fails the test instead of hanging it.
                let woken = aio::timeout(Duration::from_secs(60), receive).await;
                thread.join().unwrap();
                let wakes = aio::wakes_from_other_threads().unwrap() - wakes_before;
                let turns = aio::loop_turns().unwrap() - turns_before;
                (woken, wakes, turns)
            })
    });
    assert_eq!(
        woken,
        Ok(Ok(true)),
        "the call came while the loop slept, and woke it"
    );
    assert_eq!(wakes, 1, "one wake from the other thread");
    // Sleep, wake and drain, run the call, resume the main future: a few turns, not a spin.
    assert!(turns <= 6, "{turns} turns");
}

#[test]
fn run_coroutine_threadsafe_gives_the_thread_the_coroutines_output() {
    run_virtual(|| async {
        let handle = aio::get_running_loop();
        let loop_thread = thread::current().id();
        let (done, finished) = oneshot::channel();
        spawn_named("worker", move || {
            let future = handle.run_coroutine_threadsafe(async move {
                let start = aio::now();
                aio::sleep(Duration::from_secs(3)).await;
                (aio::now() - start, thread::current().id())
            });
            done.send(future.wait()).unwrap();
        });
        let (slept, ran_on) = finished.await.unwrap().unwrap();
        assert_eq!(
            slept,
            Duration::from_secs(3),
            "the loop's clock, virtual here"
        );
        assert_eq!(ran_on, loop_thread);
    });
}

#[test]
fn a_panicking_coroutine_gives_the_thread_its_panic_and_the_loop_goes_on() {
    let after = run_virtual(|| async {
        let handle = aio::get_running_loop();
        let outcome = spawn_named("worker", move || {
            handle.run_coroutine_threadsafe(async {
                aio::sleep(Duration::from_millis(5)).await;
                panic!("no price for durian");
            })
        })
        .join()
        .unwrap();
        let error = outcome.await.unwrap_err();
        assert!(error.is_panic());
        assert_eq!(error.panic_message(), Some("no price for durian"));
        assert_eq!(
            error.to_string(),
            "the coroutine panicked: no price for durian"
        );
        aio::sleep(Duration::from_millis(5)).await;
        "the loop ran on"
    });
    assert_eq!(after, "the loop ran on");
}

#[test]
fn a_cancelled_coroutine_is_dropped_on_the_loop_before_the_thread_hears() {
    run_virtual(|| async {
        let handle = aio::get_running_loop();
        let loop_thread = thread::current().id();
        let started = Arc::new(AtomicBool::new(false));
        let dropped = Arc::new(AtomicBool::new(false));
        let (s, d) = (started.clone(), dropped.clone());
        let (go, gone) = oneshot::channel::<()>();
        let dropped_on = Arc::new(Mutex::new(None));
        let on = dropped_on.clone();
        let worker = spawn_named("worker", move || {
            handle.run_coroutine_threadsafe(async move {
                /// Records where it is dropped, then says it was.
                struct Guard(Arc<AtomicBool>, Arc<Mutex<Option<thread::ThreadId>>>);
                impl Drop for Guard {
                    fn drop(&mut self) {
                        *self.1.lock().unwrap() = Some(thread::current().id());
                        self.0.store(true, Ordering::SeqCst);
                    }
                }
                let _guard = Guard(d, on);
                s.store(true, Ordering::SeqCst);
                go.send(()).unwrap();
                std::future::pending::<()>().await; // A reply that never comes.
            })
        });
        let future = aio::to_thread(move || worker.join().unwrap()).await;
        gone.await.unwrap(); // The coroutine runs, and waits.
        assert!(started.load(Ordering::SeqCst));
        let cancel = spawn_named("canceller", move || {
            assert!(future.cancel());
            let outcome = future.wait();
            (
                outcome.map_err(|e| e.is_cancelled()),
                dropped.load(Ordering::SeqCst),
            )
        });
        let (outcome, dropped_first) = aio::to_thread(move || cancel.join().unwrap()).await;
        assert_eq!(outcome, Err(true), "Cancelled");
        assert!(
            dropped_first,
            "the future was dropped before the thread got Cancelled"
        );
        assert_eq!(*dropped_on.lock().unwrap(), Some(loop_thread));
    });
}

#[test]
fn a_coroutine_cancelled_before_the_loop_drained_it_never_starts() {
    run_virtual(|| async {
        let handle = aio::get_running_loop();
        let started = Arc::new(AtomicBool::new(false));
        let s = started.clone();
        // The loop is blocked while the thread submits and cancels.
        let future = spawn_named("worker", move || {
            let future = handle.run_coroutine_threadsafe(async move {
                s.store(true, Ordering::SeqCst);
                7
            });
            assert!(future.cancel());
            future
        })
        .join()
        .unwrap();
        let outcome = future.await;
        assert!(
            matches!(outcome, Err(aio::CoroutineError::Cancelled)),
            "{outcome:?}"
        );
        assert!(!started.load(Ordering::SeqCst), "its body never ran");
    });
}

#[test]
fn wait_timeout_returns_none_until_the_coroutine_is_done() {
    run_virtual(|| async {
        let handle = aio::get_running_loop();
        let (open, gate) = oneshot::channel::<u32>();
        let worker = spawn_named("worker", move || {
            let mut future = handle.run_coroutine_threadsafe(async move { gate.await.unwrap() });
            // The gate is shut: whatever the timeout, the coroutine cannot be done.
            let first = future.wait_timeout(Duration::from_millis(1));
            assert!(!future.is_done());
            open.send(5).unwrap();
            let second = future.wait_timeout(Duration::from_secs(60));
            (first.is_none(), second.map(|r| r.unwrap()))
        });
        let (first_was_none, second) = aio::to_thread(move || worker.join().unwrap()).await;
        assert!(first_was_none);
        assert_eq!(second, Some(5));
    });
}

#[test]
fn a_concurrent_future_can_be_awaited_on_another_loop() {
    let answer = run_virtual(|| async {
        let handle = aio::get_running_loop();
        let other_loop = spawn_named("other-loop", move || {
            aio::Builder::new()
                .clock(aio::ClockKind::Virtual)
                .run(async move {
                    handle
                        .run_coroutine_threadsafe(async {
                            aio::sleep(Duration::from_millis(10)).await;
                            42
                        })
                        .await
                })
        });
        aio::to_thread(move || other_loop.join().unwrap()).await
    });
    assert_eq!(answer.unwrap(), 42);
}

#[test]
fn waiting_on_the_loops_own_thread_is_refused_instead_of_hanging() {
    run_virtual(|| async {
        let handle = aio::get_running_loop();
        let future = handle.run_coroutine_threadsafe(async { 1 });
        let refused = panic::catch_unwind(AssertUnwindSafe(|| future.wait())).unwrap_err();
        assert!(
            message(&*refused).starts_with(
                "ConcurrentFuture::wait was called on the thread of the loop that runs its \
                 coroutine"
            ),
            "{}",
            message(&*refused)
        );
        // Awaiting is the way on the loop.
        let again = handle.run_coroutine_threadsafe(async { 2 });
        assert_eq!(again.await.unwrap(), 2);
    });
}

#[test]
fn a_closed_loop_refuses_calls_and_coroutines_at_once() {
    let handle = run_virtual(|| async { aio::get_running_loop() });
    assert!(handle.is_closed());
    let ran = Arc::new(AtomicBool::new(false));
    let r = ran.clone();
    let call = handle.call_soon_threadsafe(move || r.store(true, Ordering::SeqCst));
    assert_eq!(call, Err(aio::LoopClosed));
    assert_eq!(
        aio::LoopClosed.to_string(),
        "the event loop is closed: its aio::run has returned"
    );
    let dropped = Arc::new(AtomicBool::new(false));
    let guard = Dropped(dropped.clone());
    let future = handle.run_coroutine_threadsafe(async move {
        let _guard = guard;
        1
    });
    assert!(future.is_done());
    assert!(
        dropped.load(Ordering::SeqCst),
        "the coroutine was dropped unrun"
    );
    assert!(future.wait().unwrap_err().is_loop_closed());
    assert!(!ran.load(Ordering::SeqCst));
}

#[test]
fn coroutines_still_running_or_queued_when_the_loop_ends_give_loop_closed() {
    let (running, queued, queued_dropped) = run_virtual(|| async {
        let handle = aio::get_running_loop();
        let h = handle.clone();
        let (go, gone) = oneshot::channel::<()>();
        let running = spawn_named("worker", move || {
            h.run_coroutine_threadsafe(async move {
                go.send(()).unwrap();
                std::future::pending::<()>().await;
            })
        })
        .join()
        .unwrap();
        gone.await.unwrap(); // It runs, and never ends.

        // Sent while the loop is blocked; the main future returns before the loop drains it.
        let dropped = Arc::new(AtomicBool::new(false));
        let guard = Dropped(dropped.clone());
        let queued = spawn_named("worker", move || {
            handle.run_coroutine_threadsafe(async move {
                let _guard = guard;
            })
        })
        .join()
        .unwrap();
        (running, queued, dropped)
    });
    assert!(running.wait().unwrap_err().is_loop_closed());
    assert!(queued.wait().unwrap_err().is_loop_closed());
    assert!(queued_dropped.load(Ordering::SeqCst));
}

#[test]
fn a_waiting_thread_hears_when_the_loop_ends() {
    let waiter = run_virtual(|| async {
        let handle = aio::get_running_loop();
        let (go, gone) = oneshot::channel::<()>();
        let (submitted, ready) = std::sync::mpsc::channel();
        let waiter = spawn_named("waiter", move || {
            let future = handle.run_coroutine_threadsafe(async move {
                go.send(()).unwrap();
                std::future::pending::<u32>().await
            });
            submitted.send(()).unwrap();
            future.wait() // Blocks until the loop ends.
        });
        ready.recv().unwrap();
        gone.await.unwrap();
        waiter // The loop ends with the coroutine still pending.
    });
    assert!(waiter.join().unwrap().unwrap_err().is_loop_closed());
}

#[test]
fn a_loop_callback_reaches_the_loops_own_objects_in_order() {
    let (got, dropped_on_loop) = run_virtual(|| async {
        let queue = aio::sync::Queue::new(0);
        let dropped = Arc::new(AtomicBool::new(false));
        let put = {
            let queue = queue.clone();
            let guard = Dropped(dropped.clone());
            aio::LoopCallback::new(move |item: (usize, u32)| {
                let _ = &guard;
                queue.put_nowait(item).unwrap();
            })
        };
        let threads: Vec<_> = (0..3)
            .map(|t| {
                let put = put.clone();
                spawn_named("sensor", move || {
                    for i in 0..20 {
                        put.call_soon_threadsafe((t, i)).unwrap();
                    }
                })
            })
            .collect();
        drop(put); // The threads hold the last clones.
        let mut got = Vec::new();
        for _ in 0..60 {
            got.push(queue.get().await);
        }
        for thread in threads {
            thread.join().unwrap();
        }
        // The last clone went with its thread: the loop forgets the function at its next
        // drain, within a turn or two.
        for _ in 0..3 {
            if dropped.load(Ordering::SeqCst) {
                break;
            }
            aio::yield_now().await;
        }
        (got, dropped.load(Ordering::SeqCst))
    });
    for t in 0..3 {
        let order: Vec<u32> = got.iter().filter(|c| c.0 == t).map(|c| c.1).collect();
        assert_eq!(order, (0..20).collect::<Vec<_>>());
    }
    assert!(
        dropped_on_loop,
        "the function was dropped on the loop, once unreachable"
    );
}

#[test]
fn a_handle_asked_for_while_the_loop_closes_is_closed() {
    struct AsksOnDrop(Arc<Mutex<Option<aio::LoopHandle>>>);
    impl Drop for AsksOnDrop {
        fn drop(&mut self) {
            *self.0.lock().unwrap() = Some(aio::get_running_loop());
        }
    }
    let asked = Arc::new(Mutex::new(None));
    let keep = asked.clone();
    run_virtual(move || async move {
        let _open = aio::get_running_loop(); // The inbox is open, then closed at the end.
        aio::spawn(async move {
            let _asks = AsksOnDrop(keep);
            std::future::pending::<()>().await;
        });
        aio::yield_now().await; // The task runs, and is cancelled when `run` returns.
    });
    let handle = asked
        .lock()
        .unwrap()
        .take()
        .expect("asked while the loop closed");
    assert!(handle.is_closed());
    assert_eq!(handle.call_soon_threadsafe(|| {}), Err(aio::LoopClosed));
}

#[test]
fn a_loop_callback_of_a_closed_loop_says_so() {
    let put = run_virtual(|| async { aio::LoopCallback::new(|_: u32| {}) });
    assert_eq!(put.call_soon_threadsafe(1), Err(aio::LoopClosed));
    assert!(put.loop_handle().is_closed());
}

/// Runs `call` on a thread named "sensor" while a loop runs on this one, and returns the
/// message it panicked with.
fn panic_on_a_sensor_thread(call: fn()) -> String {
    run_virtual(move || async move {
        let payload = spawn_named("sensor", move || {
            panic::catch_unwind(call).expect_err("the loop-only call should panic")
        })
        .join()
        .unwrap();
        message(&*payload)
    })
}

#[test]
fn a_loop_only_call_from_another_thread_names_the_thread_and_the_threadsafe_way() {
    let call_soon = panic_on_a_sensor_thread(|| {
        aio::call_soon(|| {});
    });
    assert!(
        call_soon.starts_with(
            "aio::call_soon was called outside the aio runtime: thread 'sensor' runs no aio loop."
        ),
        "{call_soon}"
    );
    assert!(
        call_soon.contains("handle.call_soon_threadsafe(f)"),
        "{call_soon}"
    );
    assert!(
        call_soon.contains(
            "\"Non-thread-safe operation invoked on an event loop other than the current one\""
        ),
        "{call_soon}"
    );

    let spawn = panic_on_a_sensor_thread(|| {
        aio::spawn(async {});
    });
    assert!(spawn.starts_with("aio::spawn was called outside the aio runtime: thread 'sensor'"));
    assert!(
        spawn.contains("handle.run_coroutine_threadsafe(future)"),
        "{spawn}"
    );

    let later = panic_on_a_sensor_thread(|| {
        aio::call_later(Duration::from_secs(1), || {});
    });
    assert!(
        later.starts_with("aio::call_later was called outside"),
        "{later}"
    );
    assert!(later.contains("handle.call_soon_threadsafe(f)"), "{later}");

    let handle = panic_on_a_sensor_thread(|| {
        aio::get_running_loop();
    });
    assert!(handle.contains("call it on the loop's thread, and move what it returns"));

    let now = panic_on_a_sensor_thread(|| {
        aio::now();
    });
    assert!(
        now.contains("make the call inside a future sent to the loop's thread"),
        "{now}"
    );
}
