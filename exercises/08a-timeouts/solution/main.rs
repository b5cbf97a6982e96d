//! Exercise 08a, solved: on expiry, `report.cancel()` drops the task's future at once, at the
//! `.await` where it waits; dropping it drops the connection, which closes.

use std::time::{Duration, Instant};

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

struct Connection {
    start: Instant,
}

impl Connection {
    fn open(start: Instant) -> Connection {
        println!("{} report: connection open", at(start));
        Connection { start }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        println!("{} report: connection closed", at(self.start));
    }
}

async fn build_report(start: Instant) -> usize {
    let _connection = Connection::open(start);
    aio::sleep(Duration::from_secs(5)).await;
    12
}

async fn dashboard() {
    let start = aio::now();
    let mut report = aio::spawn(build_report(start));
    match aio::timeout(Duration::from_secs(1), &mut report).await {
        Ok(pages) => println!("{} dashboard: {} pages", at(start), pages.unwrap()),
        Err(_) => {
            report.cancel();
            println!("{} dashboard: no report, too slow", at(start));
        }
    }
    aio::sleep(Duration::from_secs(2)).await;
    println!("{} dashboard: shown", at(start));
}

fn main() {
    USAGE.parse().finish();
    aio::run(dashboard());
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
