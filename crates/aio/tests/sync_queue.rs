//! `Queue`: FIFO items, backpressure when bounded, `task_done`/`join`, fair and cancel-safe.

use std::cell::RefCell;
use std::pin::pin;
use std::rc::Rc;
use std::task::Poll;

use futures::poll;

mod common;
use common::{ms, run_virtual};

use aio::sync::{Queue, QueueEmpty, QueueFull};

#[test]
fn items_come_out_in_the_order_they_went_in() {
    run_virtual(async {
        let queue = Queue::unbounded();
        for n in 0..5 {
            queue.put(n).await;
        }
        assert_eq!(queue.qsize(), 5);
        assert!(!queue.full(), "an unbounded queue is never full");
        let mut got = Vec::new();
        while let Ok(n) = queue.get_nowait() {
            got.push(n);
        }
        assert_eq!(got, [0, 1, 2, 3, 4]);
        assert!(queue.empty());
    });
}

#[test]
fn nowait_calls_report_full_and_empty() {
    run_virtual(async {
        let queue = Queue::new(1);
        assert_eq!(queue.get_nowait(), Err(QueueEmpty));
        assert_eq!(queue.put_nowait("a"), Ok(()));
        assert!(queue.full());
        assert_eq!(queue.put_nowait("b"), Err(QueueFull("b")));
        assert_eq!(queue.get_nowait(), Ok("a"));
    });
}

#[test]
fn a_fast_producer_waits_for_a_slow_consumer() {
    let log = run_virtual(async {
        let queue = Queue::new(2);
        let log = Rc::new(RefCell::new(Vec::new()));
        let start = aio::now();
        let consumer = {
            let queue = queue.clone();
            let log = log.clone();
            aio::spawn(async move {
                loop {
                    let n: u32 = queue.get().await;
                    aio::sleep(ms(100)).await; // Slow work.
                    log.borrow_mut()
                        .push(format!("done {n} at {:?}", aio::now() - start));
                    queue.task_done();
                }
            })
        };
        for n in 0..5 {
            queue.put(n).await;
            log.borrow_mut()
                .push(format!("put {n} at {:?}", aio::now() - start));
        }
        queue.join().await;
        log.borrow_mut()
            .push(format!("joined at {:?}", aio::now() - start));
        consumer.cancel();
        let log = log.borrow().clone();
        log
    });
    assert_eq!(
        log,
        [
            // Two fit at once, and the consumer takes item 0 right away: a third fits.
            "put 0 at 0ns",
            "put 1 at 0ns",
            "put 2 at 0ns",
            // From now on the producer waits for room: the consumer's pace.
            "done 0 at 100ms",
            "put 3 at 100ms",
            "done 1 at 200ms",
            "put 4 at 200ms",
            "done 2 at 300ms",
            "done 3 at 400ms",
            "done 4 at 500ms",
            "joined at 500ms",
        ]
    );
}

#[test]
fn join_waits_for_task_done_not_for_get() {
    run_virtual(async {
        let queue = Queue::unbounded();
        assert!(
            poll!(queue.join()).is_ready(),
            "nothing put: nothing to wait for"
        );
        queue.put_nowait(1).unwrap();
        queue.put_nowait(2).unwrap();
        let mut join = pin!(queue.join());
        assert!(poll!(&mut join).is_pending());
        queue.get_nowait().unwrap();
        queue.get_nowait().unwrap();
        assert!(
            poll!(&mut join).is_pending(),
            "join returned before task_done"
        );
        queue.task_done();
        assert_eq!(queue.unfinished(), 1);
        assert!(poll!(&mut join).is_pending());
        queue.task_done();
        assert!(poll!(&mut join).is_ready());
    });
}

#[test]
#[should_panic(expected = "task_done called more times than items were put")]
fn too_many_task_done_calls_panic() {
    run_virtual(async {
        let queue = Queue::new(0);
        queue.put_nowait(()).unwrap();
        queue.task_done();
        queue.task_done();
    });
}

#[test]
fn getters_are_served_in_arrival_order_and_newcomers_wait() {
    run_virtual(async {
        let queue = Queue::new(0);
        let mut first = pin!(queue.get());
        let mut second = pin!(queue.get());
        assert!(poll!(&mut first).is_pending());
        assert!(poll!(&mut second).is_pending());
        queue.put_nowait("a").unwrap(); // Promised to `first`.
        assert_eq!(
            queue.get_nowait(),
            Err(QueueEmpty),
            "a newcomer took first's item"
        );
        queue.put_nowait("b").unwrap(); // Promised to `second`.
        assert_eq!(poll!(&mut first), Poll::Ready("a"));
        assert_eq!(poll!(&mut second), Poll::Ready("b"));
    });
}

#[test]
fn putters_are_served_in_arrival_order_and_newcomers_wait() {
    run_virtual(async {
        let queue = Queue::new(1);
        queue.put_nowait(0).unwrap();
        let mut first = pin!(queue.put(1));
        let mut second = pin!(queue.put(2));
        assert!(poll!(&mut first).is_pending());
        assert!(poll!(&mut second).is_pending());
        assert_eq!(queue.get_nowait(), Ok(0)); // Room: first's item moves in at once.
        assert_eq!(
            queue.put_nowait(9),
            Err(QueueFull(9)),
            "a newcomer barged in"
        );
        assert_eq!(queue.get_nowait(), Ok(1));
        assert_eq!(queue.get_nowait(), Ok(2));
        assert!(poll!(&mut first).is_ready());
        assert!(poll!(&mut second).is_ready());
    });
}

#[test]
fn an_item_promised_to_a_cancelled_getter_passes_on() {
    run_virtual(async {
        let queue: Queue<&str> = Queue::new(0);
        let spawn_getter = |name: &'static str| {
            let queue = queue.clone();
            aio::spawn(async move { format!("{name} got {}", queue.get().await) })
        };
        let b = spawn_getter("b");
        let c = spawn_getter("c");
        aio::yield_now().await; // Both wait, b first.
        queue.put_nowait("x").unwrap(); // Promised to b ...
        b.cancel(); // ... cancelled before it runs.
        let got = aio::timeout(ms(100), c)
            .await
            .expect("the item promised to b was lost: c never got it")
            .unwrap();
        assert_eq!(got, "c got x");
        assert!(queue.empty());
    });
}

#[test]
fn an_item_promised_to_a_cancelled_getter_is_free_again_when_nobody_else_waits() {
    run_virtual(async {
        let queue = Queue::new(0);
        let mut getter = Box::pin(queue.get());
        assert!(poll!(&mut getter).is_pending());
        queue.put_nowait(7).unwrap();
        assert_eq!(queue.get_nowait(), Err(QueueEmpty));
        drop(getter);
        assert_eq!(queue.get_nowait(), Ok(7));
    });
}

#[test]
fn a_cancelled_putter_takes_its_item_away() {
    run_virtual(async {
        let queue = Queue::new(1);
        queue.put_nowait("kept").unwrap();
        let putter = aio::spawn({
            let queue = queue.clone();
            async move { queue.put("dropped").await }
        });
        aio::yield_now().await;
        assert_eq!(queue.waiting_putters(), 1);
        putter.cancel();
        assert_eq!(queue.waiting_putters(), 0);
        assert_eq!(queue.get_nowait(), Ok("kept"));
        assert_eq!(queue.get_nowait(), Err(QueueEmpty));
        assert_eq!(queue.unfinished(), 1, "only the item that went in counts");
    });
}
