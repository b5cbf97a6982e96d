//! The three runtimes behind one small interface, so that every scenario is written once.
//!
//! Each runs single-threaded on the calling thread: `aio` as always, tokio with its
//! `current_thread` scheduler, smol as a `LocalExecutor` driven by `async_io::block_on`.
//! Futures are `Send` only because tokio's `spawn` asks for it; none of them moves thread.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::time::{Duration, Instant};

use async_executor::LocalExecutor;

pub trait Runtime {
    /// The name printed in the table.
    const NAME: &'static str;
    /// What `spawn` returns.
    type Handle<T: Send + 'static>;

    /// Builds a fresh runtime, runs `future` on it, and tears the runtime down.
    fn block_on<F: Future>(future: F) -> F::Output;
    fn spawn<F>(future: F) -> Self::Handle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;
    /// Awaits a spawned task's output.
    fn join<T: Send + 'static>(handle: Self::Handle<T>) -> impl Future<Output = T>;
    /// Lets the task run on without its handle.
    fn detach<T: Send + 'static>(handle: Self::Handle<T>);
    fn yield_now() -> impl Future<Output = ()> + Send;
    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send;
    fn sleep_until(deadline: Instant) -> impl Future<Output = ()> + Send;
    /// Runs `f` on the runtime's blocking thread pool and awaits its result.
    fn unblock<T: Send + 'static>(
        f: impl FnOnce() -> T + Send + 'static,
    ) -> impl Future<Output = T> + Send;
}

/// Our runtime, in real time (whatever `AIO_CLOCK` says).
pub struct Aio;

impl Runtime for Aio {
    const NAME: &'static str = "aio";
    type Handle<T: Send + 'static> = aio::Task<T>;

    fn block_on<F: Future>(future: F) -> F::Output {
        aio::Builder::new().run(future)
    }

    fn spawn<F>(future: F) -> aio::Task<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        aio::spawn(future)
    }

    async fn join<T: Send + 'static>(handle: aio::Task<T>) -> T {
        handle.await.expect("task failed")
    }

    fn detach<T: Send + 'static>(handle: aio::Task<T>) {
        drop(handle); // An aio task runs on without its handle.
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        aio::yield_now()
    }

    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send {
        aio::sleep(duration)
    }

    fn sleep_until(deadline: Instant) -> impl Future<Output = ()> + Send {
        aio::sleep_until(deadline) // In real time, aio's clock is `Instant::now()`.
    }

    fn unblock<T: Send + 'static>(
        f: impl FnOnce() -> T + Send + 'static,
    ) -> impl Future<Output = T> + Send {
        aio::run_in_executor(f)
    }
}

/// tokio's single-threaded scheduler, with its timer enabled.
pub struct Tokio;

impl Runtime for Tokio {
    const NAME: &'static str = "tokio";
    type Handle<T: Send + 'static> = tokio::task::JoinHandle<T>;

    fn block_on<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("tokio runtime")
            .block_on(future)
    }

    fn spawn<F>(future: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        tokio::spawn(future)
    }

    async fn join<T: Send + 'static>(handle: tokio::task::JoinHandle<T>) -> T {
        handle.await.expect("task failed")
    }

    fn detach<T: Send + 'static>(handle: tokio::task::JoinHandle<T>) {
        drop(handle); // Dropping a JoinHandle detaches the task.
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        tokio::task::yield_now()
    }

    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send {
        tokio::time::sleep(duration)
    }

    fn sleep_until(deadline: Instant) -> impl Future<Output = ()> + Send {
        tokio::time::sleep_until(deadline.into())
    }

    async fn unblock<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        tokio::task::spawn_blocking(f).await.expect("job failed")
    }
}

/// smol's building blocks: a `LocalExecutor` run by `async_io::block_on`, `async_io::Timer`.
pub struct Smol;

thread_local! {
    /// The executor of the running `Smol::block_on`, for `Smol::spawn`.
    static EXECUTOR: RefCell<Option<Rc<LocalExecutor<'static>>>> = const { RefCell::new(None) };
}

impl Runtime for Smol {
    const NAME: &'static str = "smol";
    type Handle<T: Send + 'static> = async_executor::Task<T>;

    fn block_on<F: Future>(future: F) -> F::Output {
        let executor = Rc::new(LocalExecutor::new());
        EXECUTOR.with(|slot| *slot.borrow_mut() = Some(executor.clone()));
        let output = async_io::block_on(executor.run(future));
        EXECUTOR.with(|slot| slot.borrow_mut().take());
        output
    }

    fn spawn<F>(future: F) -> async_executor::Task<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        EXECUTOR.with(|slot| {
            slot.borrow()
                .as_ref()
                .expect("Smol::spawn outside Smol::block_on")
                .spawn(future)
        })
    }

    async fn join<T: Send + 'static>(handle: async_executor::Task<T>) -> T {
        handle.await
    }

    fn detach<T: Send + 'static>(handle: async_executor::Task<T>) {
        handle.detach(); // Dropping a smol Task would cancel it.
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        futures_lite::future::yield_now()
    }

    async fn sleep(duration: Duration) {
        async_io::Timer::after(duration).await;
    }

    async fn sleep_until(deadline: Instant) {
        async_io::Timer::at(deadline).await;
    }

    fn unblock<T: Send + 'static>(
        f: impl FnOnce() -> T + Send + 'static,
    ) -> impl Future<Output = T> + Send {
        blocking::unblock(f)
    }
}
