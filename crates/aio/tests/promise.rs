//! `Promise`: set once, awaited by many; misuse is refused clearly; a look without waiting,
//! failure, cancellation and done-callbacks, as asyncio's `Future` has them.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

mod common;
use common::{ms, run_virtual as virtual_run};

use aio::{Promise, PromiseError};

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
                    let value = promise.await.unwrap();
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
        assert_eq!(promise.clone().await, Ok(5));
        assert_eq!(promise.await, Ok(5), "the value is kept for later awaiters");
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
        (promise.await.unwrap(), aio::now() - start)
    });
    assert_eq!(value, "Hello, world!");
    assert_eq!(elapsed, Duration::from_secs(1));
}

#[test]
#[should_panic(expected = "Promise::set_result called on a promise that is already done")]
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
    assert_eq!(futures::executor::block_on(promise), Ok(vec![1]));
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
        stays.await.unwrap().unwrap()
    });
    assert_eq!(value, 'x');
}

#[test]
fn result_looks_without_waiting() {
    // asyncio's fut.result() raises InvalidStateError on a pending future: here, a value.
    let promise = Promise::new();
    assert_eq!(promise.result(), Err(PromiseError::NotReady));
    promise.set_result("now");
    assert_eq!(promise.result(), Ok("now"));
    assert_eq!(
        promise.result(),
        Ok("now"),
        "looking does not take the value"
    );
}

#[test]
fn set_error_fails_every_awaiter_with_the_same_error() {
    let (errors, elapsed) = virtual_run(async {
        let start = aio::now();
        let promise: Promise<u8> = Promise::new();
        let waiters: Vec<_> = (0..2).map(|_| aio::spawn(promise.clone())).collect();
        let setter = promise.clone();
        aio::call_later(ms(10), move || setter.set_error("disk on fire"));
        let mut errors = Vec::new();
        for waiter in waiters {
            errors.push(waiter.await.unwrap().unwrap_err());
        }
        assert!(promise.is_done());
        assert!(!promise.is_cancelled());
        assert_eq!(promise.result(), Err(errors[0].clone()));
        (errors, aio::now() - start)
    });
    assert_eq!(elapsed, ms(10));
    let PromiseError::Failed(error) = &errors[0] else {
        panic!("not a failure: {:?}", errors[0]);
    };
    assert_eq!(error.to_string(), "disk on fire");
    assert_eq!(errors[0], errors[1], "one error, shared");
    assert_eq!(errors[0].to_string(), "the promise failed: disk on fire");
}

#[test]
#[should_panic(expected = "Promise::set_error called on a promise that is already done")]
fn failing_a_promise_that_has_a_result_panics() {
    let promise = Promise::new();
    promise.set_result(1);
    promise.set_error("too late");
}

#[test]
fn cancel_ends_the_promise_for_every_awaiter() {
    virtual_run(async {
        let promise: Promise<&str> = Promise::new();
        let waiter = aio::spawn(promise.clone());
        aio::yield_now().await; // The waiter is suspended on the promise.
        assert!(promise.cancel());
        assert!(promise.is_cancelled() && promise.is_done());
        assert_eq!(waiter.await.unwrap(), Err(PromiseError::Cancelled));
        assert_eq!(promise.result(), Err(PromiseError::Cancelled));
        // Done now: a second cancel, or a result, is refused.
        assert!(!promise.cancel());
        assert_eq!(promise.try_set_result("late"), Err("late"));
    });
}

#[test]
fn cancel_does_nothing_to_a_promise_that_has_a_result() {
    let promise = Promise::new();
    promise.set_result(3);
    assert!(!promise.cancel());
    assert!(!promise.is_cancelled());
    assert_eq!(promise.result(), Ok(3));
}

#[test]
fn done_callbacks_run_on_the_loop_after_completion_in_order() {
    let log = virtual_run(async {
        let log = Rc::new(RefCell::new(Vec::new()));
        let promise = Promise::new();
        for name in ["first", "second"] {
            let log = log.clone();
            promise.add_done_callback(move |p: &Promise<i32>| {
                log.borrow_mut()
                    .push(format!("{name} sees {:?}", p.result()))
            });
        }
        promise.set_result(7);
        log.borrow_mut().push("set_result returned".to_string());
        aio::yield_now().await; // One turn: the loop calls them.
                                // Added after completion: scheduled at once, still not called inline.
        let late = log.clone();
        promise.add_done_callback(move |_| late.borrow_mut().push("late".to_string()));
        log.borrow_mut().push("added late".to_string());
        aio::yield_now().await;
        log.take()
    });
    assert_eq!(
        log,
        [
            "set_result returned",
            "first sees Ok(7)",
            "second sees Ok(7)",
            "added late",
            "late"
        ]
    );
}

#[test]
fn a_removed_done_callback_is_never_called() {
    let calls = virtual_run(async {
        let calls = Rc::new(Cell::new(0));
        let promise: Promise<()> = Promise::new();
        let counter = calls.clone();
        let id = promise.add_done_callback(move |_| counter.set(counter.get() + 10));
        let counter = calls.clone();
        let kept = promise.add_done_callback(move |_| counter.set(counter.get() + 1));
        assert_ne!(id, kept);
        assert!(promise.remove_done_callback(id));
        assert!(!promise.remove_done_callback(id), "already removed");
        promise.cancel(); // Cancelling completes the promise: callbacks run too.
        assert!(
            !promise.remove_done_callback(kept),
            "scheduled, no longer removable"
        );
        aio::yield_now().await;
        calls.get()
    });
    assert_eq!(calls, 1);
}
