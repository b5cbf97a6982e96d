//! `Lock`: one task at a time in a critical section that spans an `.await`.

use std::cell::RefCell;
use std::pin::pin;
use std::rc::Rc;
use std::task::Poll;

use futures::poll;

mod common;
use common::{ms, run_virtual};

use aio::sync::Lock;

/// Withdraws `amount` the way the module docs describe: read, wait for the bank, write.
async fn withdraw(balance: Rc<RefCell<i32>>, amount: i32) {
    let read = *balance.borrow();
    aio::sleep(ms(10)).await; // The slow call: other tasks run here.
    *balance.borrow_mut() = read - amount;
}

async fn withdraw_locked(balance: Lock<i32>, amount: i32) {
    let mut guard = balance.lock().await;
    let read = *guard;
    aio::sleep(ms(10)).await; // Still holding the lock: nobody else reads in between.
    *guard = read - amount;
}

#[test]
fn without_a_lock_an_update_across_an_await_is_lost() {
    let balance = run_virtual(async {
        let balance = Rc::new(RefCell::new(100));
        let a = aio::spawn(withdraw(balance.clone(), 30));
        let b = aio::spawn(withdraw(balance.clone(), 50));
        a.await.unwrap();
        b.await.unwrap();
        let value = *balance.borrow();
        value
    });
    assert_eq!(
        balance, 50,
        "the race is expected: the 30 withdrawn first is lost"
    );
}

#[test]
fn with_the_lock_both_updates_count_and_take_turns() {
    let (balance, elapsed) = run_virtual(async {
        let balance = Lock::new(100);
        let start = aio::now();
        let a = aio::spawn(withdraw_locked(balance.clone(), 30));
        let b = aio::spawn(withdraw_locked(balance.clone(), 50));
        a.await.unwrap();
        b.await.unwrap();
        let value = *balance.lock().await;
        (value, aio::now() - start)
    });
    assert_eq!(balance, 20);
    assert_eq!(
        elapsed,
        ms(20),
        "the critical sections ran one after the other"
    );
}

#[test]
fn the_lock_goes_to_waiters_in_order_and_not_to_a_newcomer() {
    run_virtual(async {
        let lock = Lock::new(Vec::new());
        let mut held = lock.try_lock().expect("the lock is free");
        held.push("holder");
        let mut first = pin!(lock.lock());
        let mut second = pin!(lock.lock());
        assert!(poll!(&mut first).is_pending());
        assert!(poll!(&mut second).is_pending());

        drop(held); // Handed to `first`.
        assert!(lock.is_locked());
        assert!(lock.try_lock().is_none(), "a newcomer barged in");
        assert!(poll!(&mut second).is_pending(), "second overtook first");
        let Poll::Ready(mut guard) = poll!(&mut first) else {
            panic!("the first waiter did not get the lock");
        };
        guard.push("first");
        drop(guard);
        let Poll::Ready(mut guard) = poll!(&mut second) else {
            panic!("the second waiter did not get the lock");
        };
        guard.push("second");
        drop(guard);
        assert!(!lock.is_locked());
        assert_eq!(*lock.lock().await, ["holder", "first", "second"]);
    });
}

#[test]
fn a_lock_handed_to_a_cancelled_waiter_passes_on() {
    run_virtual(async {
        let lock = Lock::new(0);
        let held = lock.lock().await;
        let spawn_waiter = |n: i32| {
            let lock = lock.clone();
            aio::spawn(async move {
                *lock.lock().await += n;
            })
        };
        let b = spawn_waiter(1);
        let c = spawn_waiter(10);
        aio::yield_now().await; // Both in line, b first.
        drop(held); // Handed to b ...
        b.cancel(); // ... cancelled before it runs.
        aio::timeout(ms(100), c)
            .await
            .expect("the lock handed to b was lost: c never got it")
            .unwrap();
        assert!(!lock.is_locked());
        assert_eq!(*lock.lock().await, 10);
    });
}

#[test]
fn a_cancelled_waiter_in_line_is_skipped() {
    run_virtual(async {
        let lock = Lock::new(());
        let held = lock.lock().await;
        let mut first = Box::pin(lock.lock());
        let mut second = pin!(lock.lock());
        assert!(poll!(&mut first).is_pending());
        assert!(poll!(&mut second).is_pending());
        drop(first);
        drop(held);
        assert!(poll!(&mut second).is_ready());
    });
}
