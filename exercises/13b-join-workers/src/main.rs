//! Exercise 13b: workers are stopped when the queue is drained, not after a guess.
//!
//! Three workers make thumbnails of eight photos taken from a queue. The workers loop for
//! ever, so the program cannot await them; instead it sleeps for one second, "surely enough",
//! and says it is done. It is not: two photos never print `done`, because when the program
//! returns, `aio::run` cancels the workers half-way through them. With other photos the guess
//! would be too long instead; it is never exactly right.
//!
//! Goal: wait exactly until every photo is done, then stop the workers: each worker calls
//! `queue.task_done()` once a photo is finished, `queue.join().await` waits until every photo
//! put was marked done, and then the program cancels the workers, which are waiting for a
//! photo that will never come. Print exactly `expected.txt`. `cargo course check 13b` runs it
//! in virtual time and checks the output, the loop time (1.3 s) and, from the loop's trace,
//! that no task was left running when `aio::run` returned. Stuck? `cargo course hint 13b`;
//! read lesson 13 (`cargo run -p lesson-13`).

use std::time::{Duration, Instant};

use aio::sync::Queue;

/// How long each photo takes, in tenths of a second: photo n takes `PHOTOS[n]`.
const PHOTOS: [u64; 8] = [4, 6, 3, 5, 2, 4, 3, 5];
/// How many workers.
const WORKERS: usize = 3;

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// Makes thumbnails for ever: takes a photo, works on it, takes the next.
async fn worker(name: String, queue: Queue<usize>, start: Instant) {
    loop {
        let photo = queue.get().await; // Waits while the queue is empty.
        aio::sleep(Duration::from_millis(100 * PHOTOS[photo])).await; // The work.
        println!("{} {name}: photo {photo} done", at(start));
    }
}

async fn thumbnails() {
    let start = aio::now();
    let queue = Queue::unbounded();
    for i in 0..WORKERS {
        aio::spawn(worker(format!("worker-{i}"), queue.clone(), start));
    }
    for photo in 0..PHOTOS.len() {
        queue.put(photo).await;
    }
    aio::sleep(Duration::from_secs(1)).await; // Surely enough for eight photos?
    println!("{} all photos done", at(start));
}

fn main() {
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    aio::run(thumbnails());
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
