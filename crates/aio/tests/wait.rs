//! `wait`: `(done, pending)` by `ReturnWhen`, with an optional timeout; pending tasks keep
//! running and can still be awaited or cancelled.

mod common;
use common::{ms, run_virtual};

use aio::{ReturnWhen, Task};

/// A task that sleeps `n` ms, then returns `n`, or `Err` if `fail` is set.
fn job(n: u64, fail: bool) -> Task<Result<u64, String>> {
    aio::spawn(async move {
        aio::sleep(ms(n)).await;
        if fail {
            Err(format!("{n} failed"))
        } else {
            Ok(n)
        }
    })
}

async fn outputs(tasks: Vec<Task<Result<u64, String>>>) -> Vec<Result<u64, String>> {
    let mut outputs = Vec::new();
    for task in tasks {
        outputs.push(
            task.await
                .expect("the task neither panicked nor was cancelled"),
        );
    }
    outputs
}

#[test]
fn first_completed_returns_the_fastest_and_the_rest_keep_running() {
    run_virtual(async {
        let start = aio::now();
        let tasks = vec![job(30, false), job(10, false), job(20, false)];
        let (done, pending) = aio::wait(tasks, ReturnWhen::FirstCompleted).await;
        assert_eq!(aio::now() - start, ms(10));
        assert_eq!((done.len(), pending.len()), (1, 2));
        assert!(done[0].is_finished());
        assert!(pending.iter().all(|t| !t.is_finished()));
        assert_eq!(outputs(done).await, [Ok(10)]);
        // Pending tasks were not cancelled: awaiting them gives their values, in order.
        assert_eq!(outputs(pending).await, [Ok(30), Ok(20)]);
        assert_eq!(aio::now() - start, ms(30));
    });
}

#[test]
fn first_completed_counts_a_failure_as_completed() {
    run_virtual(async {
        let (done, pending) = aio::wait(
            vec![job(20, false), job(10, true)],
            ReturnWhen::FirstCompleted,
        )
        .await;
        assert_eq!(outputs(done).await, [Err("10 failed".to_string())]);
        assert_eq!(pending.len(), 1);
    });
}

#[test]
fn pending_tasks_can_be_cancelled() {
    run_virtual(async {
        let (_done, pending) = aio::wait(
            vec![job(10, false), job(50, false)],
            ReturnWhen::FirstCompleted,
        )
        .await;
        for task in &pending {
            assert!(task.cancel());
        }
        assert_eq!(
            aio::timer_count(),
            Some(0),
            "the cancelled task's timer is gone"
        );
        for task in pending {
            assert!(task.await.unwrap_err().is_cancelled());
        }
    });
}

#[test]
fn all_completed_waits_for_every_task_and_keeps_argument_order() {
    run_virtual(async {
        let start = aio::now();
        let tasks = vec![job(30, false), job(10, true), job(20, false)];
        let (done, pending) = aio::wait(tasks, ReturnWhen::AllCompleted).await;
        assert_eq!(aio::now() - start, ms(30));
        assert!(pending.is_empty());
        assert_eq!(
            outputs(done).await,
            [Ok(30), Err("10 failed".to_string()), Ok(20)]
        );
    });
}

#[test]
fn first_error_returns_at_the_first_failure_not_at_the_first_success() {
    run_virtual(async {
        let start = aio::now();
        let tasks = vec![job(10, false), job(20, true), job(30, false)];
        let (done, pending) = aio::wait(tasks, ReturnWhen::FirstError).await;
        assert_eq!(aio::now() - start, ms(20));
        assert_eq!(outputs(done).await, [Ok(10), Err("20 failed".to_string())]);
        assert_eq!(outputs(pending).await, [Ok(30)]);
    });
}

#[test]
fn first_error_counts_a_panic_as_a_failure() {
    run_virtual(async {
        let start = aio::now();
        let calm = aio::spawn(async {
            aio::sleep(ms(50)).await;
        });
        let panicky = aio::spawn(async {
            aio::sleep(ms(10)).await;
            panic!("boom");
        });
        let (done, pending) = aio::wait(vec![calm, panicky], ReturnWhen::FirstError).await;
        assert_eq!(aio::now() - start, ms(10));
        assert_eq!((done.len(), pending.len()), (1, 1));
        let error = done.into_iter().next().unwrap().await.unwrap_err();
        assert_eq!(error.panic_message(), Some("boom"));
    });
}

#[test]
fn first_error_does_not_count_a_cancelled_task_and_waits_for_all_without_errors() {
    run_virtual(async {
        let start = aio::now();
        let tasks = vec![job(10, false), job(20, false), job(30, false)];
        tasks[0].cancel();
        let (done, pending) = aio::wait(tasks, ReturnWhen::FirstError).await;
        assert_eq!(aio::now() - start, ms(30), "no failure: it waited for all");
        assert_eq!((done.len(), pending.len()), (3, 0));
    });
}

#[test]
fn timeout_returns_what_is_done_and_cancels_nothing() {
    run_virtual(async {
        let start = aio::now();
        let tasks = vec![job(10, false), job(30, false), job(20, false)];
        let (done, pending) = aio::wait(tasks, ReturnWhen::AllCompleted)
            .timeout(ms(25))
            .await;
        assert_eq!(aio::now() - start, ms(25));
        assert_eq!(outputs(done).await, [Ok(10), Ok(20)]);
        assert_eq!(pending.len(), 1);
        assert!(!pending[0].is_finished(), "the straggler was not cancelled");
        assert_eq!(outputs(pending).await, [Ok(30)]);
        assert_eq!(aio::now() - start, ms(30));
    });
}

#[test]
fn timeout_does_not_delay_a_wait_that_is_satisfied_earlier() {
    run_virtual(async {
        let start = aio::now();
        let (done, _) = aio::wait(vec![job(10, false)], ReturnWhen::AllCompleted)
            .timeout(ms(100))
            .await;
        assert_eq!(aio::now() - start, ms(10));
        assert_eq!(done.len(), 1);
        assert_eq!(
            aio::timer_count(),
            Some(0),
            "the timeout's timer is released"
        );
    });
}

#[test]
fn waiting_for_no_tasks_returns_at_once() {
    run_virtual(async {
        let (done, pending) = aio::wait(Vec::<Task<()>>::new(), ReturnWhen::FirstCompleted).await;
        assert!(done.is_empty() && pending.is_empty());
    });
}

#[test]
fn tasks_that_finished_before_the_wait_count_as_done() {
    run_virtual(async {
        let early = job(0, false);
        aio::sleep(ms(5)).await;
        let (done, pending) =
            aio::wait(vec![job(10, false), early], ReturnWhen::FirstCompleted).await;
        assert_eq!(outputs(done).await, [Ok(0)]);
        assert_eq!(pending.len(), 1);
    });
}
