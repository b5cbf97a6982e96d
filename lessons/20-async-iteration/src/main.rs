//! Lesson 20: async iteration.
//!
//! `cargo run -p lesson-20` iterates five streams, the way asyncio iterates with `async for`:
//! the lines a server sends, an interval timer that skips the ticks its consumer missed, a
//! queue's items up to a sentinel, a hand-written countdown, and ten downloads with at most
//! three at once (`buffer_unordered(3)`, next to lesson 12's semaphore). Times are read from
//! the loop's clock.

use std::cell::Cell;
use std::future::{ready, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use aio::sync::{Queue, Semaphore};
use futures::{stream, Stream, StreamExt};

/// Seconds since `start` on the loop's clock, to a tenth: "1.5s".
fn at(start: Instant) -> String {
    format!("{:.1}s", (aio::now() - start).as_secs_f64())
}

// ANCHOR: lines
/// `async for line in reader:` in asyncio. The server sends four lines in five pieces, the
/// last with no newline; the stream gives them back whole, and ends at the end of file.
async fn lines_from_a_server() {
    println!("== the lines of a connection ==");
    let server = aio::start_server("127.0.0.1:0", |_reader, writer| async move {
        for piece in ["GET /a\nGE", "T /b", "\nGET", " /c\n", "QUIT"] {
            writer.write(piece.as_bytes());
            aio::sleep(Duration::from_millis(100)).await;
        }
        writer.close(); // The end of file ends the client's stream.
    })
    .await
    .unwrap();
    let start = aio::now();
    let (mut reader, _writer) = aio::open_connection(server.local_addr()).await.unwrap();
    let mut lines = reader.lines();
    let mut count = 0;
    while let Some(line) = lines.next().await {
        let line = line.unwrap(); // An error would be a reset connection or a too-long line.
        count += 1;
        println!("{}  {:?}", at(start), String::from_utf8_lossy(&line));
    }
    println!("{}  end of file after {count} lines", at(start));
    server.close();
}
// ANCHOR_END: lines

// ANCHOR: interval
/// A tick every second; the work after each tick takes 0.3 s, except once, 2.5 s.
async fn ticks() {
    println!("== an interval timer ==");
    let work = [0.3, 0.3, 2.5, 0.3, 0.3].map(Duration::from_secs_f64);
    let start = aio::now();
    let mut interval = aio::interval(Duration::from_secs(1));
    for work in work {
        let due = interval.next().await.unwrap(); // An interval never ends.
        println!(
            "tick due at {:.1}s, taken at {}, then {:.1}s of work",
            (due - start).as_secs_f64(),
            at(start),
            work.as_secs_f64()
        );
        aio::sleep(work).await;
    }
    println!("{} ticks, {} skipped", work.len(), interval.missed());
}
// ANCHOR_END: interval

// ANCHOR: queue
/// A queue consumed as a stream, up to the producer's sentinel (`None`).
async fn queue_as_a_stream() {
    println!("== a queue as a stream ==");
    let queue: Queue<Option<&str>> = Queue::new(2);
    let producer = {
        let queue = queue.clone();
        aio::spawn(async move {
            for job in ["resize", "crop", "upload"] {
                aio::sleep(Duration::from_millis(500)).await;
                queue.put(Some(job)).await;
            }
            queue.put(None).await; // The sentinel: no more jobs.
        })
    };
    let start = aio::now();
    // The stream never ends by itself (a queue has no "closed"): stop at the sentinel.
    let mut jobs = queue.stream().take_while(|job| ready(job.is_some()));
    while let Some(job) = jobs.next().await {
        println!("{}  got {}", at(start), job.unwrap());
    }
    producer.await.unwrap();
    println!("{}  the sentinel ended the stream", at(start));
}
// ANCHOR_END: queue

// ANCHOR: countdown
/// A stream written by hand: `n`, `n - 1`, … `1`, a second apart.
///
/// It is a state machine. Between two polls it is in one of two states: ready to give the
/// next number (`sleep` is `None`), or waiting for the second between two numbers (`sleep`
/// holds that timer). `poll_next` moves it along, and returns `Pending` only when the timer
/// has registered the task to be woken.
struct Countdown {
    /// The next number to give; 0 once the countdown is over.
    next: u32,
    /// The wait before `next`, while there is one.
    sleep: Option<aio::Sleep>,
}

fn countdown(from: u32) -> Countdown {
    Countdown {
        next: from,
        sleep: None,
    }
}

impl Stream for Countdown {
    type Item = u32;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
        if let Some(sleep) = &mut self.sleep {
            // Waiting: `Pending` (and a wake when the second is up), or on we go.
            std::task::ready!(Pin::new(sleep).poll(cx));
            self.sleep = None;
        }
        if self.next == 0 {
            return Poll::Ready(None); // Over: the stream has ended.
        }
        let n = self.next;
        self.next -= 1;
        if self.next > 0 {
            // The next number comes a second after the consumer asks for it.
            self.sleep = Some(aio::sleep(Duration::from_secs(1)));
        }
        Poll::Ready(Some(n))
    }
}
// ANCHOR_END: countdown

async fn count_down() {
    println!("== a hand-written stream ==");
    let start = aio::now();
    // ANCHOR: countdown_use
    let mut numbers = countdown(3);
    while let Some(n) = numbers.next().await {
        println!("{}  {n}", at(start));
    }
    // ANCHOR_END: countdown_use
    println!("{}  liftoff", at(start));
}

/// How many downloads, how many at once, and how long each takes.
const JOBS: u32 = 10;
const LIMIT: usize = 3;
const DOWNLOAD: Duration = Duration::from_secs(1);

/// A download (a sleep stands in for the network) that counts how many run at once, into
/// `running` and the most ever into `peak`.
async fn download(n: u32, running: Rc<Cell<usize>>, peak: Rc<Cell<usize>>) -> u32 {
    running.set(running.get() + 1);
    peak.set(peak.get().max(running.get()));
    aio::sleep(DOWNLOAD).await;
    running.set(running.get() - 1);
    n
}

// ANCHOR: buffered
/// At most `LIMIT` downloads at once, with no task and no semaphore: `buffer_unordered`
/// polls up to `LIMIT` of the stream's futures at a time, and starts the next one as soon as
/// one finishes.
async fn with_buffer_unordered() {
    let (running, peak) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
    let start = aio::now();
    let done: Vec<u32> = stream::iter(0..JOBS)
        .map(|n| download(n, running.clone(), peak.clone()))
        .buffer_unordered(LIMIT)
        .collect()
        .await;
    println!(
        "buffer_unordered({LIMIT}): {} downloads in {}, at most {} at once",
        done.len(),
        at(start),
        peak.get()
    );
}
// ANCHOR_END: buffered

// ANCHOR: semaphore
/// The same limit as in lesson 12: a task per download, each holding a permit.
async fn with_a_semaphore() {
    let (running, peak) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
    let permits = Semaphore::new(LIMIT);
    let start = aio::now();
    let tasks: Vec<_> = (0..JOBS)
        .map(|n| {
            let (permits, running, peak) = (permits.clone(), running.clone(), peak.clone());
            aio::spawn(async move {
                let _permit = permits.acquire().await;
                download(n, running, peak).await
            })
        })
        .collect();
    let done = aio::try_gather(tasks).await.unwrap();
    println!(
        "Semaphore({LIMIT}):        {} downloads in {}, at most {} at once",
        done.len(),
        at(start),
        peak.get()
    );
}
// ANCHOR_END: semaphore

// ANCHOR: main
fn main() {
    USAGE.parse().finish(); // `--help` says what the lesson does; no other options
    aio::run(async {
        lines_from_a_server().await;
        ticks().await;
        queue_as_a_stream().await;
        count_down().await;
        println!(
            "== {JOBS} downloads of {:.1}s, {LIMIT} at once ==",
            DOWNLOAD.as_secs_f64()
        );
        with_buffer_unordered().await;
        with_a_semaphore().await;
    });
}
// ANCHOR_END: main

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
