//! Exercise 06b, solved: spawn the checks and `aio::wait` for all of them. `done` holds every
//! finished task, failures included, in the order given; each still holds its outcome, two
//! layers of it: did the task run to its end, and what did the check return?
//! (`aio::gather(checks)` would do too: its outputs are the checks' `Result`s, every one kept.)

use std::time::{Duration, Instant};

use aio::ReturnWhen;

/// "[0.3s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

async fn check(service: &'static str, ms: u64) -> Result<String, String> {
    aio::sleep(Duration::from_millis(ms)).await;
    if service == "cache" {
        return Err(format!("{service}: connection refused"));
    }
    Ok(format!("{service} is up"))
}

async fn status_page() {
    let start = aio::now();
    let services = [("database", 100), ("cache", 200), ("search", 300)];
    let checks = services.map(|(service, ms)| aio::spawn(check(service, ms)));
    let (done, _pending) = aio::wait(checks, ReturnWhen::AllCompleted).await;
    let mut up = 0;
    for task in done {
        match task.await {
            Ok(Ok(report)) => {
                up += 1;
                println!("{} ok:     {report}", at(start));
            }
            Ok(Err(error)) => println!("{} failed: {error}", at(start)),
            Err(task_error) => println!("{} crashed: {task_error}", at(start)),
        }
    }
    println!("{} {up} of 3 services up", at(start));
}

fn main() {
    USAGE.parse().finish();
    aio::run(status_page());
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
