//! `Semaphore`: a limit on concurrency, served first come first served, safe to cancel; a
//! bounded one refuses to be released more than it was taken.

use std::cell::RefCell;
use std::pin::pin;
use std::rc::Rc;

use futures::poll;

mod common;
use common::{ms, run_virtual};

use aio::sync::Semaphore;

#[test]
fn at_most_n_hold_a_permit_and_the_rest_wait() {
    let (elapsed, peak) = run_virtual(async {
        let limit = Semaphore::new(3);
        let running = Rc::new(RefCell::new((0, 0))); // (now, peak)
        let start = aio::now();
        let jobs: Vec<_> = (0..10)
            .map(|_| {
                let limit = limit.clone();
                let running = running.clone();
                aio::spawn(async move {
                    let _permit = limit.acquire().await;
                    {
                        let mut r = running.borrow_mut();
                        r.0 += 1;
                        r.1 = r.1.max(r.0);
                    }
                    aio::sleep(ms(100)).await;
                    running.borrow_mut().0 -= 1;
                })
            })
            .collect();
        for job in jobs {
            job.await.unwrap();
        }
        assert_eq!(limit.available_permits(), 3);
        let peak = running.borrow().1;
        (aio::now() - start, peak)
    });
    assert_eq!(peak, 3);
    // Ten 100 ms jobs, three at a time: four rounds.
    assert_eq!(elapsed, ms(400));
}

#[test]
fn waiters_get_permits_in_arrival_order() {
    let order = run_virtual(async {
        let limit = Semaphore::new(1);
        let order = Rc::new(RefCell::new(Vec::new()));
        let held = limit.acquire().await;
        let tasks: Vec<_> = (0..5)
            .map(|i| {
                let limit = limit.clone();
                let order = order.clone();
                aio::spawn(async move {
                    // Arrive in order 0..5, one loop turn apart.
                    for _ in 0..i {
                        aio::yield_now().await;
                    }
                    let _permit = limit.acquire().await;
                    order.borrow_mut().push(i);
                    aio::sleep(ms(10)).await;
                })
            })
            .collect();
        aio::sleep(ms(1)).await;
        assert_eq!(limit.waiting(), 5);
        drop(held);
        for task in tasks {
            task.await.unwrap();
        }
        Rc::try_unwrap(order).unwrap().into_inner()
    });
    assert_eq!(order, [0, 1, 2, 3, 4]);
}

#[test]
fn a_released_permit_goes_to_the_first_waiter_not_to_a_newcomer() {
    run_virtual(async {
        let limit = Semaphore::new(1);
        let held = limit.try_acquire().expect("one permit is free");
        let mut waiter = pin!(limit.acquire());
        assert!(poll!(&mut waiter).is_pending()); // In line.

        drop(held); // The permit is handed to `waiter`, which has not run yet.
        assert_eq!(limit.available_permits(), 0);
        assert!(limit.try_acquire().is_none(), "a newcomer barged in");
        let mut newcomer = pin!(limit.acquire());
        assert!(poll!(&mut newcomer).is_pending());

        let permit = match poll!(&mut waiter) {
            std::task::Poll::Ready(permit) => permit,
            std::task::Poll::Pending => panic!("the first waiter did not get the permit"),
        };
        drop(permit); // Now the newcomer's turn.
        assert!(poll!(&mut newcomer).is_ready());
    });
}

#[test]
fn a_cancelled_waiter_leaves_the_line() {
    run_virtual(async {
        let limit = Semaphore::new(1);
        let held = limit.acquire().await;
        let mut first = Box::pin(limit.acquire());
        let mut second = pin!(limit.acquire());
        assert!(poll!(&mut first).is_pending());
        assert!(poll!(&mut second).is_pending());
        assert_eq!(limit.waiting(), 2);
        drop(first); // Cancelled while still in line.
        assert_eq!(limit.waiting(), 1);
        drop(held);
        assert!(poll!(&mut second).is_ready());
    });
}

#[test]
fn a_permit_handed_to_a_cancelled_waiter_passes_on() {
    run_virtual(async {
        let limit = Semaphore::new(1);
        let held = limit.acquire().await;
        let got = Rc::new(RefCell::new(Vec::new()));
        let spawn_waiter = |name: &'static str| {
            let limit = limit.clone();
            let got = got.clone();
            aio::spawn(async move {
                let _permit = limit.acquire().await;
                got.borrow_mut().push(name);
            })
        };
        let b = spawn_waiter("b");
        let c = spawn_waiter("c");
        aio::yield_now().await; // Both are in line: b first.
        drop(held); // The permit is handed to b ...
        b.cancel(); // ... which is cancelled before it runs.
        aio::timeout(ms(100), c)
            .await
            .expect("the permit handed to b was lost: c never got it")
            .unwrap();
        assert_eq!(*got.borrow(), ["c"]);
        assert!(b.await.unwrap_err().is_cancelled());
        assert_eq!(limit.available_permits(), 1, "the permit was lost");
    });
}

#[test]
fn add_permits_serves_waiters_first_then_keeps_the_rest() {
    run_virtual(async {
        let limit = Semaphore::new(0);
        let mut a = pin!(limit.acquire());
        let mut b = pin!(limit.acquire());
        assert!(poll!(&mut a).is_pending());
        assert!(poll!(&mut b).is_pending());
        limit.add_permits(3);
        assert_eq!(limit.available_permits(), 1);
        assert!(poll!(&mut a).is_ready());
        assert!(poll!(&mut b).is_ready());
        // Both permits were dropped with the polled results: all three are free again.
        assert_eq!(limit.available_permits(), 3);
    });
}

#[test]
fn a_timeout_around_acquire_does_not_lose_the_permit() {
    run_virtual(async {
        let limit = Semaphore::new(1);
        let held = limit.acquire().await;
        let late = aio::timeout(ms(50), limit.acquire()).await;
        assert!(late.is_err());
        assert_eq!(limit.waiting(), 0, "the timed-out waiter is still in line");
        drop(held);
        assert_eq!(limit.available_permits(), 1);
    });
}

#[test]
fn a_bounded_semaphore_refuses_to_be_released_more_than_it_was_taken() {
    run_virtual(async {
        let limit = Semaphore::bounded(2);
        let held = limit.acquire().await;
        held.forget(); // asyncio's `await sem.acquire()` without `async with`.
        assert_eq!(limit.available_permits(), 1);
        limit.release(); // Gives the forgotten permit back: allowed.
        assert_eq!(limit.available_permits(), 2);

        let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| limit.release()));
        let message = again.expect_err("a third permit was made");
        let message = message.downcast_ref::<String>().unwrap();
        assert!(
            message.contains("a bounded Semaphore released too many times"),
            "{message}"
        );
        assert_eq!(
            limit.available_permits(),
            2,
            "the failed release changed it"
        );

        // Held permits count too: a release while both are held would make a third.
        let (a, b) = (limit.acquire().await, limit.acquire().await);
        let early = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| limit.release()));
        assert!(
            early.is_err(),
            "a release while every permit is held made a third"
        );
        drop((a, b));
        assert_eq!(limit.available_permits(), 2);
    });
}

#[test]
fn an_unbounded_semaphore_may_be_released_beyond_its_start() {
    let limit = Semaphore::new(1);
    limit.release();
    assert_eq!(
        limit.available_permits(),
        2,
        "asyncio's Semaphore allows it"
    );
}

#[test]
fn a_forgotten_permit_is_not_given_back_on_drop() {
    run_virtual(async {
        let limit = Semaphore::new(1);
        limit.acquire().await.forget();
        assert_eq!(limit.available_permits(), 0);
        let mut waiting = pin!(limit.acquire());
        assert!(poll!(&mut waiting).is_pending());
        limit.release();
        assert!(poll!(&mut waiting).is_ready());
    });
}
