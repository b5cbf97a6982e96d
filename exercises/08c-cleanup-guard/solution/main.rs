//! Exercise 08c, solved: the closing moves from `close(self)` into `impl Drop for Connection`,
//! and the download keeps its connection in a variable (`_connection`, not `_`, which would
//! drop it at once). Finished or cancelled, the future drops the variable, and it closes.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// How many connections are open: a server allows only so many per client.
#[derive(Default)]
struct Pool {
    open: Cell<usize>,
}

/// One connection of the pool.
struct Connection {
    name: &'static str,
    start: Instant,
    pool: Rc<Pool>,
}

impl Connection {
    fn open(name: &'static str, start: Instant, pool: Rc<Pool>) -> Connection {
        pool.open.set(pool.open.get() + 1);
        println!("{} {name}: connection open", at(start));
        Connection { name, start, pool }
    }
}

/// Gives the connection back to the pool when it is dropped: when the download returns, and
/// when it is cancelled at an `.await`.
impl Drop for Connection {
    fn drop(&mut self) {
        self.pool.open.set(self.pool.open.get() - 1);
        println!("{} {}: connection closed", at(self.start), self.name);
    }
}

/// Downloads a file: `seconds` of network on one connection. Returns its size in bytes.
async fn download(name: &'static str, seconds: u64, start: Instant, pool: Rc<Pool>) -> usize {
    let _connection = Connection::open(name, start, pool);
    aio::sleep(Duration::from_secs(seconds)).await;
    1000 * seconds as usize
}

async fn downloads() {
    let start = aio::now();
    let pool = Rc::new(Pool::default());
    let small = aio::spawn(download("small", 1, start, pool.clone()));
    let large = aio::spawn(download("large", 5, start, pool.clone()));
    let bytes = small.await.unwrap();
    println!("{} small: {bytes} bytes", at(start));
    aio::sleep(Duration::from_secs(1)).await;
    println!("{} the user stops large", at(start));
    large.cancel();
    if let Err(error) = large.await {
        println!("{} large: {error}", at(start));
    }
    println!("open connections at the end: {}", pool.open.get());
}

fn main() {
    USAGE.parse().finish();
    aio::run(downloads());
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
