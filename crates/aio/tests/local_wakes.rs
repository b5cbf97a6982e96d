//! Wakes made on the loop's own thread go to its local queue; only wakes from other threads
//! take the channel (and, when the loop sleeps, the poller's notifier).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::Poll;

use futures::task::AtomicWaker;

/// A flag and the waker of whoever waits for it, usable from any thread.
#[derive(Default)]
struct Signal {
    raised: AtomicBool,
    waker: AtomicWaker,
}

impl Signal {
    fn raise(&self) {
        self.raised.store(true, Ordering::Release);
        self.waker.wake();
    }

    async fn raised(&self) {
        futures::future::poll_fn(|cx| {
            self.waker.register(cx.waker());
            if self.raised.swap(false, Ordering::Acquire) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await
    }
}

/// Fewer under Miri, which runs code (and starts threads) far slower.
const ROUNDS: u64 = if cfg!(miri) { 20 } else { 1_000 };

#[test]
fn tasks_that_wake_each_other_never_use_the_channel() {
    aio::Builder::new().run(async {
        let (ping, pong) = (Arc::new(Signal::default()), Arc::new(Signal::default()));
        let player = |mine: Arc<Signal>, theirs: Arc<Signal>, serve: bool| async move {
            for round in 0..ROUNDS {
                if serve || round > 0 {
                    theirs.raise();
                }
                mine.raised().await;
            }
            if !serve {
                theirs.raise();
            }
        };
        let a = aio::spawn(player(ping.clone(), pong.clone(), true));
        let b = aio::spawn(player(pong, ping, false));
        a.await.unwrap();
        b.await.unwrap();
        // Timers too are woken on the loop's thread.
        aio::sleep(std::time::Duration::from_millis(1)).await;
        assert_eq!(aio::wakes_from_other_threads(), Some(0));
    });
}

#[test]
fn each_wake_from_another_thread_is_counted_once() {
    aio::Builder::new().run(async {
        let signal = Arc::new(Signal::default());
        for _ in 0..ROUNDS {
            // The thread raises the signal only once the task waits for it: every raise then
            // finds the task's waker, and wakes it from the other thread.
            let (waiting, told) = std::sync::mpsc::channel::<()>();
            let remote = signal.clone();
            let thread = std::thread::spawn(move || {
                told.recv().unwrap();
                remote.raise();
            });
            let mut waiting = Some(waiting);
            futures::future::poll_fn(|cx| {
                signal.waker.register(cx.waker());
                if signal.raised.swap(false, Ordering::Acquire) {
                    return Poll::Ready(());
                }
                if let Some(waiting) = waiting.take() {
                    waiting.send(()).unwrap();
                }
                Poll::Pending
            })
            .await;
            thread.join().unwrap();
        }
        assert_eq!(aio::wakes_from_other_threads(), Some(ROUNDS));
    });
}

#[test]
fn outside_run_there_is_no_count() {
    assert_eq!(aio::wakes_from_other_threads(), None);
}
