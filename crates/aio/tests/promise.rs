//! `Promise`: set once, awaited by many; misuse is refused clearly.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

mod common;
use common::run_virtual as virtual_run;

use aio::Promise;

#[test]
fn set_result_wakes_every_awaiter_once() {
    let results = virtual_run(async {
        let promise: Promise<String> = Promise::new();
        let woken = Rc::new(Cell::new(0));
        let waiters: Vec<_> = (0..3)
            .map(|i| {
                let promise = promise.clone();
                let woken = woken.clone();
                aio::spawn(async move {
                    let value = promise.await;
                    woken.set(woken.get() + 1);
                    format!("{i}: {value}")
                })
            })
            .collect();
        aio::yield_now().await; // Every waiter is now suspended on the promise.
        assert_eq!(woken.get(), 0);
        assert!(!promise.is_done());
        promise.set_result("ready".to_string());
        assert!(promise.is_done());
        let mut results = Vec::new();
        for waiter in waiters {
            results.push(waiter.await.unwrap());
        }
        assert_eq!(woken.get(), 3);
        results
    });
    assert_eq!(results, ["0: ready", "1: ready", "2: ready"]);
}

#[test]
fn awaiting_a_promise_that_is_already_set_returns_at_once() {
    virtual_run(async {
        let promise = Promise::new();
        promise.set_result(5);
        let turns = aio::loop_turns().unwrap();
        assert_eq!(promise.clone().await, 5);
        assert_eq!(promise.await, 5, "the value is kept for later awaiters");
        assert_eq!(aio::loop_turns().unwrap(), turns);
    });
}

#[test]
fn call_later_can_set_a_promise() {
    // The seed's asyncio.Future example: call_later(1, future.set_result, 'Hello, world!').
    let (value, elapsed) = virtual_run(async {
        let start = aio::now();
        let promise = Promise::new();
        let setter = promise.clone();
        aio::call_later(Duration::from_secs(1), move || {
            setter.set_result("Hello, world!")
        });
        (promise.await, aio::now() - start)
    });
    assert_eq!(value, "Hello, world!");
    assert_eq!(elapsed, Duration::from_secs(1));
}

#[test]
#[should_panic(expected = "Promise::set_result called on a promise that already has a result")]
fn setting_a_promise_twice_panics_with_a_clear_message() {
    let promise = Promise::new();
    promise.set_result(1);
    promise.set_result(2);
}

#[test]
fn try_set_result_gives_the_value_back_when_already_set() {
    let promise = Promise::new();
    assert_eq!(promise.try_set_result(vec![1]), Ok(()));
    assert_eq!(promise.try_set_result(vec![2, 3]), Err(vec![2, 3]));
    assert_eq!(futures::executor::block_on(promise), vec![1]);
}

#[test]
fn a_cancelled_awaiter_does_not_disturb_the_others() {
    let value = virtual_run(async {
        let promise = Promise::new();
        let gone = aio::spawn(promise.clone());
        let stays = aio::spawn(promise.clone());
        aio::yield_now().await;
        assert!(gone.cancel());
        promise.set_result('x');
        assert!(gone.await.unwrap_err().is_cancelled());
        stays.await.unwrap()
    });
    assert_eq!(value, 'x');
}
