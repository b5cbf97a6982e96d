//! The combinators give each child a waker of its own, which lists the child as woken and
//! wakes the task that polls the combinator: a wake from another thread works, a child that
//! wakes itself runs again on the next poll (not in a loop inside this one), and the waker that
//! gets woken is the one of the latest poll.

use std::cell::Cell;
use std::future::Future;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use aio::Promise;

mod common;
use common::{ms, run_virtual};

/// Counts its wakes.
#[derive(Default)]
struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl CountingWaker {
    fn wakes(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Wakes itself and returns `Pending` `times` times, then returns how often it was polled.
struct WakesItself {
    times: u32,
    polls: u32,
}

impl Future for WakesItself {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        self.polls += 1;
        if self.polls > self.times {
            return Poll::Ready(self.polls);
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[test]
fn children_woken_from_other_threads_finish_the_gather() {
    let outputs = run_virtual(aio::gather((0..8).map(|i| aio::to_thread(move || i * 10))));
    assert_eq!(outputs, [0, 10, 20, 30, 40, 50, 60, 70]);
}

#[test]
fn a_child_that_wakes_itself_is_polled_again_on_the_next_poll_of_the_gather() {
    let gather_polls = Rc::new(Cell::new(0));
    let (outputs, turns) = run_virtual(async {
        let before = aio::loop_turns().unwrap();
        let counted = gather_polls.clone();
        let mut gather = pin!(aio::gather([
            WakesItself { times: 5, polls: 0 },
            WakesItself { times: 0, polls: 0 },
        ]));
        let outputs = std::future::poll_fn(|cx| {
            counted.set(counted.get() + 1);
            gather.as_mut().poll(cx)
        })
        .await;
        (outputs, aio::loop_turns().unwrap() - before)
    });
    assert_eq!(
        outputs,
        [6, 1],
        "each child polled until it finished, no more"
    );
    // One poll of the gather per self-wake: the child's wake woke the task for the next turn.
    assert_eq!(gather_polls.get(), 6);
    assert!(
        turns >= 5,
        "the self-wakes took a turn each, not one long poll: {turns} turns"
    );
}

#[test]
fn the_latest_poll_s_waker_is_the_one_woken() {
    let promise = Promise::new();
    let mut gather = pin!(aio::gather([promise.clone(), Promise::new()]));
    let (first, second) = (
        Arc::new(CountingWaker::default()),
        Arc::new(CountingWaker::default()),
    );
    let poll_with = |gather: Pin<&mut aio::Gather<Promise<u32>>>, waker: &Arc<CountingWaker>| {
        let waker = Waker::from(waker.clone());
        gather.poll(&mut Context::from_waker(&waker)).is_pending()
    };
    assert!(poll_with(gather.as_mut(), &first));
    assert!(poll_with(gather.as_mut(), &second)); // Moved to another task, say.
    promise.set_result(1);
    assert_eq!((first.wakes(), second.wakes()), (0, 1));
}

#[test]
fn children_woken_together_wake_the_task_once() {
    let (a, b) = (Promise::new(), Promise::new());
    let mut gather = pin!(aio::gather([a.clone(), b.clone(), Promise::new()]));
    let parent = Arc::new(CountingWaker::default());
    let waker = Waker::from(parent.clone());
    let mut cx = Context::from_waker(&waker);
    assert!(gather.as_mut().poll(&mut cx).is_pending());
    a.set_result(1);
    b.set_result(2);
    assert_eq!(
        parent.wakes(),
        1,
        "the second wake finds the task already woken"
    );
    assert!(gather.as_mut().poll(&mut cx).is_pending());
    assert_eq!(
        parent.wakes(),
        1,
        "polling the woken children does not wake the task again"
    );
}

#[test]
fn a_finished_wait_is_not_woken_by_the_tasks_it_left_pending() {
    run_virtual(async {
        let fast = aio::spawn(aio::sleep(ms(10)));
        let slow = aio::spawn(aio::sleep(ms(20)));
        let parent = Arc::new(CountingWaker::default());
        let waker = Waker::from(parent.clone());
        let mut wait = pin!(aio::wait([fast, slow], aio::ReturnWhen::FirstCompleted));
        assert!(wait
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_pending());
        aio::sleep(ms(15)).await;
        assert_eq!(parent.wakes(), 1, "the fast task woke the wait");
        let Poll::Ready((done, pending)) = wait.as_mut().poll(&mut Context::from_waker(&waker))
        else {
            panic!("the fast task is done");
        };
        assert_eq!((done.len(), pending.len()), (1, 1));
        aio::sleep(ms(10)).await; // The slow task finishes; nobody waits for it.
        assert_eq!(parent.wakes(), 1, "a wait that returned is not woken again");
        drop(pending);
    });
}

#[test]
fn gather_inside_gather() {
    let outputs = run_virtual(aio::gather((0..3).map(|i| {
        aio::gather((0..3).map(move |j| async move {
            aio::sleep(ms(10 * (3 - j))).await;
            i * 3 + j
        }))
    })));
    assert_eq!(outputs, [[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
}
