//! `timeout` and `timeout_at`: the output in time, or `Elapsed` at the deadline with the inner
//! future already dropped.

use std::cell::Cell;
use std::rc::Rc;

mod common;
use common::{ms, run_virtual, DropFlag};

#[test]
fn a_future_that_finishes_in_time_gives_its_output() {
    run_virtual(async {
        let start = aio::now();
        let outcome = aio::timeout(ms(100), async {
            aio::sleep(ms(10)).await;
            "done"
        })
        .await;
        assert_eq!(outcome, Ok("done"));
        assert_eq!(aio::now() - start, ms(10), "no wait for the limit");
        assert_eq!(aio::timer_count(), Some(0), "the limit's timer is released");
    });
}

#[test]
fn on_expiry_the_inner_future_is_dropped_before_timeout_returns() {
    let dropped = Rc::new(Cell::new(false));
    let flag = dropped.clone();
    let reached_the_end = Rc::new(Cell::new(false));
    let end = reached_the_end.clone();
    run_virtual(async move {
        let start = aio::now();
        let mut limited = aio::timeout(ms(10), async move {
            let _flag = DropFlag(flag);
            aio::sleep(ms(100)).await;
            end.set(true);
        });
        // Awaited through `&mut`, so the `Timeout` itself is still alive afterwards: the inner
        // future must have been dropped by `timeout`, not with the `Timeout`.
        let outcome = (&mut limited).await;
        assert!(outcome.is_err());
        assert_eq!(aio::now() - start, ms(10), "it returned at the deadline");
        assert!(
            dropped.get(),
            "the inner future was dropped before timeout returned"
        );
        assert_eq!(
            aio::timer_count(),
            Some(0),
            "the inner sleep's timer is gone"
        );
        aio::sleep(ms(200)).await;
        drop(limited);
    });
    assert!(!reached_the_end.get(), "the inner future never resumed");
}

#[test]
fn the_error_says_it_timed_out() {
    let error = run_virtual(aio::timeout(ms(1), std::future::pending::<()>())).unwrap_err();
    assert_eq!(error.to_string(), "timed out");
}

#[test]
fn an_output_ready_at_the_deadline_wins() {
    run_virtual(async {
        // Both the inner sleep and the limit are due at 10 ms: work done is not thrown away.
        let outcome = aio::timeout(ms(10), aio::sleep(ms(10))).await;
        assert_eq!(outcome, Ok(()));
    });
}

#[test]
fn timeout_at_shares_one_deadline_between_several_steps() {
    run_virtual(async {
        let start = aio::now();
        let deadline = start + ms(50);
        let first = aio::timeout_at(deadline, aio::sleep(ms(30))).await;
        assert_eq!(first, Ok(()));
        // Only 20 ms are left for the second step.
        let second = aio::timeout_at(deadline, aio::sleep(ms(30))).await;
        assert!(second.is_err());
        assert_eq!(aio::now() - start, ms(50));
    });
}

#[test]
fn a_deadline_in_the_past_still_lets_a_ready_future_finish() {
    run_virtual(async {
        aio::sleep(ms(10)).await;
        let past = aio::now() - ms(5);
        assert_eq!(aio::timeout_at(past, async { 1 }).await, Ok(1));
        assert!(aio::timeout_at(past, aio::sleep(ms(1))).await.is_err());
    });
}

#[test]
fn a_timeout_on_a_task_handle_leaves_the_task_running() {
    run_virtual(async {
        let finished = Rc::new(Cell::new(false));
        let flag = finished.clone();
        let mut task = aio::spawn(async move {
            aio::sleep(ms(50)).await;
            flag.set(true);
            "late"
        });
        // Lend the handle: on expiry only the borrow is dropped, not the task.
        assert!(aio::timeout(ms(10), &mut task).await.is_err());
        assert!(!task.is_finished());
        assert_eq!(task.await.unwrap(), "late");
        assert!(finished.get());
    });
}

#[test]
fn cancel_a_task_yourself_when_its_timeout_expires() {
    run_virtual(async {
        let mut task = aio::spawn(aio::sleep(ms(50)));
        if aio::timeout(ms(10), &mut task).await.is_err() {
            task.cancel();
        }
        assert!(task.await.unwrap_err().is_cancelled());
        assert_eq!(aio::timer_count(), Some(0));
    });
}
