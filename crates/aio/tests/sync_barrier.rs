//! `Barrier`: opens when `parties` tasks wait, gives each its arrival index, starts a new
//! round, and breaks with `abort` (until `reset`).

use std::pin::pin;

use futures::poll;

mod common;
use common::{ms, run_virtual};

use aio::sync::{Barrier, BrokenBarrier};

/// Spawns a task that sleeps `after`, waits at `barrier`, and returns its index and the time
/// it passed, from `start`.
fn runner(
    barrier: &Barrier,
    after: std::time::Duration,
    start: std::time::Instant,
) -> aio::Task<(Result<usize, BrokenBarrier>, std::time::Duration)> {
    let barrier = barrier.clone();
    aio::spawn(async move {
        aio::sleep(after).await;
        let index = barrier.wait().await;
        (index, aio::now() - start)
    })
}

#[test]
fn it_opens_when_every_party_waits_and_gives_arrival_indices() {
    let passed = run_virtual(async {
        let barrier = Barrier::new(3);
        let start = aio::now();
        // They arrive at 30, 10 and 20 ms: indices follow arrival, not spawn order.
        let runners: Vec<_> = [30, 10, 20]
            .into_iter()
            .map(|after| runner(&barrier, ms(after), start))
            .collect();
        aio::sleep(ms(25)).await;
        assert_eq!(barrier.waiting(), 2);
        let passed = aio::try_gather(runners).await.unwrap();
        assert_eq!(barrier.waiting(), 0);
        passed
    });
    assert_eq!(
        passed,
        [(Ok(2), ms(30)), (Ok(0), ms(30)), (Ok(1), ms(30))],
        "everyone passes when the last arrives, at 30 ms"
    );
}

#[test]
fn it_can_be_used_again_round_after_round() {
    let indices = run_virtual(async {
        let barrier = Barrier::new(2);
        let other = {
            let barrier = barrier.clone();
            aio::spawn(async move {
                let mut indices = Vec::new();
                for _ in 0..3 {
                    aio::sleep(ms(10)).await;
                    indices.push(barrier.wait().await.unwrap());
                }
                indices
            })
        };
        let mut mine = Vec::new();
        for _ in 0..3 {
            mine.push(barrier.wait().await.unwrap());
        }
        (mine, other.await.unwrap())
    });
    // Each round, this task arrives first (the other sleeps first).
    assert_eq!(indices, (vec![0, 0, 0], vec![1, 1, 1]));
}

#[test]
fn one_party_passes_at_once() {
    run_virtual(async {
        let barrier = Barrier::new(1);
        assert_eq!(barrier.wait().await, Ok(0));
        assert_eq!(barrier.wait().await, Ok(0));
    });
}

#[test]
fn abort_breaks_it_for_waiters_and_newcomers_until_reset() {
    run_virtual(async {
        let barrier = Barrier::new(3);
        let start = aio::now();
        let early = runner(&barrier, ms(0), start);
        aio::sleep(ms(10)).await;
        barrier.abort();
        assert!(barrier.is_broken());
        assert_eq!(early.await.unwrap(), (Err(BrokenBarrier), ms(10)));
        assert_eq!(barrier.wait().await, Err(BrokenBarrier));
        assert_eq!(barrier.waiting(), 0);

        barrier.reset();
        assert!(!barrier.is_broken());
        let a = runner(&barrier, ms(0), start);
        let b = runner(&barrier, ms(0), start);
        aio::yield_now().await; // Both wait.
        assert_eq!(barrier.wait().await, Ok(2), "reset did not make it whole");
        assert_eq!(a.await.unwrap().0, Ok(0));
        assert_eq!(b.await.unwrap().0, Ok(1));
    });
}

#[test]
fn reset_sends_the_waiters_away_and_leaves_it_empty() {
    run_virtual(async {
        let barrier = Barrier::new(2);
        let mut waiting = pin!(barrier.wait());
        assert!(poll!(&mut waiting).is_pending());
        barrier.reset();
        assert_eq!(
            poll!(&mut waiting),
            std::task::Poll::Ready(Err(BrokenBarrier))
        );
        assert!(!barrier.is_broken());
        // Empty: one arrival is not enough to open it.
        let mut next = pin!(barrier.wait());
        assert!(poll!(&mut next).is_pending());
        assert_eq!(barrier.wait().await, Ok(1));
        assert_eq!(poll!(&mut next), std::task::Poll::Ready(Ok(0)));
    });
}

#[test]
fn a_cancelled_waiter_leaves_the_round() {
    run_virtual(async {
        let barrier = Barrier::new(3);
        let mut a = pin!(barrier.wait());
        let mut b = Box::pin(barrier.wait());
        assert!(poll!(&mut a).is_pending());
        assert!(poll!(&mut b).is_pending());
        drop(b); // Cancelled: the barrier needs one more again.
        assert_eq!(barrier.waiting(), 1);
        let mut c = pin!(barrier.wait());
        assert!(
            poll!(&mut c).is_pending(),
            "it opened with a cancelled party"
        );
        // The indices stay distinct: they are given when the barrier opens.
        assert_eq!(barrier.wait().await, Ok(2));
        assert_eq!(poll!(&mut a), std::task::Poll::Ready(Ok(0)));
        assert_eq!(poll!(&mut c), std::task::Poll::Ready(Ok(1)));
    });
}

#[test]
#[should_panic(expected = "a barrier needs at least one party")]
fn no_parties_is_refused() {
    let _ = Barrier::new(0);
}
