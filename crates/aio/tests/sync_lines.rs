//! A waiter that leaves a line (its task was cancelled) leaves a dead entry behind instead of
//! being searched for: the line skips dead entries when serving, compacts itself when they
//! pile up, counts only the live waiters, and drops what a leaving waiter held at once.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

mod common;
use common::{run_virtual, DropFlag};

use aio::sync::{Event, Lock, Queue, Semaphore};

/// Spawns 200 tasks that each wait for a permit and record their number, lets them line up,
/// and cancels every one whose number `leaves` picks. Returns the tasks still waiting.
async fn line_up_and_cancel(
    semaphore: &Semaphore,
    served: &Rc<RefCell<Vec<usize>>>,
    leaves: impl Fn(usize) -> bool,
) -> Vec<aio::Task<()>> {
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let (semaphore, served) = (semaphore.clone(), served.clone());
            aio::spawn(async move {
                let _permit = semaphore.acquire().await;
                served.borrow_mut().push(i);
            })
        })
        .collect();
    aio::yield_now().await;
    assert_eq!(semaphore.waiting(), 200);
    let mut staying = Vec::new();
    for (i, task) in tasks.into_iter().enumerate() {
        if leaves(i) {
            assert!(task.cancel());
        } else {
            staying.push(task);
        }
    }
    staying
}

#[test]
fn waiters_left_in_line_are_served_in_arrival_order_past_dead_entries() {
    // Three of every four leave: enough dead entries that the line compacts itself.
    let served = run_virtual(async {
        let semaphore = Semaphore::new(0);
        let served = Rc::new(RefCell::new(Vec::new()));
        let staying = line_up_and_cancel(&semaphore, &served, |i| i % 4 != 0).await;
        assert_eq!(semaphore.waiting(), 50, "only live waiters count");
        semaphore.add_permits(1); // Each task hands its permit on when it is done.
        for task in staying {
            task.await.unwrap();
        }
        assert_eq!(semaphore.waiting(), 0);
        assert_eq!(
            semaphore.available_permits(),
            1,
            "no permit lost to a dead entry"
        );
        served.take()
    });
    assert_eq!(served, (0..200).step_by(4).collect::<Vec<_>>());
}

#[test]
fn a_line_whose_waiters_all_left_is_empty() {
    run_virtual(async {
        let semaphore = Semaphore::new(0);
        let served = Rc::new(RefCell::new(Vec::new()));
        let staying = line_up_and_cancel(&semaphore, &served, |_| true).await;
        assert!(staying.is_empty());
        assert_eq!(semaphore.waiting(), 0);
        // A permit added now is free: no dead entry takes it.
        semaphore.add_permits(1);
        assert_eq!(semaphore.available_permits(), 1);
        assert!(semaphore.try_acquire().is_some());
    });
}

#[test]
fn a_cancelled_putter_s_item_is_dropped_when_it_leaves() {
    run_virtual(async {
        let queue = Queue::new(1);
        assert!(queue
            .put_nowait(DropFlag(Rc::new(Cell::new(false))))
            .is_ok());
        let dropped = Rc::new(Cell::new(false));
        let putter = aio::spawn({
            let (queue, item) = (queue.clone(), DropFlag(dropped.clone()));
            async move { queue.put(item).await }
        });
        aio::yield_now().await;
        assert_eq!(queue.waiting_putters(), 1);
        putter.cancel();
        assert!(dropped.get(), "the item went with its putter");
        assert_eq!(queue.waiting_putters(), 0);
    });
}

#[test]
fn lock_event_and_queue_serve_past_dead_entries() {
    run_virtual(async {
        let lock = Lock::new(Vec::new());
        let event = Event::new();
        let queue = Queue::<usize>::unbounded();
        let held = lock.lock().await;
        let mut stay = Vec::new();
        let mut leave = Vec::new();
        for i in 0..150 {
            let (lock, event, queue) = (lock.clone(), event.clone(), queue.clone());
            let task = aio::spawn(async move {
                lock.lock().await.push(i);
                event.wait().await;
                queue.get().await
            });
            if i % 3 == 0 {
                stay.push(task);
            } else {
                leave.push(task);
            }
        }
        aio::yield_now().await; // All 150 wait for the lock.
        leave.iter().for_each(|task| assert!(task.cancel()));
        drop(held); // The 50 left get it in turn, past the dead entries.
        for _ in 0..50 {
            aio::yield_now().await;
        }
        assert_eq!(*lock.lock().await, (0..150).step_by(3).collect::<Vec<_>>());
        event.set(); // They all wait for the queue now.
        aio::yield_now().await;
        assert_eq!(queue.waiting_getters(), 50);
        for i in 0..50 {
            queue.put_nowait(i).unwrap();
        }
        let got: Vec<usize> = aio::gather(stay)
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(got, (0..50).collect::<Vec<_>>());
    });
}
