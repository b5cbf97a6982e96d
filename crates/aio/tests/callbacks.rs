//! `call_soon` and `call_later`: callbacks run on the loop in order, and a `Handle` cancels them.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

mod common;
use common::run_virtual as virtual_run;

type Log = Rc<RefCell<Vec<String>>>;

fn note(log: &Log, what: impl Into<String>) -> impl FnOnce() + 'static {
    let log = log.clone();
    let what = what.into();
    move || log.borrow_mut().push(what)
}

#[test]
fn call_soon_runs_callbacks_in_order_on_a_later_turn() {
    let log = virtual_run(async {
        let log = Log::default();
        for name in ["a", "b", "c", "d"] {
            aio::call_soon(note(&log, name));
        }
        log.borrow_mut().push("scheduled".into());
        aio::yield_now().await;
        log.take()
    });
    assert_eq!(log, ["scheduled", "a", "b", "c", "d"]);
}

#[test]
fn call_later_fires_by_deadline_then_by_registration() {
    let log = virtual_run(async {
        let log = Log::default();
        let start = aio::now();
        for (ms, name) in [(30, "30a"), (10, "10a"), (20, "20"), (10, "10b"), (0, "0")] {
            let log = log.clone();
            aio::call_later(Duration::from_millis(ms), move || {
                log.borrow_mut()
                    .push(format!("{name}@{}", (aio::now() - start).as_millis()))
            });
        }
        aio::sleep(Duration::from_millis(50)).await;
        log.take()
    });
    assert_eq!(log, ["0@0", "10a@10", "10b@10", "20@20", "30a@30"]);
}

#[test]
fn a_handle_cancels_a_callback_that_has_not_run() {
    let log = virtual_run(async {
        let log = Log::default();
        let keep = aio::call_later(Duration::from_millis(10), note(&log, "kept"));
        let drop_it = aio::call_later(Duration::from_millis(5), note(&log, "cancelled"));
        let soon = aio::call_soon(note(&log, "soon, cancelled"));
        assert!(drop_it.cancel());
        assert!(soon.cancel());
        assert!(drop_it.is_finished());
        aio::sleep(Duration::from_millis(20)).await;
        // Already ran: nothing to cancel.
        assert!(keep.is_finished());
        assert!(!keep.cancel());
        assert!(!drop_it.cancel(), "cancelled twice");
        assert_eq!(aio::timer_count(), Some(0));
        log.take()
    });
    assert_eq!(log, ["kept"]);
}

#[test]
fn call_later_counts_its_delay_from_the_call() {
    let fired_at = virtual_run(async {
        let start = aio::now();
        let log = Log::default();
        let log2 = log.clone();
        aio::call_later(Duration::from_millis(10), move || {
            log2.borrow_mut()
                .push(format!("{}", (aio::now() - start).as_millis()))
        });
        aio::sleep(Duration::from_millis(15)).await;
        log.take()
    });
    assert_eq!(fired_at, ["10"]);
}

#[test]
fn dropping_a_handle_does_not_cancel_the_callback() {
    let log = virtual_run(async {
        let log = Log::default();
        drop(aio::call_later(Duration::from_millis(1), note(&log, "ran")));
        aio::sleep(Duration::from_millis(2)).await;
        log.take()
    });
    assert_eq!(log, ["ran"]);
}
