//! No quadratic paths: a wake costs O(1), not O(children).
//!
//! Each test makes N children (or waiters) finish one per loop turn and counts the work done,
//! never the time taken: polls of the children (a wrapper future counts them), children polled
//! by a combinator ([`aio::child_polls`]), or entries a wait list looked at
//! ([`aio::sync::wait_list_visits`]). A combinator that re-polled every unfinished child at
//! each wake would make about N²/2 polls (500,000 for N = 1,000); these allow at most `C` per
//! child.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use aio::sync::{Barrier, Condition, Event, Lock, Queue, Semaphore};
use aio::{Promise, ReturnWhen};

mod common;
use common::run_virtual;

/// Children (or waiters) per test; fewer under Miri, which runs code far slower (the old
/// quadratic paths would still be caught: 5,050 polls for 100 children, against 300).
const N: usize = if cfg!(miri) { 100 } else { 1_000 };
/// The most polls (or visits) allowed per child, all turns together.
const C: u64 = 3;

/// A future that counts its polls in a shared counter.
struct Counted<F> {
    inner: Pin<Box<F>>,
    polls: Rc<Cell<u64>>,
}

impl<F: Future> Counted<F> {
    fn new(inner: F, polls: &Rc<Cell<u64>>) -> Counted<F> {
        Counted {
            inner: Box::pin(inner),
            polls: polls.clone(),
        }
    }
}

impl<F: Future> Future for Counted<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls.set(self.polls.get() + 1);
        self.inner.as_mut().poll(cx)
    }
}

/// `N` empty promises.
fn promises<T>() -> Vec<Promise<T>> {
    (0..N).map(|_| Promise::new()).collect()
}

/// A future for `promise`'s value: awaiting a `Promise` gives a `Result` (it may be cancelled
/// or failed); these tests only ever set values.
fn value<T: Clone>(promise: &Promise<T>) -> impl Future<Output = T> {
    let promise = promise.clone();
    async move { promise.await.expect("these tests only set values") }
}

/// Sets the promises one per loop turn, last first (so that the last child to finish is the
/// first argument), with `value(i)` for promise `i`.
async fn set_one_per_turn<T: 'static>(promises: &[Promise<T>], value: impl Fn(usize) -> T) {
    for (i, promise) in promises.iter().enumerate().rev() {
        promise.set_result(value(i));
        aio::yield_now().await; // The woken side runs in the next turn, alone.
    }
}

// ANCHOR: linear
/// Fails unless `count` is at most `C` per child.
fn assert_linear(what: &str, count: u64, children: usize) {
    let limit = C * children as u64;
    eprintln!("{what}: {count} for {children} children");
    assert!(
        count <= limit,
        "{what}: {count} for {children} children finishing one per turn, more than {C} each \
         ({limit}): every wake is paying for the children that were not woken"
    );
}
// ANCHOR_END: linear

// ANCHOR: gather
#[test]
fn gather_polls_only_the_child_that_was_woken() {
    let polls = Rc::new(Cell::new(0));
    run_virtual(async {
        let promises = promises();
        let children = promises.iter().map(|p| Counted::new(value(p), &polls));
        let gathered = aio::spawn(aio::gather(children));
        aio::yield_now().await; // The gather's first poll: every child once.
        set_one_per_turn(&promises, |i| i).await;
        assert_eq!(gathered.await.unwrap(), (0..N).collect::<Vec<_>>());
    });
    assert_linear("polls of gather's children", polls.get(), N);
}
// ANCHOR_END: gather

#[test]
fn gather_of_task_handles_polls_only_the_handle_that_was_woken() {
    let polls = Rc::new(Cell::new(0));
    run_virtual(async {
        let promises = promises();
        let handles = promises
            .iter()
            .map(|p| Counted::new(aio::spawn(value(p)), &polls));
        let gathered = aio::spawn(aio::gather(handles));
        aio::yield_now().await;
        set_one_per_turn(&promises, |i| i).await;
        let outputs = gathered.await.unwrap();
        assert!(outputs.into_iter().map(Result::unwrap).eq(0..N));
    });
    assert_linear("polls of the gathered handles", polls.get(), N);
}

#[test]
fn try_gather_polls_only_the_child_that_was_woken() {
    let polls = Rc::new(Cell::new(0));
    run_virtual(async {
        let promises = promises::<Result<usize, String>>();
        let children = promises.iter().map(|p| Counted::new(value(p), &polls));
        let gathered = aio::spawn(aio::try_gather(children));
        aio::yield_now().await;
        set_one_per_turn(&promises, Ok).await;
        assert_eq!(gathered.await.unwrap(), Ok((0..N).collect::<Vec<_>>()));
    });
    assert_linear("polls of try_gather's children", polls.get(), N);
}

#[test]
fn gather_macro_polls_only_the_child_that_was_woken() {
    // The macro takes its futures one by one: 12 of them (the most a tuple compares), finishing
    // one per turn. Re-polling every unfinished one at each wake takes 12 + (12 + ... + 1) = 90.
    let polls = Rc::new(Cell::new(0));
    let p: Vec<Promise<usize>> = (0..12).map(|_| Promise::new()).collect();
    let c = |i: usize| Counted::new(value(&p[i]), &polls);
    let outputs = run_virtual(async {
        let gathered = aio::spawn(aio::gather!(
            c(0),
            c(1),
            c(2),
            c(3),
            c(4),
            c(5),
            c(6),
            c(7),
            c(8),
            c(9),
            c(10),
            c(11),
        ));
        aio::yield_now().await;
        set_one_per_turn(&p, |i| i).await;
        gathered.await.unwrap()
    });
    assert_eq!(outputs, (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11));
    assert_linear("polls of gather!'s children", polls.get(), 12);
}

#[test]
fn wait_looks_only_at_the_task_that_finished() {
    for return_when in [ReturnWhen::AllCompleted, ReturnWhen::FirstError] {
        let polled = run_virtual(async {
            let promises = promises::<Result<usize, String>>();
            let tasks: Vec<_> = promises.iter().map(|p| aio::spawn(value(p))).collect();
            let before = aio::child_polls();
            let waited = aio::spawn(aio::wait(tasks, return_when));
            aio::yield_now().await;
            set_one_per_turn(&promises, Ok).await;
            let (done, pending) = waited.await.unwrap();
            assert_eq!((done.len(), pending.len()), (N, 0));
            aio::child_polls() - before
        });
        assert_linear(
            &format!("handles polled by wait ({return_when:?})"),
            polled,
            N,
        );
    }
}

#[test]
fn task_group_join_looks_only_at_the_task_that_finished() {
    let polled = run_virtual(async {
        let promises = promises::<Result<usize, String>>();
        let mut group = aio::TaskGroup::new();
        for promise in &promises {
            group.spawn(value(promise));
        }
        let before = aio::child_polls();
        let joined = aio::spawn(group.join());
        aio::yield_now().await;
        set_one_per_turn(&promises, Ok).await;
        assert_eq!(joined.await.unwrap(), Ok((0..N).collect::<Vec<_>>()));
        aio::child_polls() - before
    });
    assert_linear("handles polled by TaskGroup::join", polled, N);
}

/// Spawns `N` tasks that each await `wait()` once, counting the polls of what `wait` returns.
fn spawn_waiters<F>(polls: &Rc<Cell<u64>>, wait: impl Fn() -> F) -> Vec<aio::Task<F::Output>>
where
    F: Future + 'static,
    F::Output: 'static,
{
    (0..N)
        .map(|_| aio::spawn(Counted::new(wait(), polls)))
        .collect()
}

/// Lets every task run up to its first wait.
async fn let_them_line_up() {
    aio::yield_now().await;
}

#[test]
fn releasing_semaphore_permits_one_at_a_time_polls_one_waiter_each() {
    let polls = Rc::new(Cell::new(0));
    run_virtual(async {
        let semaphore = Semaphore::new(0);
        let waiters = spawn_waiters(&polls, || semaphore.acquire());
        let_them_line_up().await;
        for _ in 0..N {
            semaphore.add_permits(1);
            aio::yield_now().await;
        }
        // Each task returns its permit, and nobody waits any more when they are dropped.
        let permits = aio::gather(waiters).await;
        assert_eq!(semaphore.waiting(), 0);
        drop(permits);
        assert_eq!(semaphore.available_permits(), N);
    });
    assert_linear("polls of the semaphore's waiters", polls.get(), N);
}

#[test]
fn passing_a_lock_along_a_line_polls_each_waiter_twice() {
    let polls = Rc::new(Cell::new(0));
    run_virtual(async {
        let lock = Lock::new(0_usize);
        let held = lock.lock().await;
        let waiters: Vec<_> = (0..N)
            .map(|_| {
                let lock = lock.clone();
                let polls = polls.clone();
                aio::spawn(async move {
                    let mut guard = Counted::new(lock.lock(), &polls).await;
                    *guard += 1;
                    aio::yield_now().await; // Hold it for a turn; dropping it hands it on.
                })
            })
            .collect();
        let_them_line_up().await;
        drop(held);
        for waiter in waiters {
            waiter.await.unwrap();
        }
        assert_eq!(*lock.lock().await, N);
    });
    assert_linear("polls of the lock's waiters", polls.get(), N);
}

#[test]
fn setting_an_event_polls_each_waiter_once_more() {
    let polls = Rc::new(Cell::new(0));
    run_virtual(async {
        let event = Event::new();
        let waiters = spawn_waiters(&polls, || event.wait());
        let_them_line_up().await;
        event.set();
        for waiter in waiters {
            waiter.await.unwrap();
        }
    });
    assert_linear("polls of the event's waiters", polls.get(), N);
}

#[test]
fn queue_items_put_one_at_a_time_poll_one_getter_each() {
    let polls = Rc::new(Cell::new(0));
    run_virtual(async {
        let queue = Queue::unbounded();
        let getters = spawn_waiters(&polls, || queue.get());
        let_them_line_up().await;
        for i in 0..N {
            queue.put_nowait(i).unwrap();
            aio::yield_now().await;
        }
        let got: Vec<usize> = aio::gather(getters)
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(got, (0..N).collect::<Vec<_>>());
    });
    assert_linear("polls of the queue's getters", polls.get(), N);
}

#[test]
fn queue_room_made_one_at_a_time_polls_one_putter_each() {
    let polls = Rc::new(Cell::new(0));
    run_virtual(async {
        let queue = Queue::new(1);
        queue.put_nowait(usize::MAX).unwrap(); // Full: every putter waits.
        let putters: Vec<_> = (0..N)
            .map(|i| aio::spawn(Counted::new(queue.put(i), &polls)))
            .collect();
        let_them_line_up().await;
        assert_eq!(queue.get_nowait(), Ok(usize::MAX));
        for i in 0..N {
            aio::yield_now().await;
            assert_eq!(queue.get_nowait(), Ok(i));
        }
        for putter in putters {
            putter.await.unwrap();
        }
    });
    assert_linear("polls of the queue's putters", polls.get(), N);
}

#[test]
fn notifying_a_condition_one_waiter_at_a_time_polls_each_twice() {
    let polls = Rc::new(Cell::new(0));
    run_virtual(async {
        let cond = Condition::new(0_usize);
        let waiters: Vec<_> = (0..N)
            .map(|_| {
                let (cond, polls) = (cond.clone(), polls.clone());
                aio::spawn(async move {
                    let guard = cond.lock().await;
                    let mut guard = Counted::new(cond.wait(guard), &polls).await;
                    *guard += 1;
                })
            })
            .collect();
        let_them_line_up().await;
        for _ in 0..N {
            let guard = cond.lock().await;
            cond.notify(&guard, 1);
            drop(guard);
            aio::yield_now().await;
        }
        for waiter in waiters {
            waiter.await.unwrap();
        }
        assert_eq!(*cond.lock().await, N);
    });
    assert_linear("polls of the condition's waiters", polls.get(), N);
}

#[test]
fn notifying_every_waiter_of_a_condition_visits_each_line_entry_once() {
    let before = aio::sync::wait_list_visits();
    run_virtual(async {
        let cond = Condition::new(0_usize);
        let waiters: Vec<_> = (0..N)
            .map(|_| {
                let cond = cond.clone();
                aio::spawn(async move {
                    let guard = cond.lock().await;
                    let mut guard = cond.wait(guard).await;
                    *guard += 1;
                    aio::yield_now().await; // Hold the lock a turn: the others line up for it.
                })
            })
            .collect();
        let_them_line_up().await;
        let guard = cond.lock().await;
        cond.notify_all(&guard);
        drop(guard); // They take the lock one after another.
        for waiter in waiters {
            waiter.await.unwrap();
        }
        assert_eq!(*cond.lock().await, N);
    });
    // One visit to notify each, one to hand it the lock: the condition's line and the lock's.
    let visits = aio::sync::wait_list_visits() - before;
    assert_linear("wait-list entries visited by notify_all", visits, N);
}

#[test]
fn parties_reaching_a_barrier_one_per_turn_are_polled_twice_each() {
    let polls = Rc::new(Cell::new(0));
    run_virtual(async {
        let barrier = Barrier::new(N + 1);
        let mut parties = Vec::new();
        for _ in 0..N {
            parties.push(aio::spawn(Counted::new(barrier.wait(), &polls)));
            aio::yield_now().await; // It arrives in the next turn, alone.
        }
        assert_eq!(barrier.waiting(), N);
        assert_eq!(barrier.wait().await, Ok(N));
        let indices: Vec<usize> = aio::gather(parties)
            .await
            .into_iter()
            .map(|index| index.unwrap().unwrap())
            .collect();
        assert_eq!(indices, (0..N).collect::<Vec<_>>());
    });
    assert_linear("polls of the barrier's parties", polls.get(), N);
}

/// Cancels `waiters` one at a time, the last to arrive first (where a search of the line from
/// its front goes furthest), and returns how many wait-list entries that looked at.
async fn cancel_from_the_back<T>(waiters: Vec<aio::Task<T>>) -> u64 {
    let before = aio::sync::wait_list_visits();
    for waiter in waiters.iter().rev() {
        assert!(waiter.cancel());
        aio::yield_now().await;
    }
    aio::sync::wait_list_visits() - before
}

#[test]
fn cancelling_waiters_does_not_search_the_line() {
    let polls = Rc::new(Cell::new(0));
    let visits = run_virtual(async {
        let semaphore = Semaphore::new(0);
        let lock = Lock::new(());
        let _held = lock.lock().await;
        let event = Event::new();
        let empty = Queue::<usize>::unbounded();
        let full = Queue::new(1);
        full.put_nowait(0).unwrap();
        let mut visits = Vec::new();
        let waiters = spawn_waiters(&polls, || {
            let semaphore = semaphore.clone();
            async move { drop(semaphore.acquire().await) }
        });
        let_them_line_up().await;
        visits.push(("Semaphore::acquire", cancel_from_the_back(waiters).await));
        let waiters = spawn_waiters(&polls, || {
            let lock = lock.clone();
            async move { drop(lock.lock().await) }
        });
        let_them_line_up().await;
        visits.push(("Lock::lock", cancel_from_the_back(waiters).await));
        let waiters = spawn_waiters(&polls, || event.wait());
        let_them_line_up().await;
        visits.push(("Event::wait", cancel_from_the_back(waiters).await));
        let waiters = spawn_waiters(&polls, || empty.get());
        let_them_line_up().await;
        visits.push(("Queue::get", cancel_from_the_back(waiters).await));
        let waiters = spawn_waiters(&polls, || full.put(1));
        let_them_line_up().await;
        visits.push(("Queue::put", cancel_from_the_back(waiters).await));
        let cond = Condition::new(());
        let waiters = spawn_waiters(&polls, || {
            let cond = cond.clone();
            async move { drop(cond.wait(cond.lock().await).await) }
        });
        let_them_line_up().await;
        visits.push(("Condition::wait", cancel_from_the_back(waiters).await));
        let barrier = Barrier::new(N + 1);
        let waiters = spawn_waiters(&polls, || barrier.wait());
        let_them_line_up().await;
        visits.push(("Barrier::wait", cancel_from_the_back(waiters).await));
        assert_eq!((cond.waiting(), barrier.waiting()), (0, 0));
        // The lines are usable afterwards, and empty.
        semaphore.add_permits(1);
        assert_eq!(semaphore.available_permits(), 1);
        assert_eq!((empty.waiting_getters(), full.waiting_putters()), (0, 0));
        visits
    });
    for (what, visits) in &visits {
        eprintln!("cancelling {what}: {visits} visits");
    }
    for (what, visits) in visits {
        assert_linear(
            &format!("wait-list entries visited cancelling {what}"),
            visits,
            N,
        );
    }
}

/// Wakes its task once more on its first poll, so that the inner future is polled (and
/// registers its waker) twice before anything happens.
struct PolledTwice<F> {
    inner: Pin<Box<F>>,
    first: bool,
}

impl<F: Future> Future for PolledTwice<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        if std::mem::take(&mut self.first) {
            cx.waker().wake_by_ref();
        }
        self.inner.as_mut().poll(cx)
    }
}

#[test]
fn many_tasks_awaiting_one_promise_register_in_constant_time() {
    let before = aio::sync::wait_list_visits();
    run_virtual(async {
        let promise = Promise::new();
        let waiters: Vec<_> = (0..N)
            .map(|_| {
                let inner = Box::pin(promise.clone());
                aio::spawn(PolledTwice { inner, first: true })
            })
            .collect();
        let_them_line_up().await;
        let_them_line_up().await; // Each has registered twice: the list holds it once.
        promise.set_result(7_u32);
        for waiter in waiters {
            assert_eq!(waiter.await.unwrap(), Ok(7));
        }
    });
    // Two registrations and one wake per task.
    let visits = aio::sync::wait_list_visits() - before;
    assert_linear("visits of the promise's waiter list", visits, N);
}
