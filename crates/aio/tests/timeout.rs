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

#[test]
fn a_deadline_pushed_back_from_inside_lets_the_future_finish() {
    let (outcome, elapsed) = run_virtual(async {
        let start = aio::now();
        // Three steps of 8 ms under a 10 ms limit: each step extends it by 10 ms.
        let outcome = aio::timeout_with(ms(10), |cm| async move {
            for _ in 0..3 {
                aio::sleep(ms(8)).await;
                assert!(cm.reschedule(aio::now() + ms(10)));
            }
            "finished"
        })
        .await;
        (outcome, aio::now() - start)
    });
    assert_eq!(outcome, Ok("finished"));
    assert_eq!(elapsed, ms(24));
}

#[test]
fn without_the_reschedule_the_same_steps_time_out() {
    // The control for the test above: the same steps, deadline untouched.
    let (outcome, elapsed) = run_virtual(async {
        let start = aio::now();
        let outcome = aio::timeout_with(ms(10), |_cm| async move {
            for _ in 0..3 {
                aio::sleep(ms(8)).await;
            }
        })
        .await;
        (outcome, aio::now() - start)
    });
    assert!(outcome.is_err());
    assert_eq!(elapsed, ms(10));
}

#[test]
fn a_deadline_brought_forward_by_another_task_fires_earlier() {
    run_virtual(async {
        let start = aio::now();
        let limited = aio::timeout(ms(100), aio::sleep(ms(50)));
        let handle = limited.handle();
        let task = aio::spawn(limited);
        aio::sleep(ms(10)).await; // The timeout is armed for 100 ms and waiting.
        assert_eq!(handle.deadline(), Some(start + ms(100)));
        assert!(handle.reschedule(aio::now() + ms(5)));
        assert!(task.await.unwrap().is_err());
        assert_eq!(aio::now() - start, ms(15), "at the new deadline");
        assert!(handle.expired());
        assert_eq!(aio::timer_count(), Some(0), "the old timer went with it");
    });
}

#[test]
fn a_deadline_pushed_back_by_another_task_lets_the_future_finish() {
    run_virtual(async {
        let start = aio::now();
        let limited = aio::timeout(ms(10), aio::sleep(ms(50)));
        let handle = limited.handle();
        let task = aio::spawn(limited);
        aio::sleep(ms(5)).await;
        assert!(handle.reschedule(start + ms(100)));
        assert_eq!(task.await.unwrap(), Ok(()));
        assert_eq!(aio::now() - start, ms(50));
        assert!(!handle.expired());
    });
}

#[test]
fn rescheduling_after_the_timeout_returned_does_nothing() {
    run_virtual(async {
        let expired = aio::timeout(ms(10), std::future::pending::<()>());
        let handle = expired.handle();
        assert!(expired.await.is_err());
        let deadline = handle.deadline();
        assert!(
            !handle.reschedule(aio::now() + ms(100)),
            "too late: refused"
        );
        assert_eq!(handle.deadline(), deadline, "unchanged");
        assert!(handle.expired());

        let finished = aio::timeout(ms(10), async {});
        let handle = finished.handle();
        assert_eq!(finished.await, Ok(()));
        assert!(!handle.reschedule(aio::now() + ms(100)));
        assert!(!handle.expired(), "it finished; it did not expire");
    });
}

#[test]
fn a_reschedule_before_the_first_poll_replaces_the_limit() {
    run_virtual(async {
        let start = aio::now();
        let limited = aio::timeout(ms(100), std::future::pending::<()>());
        assert_eq!(
            limited.deadline(),
            None,
            "the clock starts at the first poll"
        );
        assert!(limited.reschedule(start + ms(3)));
        assert!(limited.await.is_err());
        assert_eq!(aio::now() - start, ms(3));
    });
}
