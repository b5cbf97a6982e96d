//! Tasks: spawning schedules without running; a panic stays inside its task; dropping the
//! handle detaches; cancelling drops the future and its timers; generations keep stale wakes
//! away from new tasks.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

mod common;
use common::{run_virtual as virtual_run, DropFlag as DropGuard};

/// A future that counts its polls and never completes.
struct CountPolls(Rc<Cell<u32>>);

impl Future for CountPolls {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        self.0.set(self.0.get() + 1);
        Poll::Pending
    }
}

#[test]
fn spawn_returns_at_once_and_the_task_starts_when_the_spawner_yields() {
    virtual_run(async {
        let started = Rc::new(Cell::new(false));
        let flag = started.clone();
        let task = aio::spawn(async move { flag.set(true) });
        assert!(!started.get(), "spawn ran the task's code");
        assert!(!task.is_finished());
        aio::yield_now().await;
        assert!(
            started.get(),
            "the task did not run when the spawner yielded"
        );
        assert!(task.is_finished());
        task.await.unwrap();
    });
}

#[test]
fn awaiting_a_task_gives_its_output() {
    let output = virtual_run(async {
        let task = aio::spawn(async {
            aio::sleep(Duration::from_millis(5)).await;
            "done"
        });
        task.await
    });
    assert_eq!(output.unwrap(), "done");
}

#[test]
fn a_panicking_task_leaves_the_others_running() {
    let (ticks, error) = virtual_run(async {
        let ticks = Rc::new(Cell::new(0));
        let counter = ticks.clone();
        let steady = aio::spawn(async move {
            for _ in 0..5 {
                aio::sleep(Duration::from_millis(10)).await;
                counter.set(counter.get() + 1);
            }
        });
        let doomed = aio::spawn(async {
            aio::sleep(Duration::from_millis(15)).await;
            panic!("boom at {} ms", 15);
        });
        let error = doomed.await.unwrap_err();
        assert_eq!(
            ticks.get(),
            1,
            "the steady task should be between its ticks"
        );
        steady.await.unwrap();
        (ticks.get(), error)
    });
    assert_eq!(ticks, 5);
    assert!(error.is_panic());
    assert_eq!(error.panic_message(), Some("boom at 15 ms"));
    assert_eq!(error.to_string(), "task panicked: boom at 15 ms");
}

#[test]
fn a_static_panic_message_is_kept_too() {
    let error = virtual_run(async { aio::spawn(async { panic!("plain") }).await.unwrap_err() });
    assert_eq!(error.panic_message(), Some("plain"));
    assert_eq!(format!("{error:?}"), "Panicked(\"plain\")");
}

#[test]
fn dropping_the_task_handle_does_not_stop_the_task() {
    let finished = virtual_run(async {
        let finished = Rc::new(Cell::new(false));
        let flag = finished.clone();
        drop(aio::spawn(async move {
            aio::sleep(Duration::from_millis(10)).await;
            flag.set(true);
        }));
        aio::sleep(Duration::from_millis(20)).await;
        finished.get()
    });
    assert!(finished, "the detached task did not run to the end");
}

#[test]
#[allow(clippy::async_yields_async)] // Returning the handle, not awaiting it, is the point.
fn a_detached_task_whose_output_is_a_task_handle_finishes_cleanly() {
    // The finished task's output (a handle) is dropped when it finishes, and dropping a handle
    // looks the task table up: the loop must have released the table by then.
    virtual_run(async {
        let inner_ran = Rc::new(Cell::new(false));
        let flag = inner_ran.clone();
        drop(aio::spawn(async move {
            aio::spawn(async move { flag.set(true) })
        }));
        aio::sleep(Duration::from_millis(1)).await;
        assert!(inner_ran.get(), "the task spawned by the detached task ran");
        assert_eq!(aio::task_count(), Some(0));
    });
}

#[test]
fn cancelling_drops_the_future_and_removes_its_timer() {
    virtual_run(async {
        let dropped = Rc::new(Cell::new(false));
        let guard = DropGuard(dropped.clone());
        let task = aio::spawn(async move {
            let _guard = guard;
            aio::sleep(Duration::from_secs(60)).await;
            unreachable!("a cancelled task ran on");
        });
        aio::yield_now().await; // Let it start and register its timer.
        assert_eq!(aio::timer_count(), Some(1));
        assert_eq!(aio::task_count(), Some(1));

        assert!(task.cancel());
        // All at once, inside `cancel`: not at some later turn.
        assert!(dropped.get(), "cancel did not drop the task's future");
        assert_eq!(aio::timer_count(), Some(0));
        assert_eq!(aio::task_count(), Some(0));
        assert!(task.is_finished());

        assert!(!task.cancel(), "cancelling twice should report false");
        assert!(task.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn cancelling_a_finished_task_returns_false_and_keeps_its_output() {
    virtual_run(async {
        let task = aio::spawn(async { 7 });
        aio::yield_now().await;
        assert!(task.is_finished());
        assert!(!task.cancel());
        assert_eq!(task.await.unwrap(), 7);
    });
}

#[test]
fn a_task_cancelled_before_it_ever_ran_is_never_polled() {
    virtual_run(async {
        let polls = Rc::new(Cell::new(0));
        let task = aio::spawn(CountPolls(polls.clone()));
        assert!(task.cancel());
        aio::yield_now().await;
        assert_eq!(polls.get(), 0);
        assert_eq!(task.await.unwrap_err().to_string(), "task was cancelled");
    });
}

#[test]
fn a_stale_wake_does_not_reach_the_task_that_reuses_the_slot() {
    virtual_run(async {
        // The first task is queued, then cancelled, and its handle dropped: the slot is free
        // (a live handle would keep it), and the first task's id stays in the run queue.
        let first = aio::spawn(CountPolls(Rc::new(Cell::new(0))));
        first.cancel();
        drop(first);
        // The second task takes the freed slot; only the generation tells the two apart.
        let polls = Rc::new(Cell::new(0));
        let second = aio::spawn(CountPolls(polls.clone()));
        aio::yield_now().await;
        assert_eq!(polls.get(), 1, "the stale wake polled the new task");
        aio::yield_now().await;
        assert_eq!(polls.get(), 1);
        second.cancel();
    });
}

#[test]
fn a_task_can_cancel_itself() {
    virtual_run(async {
        let dropped = Rc::new(Cell::new(false));
        let guard = DropGuard(dropped.clone());
        let myself: Rc<RefCell<Option<aio::Task<()>>>> = Rc::default();
        let slot = myself.clone();
        let reached_the_end = Rc::new(Cell::new(false));
        let end = reached_the_end.clone();
        let task = aio::spawn(async move {
            let _guard = guard;
            aio::yield_now().await;
            let cancelled = slot.borrow().as_ref().unwrap().cancel();
            assert!(cancelled);
            // As in asyncio, the cancellation lands at the next await that suspends.
            aio::sleep(Duration::from_secs(1)).await;
            end.set(true);
        });
        *myself.borrow_mut() = Some(task);
        aio::sleep(Duration::from_millis(1)).await;
        assert!(
            dropped.get(),
            "the self-cancelled task's future was not dropped"
        );
        assert!(!reached_the_end.get());
        assert_eq!(aio::timer_count(), Some(0));
        assert_eq!(aio::task_count(), Some(0));
        let task = myself.borrow_mut().take().unwrap();
        assert!(task.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn a_task_that_cancels_itself_and_then_returns_is_still_cancelled() {
    // `cancel` said true, so the handle must not report an output (asyncio agrees: a task
    // that returns right after cancelling itself ends cancelled).
    virtual_run(async {
        let myself: Rc<RefCell<Option<aio::Task<u32>>>> = Rc::default();
        let slot = myself.clone();
        let task = aio::spawn(async move {
            aio::yield_now().await;
            assert!(slot.borrow().as_ref().unwrap().cancel());
            42
        });
        *myself.borrow_mut() = Some(task);
        aio::sleep(Duration::from_millis(1)).await;
        let task = myself.borrow_mut().take().unwrap();
        assert!(task.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn a_task_spawned_by_a_task_runs_and_can_be_awaited() {
    let sum = virtual_run(async {
        aio::spawn(async {
            let inner = aio::spawn(async { 40 });
            inner.await.unwrap() + 2
        })
        .await
        .unwrap()
    });
    assert_eq!(sum, 42);
}

#[test]
fn named_tasks_keep_their_name() {
    virtual_run(async {
        let task = aio::spawn_named("download", async {});
        assert_eq!(task.name(), Some("download"));
        assert!(format!("{task:?}").contains("download"));
        task.await.unwrap();
    });
}
