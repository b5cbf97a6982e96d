//! `yield_now`: asyncio's `await asyncio.sleep(0)`. It gives the other ready tasks exactly one
//! turn, then continues.

use std::cell::RefCell;
use std::rc::Rc;

mod common;
use common::run_virtual as virtual_run;

#[test]
fn two_yielding_tasks_interleave_step_by_step() {
    let trace = virtual_run(async {
        let trace = Rc::new(RefCell::new(Vec::new()));
        let tasks: Vec<_> = ["a", "b"]
            .into_iter()
            .map(|name| {
                let trace = trace.clone();
                aio::spawn(async move {
                    for step in 0..4 {
                        trace.borrow_mut().push(format!("{name}{step}"));
                        aio::yield_now().await;
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        trace.take()
    });
    assert_eq!(trace, ["a0", "b0", "a1", "b1", "a2", "b2", "a3", "b3"]);
}

// ANCHOR: one_turn
#[test]
fn yield_now_takes_exactly_one_turn() {
    virtual_run(async {
        for _ in 0..10 {
            let before = aio::loop_turns().unwrap();
            aio::yield_now().await;
            assert_eq!(aio::loop_turns().unwrap(), before + 1);
        }
    });
}
// ANCHOR_END: one_turn

#[test]
fn yield_now_lets_a_task_that_yields_less_often_run_several_steps() {
    // "a" yields once per step; "b" yields twice per step, so "a" gets two steps per "b" step.
    let trace = virtual_run(async {
        let trace = Rc::new(RefCell::new(Vec::new()));
        let a_trace = trace.clone();
        let a = aio::spawn(async move {
            for step in 0..4 {
                a_trace.borrow_mut().push(format!("a{step}"));
                aio::yield_now().await;
            }
        });
        let b_trace = trace.clone();
        let b = aio::spawn(async move {
            for step in 0..2 {
                b_trace.borrow_mut().push(format!("b{step}"));
                aio::yield_now().await;
                aio::yield_now().await;
            }
        });
        a.await.unwrap();
        b.await.unwrap();
        trace.take()
    });
    assert_eq!(trace, ["a0", "b0", "a1", "a2", "b1", "a3"]);
}
