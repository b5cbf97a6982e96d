//! Exercise 08c: a cancelled download still closes its connection.
//!
//! Two downloads each open a connection from a small pool, and close it when they are done.
//! The user stops the long one at 2 s, and `cancel()` drops its future at the `.await` where it
//! waits. The code after that `.await` never runs, and that is where `close()` is: the
//! connection is never closed, and the pool ends with one connection open (a leak).
//!
//! Goal: close the connection however the download ends, finished or cancelled, by making the
//! closing a `Drop` (Rust's `finally`), so that the cancelled download's connection closes at
//! 2.0 s and the pool ends with 0 open; print exactly `expected.txt`. `cargo course check 08c`
//! runs it in virtual time and checks the output, that every connection was closed, and from
//! the loop's trace that the download was cancelled. Stuck? `cargo course hint 08c`; read
//! lesson 08 (`cargo run -p lesson-08`).

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

    /// Gives the connection back to the pool.
    fn close(self) {
        self.pool.open.set(self.pool.open.get() - 1);
        println!("{} {}: connection closed", at(self.start), self.name);
    }
}

/// Downloads a file: `seconds` of network on one connection. Returns its size in bytes.
async fn download(name: &'static str, seconds: u64, start: Instant, pool: Rc<Pool>) -> usize {
    let connection = Connection::open(name, start, pool);
    aio::sleep(Duration::from_secs(seconds)).await;
    connection.close();
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
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    aio::run(downloads());
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
