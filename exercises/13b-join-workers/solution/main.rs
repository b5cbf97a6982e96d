//! Exercise 13b, solved: each worker calls `task_done` after the work (not after `get`), so
//! `join` returns when the last photo is finished, at 1.3 s. Then the workers, all waiting in
//! `get`, are cancelled, and awaited to see them stop.

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
        queue.task_done(); // Once per photo got, after the work.
    }
}

async fn thumbnails() {
    let start = aio::now();
    let queue = Queue::unbounded();
    let workers: Vec<_> = (0..WORKERS)
        .map(|i| aio::spawn(worker(format!("worker-{i}"), queue.clone(), start)))
        .collect();
    for photo in 0..PHOTOS.len() {
        queue.put(photo).await;
    }
    queue.join().await; // Every photo put was marked done.
    println!("{} all photos done", at(start));
    for worker in &workers {
        worker.cancel(); // Each waits in get() for a photo that will never come.
    }
    let stopped = aio::gather(workers).await.len();
    println!("{} {stopped} workers stopped", at(start));
}

fn main() {
    USAGE.parse().finish();
    aio::run(thumbnails());
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
