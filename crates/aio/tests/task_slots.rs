//! The task table's slots: a task's box leaves the table while it is polled, so a task may use
//! the table freely; a slot is freed (and its output dropped) as soon as nobody can take the
//! outcome any more; a handle belongs to one `run` and never reaches a task of another.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

mod common;
use common::{ms, run_virtual, DropFlag};

#[test]
fn a_task_can_spawn_cancel_and_join_other_tasks_in_one_poll() {
    run_virtual(async {
        let finished = aio::spawn(async { 1 });
        let sleeper = aio::spawn(aio::sleep(ms(1000)));
        aio::yield_now().await; // `finished` returns, `sleeper` starts sleeping.
        let task = aio::spawn(async move {
            // All within the first poll of this task: no `.await` that suspends.
            let child = aio::spawn(async { 2 });
            assert!(sleeper.cancel());
            assert!(sleeper.is_finished());
            let one = finished.await.unwrap();
            (one, child)
        });
        let (one, child) = task.await.unwrap();
        assert_eq!((one, child.await.unwrap()), (1, 2));
        assert_eq!(aio::task_count(), Some(0));
        assert_eq!(aio::timer_count(), Some(0));
    });
}

#[test]
fn dropping_the_handle_of_a_finished_task_drops_its_output_at_once() {
    run_virtual(async {
        let dropped = Rc::new(Cell::new(false));
        let flag = DropFlag(dropped.clone());
        let task = aio::spawn(async move { flag });
        aio::yield_now().await;
        assert!(task.is_finished());
        assert!(!dropped.get(), "the output waits for the handle");
        drop(task);
        assert!(
            dropped.get(),
            "nobody can take the output: it goes with the slot"
        );
    });
}

#[test]
fn a_detached_task_drops_its_output_when_it_finishes() {
    run_virtual(async {
        let dropped = Rc::new(Cell::new(false));
        let flag = DropFlag(dropped.clone());
        drop(aio::spawn(async move {
            aio::sleep(ms(10)).await;
            flag
        }));
        aio::sleep(ms(5)).await;
        assert!(!dropped.get());
        aio::sleep(ms(10)).await;
        assert!(dropped.get(), "the output of a detached task was kept");
    });
}

#[test]
fn a_task_that_cancels_itself_can_spawn_in_the_same_poll() {
    run_virtual(async {
        let myself: Rc<RefCell<Option<aio::Task<u32>>>> = Rc::default();
        let slot = myself.clone();
        let child_ran = Rc::new(Cell::new(false));
        let flag = child_ran.clone();
        let task = aio::spawn(async move {
            aio::yield_now().await;
            assert!(slot.borrow().as_ref().unwrap().cancel());
            drop(aio::spawn(async move { flag.set(true) }));
            7 // Returned after cancelling itself: the outcome is still `Cancelled`.
        });
        *myself.borrow_mut() = Some(task);
        aio::sleep(ms(1)).await;
        assert!(child_ran.get());
        let task = myself.borrow_mut().take().unwrap();
        assert!(task.await.unwrap_err().is_cancelled());
    });
}

#[test]
#[allow(clippy::async_yields_async)] // Handing the handle itself out of `run` is the point.
fn a_handle_from_an_earlier_run_never_reaches_a_task_of_a_later_run() {
    // The first task of each run gets the same slot and generation: only the run tells the
    // two apart.
    let old = run_virtual(async {
        let old = aio::spawn(aio::sleep(ms(1000)));
        aio::yield_now().await;
        old
    });
    run_virtual(async move {
        let dropped = Rc::new(Cell::new(false));
        let flag = DropFlag(dropped.clone());
        let new = aio::spawn(async move {
            let _flag = flag;
            aio::sleep(ms(100)).await;
            "new"
        });
        aio::yield_now().await;
        assert!(old.is_finished(), "the old task ended with its run");
        assert!(
            !old.cancel(),
            "cancelling the old handle cancelled the new task"
        );
        assert!(!dropped.get());
        assert!(old.await.unwrap_err().is_cancelled());
        assert!(!new.is_finished());
        assert_eq!(new.await.unwrap(), "new");
    });
}
