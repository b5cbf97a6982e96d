//! `Condition`: `wait` lets the lock go and takes it again, `notify(n)` wakes the first `n` in
//! order, `wait_for` asks its predicate with the lock held, and a guard of another lock panics.

use std::cell::RefCell;
use std::pin::pin;
use std::rc::Rc;

use futures::poll;

mod common;
use common::{ms, run_virtual};

use aio::sync::{Condition, Lock};

/// Spawns a task that locks `cond`, waits once, and logs `name` with the time and what it
/// found, still holding the lock.
fn spawn_waiter(
    cond: &Condition<Vec<&'static str>>,
    log: &Rc<RefCell<Vec<String>>>,
    name: &'static str,
) -> aio::Task<()> {
    let (cond, log) = (cond.clone(), log.clone());
    aio::spawn(async move {
        let guard = cond.lock().await;
        let guard = cond.wait(guard).await;
        log.borrow_mut()
            .push(format!("{name} woke with {:?}", *guard));
    })
}

#[test]
fn wait_lets_the_lock_go_and_takes_it_again_before_returning() {
    let (log, elapsed) = run_virtual(async {
        let stock = Condition::new(Vec::new());
        let log = Rc::new(RefCell::new(Vec::new()));
        let start = aio::now();
        let buyer = spawn_waiter(&stock, &log, "buyer");
        aio::yield_now().await; // The buyer holds the lock, then waits.
        assert_eq!(stock.waiting(), 1);
        let mut guard = stock
            .try_lock()
            .expect("the lock is still held by the waiting buyer");
        aio::sleep(ms(10)).await; // Holding the lock: the buyer cannot run even if woken.
        guard.push("tea");
        stock.notify(&guard, 1);
        aio::yield_now().await;
        assert!(log.borrow().is_empty(), "the buyer ran without the lock");
        drop(guard);
        buyer.await.unwrap();
        assert!(!stock.is_locked(), "the buyer's guard was not dropped");
        let log = log.borrow().clone();
        (log, aio::now() - start)
    });
    assert_eq!(log, [r#"buyer woke with ["tea"]"#]);
    assert_eq!(elapsed, ms(10));
}

#[test]
fn notify_wakes_the_first_n_waiters_in_order_and_is_not_stored() {
    let log = run_virtual(async {
        let cond = Condition::new(Vec::new());
        let log = Rc::new(RefCell::new(Vec::new()));
        // Nobody waits: this notification is lost, as asyncio's is.
        cond.notify(&cond.lock().await, 1);
        let waiters: Vec<_> = ["a", "b", "c", "d"]
            .into_iter()
            .map(|name| spawn_waiter(&cond, &log, name))
            .collect();
        aio::sleep(ms(10)).await;
        assert_eq!(cond.waiting(), 4, "a stored notification woke a waiter");
        {
            let mut guard = cond.lock().await;
            guard.push("1");
            cond.notify(&guard, 1);
        }
        aio::sleep(ms(10)).await;
        {
            let mut guard = cond.lock().await;
            guard.push("2");
            cond.notify(&guard, 2);
        }
        aio::sleep(ms(10)).await;
        assert_eq!(cond.waiting(), 1);
        {
            let guard = cond.lock().await;
            cond.notify_all(&guard);
        }
        for waiter in waiters {
            waiter.await.unwrap();
        }
        let log = log.borrow().clone();
        log
    });
    assert_eq!(
        log,
        [
            r#"a woke with ["1"]"#,
            r#"b woke with ["1", "2"]"#,
            r#"c woke with ["1", "2"]"#,
            r#"d woke with ["1", "2"]"#,
        ]
    );
}

#[test]
fn woken_waiters_take_the_lock_one_at_a_time() {
    let (log, elapsed) = run_virtual(async {
        let cond = Condition::new(0);
        let log = Rc::new(RefCell::new(Vec::new()));
        let start = aio::now();
        let waiters: Vec<_> = (0..3)
            .map(|n| {
                let (cond, log) = (cond.clone(), log.clone());
                aio::spawn(async move {
                    let guard = cond.lock().await;
                    let mut guard = cond.wait(guard).await;
                    *guard += 1;
                    aio::sleep(ms(10)).await; // Holds the lock across the sleep.
                    log.borrow_mut().push(format!(
                        "{n} saw {} at {:?}",
                        *guard,
                        aio::now() - start
                    ));
                })
            })
            .collect();
        aio::yield_now().await;
        cond.notify_all(&cond.lock().await);
        for waiter in waiters {
            waiter.await.unwrap();
        }
        let log = log.borrow().clone();
        (log, aio::now() - start)
    });
    assert_eq!(
        log,
        ["0 saw 1 at 10ms", "1 saw 2 at 20ms", "2 saw 3 at 30ms"]
    );
    assert_eq!(elapsed, ms(30));
}

#[test]
fn wait_for_asks_its_predicate_with_the_lock_held_until_it_holds() {
    let (got, asked) = run_virtual(async {
        let cond = Condition::new(Vec::new());
        let asked = Rc::new(RefCell::new(Vec::new()));
        let consumer = {
            let (cond, asked) = (cond.clone(), asked.clone());
            aio::spawn(async move {
                let guard = cond.lock().await;
                let mut guard = cond
                    .wait_for(guard, |items: &Vec<u32>| {
                        asked.borrow_mut().push(items.len());
                        items.len() >= 3
                    })
                    .await;
                std::mem::take(&mut *guard)
            })
        };
        for n in 0..5 {
            aio::sleep(ms(10)).await;
            let mut guard = cond.lock().await;
            guard.push(n);
            cond.notify_all(&guard);
        }
        let got = consumer.await.unwrap();
        let asked = asked.borrow().clone();
        (got, asked)
    });
    // Once at the start, then after each notification until three items were there.
    assert_eq!(asked, [0, 1, 2, 3]);
    assert_eq!(got, [0, 1, 2]);
}

#[test]
fn wait_for_does_not_wait_when_the_predicate_already_holds() {
    run_virtual(async {
        let cond = Condition::new(5);
        let guard = cond.lock().await;
        let mut wait = pin!(cond.wait_for(guard, |n| *n == 5));
        assert!(poll!(&mut wait).is_ready());
        assert_eq!(cond.waiting(), 0);
    });
}

#[test]
fn a_notification_handed_to_a_cancelled_waiter_passes_on() {
    let log = run_virtual(async {
        let cond = Condition::new(Vec::new());
        let log = Rc::new(RefCell::new(Vec::new()));
        let b = spawn_waiter(&cond, &log, "b");
        let c = spawn_waiter(&cond, &log, "c");
        aio::yield_now().await; // Both wait, b first.
        {
            let guard = cond.lock().await;
            cond.notify(&guard, 1); // Notifies b ...
        }
        b.cancel(); // ... which is cancelled before it runs.
        aio::timeout(ms(100), c)
            .await
            .expect("the notification given to b was lost: c never woke")
            .unwrap();
        assert!(!cond.is_locked());
        let log = log.borrow().clone();
        log
    });
    assert_eq!(log, ["c woke with []"]);
}

#[test]
fn a_cancelled_waiter_leaves_the_line_and_holds_no_lock() {
    run_virtual(async {
        let cond = Condition::new(());
        let mut first = Box::pin(cond.wait(cond.lock().await));
        assert!(poll!(&mut first).is_pending());
        assert!(!cond.is_locked(), "a waiter holds the lock");
        let mut second = Box::pin(cond.wait(cond.lock().await));
        assert!(poll!(&mut second).is_pending());
        assert_eq!(cond.waiting(), 2);
        drop(first); // Cancelled while in line.
        assert_eq!(cond.waiting(), 1);

        // Cancelled while it waits to take the lock again: the lock goes on, not lost.
        let held = cond.lock().await;
        cond.notify(&held, 1);
        assert!(poll!(&mut second).is_pending(), "it ran without the lock");
        drop(held);
        let mut third = pin!(cond.lock());
        assert!(poll!(&mut third).is_pending()); // `second` is first in the lock's line.
        drop(second);
        assert!(poll!(&mut third).is_ready(), "the lock was lost");
    });
}

#[test]
fn a_condition_can_share_its_lock_with_another() {
    run_virtual(async {
        let lock = Lock::new(Vec::<u32>::new());
        let not_empty = Condition::with_lock(lock.clone());
        let not_full = Condition::with_lock(lock.clone());
        let guard = lock.lock().await;
        let mut waiting = pin!(not_empty.wait(guard));
        assert!(poll!(&mut waiting).is_pending());
        let mut guard = lock.lock().await;
        guard.push(1);
        not_full.notify_all(&guard); // Nobody waits on this one.
        not_empty.notify(&guard, 1);
        drop(guard);
        let guard = poll!(&mut waiting);
        assert!(matches!(guard, std::task::Poll::Ready(ref g) if **g == [1]));
    });
}

#[test]
#[should_panic(expected = "Condition::notify was given the guard of another lock")]
fn notify_with_the_guard_of_another_lock_panics() {
    run_virtual(async {
        let cond = Condition::new(0);
        let other = Lock::new(0);
        let guard = other.lock().await;
        cond.notify(&guard, 1);
    });
}

#[test]
#[should_panic(expected = "Condition::wait was given the guard of another lock")]
fn wait_with_the_guard_of_another_lock_panics() {
    run_virtual(async {
        let cond = Condition::new(0);
        let other = Lock::new(0);
        let guard = other.lock().await;
        let _wait = cond.wait(guard); // Refused when made: awaiting it would wait forever.
    });
}
