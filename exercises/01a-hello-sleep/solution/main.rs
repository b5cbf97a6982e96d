//! Exercise 01a, solved: `aio::sleep(..).await` suspends the countdown and gives the loop back,
//! which sleeps in the kernel until the timer is due (or, in virtual time, jumps to it).

use std::time::{Duration, Instant};

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

async fn countdown() {
    let start = aio::now();
    for n in [3, 2, 1] {
        println!("{} {n}", at(start));
        aio::sleep(Duration::from_millis(500)).await;
    }
    println!("{} liftoff!", at(start));
}

fn main() {
    USAGE.parse().finish();
    aio::run(countdown());
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
