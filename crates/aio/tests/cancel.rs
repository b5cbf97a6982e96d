//! Cancellation: `Task::cancel` drops the task's future at the `.await` where it waits, which
//! runs its destructors (timers released, guards run); awaiting a cancelled task reports it.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

mod common;
use common::{ms, run_virtual};

/// Records "cleanup" in a log when dropped: the finally-like pattern.
struct Cleanup(Rc<RefCell<Vec<String>>>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        self.0.borrow_mut().push("cleanup".into());
    }
}

#[test]
fn cancel_drops_the_future_at_its_await_point_and_releases_its_timer() {
    run_virtual(async {
        let log = Rc::new(RefCell::new(Vec::<String>::new()));
        let task_log = log.clone();
        let task = aio::spawn(async move {
            let _cleanup = Cleanup(task_log.clone());
            task_log.borrow_mut().push("before the sleep".into());
            aio::sleep(ms(100)).await;
            task_log.borrow_mut().push("after the sleep".into());
        });
        aio::sleep(ms(10)).await;
        assert_eq!(
            aio::timer_count(),
            Some(1),
            "the task sleeps in the timer heap"
        );
        assert!(task.cancel());
        // All of it happened inside `cancel`, before it returned.
        assert_eq!(*log.borrow(), ["before the sleep", "cleanup"]);
        assert_eq!(aio::timer_count(), Some(0), "its timer was removed");
        assert!(task.is_finished());
        aio::sleep(ms(200)).await;
        assert_eq!(log.borrow().len(), 2, "the code after the await never ran");
    });
}

#[test]
fn awaiting_a_cancelled_task_reports_cancelled_at_once() {
    run_virtual(async {
        let task = aio::spawn(aio::sleep(ms(100)));
        aio::yield_now().await;
        task.cancel();
        let start = aio::now();
        let error = task.await.unwrap_err();
        assert!(error.is_cancelled());
        assert_eq!(error.to_string(), "task was cancelled");
        assert_eq!(
            aio::now(),
            start,
            "no waiting: the outcome was already there"
        );
    });
}

#[test]
fn cancelling_a_task_that_never_started_drops_it_without_running_it() {
    run_virtual(async {
        let ran = Rc::new(Cell::new(false));
        let flag = ran.clone();
        let task = aio::spawn(async move { flag.set(true) });
        assert!(task.cancel());
        assert!(task.await.unwrap_err().is_cancelled());
        aio::yield_now().await;
        assert!(!ran.get());
    });
}

#[test]
fn cancelling_a_finished_task_does_nothing() {
    run_virtual(async {
        let task = aio::spawn(async { 5 });
        aio::yield_now().await;
        assert!(task.is_finished());
        assert!(
            !task.cancel(),
            "cancel reports that there was nothing to cancel"
        );
        assert_eq!(task.await.unwrap(), 5);
    });
}

#[test]
fn a_task_already_awaiting_the_handle_is_woken_by_the_cancel() {
    run_virtual(async {
        // The handle is shared so that one task can await it while another cancels it.
        let sleeper = Rc::new(RefCell::new(aio::spawn(aio::sleep(ms(100)))));
        let shared = sleeper.clone();
        let awaiter = aio::spawn(std::future::poll_fn(move |cx| {
            std::pin::Pin::new(&mut *shared.borrow_mut()).poll(cx)
        }));
        aio::sleep(ms(10)).await; // The awaiter is now waiting on the handle.
        sleeper.borrow().cancel();
        let start = aio::now();
        // Bounded, so that a lost wake-up fails the test instead of hanging it.
        let outcome = aio::timeout(ms(1000), awaiter).await;
        let outcome = outcome.expect("the awaiter was woken").unwrap();
        assert!(outcome.unwrap_err().is_cancelled());
        assert_eq!(aio::now(), start);
    });
}

#[test]
fn cancelling_a_task_that_awaits_another_leaves_the_inner_task_running() {
    // asyncio propagates the cancel into the awaited task. Here a Task handle does not own
    // its task: the outer task's future drops the handle, and the inner task runs on.
    run_virtual(async {
        let inner_finished = Rc::new(Cell::new(false));
        let flag = inner_finished.clone();
        let outer = aio::spawn(async move {
            let inner = aio::spawn(async move {
                aio::sleep(ms(50)).await;
                flag.set(true);
            });
            inner.await.unwrap();
            "outer finished"
        });
        aio::sleep(ms(10)).await;
        assert!(outer.cancel());
        assert!(outer.await.unwrap_err().is_cancelled());
        assert_eq!(aio::task_count(), Some(1), "the inner task is still alive");
        aio::sleep(ms(100)).await;
        assert!(inner_finished.get(), "the inner task ran to its end");
    });
}

#[test]
fn cancelling_the_outer_task_can_cancel_the_inner_one_with_a_guard() {
    // To get asyncio's propagation, own the inner task: cancel it when the future is dropped.
    struct CancelOnDrop(aio::Task<()>);
    impl Drop for CancelOnDrop {
        fn drop(&mut self) {
            self.0.cancel();
        }
    }
    run_virtual(async {
        let outer = aio::spawn(async {
            let inner = CancelOnDrop(aio::spawn(aio::sleep(ms(50))));
            aio::sleep(ms(100)).await;
            drop(inner);
        });
        aio::sleep(ms(10)).await;
        outer.cancel();
        assert_eq!(aio::task_count(), Some(0), "both tasks are gone");
        assert_eq!(aio::timer_count(), Some(0));
    });
}

#[test]
fn a_task_that_cancels_itself_stops_at_its_next_await() {
    run_virtual(async {
        let log = Rc::new(RefCell::new(Vec::<String>::new()));
        let task_log = log.clone();
        let me: Rc<RefCell<Option<aio::Task<()>>>> = Rc::default();
        let handle = me.clone();
        let task = aio::spawn(async move {
            let _cleanup = Cleanup(task_log.clone());
            aio::yield_now().await;
            if let Some(me) = handle.borrow().as_ref() {
                me.cancel(); // Deferred: this poll runs on to the next await.
            }
            task_log.borrow_mut().push("same poll".into());
            aio::sleep(ms(10)).await;
            task_log.borrow_mut().push("never".into());
        });
        *me.borrow_mut() = Some(task);
        aio::sleep(ms(50)).await;
        assert_eq!(*log.borrow(), ["same poll", "cleanup"]);
        let task = me.borrow_mut().take().unwrap();
        assert!(task.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn cleanup_that_needs_to_await_can_spawn_a_task_from_drop() {
    // Drop cannot await. A guard can hand asynchronous clean-up to a new task instead.
    struct CloseLater(Rc<RefCell<Vec<String>>>);
    impl Drop for CloseLater {
        fn drop(&mut self) {
            let log = self.0.clone();
            drop(aio::spawn(async move {
                aio::sleep(ms(5)).await; // say, a goodbye message to a peer
                log.borrow_mut().push("closed".into());
            }));
        }
    }
    run_virtual(async {
        let log = Rc::new(RefCell::new(Vec::<String>::new()));
        let guard_log = log.clone();
        let task = aio::spawn(async move {
            let _close = CloseLater(guard_log);
            aio::sleep(ms(100)).await;
        });
        aio::sleep(ms(10)).await;
        task.cancel();
        assert!(log.borrow().is_empty());
        aio::sleep(ms(10)).await;
        assert_eq!(*log.borrow(), ["closed"]);
    });
}
