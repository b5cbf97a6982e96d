//! The three runtimes behind one small interface, so that every scenario is written once.
//!
//! Each runs single-threaded on the calling thread: `aio` as always, tokio with its
//! `current_thread` scheduler, smol as a `LocalExecutor` driven by `async_io::block_on`.
//! Futures are `Send` only because tokio's `spawn` asks for it; none of them moves thread.
//!
//! The echo server is the one piece written three times, once per runtime's own sockets,
//! line for line alike: bind, accept one connection, read up to 4096 bytes, write them all
//! back, until end of file.

use std::cell::RefCell;
use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::rc::Rc;
use std::time::{Duration, Instant};

use async_executor::LocalExecutor;

/// Where the echo servers listen: the loopback interface, a port the OS chooses.
const ECHO_ADDR: (Ipv4Addr, u16) = (Ipv4Addr::LOCALHOST, 0);
/// The echo servers' read buffer.
const ECHO_BUF: usize = 4096;

pub trait Runtime {
    /// The name printed in the table.
    const NAME: &'static str;
    /// What `spawn` returns.
    type Handle<T: Send + 'static>;

    /// Builds a fresh runtime, runs `future` on it, and tears the runtime down.
    fn block_on<F: Future>(future: F) -> F::Output;
    /// Like `block_on`, with the runtime's sockets enabled (tokio's I/O driver is off in
    /// `block_on`, so that the other scenarios park tokio as they always did).
    fn block_on_net<F: Future>(future: F) -> F::Output {
        Self::block_on(future)
    }
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
    /// Binds a TCP listener on 127.0.0.1 (port 0), calls `bound` with its address, accepts
    /// one connection and echoes what it reads until end of file. Returns the bytes echoed.
    fn echo_server(bound: impl FnOnce(SocketAddr)) -> impl Future<Output = io::Result<u64>>;
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

    async fn echo_server(bound: impl FnOnce(SocketAddr)) -> io::Result<u64> {
        let listener = aio::TcpListener::bind(ECHO_ADDR)?;
        bound(listener.local_addr()?);
        let (stream, _) = listener.accept().await?; // TCP_NODELAY is aio's default.
        echo_until_eof(stream).await
    }
}

/// tokio's single-threaded scheduler, with its timer enabled; `TokioRt<true>` with its I/O
/// driver too, in every scenario. Without the I/O driver an idle tokio parks on a condition
/// variable and a yield costs no system call; with it, tokio polls epoll as it goes (a yield
/// then costs an `epoll_wait`), which is how a program that uses sockets runs. `echo` needs
/// sockets, so both run it with the I/O driver.
pub struct TokioRt<const IO: bool>;
/// tokio without its I/O driver (except in `echo`).
pub type Tokio = TokioRt<false>;
/// tokio with its I/O driver in every scenario.
pub type TokioIo = TokioRt<true>;

impl<const IO: bool> Runtime for TokioRt<IO> {
    const NAME: &'static str = if IO { "tokio+io" } else { "tokio" };
    type Handle<T: Send + 'static> = tokio::task::JoinHandle<T>;

    fn block_on<F: Future>(future: F) -> F::Output {
        if IO {
            return Self::block_on_net(future);
        }
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

    fn block_on_net<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .enable_io()
            .build()
            .expect("tokio runtime")
            .block_on(future)
    }

    async fn echo_server(bound: impl FnOnce(SocketAddr)) -> io::Result<u64> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind(ECHO_ADDR).await?;
        bound(listener.local_addr()?);
        let (mut stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        let mut buf = [0; ECHO_BUF];
        let mut echoed = 0;
        loop {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                return Ok(echoed);
            }
            stream.write_all(&buf[..n]).await?;
            echoed += n as u64;
        }
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

    async fn echo_server(bound: impl FnOnce(SocketAddr)) -> io::Result<u64> {
        let listener = async_io::Async::<std::net::TcpListener>::bind(ECHO_ADDR)?;
        bound(listener.get_ref().local_addr()?);
        let (stream, _) = listener.accept().await?;
        stream.get_ref().set_nodelay(true)?;
        echo_until_eof(stream).await
    }
}

/// The echo of aio and smol, whose streams share the `futures` I/O traits: write back what
/// was read, until end of file; returns how many bytes were echoed. (tokio's streams have
/// traits of their own; its copy of this loop is in `Tokio::echo_server`.)
async fn echo_until_eof<S>(mut stream: S) -> io::Result<u64>
where
    S: futures::io::AsyncRead + futures::io::AsyncWrite + Unpin,
{
    use futures::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = [0; ECHO_BUF];
    let mut echoed = 0;
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(echoed);
        }
        stream.write_all(&buf[..n]).await?;
        echoed += n as u64;
    }
}
