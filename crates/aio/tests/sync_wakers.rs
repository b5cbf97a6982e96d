//! The primitives wake only after their `RefCell` borrow ends: a waker that uses the primitive
//! while it is being woken must not hit "already borrowed".

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use aio::sync::{Barrier, Condition, Event, Lock, Queue, Semaphore};

thread_local! {
    /// What the waker does when woken: it touches the primitive that wakes it.
    static ON_WAKE: RefCell<Option<Box<dyn Fn()>>> = RefCell::new(None);
}

/// A waker that runs `ON_WAKE` on this thread when woken.
struct Reentrant;

impl Wake for Reentrant {
    fn wake(self: Arc<Self>) {
        ON_WAKE.with(|on_wake| {
            if let Some(f) = &*on_wake.borrow() {
                f();
            }
        });
    }
}

/// Polls `future` once with the re-entrant waker, expecting it to wait, then runs `wake_it`
/// with `on_wake` installed, and returns how many times `on_wake` ran.
fn woken_reentrantly<F: Future>(
    future: F,
    on_wake: impl Fn() + 'static,
    wake_it: impl FnOnce(),
) -> usize {
    let calls = std::rc::Rc::new(std::cell::Cell::new(0));
    let counted = calls.clone();
    let waker = Waker::from(Arc::new(Reentrant));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    assert!(future.as_mut().poll(&mut cx).is_pending());
    ON_WAKE.with(|f| {
        *f.borrow_mut() = Some(Box::new(move || {
            on_wake();
            counted.set(counted.get() + 1);
        }))
    });
    wake_it();
    ON_WAKE.with(|f| *f.borrow_mut() = None);
    assert!(matches!(future.as_mut().poll(&mut cx), Poll::Ready(_)));
    calls.get()
}

#[test]
fn semaphore_wakes_after_its_borrow() {
    let sem = Semaphore::new(0);
    let touched = sem.clone();
    let n = woken_reentrantly(
        sem.acquire(),
        move || drop(touched.try_acquire()),
        || sem.add_permits(1),
    );
    assert_eq!(n, 1);
}

#[test]
fn lock_wakes_after_its_borrow() {
    let lock = Lock::new(0);
    let guard = lock.try_lock().unwrap();
    let touched = lock.clone();
    let n = woken_reentrantly(
        lock.lock(),
        move || assert!(touched.try_lock().is_none()),
        || drop(guard),
    );
    assert_eq!(n, 1);
}

#[test]
fn event_wakes_after_its_borrow() {
    let event = Event::new();
    let touched = event.clone();
    let n = woken_reentrantly(event.wait(), move || touched.clear(), || event.set());
    assert_eq!(n, 1);
}

#[test]
fn queue_wakes_after_its_borrow() {
    let queue = Queue::new(1);
    let touched = queue.clone();
    let n = woken_reentrantly(
        queue.get(),
        move || assert!(touched.put_nowait(2).is_err()),
        || queue.put_nowait(1).unwrap(),
    );
    assert_eq!(n, 1);

    queue.put_nowait(2).unwrap(); // Full again.
    let touched = queue.clone();
    let n = woken_reentrantly(
        queue.put(3),
        move || assert_eq!(touched.qsize(), 1),
        || assert_eq!(queue.get_nowait(), Ok(2)),
    );
    assert_eq!(n, 1);
    assert_eq!(queue.get_nowait(), Ok(3));

    // Three items were got: mark two done, and let the third wake `join`.
    queue.task_done();
    queue.task_done();
    let touched = queue.clone();
    let n = woken_reentrantly(
        queue.join(),
        move || assert_eq!(touched.get_nowait(), Err(aio::sync::QueueEmpty)),
        || queue.task_done(),
    );
    assert_eq!(n, 1);
}

#[test]
fn condition_wakes_after_its_borrow() {
    let cond = Condition::new(0);
    let guard = cond.try_lock().unwrap();
    let touched = cond.clone();
    let n = woken_reentrantly(
        cond.wait(guard),
        move || assert_eq!(touched.waiting(), 0),
        || cond.notify(&cond.try_lock().unwrap(), 1),
    );
    assert_eq!(n, 1);

    let guard = cond.try_lock().unwrap();
    let touched = cond.clone();
    let n = woken_reentrantly(
        cond.wait(guard),
        move || assert_eq!(touched.waiting(), 0),
        || cond.notify_all(&cond.try_lock().unwrap()),
    );
    assert_eq!(n, 1);
}

#[test]
fn barrier_wakes_after_its_borrow() {
    let barrier = Barrier::new(2);
    let touched = barrier.clone();
    let n = woken_reentrantly(
        barrier.wait(),
        move || assert_eq!(touched.waiting(), 0),
        || assert_eq!(futures::executor::block_on(barrier.wait()), Ok(1)),
    );
    assert_eq!(n, 1);

    let touched = barrier.clone();
    let n = woken_reentrantly(
        barrier.wait(),
        move || assert!(touched.is_broken()),
        || barrier.abort(),
    );
    assert_eq!(n, 1);
}
