//! `LifoQueue` and `PriorityQueue`: the same queue as `Queue` (bound, backpressure, lines of
//! waiters, `task_done` and `join`), with items leaving newest first or smallest first.

use std::cmp::Ordering;
use std::pin::pin;

use futures::poll;

mod common;
use common::{ms, run_virtual};

use aio::sync::{LifoQueue, PriorityQueue, Queue, QueueFull};

/// Puts `items` into a queue, then takes every one with `get_nowait`.
macro_rules! put_then_get {
    ($queue:expr, $items:expr) => {{
        let queue = $queue;
        for item in $items {
            queue.put_nowait(item).unwrap();
        }
        let mut got = Vec::new();
        while let Ok(item) = queue.get_nowait() {
            got.push(item);
        }
        got
    }};
}

#[test]
fn each_queue_has_its_order() {
    let items = [3, 1, 4, 1, 5, 9, 2, 6];
    assert_eq!(put_then_get!(Queue::unbounded(), items), items);
    assert_eq!(
        put_then_get!(LifoQueue::unbounded(), items),
        [6, 2, 9, 5, 1, 4, 1, 3]
    );
    assert_eq!(
        put_then_get!(PriorityQueue::unbounded(), items),
        [1, 1, 2, 3, 4, 5, 6, 9]
    );
}

/// A job ordered by its priority only: two jobs of the same priority compare equal.
#[derive(Debug, PartialEq, Eq)]
struct Job(u8, &'static str);

impl Ord for Job {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

impl PartialOrd for Job {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[test]
fn equal_priorities_leave_in_the_order_they_were_put() {
    let jobs = [
        Job(1, "a"),
        Job(0, "b"),
        Job(1, "c"),
        Job(0, "d"),
        Job(1, "e"),
        Job(0, "f"),
        Job(1, "g"),
    ];
    let names: Vec<&str> = put_then_get!(PriorityQueue::unbounded(), jobs)
        .into_iter()
        .map(|job| job.1)
        .collect();
    assert_eq!(names, ["b", "d", "f", "a", "c", "e", "g"]);
}

#[test]
fn a_waiting_getter_takes_the_smallest_item_there_when_it_runs() {
    run_virtual(async {
        let queue = PriorityQueue::unbounded();
        let mut getter = pin!(queue.get());
        assert!(poll!(&mut getter).is_pending());
        queue.put_nowait(5).unwrap(); // An item is promised to the getter ...
        queue.put_nowait(1).unwrap(); // ... which has not run yet; this one is free.
        assert_eq!(queue.get_nowait(), Ok(1), "the free item is the smallest");
        assert_eq!(
            queue.get_nowait(),
            Err(aio::sync::QueueEmpty),
            "a newcomer took the item promised to the getter"
        );
        assert_eq!(poll!(&mut getter), std::task::Poll::Ready(5));
    });
    // With no newcomer, the getter takes the smallest item there when it runs, as asyncio's
    // does (it calls get_nowait() once woken).
    run_virtual(async {
        let queue = PriorityQueue::unbounded();
        let mut getter = pin!(queue.get());
        assert!(poll!(&mut getter).is_pending());
        queue.put_nowait(5).unwrap();
        queue.put_nowait(1).unwrap();
        assert_eq!(poll!(&mut getter), std::task::Poll::Ready(1));
        assert_eq!(queue.get_nowait(), Ok(5));
    });
}

#[test]
fn bounded_siblings_apply_backpressure_and_count_unfinished_work() {
    let (log, elapsed) = run_virtual(async {
        let queue = LifoQueue::new(2);
        let start = aio::now();
        let consumer = {
            let queue = queue.clone();
            aio::spawn(async move {
                let mut got = Vec::new();
                loop {
                    aio::sleep(ms(10)).await;
                    got.push(queue.get().await);
                    queue.task_done();
                    if got.len() == 4 {
                        return got;
                    }
                }
            })
        };
        for n in 0..4 {
            queue.put(n).await; // Waits while two are queued.
        }
        assert_eq!(queue.put_nowait(9), Err(QueueFull(9)));
        queue.join().await;
        let log = consumer.await.unwrap();
        (log, aio::now() - start)
    });
    // 0 and 1 fill the queue; each get takes the newest, and lets the waiting put in.
    assert_eq!(log, [1, 2, 3, 0]);
    assert_eq!(elapsed, ms(40));
}

#[test]
fn debug_names_the_queue() {
    assert!(format!("{:?}", Queue::<u8>::new(1)).starts_with("Queue {"));
    assert!(format!("{:?}", LifoQueue::<u8>::new(1)).starts_with("LifoQueue {"));
    assert!(format!("{:?}", PriorityQueue::<u8>::new(1)).starts_with("PriorityQueue {"));
}
