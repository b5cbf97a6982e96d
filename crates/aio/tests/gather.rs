//! `gather`, `gather!` and `try_gather`: outputs in argument order, every outcome kept, and
//! fail-fast that drops the other futures (but not spawned tasks) before it returns.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

mod common;
use common::{ms, run_virtual, DropFlag};

/// Futures of different types, boxed so that they fit in one list.
type BoxedFuture<'a, T> = std::pin::Pin<Box<dyn Future<Output = T> + 'a>>;

#[test]
fn outputs_come_in_argument_order_whatever_the_completion_order() {
    let (outputs, finished, elapsed) = run_virtual(async {
        let finished = Rc::new(RefCell::new(Vec::new()));
        let start = aio::now();
        let outputs = aio::gather([30, 10, 20].map(|n| {
            let finished = finished.clone();
            async move {
                aio::sleep(ms(n)).await;
                finished.borrow_mut().push(n);
                n
            }
        }))
        .await;
        let finished = finished.borrow().clone();
        (outputs, finished, aio::now() - start)
    });
    assert_eq!(finished, [10, 20, 30], "completion order");
    assert_eq!(outputs, [30, 10, 20], "result order is argument order");
    assert_eq!(elapsed, ms(30), "the futures waited together");
}

#[test]
fn gathering_nothing_is_ready_at_once() {
    let outputs: Vec<u32> = run_virtual(aio::gather(Vec::<std::future::Ready<u32>>::new()));
    assert!(outputs.is_empty());
}

#[test]
fn gather_macro_returns_a_tuple_of_different_types_in_argument_order() {
    let (tuple, elapsed) = run_virtual(async {
        let start = aio::now();
        let tuple = aio::gather!(
            async {
                aio::sleep(ms(20)).await;
                "slow"
            },
            async {
                aio::sleep(ms(10)).await;
                7_u8
            },
            async { Ok::<_, String>(1.5) },
        )
        .await;
        (tuple, aio::now() - start)
    });
    assert_eq!(tuple, ("slow", 7, Ok(1.5)));
    assert_eq!(elapsed, ms(20));
}

#[test]
fn futures_that_return_result_keep_every_outcome() {
    // asyncio's return_exceptions=True: an error does not stop the others.
    let (outputs, elapsed) = run_virtual(async {
        let start = aio::now();
        let outputs = aio::gather([10, 20, 30].map(|n| async move {
            aio::sleep(ms(n)).await;
            if n == 10 {
                Err(format!("{n} failed"))
            } else {
                Ok(n)
            }
        }))
        .await;
        (outputs, aio::now() - start)
    });
    assert_eq!(outputs, [Err("10 failed".to_string()), Ok(20), Ok(30)]);
    assert_eq!(elapsed, ms(30), "the others ran to the end");
}

#[test]
fn try_gather_returns_all_values_when_nothing_fails() {
    let outputs = run_virtual(aio::try_gather([20, 10].map(|n| async move {
        aio::sleep(ms(n)).await;
        Ok::<_, String>(n)
    })));
    assert_eq!(outputs, Ok(vec![20, 10]));
}

#[test]
fn try_gather_returns_the_first_error_in_time_and_drops_the_others_before_returning() {
    let dropped = Rc::new(Cell::new(false));
    let flag = dropped.clone();
    let (outcome, elapsed, dropped_at_return, timers) = run_virtual(async move {
        let start = aio::now();
        let slow = async move {
            let _flag = DropFlag(flag);
            aio::sleep(ms(100)).await;
            Err::<u32, _>("slow failed too")
        };
        let fast_failure = async {
            aio::sleep(ms(10)).await;
            Err("fast failed")
        };
        let late_failure = async {
            aio::sleep(ms(20)).await;
            Err("late failed")
        };
        // Boxed so that the three different future types fit in one list.
        let futures: Vec<BoxedFuture<Result<u32, &str>>> = vec![
            Box::pin(slow),
            Box::pin(late_failure),
            Box::pin(fast_failure),
        ];
        // Awaited through `&mut`, so the `TryGather` is still alive afterwards: the other
        // futures must have been dropped by `try_gather` itself.
        let mut gather = aio::try_gather(futures);
        let outcome = (&mut gather).await;
        (
            outcome,
            aio::now() - start,
            dropped.get(),
            aio::timer_count().unwrap(),
        )
    });
    assert_eq!(
        outcome,
        Err("fast failed"),
        "first in time, not in argument order"
    );
    assert_eq!(elapsed, ms(10), "it returned at the failure");
    assert!(
        dropped_at_return,
        "the other futures were dropped before it returned"
    );
    assert_eq!(timers, 0, "their timers were released");
}

#[test]
fn try_gather_over_tasks_leaves_the_other_tasks_running() {
    // Dropping a Task handle does not cancel the task: asyncio's gather behaviour.
    let (outcome, finished_later) = run_virtual(async {
        let finished = Rc::new(Cell::new(false));
        let flag = finished.clone();
        let slow = aio::spawn(async move {
            aio::sleep(ms(50)).await;
            flag.set(true);
        });
        let failing = aio::spawn(async {
            aio::sleep(ms(10)).await;
            panic!("boom");
        });
        let outcome = aio::try_gather([slow, failing]).await;
        let outcome = outcome.map_err(|e| e.to_string());
        aio::sleep(ms(100)).await;
        (outcome, finished.get())
    });
    assert_eq!(outcome, Err("task panicked: boom".to_string()));
    assert!(finished_later, "the other task ran to its end");
}

#[test]
fn dropping_a_gather_drops_its_futures() {
    let dropped = Rc::new(Cell::new(false));
    let flag = dropped.clone();
    let (dropped_after, timers) = run_virtual(async move {
        let gather = aio::gather([async move {
            let _flag = DropFlag(flag);
            aio::sleep(ms(100)).await;
        }]);
        let outcome = aio::timeout(ms(10), gather).await;
        assert!(outcome.is_err());
        (dropped.get(), aio::timer_count().unwrap())
    });
    assert!(dropped_after);
    assert_eq!(timers, 0);
}
