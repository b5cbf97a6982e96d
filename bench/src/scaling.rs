//! `aio-bench scaling`: the cost per child (or waiter, or item) of each combinator and `sync`
//! primitive at 1,000, 10,000 and 100,000 of them, on aio, tokio and smol.
//!
//! A wake should cost the same whatever the number of children: the cost per item at 100,000
//! should stay within 2× of the cost at 1,000. A combinator that re-polled every unfinished
//! child at each wake would grow a hundredfold over that range instead.
//!
//! Each sample runs about 100,000 items (100 rounds of 1,000, 10 of 10,000, 1 of 100,000) in a
//! fresh runtime, after one unmeasured round of the same size. Each repetition takes one
//! sample per runtime, in turn, starting with a different runtime each time, so that a change
//! in the machine's load touches all three alike. The table shows the median cost per item of
//! each runtime, and the median of the repetitions' paired ratios aio ÷ peer, with their
//! smallest and largest value (the spread).

use std::future::{poll_fn, Future};
use std::hint::black_box;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, Instant};

use futures::channel::oneshot;
use futures::future::{join_all, try_join_all};
use futures::stream::{FuturesUnordered, StreamExt};

use crate::runtimes::{Aio, Runtime, Smol, Tokio};

/// The sizes measured.
const SIZES: [usize; 3] = [1_000, 10_000, 100_000];
/// Items per sample, whatever the size.
const ITEMS_PER_SAMPLE: usize = 100_000;
/// The most the cost per item may grow from the smallest size to the largest.
const MAX_GROWTH: f64 = 2.0;

/// One round of a scenario at size `n` on a runtime built for the sample: `(n, rounds)` →
/// the time the measured parts took, all rounds together.
type Sample = fn(usize, usize) -> Duration;

struct Scenario {
    name: &'static str,
    about: &'static str,
    aio: Sample,
    tokio: Sample,
    smol: Sample,
}

/// The scenarios, in the order they are printed.
const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "gather",
        about: "N futures (oneshot receivers) finishing one per turn: aio::gather / join_all",
        aio: |n, r| rounds::<Aio, _>(n, r, gather::<Aio>),
        tokio: |n, r| rounds::<Tokio, _>(n, r, gather::<Tokio>),
        smol: |n, r| rounds::<Smol, _>(n, r, gather::<Smol>),
    },
    Scenario {
        name: "gather-tasks",
        about: "N task handles finishing one per turn: aio::gather / join_all",
        aio: |n, r| rounds::<Aio, _>(n, r, gather_tasks::<Aio>),
        tokio: |n, r| rounds::<Tokio, _>(n, r, gather_tasks::<Tokio>),
        smol: |n, r| rounds::<Smol, _>(n, r, gather_tasks::<Smol>),
    },
    Scenario {
        name: "try_gather",
        about: "N fallible futures finishing one per turn: aio::try_gather / try_join_all",
        aio: |n, r| rounds::<Aio, _>(n, r, try_gather::<Aio>),
        tokio: |n, r| rounds::<Tokio, _>(n, r, try_gather::<Tokio>),
        smol: |n, r| rounds::<Smol, _>(n, r, try_gather::<Smol>),
    },
    Scenario {
        name: "wait",
        about: "N tasks finishing one per turn: aio::wait(ALL_COMPLETED) / FuturesUnordered",
        aio: |n, r| rounds::<Aio, _>(n, r, wait::<Aio>),
        tokio: |n, r| rounds::<Tokio, _>(n, r, wait::<Tokio>),
        smol: |n, r| rounds::<Smol, _>(n, r, wait::<Smol>),
    },
    Scenario {
        name: "task-group",
        about: "N tasks finishing one per turn: TaskGroup spawn + join / spawn + try_join_all",
        aio: |n, r| rounds::<Aio, _>(n, r, task_group::<Aio>),
        tokio: |n, r| rounds::<Tokio, _>(n, r, task_group::<Tokio>),
        smol: |n, r| rounds::<Smol, _>(n, r, task_group::<Smol>),
    },
    Scenario {
        name: "semaphore",
        about: "N waiters, one permit handed along the line, one per turn",
        aio: |n, r| rounds::<Aio, _>(n, r, semaphore_aio),
        tokio: |n, r| rounds::<Tokio, _>(n, r, semaphore_tokio),
        smol: |n, r| rounds::<Smol, _>(n, r, semaphore_smol),
    },
    Scenario {
        name: "lock",
        about: "N waiters, the lock handed along the line, one per turn",
        aio: |n, r| rounds::<Aio, _>(n, r, lock_aio),
        tokio: |n, r| rounds::<Tokio, _>(n, r, lock_tokio),
        smol: |n, r| rounds::<Smol, _>(n, r, lock_smol),
    },
    Scenario {
        name: "event",
        about: "N waiters released by one set (tokio: Notify, smol: event-listener)",
        aio: |n, r| rounds::<Aio, _>(n, r, event_aio),
        tokio: |n, r| rounds::<Tokio, _>(n, r, event_tokio),
        smol: |n, r| rounds::<Smol, _>(n, r, event_smol),
    },
    Scenario {
        name: "promise",
        about: "N tasks await one promise, set once; spawn to join (peers: futures' Shared)",
        aio: |n, r| rounds::<Aio, _>(n, r, promise_aio),
        tokio: |n, r| rounds::<Tokio, _>(n, r, promise_shared::<Tokio>),
        smol: |n, r| rounds::<Smol, _>(n, r, promise_shared::<Smol>),
    },
    Scenario {
        name: "queue",
        about: "N putters on a full queue of 1, one item taken per turn (mpsc, async-channel)",
        aio: |n, r| rounds::<Aio, _>(n, r, queue_aio),
        tokio: |n, r| rounds::<Tokio, _>(n, r, queue_tokio),
        smol: |n, r| rounds::<Smol, _>(n, r, queue_smol),
    },
    Scenario {
        name: "semaphore-leave",
        about: "N waiting acquires dropped, the last to arrive first (cancellation)",
        aio: |n, r| rounds::<Aio, _>(n, r, semaphore_leave_aio),
        tokio: |n, r| rounds::<Tokio, _>(n, r, semaphore_leave_tokio),
        smol: |n, r| rounds::<Smol, _>(n, r, semaphore_leave_smol),
    },
];

/// Runs `rounds` rounds of `round` at size `n` in a fresh runtime, after an unmeasured one
/// (so that the memory all rounds use is mapped before the first measured round, at every
/// size), and returns the measured time of all rounds together.
fn rounds<R: Runtime, F: Future<Output = Duration>>(
    n: usize,
    rounds: usize,
    round: fn(usize) -> F,
) -> Duration {
    R::block_on(async move {
        round(n).await;
        let mut total = Duration::ZERO;
        for _ in 0..rounds {
            total += round(n).await;
        }
        total
    })
}

// ---------------------------------------------------------------------------------------------
// The combinators.

/// How each runtime awaits many futures or tasks at once: aio's combinators, and the
/// `futures` crate's for tokio and smol.
trait Combinators: Runtime {
    /// All outputs, in argument order.
    fn gather<F: Future>(children: Vec<F>) -> impl Future<Output = Vec<F::Output>>;
    /// All `Ok` values in argument order, or the first error.
    fn try_gather<F, T, E>(children: Vec<F>) -> impl Future<Output = Result<Vec<T>, E>>
    where
        F: Future<Output = Result<T, E>>;
    /// Waits until every task has finished; returns how many did.
    fn wait_all(tasks: Vec<Self::Handle<usize>>) -> impl Future<Output = usize>;
    /// Runs every future as a task, and returns their values in spawn order, or the first
    /// error.
    fn task_group<F, T, E>(futures: Vec<F>) -> impl Future<Output = Result<Vec<T>, E>>
    where
        F: Future<Output = Result<T, E>> + Send + 'static,
        T: Send + 'static,
        E: Send + 'static;
}

impl Combinators for Aio {
    fn gather<F: Future>(children: Vec<F>) -> impl Future<Output = Vec<F::Output>> {
        aio::gather(children)
    }

    fn try_gather<F, T, E>(children: Vec<F>) -> impl Future<Output = Result<Vec<T>, E>>
    where
        F: Future<Output = Result<T, E>>,
    {
        aio::try_gather(children)
    }

    async fn wait_all(tasks: Vec<aio::Task<usize>>) -> usize {
        let (done, pending) = aio::wait(tasks, aio::ReturnWhen::AllCompleted).await;
        assert!(pending.is_empty());
        done.len()
    }

    async fn task_group<F, T, E>(futures: Vec<F>) -> Result<Vec<T>, E>
    where
        F: Future<Output = Result<T, E>> + Send + 'static,
        T: Send + 'static,
        E: Send + 'static,
    {
        let mut group = aio::TaskGroup::new();
        for future in futures {
            group.spawn(future);
        }
        group.join().await
    }
}

/// tokio and smol await many futures the same way, with the `futures` crate.
macro_rules! futures_combinators {
    ($($runtime:ty),*) => {$(
        impl Combinators for $runtime {
            fn gather<F: Future>(children: Vec<F>) -> impl Future<Output = Vec<F::Output>> {
                join_all(children)
            }

            fn try_gather<F, T, E>(children: Vec<F>) -> impl Future<Output = Result<Vec<T>, E>>
            where
                F: Future<Output = Result<T, E>>,
            {
                try_join_all(children)
            }

            async fn wait_all(tasks: Vec<Self::Handle<usize>>) -> usize {
                let mut running: FuturesUnordered<_> = tasks.into_iter().map(Self::join).collect();
                let mut done = 0;
                while running.next().await.is_some() {
                    done += 1;
                }
                done
            }

            async fn task_group<F, T, E>(futures: Vec<F>) -> Result<Vec<T>, E>
            where
                F: Future<Output = Result<T, E>> + Send + 'static,
                T: Send + 'static,
                E: Send + 'static,
            {
                let tasks: Vec<_> = futures.into_iter().map(Self::spawn).collect();
                try_join_all(tasks.into_iter().map(Self::join)).await
            }
        }
    )*};
}

futures_combinators!(Tokio, Smol);

/// `n` oneshot channels.
fn channels(n: usize) -> (Vec<oneshot::Sender<usize>>, Vec<oneshot::Receiver<usize>>) {
    (0..n).map(|_| oneshot::channel()).unzip()
}

/// Spawns the task that completes the children: one send per turn, the last child first.
fn send_one_per_turn<R: Runtime>(senders: Vec<oneshot::Sender<usize>>) -> R::Handle<()> {
    R::spawn(async move {
        for (i, sender) in senders.into_iter().enumerate().rev() {
            let _ = sender.send(i);
            R::yield_now().await; // The combinator runs before the next send.
        }
    })
}

/// `n` tasks, each waiting for its channel.
fn tasks<R: Runtime>(receivers: Vec<oneshot::Receiver<usize>>) -> Vec<R::Handle<usize>> {
    let wait = |receiver: oneshot::Receiver<usize>| async move { receiver.await.unwrap_or(0) };
    receivers.into_iter().map(|r| R::spawn(wait(r))).collect()
}

async fn gather<R: Combinators>(n: usize) -> Duration {
    let (senders, receivers) = channels(n);
    let started = Instant::now();
    let sender = send_one_per_turn::<R>(senders);
    let outputs = R::gather(receivers).await;
    let elapsed = started.elapsed();
    R::join(sender).await;
    assert!(outputs.into_iter().map(Result::unwrap).eq(0..n));
    elapsed
}

async fn gather_tasks<R: Combinators>(n: usize) -> Duration {
    let (senders, receivers) = channels(n);
    let tasks = tasks::<R>(receivers);
    let started = Instant::now();
    let sender = send_one_per_turn::<R>(senders);
    let outputs = R::gather(tasks.into_iter().map(R::join).collect()).await;
    let elapsed = started.elapsed();
    R::join(sender).await;
    assert!(outputs.into_iter().eq(0..n));
    elapsed
}

async fn try_gather<R: Combinators>(n: usize) -> Duration {
    let (senders, receivers) = channels(n);
    let started = Instant::now();
    let sender = send_one_per_turn::<R>(senders);
    let outputs = R::try_gather(receivers).await;
    let elapsed = started.elapsed();
    R::join(sender).await;
    assert!(outputs.expect("no sender is dropped").into_iter().eq(0..n));
    elapsed
}

async fn wait<R: Combinators>(n: usize) -> Duration {
    let (senders, receivers) = channels(n);
    let tasks = tasks::<R>(receivers);
    let started = Instant::now();
    let sender = send_one_per_turn::<R>(senders);
    let done = R::wait_all(tasks).await;
    let elapsed = started.elapsed();
    R::join(sender).await;
    assert_eq!(done, n);
    elapsed
}

async fn task_group<R: Combinators>(n: usize) -> Duration {
    let (senders, receivers) = channels(n);
    let started = Instant::now();
    let futures = receivers
        .into_iter()
        .map(|receiver| async move { receiver.await.map_err(|_| "the sender was dropped") });
    let sender = send_one_per_turn::<R>(senders);
    let values = R::task_group(futures.collect()).await;
    let elapsed = started.elapsed();
    R::join(sender).await;
    assert!(values.expect("no task fails").into_iter().eq(0..n));
    elapsed
}

// ---------------------------------------------------------------------------------------------
// The primitives, written once per runtime, line for line alike. Each waiter counts itself
// in `lined_up` in the same poll that puts it in line; the measured part starts once all have.

/// Yields until `n` waiters are in line.
async fn line_up<R: Runtime>(lined_up: &AtomicUsize, n: usize) {
    while lined_up.load(Ordering::Relaxed) < n {
        R::yield_now().await;
    }
}

/// Awaits every handle, in order.
async fn join_each<R: Runtime, T: Send + 'static>(tasks: Vec<R::Handle<T>>) {
    for task in tasks {
        black_box(R::join(task).await);
    }
}

async fn semaphore_aio(n: usize) -> Duration {
    let semaphore = aio::sync::Semaphore::new(1);
    let held = semaphore.acquire().await;
    let lined_up = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (semaphore, lined_up) = (semaphore.clone(), lined_up.clone());
            aio::spawn(async move {
                let acquire = semaphore.acquire();
                lined_up.fetch_add(1, Ordering::Relaxed);
                let _permit = acquire.await;
                aio::yield_now().await; // Hold it for a turn, then hand it on.
            })
        })
        .collect();
    line_up::<Aio>(&lined_up, n).await;
    let started = Instant::now();
    drop(held);
    join_each::<Aio, ()>(tasks).await;
    started.elapsed()
}

async fn semaphore_tokio(n: usize) -> Duration {
    let semaphore = Arc::new(tokio::sync::Semaphore::new(1));
    let held = semaphore.acquire().await.expect("open");
    let lined_up = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (semaphore, lined_up) = (semaphore.clone(), lined_up.clone());
            tokio::spawn(async move {
                let acquire = semaphore.acquire();
                lined_up.fetch_add(1, Ordering::Relaxed);
                let _permit = acquire.await.expect("open");
                tokio::task::yield_now().await;
            })
        })
        .collect();
    line_up::<Tokio>(&lined_up, n).await;
    let started = Instant::now();
    drop(held);
    join_each::<Tokio, ()>(tasks).await;
    started.elapsed()
}

async fn semaphore_smol(n: usize) -> Duration {
    let semaphore = Arc::new(async_lock::Semaphore::new(1));
    let held = semaphore.acquire().await;
    let lined_up = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (semaphore, lined_up) = (semaphore.clone(), lined_up.clone());
            Smol::spawn(async move {
                let acquire = semaphore.acquire();
                lined_up.fetch_add(1, Ordering::Relaxed);
                let _permit = acquire.await;
                futures_lite::future::yield_now().await;
            })
        })
        .collect();
    line_up::<Smol>(&lined_up, n).await;
    let started = Instant::now();
    drop(held);
    join_each::<Smol, ()>(tasks).await;
    started.elapsed()
}

async fn lock_aio(n: usize) -> Duration {
    let lock = aio::sync::Lock::new(0_usize);
    let held = lock.lock().await;
    let lined_up = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (lock, lined_up) = (lock.clone(), lined_up.clone());
            aio::spawn(async move {
                let locking = lock.lock();
                lined_up.fetch_add(1, Ordering::Relaxed);
                let mut guard = locking.await;
                *guard += 1;
                aio::yield_now().await;
            })
        })
        .collect();
    line_up::<Aio>(&lined_up, n).await;
    let started = Instant::now();
    drop(held);
    join_each::<Aio, ()>(tasks).await;
    let elapsed = started.elapsed();
    assert_eq!(*lock.lock().await, n);
    elapsed
}

async fn lock_tokio(n: usize) -> Duration {
    let lock = Arc::new(tokio::sync::Mutex::new(0_usize));
    let held = lock.lock().await;
    let lined_up = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (lock, lined_up) = (lock.clone(), lined_up.clone());
            tokio::spawn(async move {
                let locking = lock.lock();
                lined_up.fetch_add(1, Ordering::Relaxed);
                let mut guard = locking.await;
                *guard += 1;
                tokio::task::yield_now().await;
            })
        })
        .collect();
    line_up::<Tokio>(&lined_up, n).await;
    let started = Instant::now();
    drop(held);
    join_each::<Tokio, ()>(tasks).await;
    let elapsed = started.elapsed();
    assert_eq!(*lock.lock().await, n);
    elapsed
}

async fn lock_smol(n: usize) -> Duration {
    let lock = Arc::new(async_lock::Mutex::new(0_usize));
    let held = lock.lock().await;
    let lined_up = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (lock, lined_up) = (lock.clone(), lined_up.clone());
            Smol::spawn(async move {
                let locking = lock.lock();
                lined_up.fetch_add(1, Ordering::Relaxed);
                let mut guard = locking.await;
                *guard += 1;
                futures_lite::future::yield_now().await;
            })
        })
        .collect();
    line_up::<Smol>(&lined_up, n).await;
    let started = Instant::now();
    drop(held);
    join_each::<Smol, ()>(tasks).await;
    let elapsed = started.elapsed();
    assert_eq!(*lock.lock().await, n);
    elapsed
}

async fn event_aio(n: usize) -> Duration {
    let event = aio::sync::Event::new();
    let lined_up = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (event, lined_up) = (event.clone(), lined_up.clone());
            aio::spawn(async move {
                let wait = event.wait();
                lined_up.fetch_add(1, Ordering::Relaxed);
                wait.await;
            })
        })
        .collect();
    line_up::<Aio>(&lined_up, n).await;
    let started = Instant::now();
    event.set();
    join_each::<Aio, ()>(tasks).await;
    started.elapsed()
}

async fn event_tokio(n: usize) -> Duration {
    let event = Arc::new(tokio::sync::Notify::new());
    let lined_up = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (event, lined_up) = (event.clone(), lined_up.clone());
            tokio::spawn(async move {
                let wait = event.notified(); // Notified by `notify_waiters` from here on.
                lined_up.fetch_add(1, Ordering::Relaxed);
                wait.await;
            })
        })
        .collect();
    line_up::<Tokio>(&lined_up, n).await;
    let started = Instant::now();
    event.notify_waiters();
    join_each::<Tokio, ()>(tasks).await;
    started.elapsed()
}

async fn event_smol(n: usize) -> Duration {
    let event = Arc::new(event_listener::Event::new());
    let lined_up = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (event, lined_up) = (event.clone(), lined_up.clone());
            Smol::spawn(async move {
                let wait = event.listen(); // Notified from here on.
                lined_up.fetch_add(1, Ordering::Relaxed);
                wait.await;
            })
        })
        .collect();
    line_up::<Smol>(&lined_up, n).await;
    let started = Instant::now();
    event.notify(usize::MAX);
    join_each::<Smol, ()>(tasks).await;
    started.elapsed()
}

/// The whole life of N awaiters of one value: each registers with it, then one set wakes them
/// all. Timed from the first spawn, since registering is where a list that scans itself for
/// duplicates grows quadratic.
async fn promise_aio(n: usize) -> Duration {
    let started = Instant::now();
    let promise = aio::Promise::new();
    // Awaiting a promise gives a `Result` (it may be cancelled); this one is only ever set.
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let promise = promise.clone();
            aio::spawn(async move { promise.await.expect("set below") })
        })
        .collect();
    aio::yield_now().await; // Every task has polled the promise once.
    promise.set_result(7_u32);
    join_each::<Aio, u32>(tasks).await;
    started.elapsed()
}

/// tokio and smol have no promise of their own; `futures`' `Shared` of a oneshot receiver is
/// the usual stand-in, the same code on both.
async fn promise_shared<R: Runtime>(n: usize) -> Duration {
    use futures::FutureExt;
    let started = Instant::now();
    let (send, receive) = futures::channel::oneshot::channel::<u32>();
    let shared = receive.shared();
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let shared = shared.clone();
            R::spawn(async move { shared.await.expect("the value is sent") })
        })
        .collect();
    R::yield_now().await;
    send.send(7).expect("awaiters are waiting");
    join_each::<R, u32>(tasks).await;
    started.elapsed()
}

async fn queue_aio(n: usize) -> Duration {
    let queue = aio::sync::Queue::new(1);
    queue.put_nowait(n).expect("room for one");
    let lined_up = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (queue, lined_up) = (queue.clone(), lined_up.clone());
            aio::spawn(async move {
                let put = queue.put(i);
                lined_up.fetch_add(1, Ordering::Relaxed);
                put.await;
            })
        })
        .collect();
    line_up::<Aio>(&lined_up, n).await;
    let started = Instant::now();
    let mut sum = 0;
    for _ in 0..=n {
        sum += queue.get().await;
        aio::yield_now().await; // The putter that got room runs.
    }
    join_each::<Aio, ()>(tasks).await;
    let elapsed = started.elapsed();
    assert_eq!(sum, n * (n + 1) / 2);
    elapsed
}

async fn queue_tokio(n: usize) -> Duration {
    let (sender, mut receiver) = tokio::sync::mpsc::channel(1);
    sender.try_send(n).expect("room for one");
    let lined_up = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (sender, lined_up) = (sender.clone(), lined_up.clone());
            tokio::spawn(async move {
                let put = sender.send(i);
                lined_up.fetch_add(1, Ordering::Relaxed);
                put.await.expect("open");
            })
        })
        .collect();
    line_up::<Tokio>(&lined_up, n).await;
    let started = Instant::now();
    let mut sum = 0;
    for _ in 0..=n {
        sum += receiver.recv().await.expect("open");
        tokio::task::yield_now().await;
    }
    join_each::<Tokio, ()>(tasks).await;
    let elapsed = started.elapsed();
    assert_eq!(sum, n * (n + 1) / 2);
    elapsed
}

async fn queue_smol(n: usize) -> Duration {
    let (sender, receiver) = async_channel::bounded(1);
    sender.try_send(n).expect("room for one");
    let lined_up = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (sender, lined_up) = (sender.clone(), lined_up.clone());
            Smol::spawn(async move {
                let put = sender.send(i);
                lined_up.fetch_add(1, Ordering::Relaxed);
                put.await.expect("open");
            })
        })
        .collect();
    line_up::<Smol>(&lined_up, n).await;
    let started = Instant::now();
    let mut sum = 0;
    for _ in 0..=n {
        sum += receiver.recv().await.expect("open");
        futures_lite::future::yield_now().await;
    }
    join_each::<Smol, ()>(tasks).await;
    let elapsed = started.elapsed();
    assert_eq!(sum, n * (n + 1) / 2);
    elapsed
}

/// Polls every future once (each must wait), then drops them, the last one first: the
/// measured part. Where leaving a line means searching it from the front, that is N²/2 steps.
async fn leave_last_first<F: Future>(mut waiting: Vec<Pin<Box<F>>>) -> Duration {
    poll_fn(|cx| {
        for future in &mut waiting {
            assert!(future.as_mut().poll(cx).is_pending());
        }
        Poll::Ready(())
    })
    .await;
    let started = Instant::now();
    while let Some(future) = waiting.pop() {
        drop(future);
    }
    started.elapsed()
}

async fn semaphore_leave_aio(n: usize) -> Duration {
    let semaphore = aio::sync::Semaphore::new(0);
    let elapsed = leave_last_first((0..n).map(|_| Box::pin(semaphore.acquire())).collect()).await;
    assert_eq!(semaphore.waiting(), 0);
    elapsed
}

async fn semaphore_leave_tokio(n: usize) -> Duration {
    let semaphore = tokio::sync::Semaphore::new(0);
    leave_last_first((0..n).map(|_| Box::pin(semaphore.acquire())).collect()).await
}

async fn semaphore_leave_smol(n: usize) -> Duration {
    let semaphore = async_lock::Semaphore::new(0);
    leave_last_first((0..n).map(|_| Box::pin(semaphore.acquire())).collect()).await
}

// ---------------------------------------------------------------------------------------------
// The table.

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

/// Median and spread of paired ratios, as `0.52 (0.48-0.60)`.
fn ratio_summary(ratios: &mut [f64]) -> String {
    let m = median(ratios);
    let (low, high) = (ratios[0], ratios[ratios.len() - 1]);
    format!("{m:.2} ({low:.2}-{high:.2})")
}

fn usage() -> ! {
    eprintln!("usage: aio-bench scaling [--reps N] [SCENARIO...]");
    eprintln!("scenarios:");
    for scenario in SCENARIOS {
        eprintln!("  {:16} {}", scenario.name, scenario.about);
    }
    std::process::exit(2);
}

/// `aio-bench scaling [--reps N] [SCENARIO...]`.
pub fn main(args: &[String]) {
    let mut reps = 7;
    let mut chosen: Vec<&Scenario> = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--reps" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => reps = n,
                _ => usage(),
            },
            name => match SCENARIOS.iter().find(|s| s.name == name) {
                Some(scenario) => chosen.push(scenario),
                None => usage(),
            },
        }
    }
    if chosen.is_empty() {
        chosen = SCENARIOS.iter().collect();
    }
    println!(
        "aio-bench scaling: cost per item at N = 1,000 / 10,000 / 100,000; {reps} repetitions, \
         runtimes in turn; median per runtime; aio/peer = median of the paired ratios (min-max)"
    );
    println!("before: {}", crate::machine::loadavg());
    let meter = crate::machine::LoadMeter::start();
    println!(
        "{:16} {:>8} {:>10} {:>10} {:>10} {:>19} {:>19}",
        "scenario", "N", "aio", "tokio", "smol", "aio/tokio", "aio/smol"
    );
    let mut failures = Vec::new();
    for scenario in chosen {
        let samples = [scenario.aio, scenario.tokio, scenario.smol];
        let mut per_item_medians = Vec::new();
        for n in SIZES {
            let rounds = (ITEMS_PER_SAMPLE / n).max(1);
            let items = (rounds * n) as f64;
            // per_item[runtime][rep], in nanoseconds.
            let mut per_item = vec![Vec::with_capacity(reps); samples.len()];
            for rep in 0..reps {
                for turn in 0..samples.len() {
                    let runtime = (rep + turn) % samples.len(); // A different one first each time.
                    let elapsed = samples[runtime](n, rounds);
                    per_item[runtime].push(elapsed.as_nanos() as f64 / items);
                }
            }
            let ratios = |peer: usize| -> Vec<f64> {
                (per_item[0].iter().zip(&per_item[peer]))
                    .map(|(ours, theirs)| ours / theirs)
                    .collect()
            };
            let (mut to_tokio, mut to_smol) = (ratios(1), ratios(2));
            let medians: Vec<f64> = per_item.iter_mut().map(|v| median(v)).collect();
            println!(
                "{:16} {:>8} {:>10} {:>10} {:>10} {:>19} {:>19}",
                scenario.name,
                n,
                format!("{:.0} ns", medians[0]),
                format!("{:.0} ns", medians[1]),
                format!("{:.0} ns", medians[2]),
                ratio_summary(&mut to_tokio),
                ratio_summary(&mut to_smol),
            );
            per_item_medians.push(medians);
        }
        let growth: Vec<f64> = (0..samples.len())
            .map(|r| per_item_medians[SIZES.len() - 1][r] / per_item_medians[0][r])
            .collect();
        let verdict = if growth[0] <= MAX_GROWTH {
            "ok"
        } else {
            failures.push(scenario.name);
            "TOO MUCH"
        };
        println!(
            "{:16} growth of the cost per item, 1,000 to 100,000: aio {:.2}x ({verdict}, limit \
             {MAX_GROWTH}x), tokio {:.2}x, smol {:.2}x",
            "", growth[0], growth[1], growth[2]
        );
    }
    let (others, own) = meter.finish();
    match others {
        Some(others) => println!(
            "during the run: other processes kept {others:.2} cores busy on average; \
             this one used {own:.2}"
        ),
        None => println!("during the run: this process used {own:.2} cores on average"),
    }
    println!("after: {}", crate::machine::loadavg());
    if !failures.is_empty() {
        eprintln!(
            "cost per item grew more than {MAX_GROWTH}x: {}",
            failures.join(", ")
        );
        std::process::exit(1);
    }
}
