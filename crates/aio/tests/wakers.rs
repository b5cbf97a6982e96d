//! Wakers: one poll per wake, however many wakes arrive before it; a wake during a poll queues
//! the task once more; a wake from another thread reaches a loop asleep in the poller.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

mod common;
use common::run_virtual as virtual_run;

/// What the test and its probe future share.
#[derive(Default)]
struct Probe {
    /// How many times the future was polled.
    polls: Cell<u32>,
    /// The waker from the latest poll.
    waker: RefCell<Option<Waker>>,
    /// How many times the next poll wakes its own task before returning `Pending`.
    self_wakes: Cell<u32>,
}

/// A hand-written future that counts its polls and never completes.
struct ProbeFuture(Rc<Probe>);

impl Future for ProbeFuture {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let probe = &self.0;
        probe.polls.set(probe.polls.get() + 1);
        *probe.waker.borrow_mut() = Some(cx.waker().clone());
        for _ in 0..probe.self_wakes.replace(0) {
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

impl Probe {
    fn wake(&self) {
        self.waker
            .borrow()
            .as_ref()
            .expect("polled once")
            .wake_by_ref();
    }
}

#[test]
fn a_task_is_polled_exactly_once_per_wake() {
    virtual_run(async {
        let probe = Rc::new(Probe::default());
        let task = aio::spawn(ProbeFuture(probe.clone()));
        aio::yield_now().await;
        assert_eq!(probe.polls.get(), 1, "a new task is polled once");
        for expected in 2..10 {
            probe.wake();
            aio::yield_now().await;
            assert_eq!(probe.polls.get(), expected);
        }
        // Nobody wakes it: it is not polled.
        for _ in 0..5 {
            aio::yield_now().await;
        }
        assert_eq!(probe.polls.get(), 9);
        task.cancel();
    });
}

#[test]
fn several_wakes_before_a_poll_give_one_poll() {
    virtual_run(async {
        let probe = Rc::new(Probe::default());
        let task = aio::spawn(ProbeFuture(probe.clone()));
        aio::yield_now().await;
        for _ in 0..5 {
            probe.wake();
        }
        // A clone woken by value counts the same as the original.
        probe.waker.borrow().clone().unwrap().wake();
        aio::yield_now().await;
        assert_eq!(probe.polls.get(), 2);
        aio::yield_now().await;
        aio::yield_now().await;
        assert_eq!(
            probe.polls.get(),
            2,
            "extra wakes were queued as extra polls"
        );
        task.cancel();
    });
}

#[test]
fn a_wake_during_its_own_poll_queues_the_task_once_more() {
    virtual_run(async {
        let probe = Rc::new(Probe::default());
        let task = aio::spawn(ProbeFuture(probe.clone()));
        aio::yield_now().await;
        probe.self_wakes.set(3);
        probe.wake();
        aio::yield_now().await;
        assert_eq!(probe.polls.get(), 2);
        // It woke itself three times in that poll: it is polled once more, on the next turn.
        aio::yield_now().await;
        assert_eq!(probe.polls.get(), 3);
        aio::yield_now().await;
        aio::yield_now().await;
        assert_eq!(probe.polls.get(), 3);
        task.cancel();
    });
}

/// A countdown that wakes itself on every poll: the loop must poll it once per turn.
struct Countdown(u32);

impl Future for Countdown {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 == 0 {
            return Poll::Ready(());
        }
        self.0 -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[test]
fn a_self_waking_future_takes_one_turn_per_wake() {
    let turns = virtual_run(async {
        let before = aio::loop_turns().unwrap();
        Countdown(100).await;
        aio::loop_turns().unwrap() - before
    });
    assert_eq!(turns, 100);
}

// ---- Another thread ----------------------------------------------------------------------

/// A one-shot channel that works across threads: the far side of an asyncio future that a
/// thread completes with `loop.call_soon_threadsafe`.
struct Slot<T> {
    value: Option<T>,
    waker: Option<Waker>,
}

struct Receiver<T>(Arc<Mutex<Slot<T>>>);
struct Sender<T>(Arc<Mutex<Slot<T>>>);

fn oneshot<T>() -> (Sender<T>, Receiver<T>) {
    let slot = Arc::new(Mutex::new(Slot {
        value: None,
        waker: None,
    }));
    (Sender(slot.clone()), Receiver(slot))
}

impl<T> Sender<T> {
    fn send(self, value: T) {
        let waker = {
            let mut slot = self.0.lock().unwrap();
            slot.value = Some(value);
            slot.waker.take()
        };
        // Wake after releasing the lock.
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Future for Receiver<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut slot = self.0.lock().unwrap();
        match slot.value.take() {
            Some(value) => Poll::Ready(value),
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// Runs `test` on its own thread and fails, instead of hanging, if it takes longer than
/// `limit`: a lost wake would otherwise leave the loop asleep forever.
fn within<T: Send + 'static>(limit: Duration, test: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, result) = mpsc::channel();
    let runner = std::thread::spawn(move || done.send(test()).unwrap());
    match result.recv_timeout(limit) {
        Ok(value) => {
            runner.join().unwrap();
            value
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => match runner.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!(),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("the loop missed a wake: still asleep"),
    }
}

#[test]
fn a_wake_from_another_thread_reaches_a_loop_parked_in_the_poller() {
    // Real time: the loop has nothing to do but wait, with no timer to wake it.
    let (value, waited) = within(Duration::from_secs(5), || {
        aio::Builder::new().run(async {
            let (sender, receiver) = oneshot();
            let started = Instant::now();
            let worker = std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(3));
                sender.send("from the thread");
            });
            let value = receiver.await;
            let waited = started.elapsed();
            worker.join().unwrap();
            (value, waited)
        })
    });
    assert_eq!(value, "from the thread");
    assert!(waited >= Duration::from_millis(3));
}

#[test]
fn a_wake_from_another_thread_ends_a_long_timed_wait_early() {
    // A one-minute timer is pending, so the loop parks with a one-minute timeout; the wake
    // from the thread must end that wait (real time, a few ms).
    let waited = within(Duration::from_secs(5), || {
        aio::Builder::new().run(async {
            let _far_timer = aio::spawn(aio::sleep(Duration::from_secs(60)));
            let (sender, receiver) = oneshot();
            let started = aio::now();
            let worker = std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(3));
                sender.send(());
            });
            receiver.await;
            worker.join().unwrap();
            aio::now() - started
        })
    });
    assert!(
        waited < Duration::from_secs(30),
        "the loop slept {waited:?}"
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri needs over a minute for 1,000 round trips, past the 20 s limit its own clock measures"
)]
fn a_thousand_round_trips_with_a_thread_lose_no_wake() {
    // Wakes land at every point of the loop's turn, including just as it decides to park.
    let rounds = within(Duration::from_secs(20), || {
        aio::Builder::new().run(async {
            let (requests, incoming) = mpsc::channel::<Sender<u32>>();
            let worker = std::thread::spawn(move || {
                for (i, reply) in incoming.into_iter().enumerate() {
                    reply.send(i as u32);
                }
            });
            let mut rounds = 0;
            for i in 0..1_000 {
                let (sender, receiver) = oneshot();
                requests.send(sender).unwrap();
                assert_eq!(receiver.await, i);
                rounds += 1;
            }
            drop(requests);
            worker.join().unwrap();
            rounds
        })
    });
    assert_eq!(rounds, 1_000);
}
