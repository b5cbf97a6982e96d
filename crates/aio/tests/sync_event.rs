//! `Event`: set wakes every waiter; clear makes `wait` wait again.

use std::cell::RefCell;
use std::pin::pin;
use std::rc::Rc;

use futures::poll;

mod common;
use common::{ms, run_virtual};

use aio::sync::Event;

#[test]
fn set_wakes_every_waiter_in_order() {
    let (woken, elapsed) = run_virtual(async {
        let event = Event::new();
        let woken = Rc::new(RefCell::new(Vec::new()));
        let start = aio::now();
        let waiters: Vec<_> = (0..3)
            .map(|i| {
                let event = event.clone();
                let woken = woken.clone();
                aio::spawn(async move {
                    event.wait().await;
                    woken.borrow_mut().push((i, aio::now() - start));
                })
            })
            .collect();
        aio::sleep(ms(30)).await;
        assert!(woken.borrow().is_empty());
        event.set();
        for waiter in waiters {
            waiter.await.unwrap();
        }
        let woken = woken.borrow().clone();
        (woken, aio::now() - start)
    });
    assert_eq!(woken, [(0, ms(30)), (1, ms(30)), (2, ms(30))]);
    assert_eq!(elapsed, ms(30));
}

#[test]
fn wait_returns_at_once_while_set_and_waits_after_clear() {
    run_virtual(async {
        let event = Event::new();
        assert!(!event.is_set());
        event.set();
        assert!(event.is_set());
        assert!(poll!(event.wait()).is_ready());
        event.clear();
        assert!(!event.is_set());
        assert!(poll!(event.wait()).is_pending());
    });
}

#[test]
fn a_waiter_woken_by_set_returns_even_if_cleared_before_it_runs() {
    run_virtual(async {
        let event = Event::new();
        let mut waiter = pin!(event.wait());
        assert!(poll!(&mut waiter).is_pending());
        event.set();
        event.clear();
        assert!(
            poll!(&mut waiter).is_ready(),
            "the wakeup was lost by clear"
        );
    });
}

#[test]
fn a_cancelled_waiter_leaves_the_line() {
    run_virtual(async {
        let event = Event::new();
        let waiter = aio::spawn({
            let event = event.clone();
            async move { event.wait().await }
        });
        aio::yield_now().await;
        assert!(format!("{event:?}").contains("waiting: 1"));
        waiter.cancel();
        assert!(format!("{event:?}").contains("waiting: 0"));
        event.set();
    });
}
