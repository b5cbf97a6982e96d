//! `TaskGroup`: `join` waits for every task; the first failure cancels the siblings at once;
//! dropping the group cancels what still runs. No task outlives its group.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Instant;

mod common;
use common::{ms, run_virtual};

/// Records, when dropped, the loop time at which it was dropped.
struct DroppedAt(Rc<Cell<Option<Instant>>>);

impl Drop for DroppedAt {
    fn drop(&mut self) {
        self.0.set(Some(aio::now()));
    }
}

#[test]
fn join_returns_every_value_in_spawn_order_after_all_finished() {
    run_virtual(async {
        let start = aio::now();
        let mut group = aio::TaskGroup::<u64, String>::new();
        for n in [30, 10, 20] {
            group.spawn(async move {
                aio::sleep(ms(n)).await;
                Ok(n)
            });
        }
        assert_eq!(group.len(), 3);
        assert_eq!(group.join().await, Ok(vec![30, 10, 20]));
        assert_eq!(aio::now() - start, ms(30));
        assert_eq!(aio::task_count(), Some(0));
    });
}

#[test]
fn an_empty_group_joins_at_once() {
    let values = run_virtual(aio::TaskGroup::<(), ()>::new().join());
    assert_eq!(values, Ok(vec![]));
}

#[test]
fn the_first_error_cancels_the_siblings_when_it_happens() {
    run_virtual(async {
        let start = aio::now();
        let dropped_at = Rc::new(Cell::new(None));
        let flag = dropped_at.clone();
        let mut group = aio::TaskGroup::new();
        group.spawn(async move {
            let _flag = DroppedAt(flag);
            aio::sleep(ms(100)).await;
            Ok("slow")
        });
        group.spawn(async {
            aio::sleep(ms(10)).await;
            Err("broken")
        });
        // Nobody awaits join yet: the failure alone cancels the sibling, at 10 ms.
        aio::sleep(ms(50)).await;
        assert_eq!(dropped_at.get(), Some(start + ms(10)));
        assert_eq!(aio::task_count(), Some(0));
        assert_eq!(aio::timer_count(), Some(0));
        assert_eq!(group.join().await, Err("broken"));
    });
}

#[test]
fn join_returns_the_error_as_soon_as_a_task_fails() {
    run_virtual(async {
        let start = aio::now();
        let mut group = aio::TaskGroup::new();
        group.spawn(async {
            aio::sleep(ms(100)).await;
            Ok(1)
        });
        group.spawn(async {
            aio::sleep(ms(20)).await;
            Err("second")
        });
        group.spawn(async {
            aio::sleep(ms(10)).await;
            Err("first")
        });
        assert_eq!(group.join().await, Err("first"));
        assert_eq!(aio::now() - start, ms(10));
        assert_eq!(
            aio::task_count(),
            Some(0),
            "every task had finished when join returned"
        );
    });
}

/// A group with a task that sleeps 100 ms (noting in `flag` when it is dropped) and one that
/// panics with "boom" at 10 ms.
fn sleeper_and_panic(flag: Rc<Cell<Option<Instant>>>) -> aio::TaskGroup<(), ()> {
    let mut group = aio::TaskGroup::new();
    group.spawn(async move {
        let _flag = DroppedAt(flag);
        aio::sleep(ms(100)).await;
        Ok(())
    });
    group.spawn(async {
        aio::sleep(ms(10)).await;
        panic!("boom");
    });
    group
}

#[test]
fn a_panic_cancels_the_siblings_and_join_continues_the_panic() {
    let dropped_at = Rc::new(Cell::new(None));
    let flag = dropped_at.clone();
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_virtual(async move {
            let group = sleeper_and_panic(flag);
            let _ = group.join().await;
        })
    }));
    let payload = panicked.expect_err("join panicked");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
    assert!(dropped_at.get().is_some(), "the sibling was cancelled");
}

#[test]
fn a_panic_cancels_the_siblings_at_the_moment_of_the_panic() {
    run_virtual(async {
        let start = aio::now();
        let dropped_at = Rc::new(Cell::new(None));
        let flag = dropped_at.clone();
        let group = sleeper_and_panic(flag);
        aio::sleep(ms(50)).await;
        assert_eq!(dropped_at.get(), Some(start + ms(10)));
        drop(group);
    });
}

#[test]
fn dropping_the_group_cancels_its_tasks() {
    run_virtual(async {
        let dropped_at = Rc::new(Cell::new(None));
        let flag = dropped_at.clone();
        let mut group = aio::TaskGroup::<(), ()>::new();
        group.spawn(async move {
            let _flag = DroppedAt(flag);
            aio::sleep(ms(100)).await;
            Ok(())
        });
        aio::sleep(ms(10)).await;
        drop(group);
        assert!(dropped_at.get().is_some(), "dropped with the group");
        assert_eq!(aio::task_count(), Some(0));
    });
}

#[test]
fn cancelling_the_code_that_joins_cancels_the_group() {
    run_virtual(async {
        let log = Rc::new(RefCell::new(Vec::new()));
        let task_log = log.clone();
        let mut group = aio::TaskGroup::<(), ()>::new();
        group.spawn(async move {
            aio::sleep(ms(100)).await;
            task_log.borrow_mut().push("finished");
            Ok(())
        });
        // The join future is dropped when the timeout expires.
        assert!(aio::timeout(ms(10), group.join()).await.is_err());
        assert_eq!(aio::task_count(), Some(0));
        aio::sleep(ms(200)).await;
        assert!(log.borrow().is_empty(), "the task never finished");
    });
}

#[test]
fn a_group_that_failed_starts_no_new_task() {
    run_virtual(async {
        let ran = Rc::new(Cell::new(false));
        let flag = ran.clone();
        let mut group = aio::TaskGroup::<(), &str>::new();
        group.spawn(async { Err("early") });
        aio::yield_now().await;
        group.spawn(async move {
            flag.set(true);
            Ok(())
        });
        assert_eq!(group.join().await, Err("early"));
        assert!(!ran.get());
    });
}
