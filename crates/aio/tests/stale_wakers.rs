//! A task's waker may outlive the task (a clone kept somewhere). Waking it later must not
//! poll whatever task was spawned after it, even into the same slot of the task table.

use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Poll, Waker};

#[test]
fn a_stale_waker_does_not_wake_a_newer_task() {
    aio::Builder::new().run(async {
        // The first task keeps a clone of its waker, then finishes.
        let kept: Rc<RefCell<Option<Waker>>> = Rc::default();
        let first = aio::spawn({
            let kept = kept.clone();
            poll_fn(move |cx| {
                *kept.borrow_mut() = Some(cx.waker().clone());
                Poll::Ready(())
            })
        });
        first.await.unwrap();

        // The next task takes the freed slot. It counts its polls and never finishes.
        let polls = Rc::new(Cell::new(0));
        let second = aio::spawn({
            let polls = polls.clone();
            poll_fn(move |_| {
                polls.set(polls.get() + 1);
                Poll::<()>::Pending
            })
        });
        aio::yield_now().await;
        assert_eq!(polls.get(), 1, "a new task is polled once");

        kept.borrow_mut().take().unwrap().wake();
        for _ in 0..3 {
            aio::yield_now().await;
        }
        assert_eq!(
            polls.get(),
            1,
            "the first task's waker polled the second task"
        );
        second.cancel();
    });
}

#[test]
fn a_task_spawned_into_a_reused_slot_is_woken_by_its_own_waker() {
    let clock = aio::ClockKind::Virtual;
    aio::Builder::new().clock(clock).run(async {
        for round in 0..100u32 {
            let task = aio::spawn(async move {
                aio::yield_now().await;
                aio::sleep(std::time::Duration::from_millis(10)).await;
                round
            });
            assert_eq!(task.await.unwrap(), round);
        }
    });
}
