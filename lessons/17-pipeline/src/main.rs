//! Lesson 17: a pipeline.
//!
//! `cargo run -p lesson-17` pushes eight lines through three stages, read -> transform ->
//! write, each a task, joined by bounded queues. It prints when each stage finished each line
//! (by the loop's clock), how long the upstream stages waited for room, and the pace of the
//! whole. Then it runs again with a faster last stage, and the pace moves to the next slowest.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use aio::sync::Queue;

/// How many lines go through.
const LINES: usize = 8;
/// How many items each queue between two stages holds.
const QUEUE_SIZE: usize = 2;

// ANCHOR: config
/// How long each stage spends on one item.
#[derive(Clone, Copy)]
struct Pace {
    read: Duration,
    transform: Duration,
    write: Duration,
}

/// What goes down a queue: an item, or the sentinel that says there will be no more.
enum Message {
    Item(String),
    End,
}
// ANCHOR_END: config

/// What the stages record, for the report.
struct Log {
    start: Instant,
    /// For each line, when read, transform and write finished it.
    done: Vec<[Duration; 3]>,
    /// How long read and transform waited, in all, for room in the queue after them.
    waited: [Duration; 2],
}

impl Log {
    fn finished(&mut self, line: usize, stage: usize) {
        if self.done.len() <= line {
            self.done.push([Duration::ZERO; 3]);
        }
        self.done[line][stage] = aio::now() - self.start;
    }
}

// ANCHOR: put
/// Puts `message` downstream, and adds how long that took (the backpressure) to `waited`.
async fn send(queue: &Queue<Message>, message: Message, log: &RefCell<Log>, stage: usize) {
    let before = aio::now();
    queue.put(message).await; // Waits while the next stage is behind.
    log.borrow_mut().waited[stage] += aio::now() - before;
}
// ANCHOR_END: put

// ANCHOR: stages
/// Stage 1: produces the lines, then the sentinel.
async fn read(out: Queue<Message>, pace: Pace, log: Rc<RefCell<Log>>) {
    for n in 0..LINES {
        aio::sleep(pace.read).await; // Reading a line from a slow source.
        log.borrow_mut().finished(n, 0);
        send(&out, Message::Item(format!("line {n}")), &log, 0).await;
    }
    send(&out, Message::End, &log, 0).await;
}

/// Stage 2: transforms each item; passes the sentinel on, then stops.
async fn transform(input: Queue<Message>, out: Queue<Message>, pace: Pace, log: Rc<RefCell<Log>>) {
    let mut n = 0;
    while let Message::Item(line) = input.get().await {
        aio::sleep(pace.transform).await; // The work.
        log.borrow_mut().finished(n, 1);
        send(&out, Message::Item(line.to_uppercase()), &log, 1).await;
        n += 1;
    }
    send(&out, Message::End, &log, 1).await;
}

/// Stage 3: writes each item; stops at the sentinel. Returns what it wrote.
async fn write(input: Queue<Message>, pace: Pace, log: Rc<RefCell<Log>>) -> Vec<String> {
    let mut written = Vec::new();
    while let Message::Item(line) = input.get().await {
        aio::sleep(pace.write).await; // Writing to a slow sink.
        log.borrow_mut().finished(written.len(), 2);
        written.push(line);
    }
    written
}
// ANCHOR_END: stages

// ANCHOR: run
/// Builds the pipeline, runs it to the end, and returns its log and what was written.
async fn pipeline(pace: Pace) -> (Log, Vec<String>) {
    let log = Rc::new(RefCell::new(Log {
        start: aio::now(),
        done: Vec::new(),
        waited: [Duration::ZERO; 2],
    }));
    let read_to_transform = Queue::new(QUEUE_SIZE);
    let transform_to_write = Queue::new(QUEUE_SIZE);

    let reader = aio::spawn(read(read_to_transform.clone(), pace, log.clone()));
    let transformer = aio::spawn(transform(
        read_to_transform,
        transform_to_write.clone(),
        pace,
        log.clone(),
    ));
    let writer = aio::spawn(write(transform_to_write, pace, log.clone()));

    // The sentinel shuts each stage down in turn: no task is left to cancel.
    reader.await.unwrap();
    transformer.await.unwrap();
    let written = writer.await.unwrap();
    let log = Rc::try_unwrap(log)
        .ok()
        .expect("the stages have ended")
        .into_inner();
    (log, written)
}
// ANCHOR_END: run

fn secs(d: Duration) -> String {
    format!("{:.2}s", d.as_secs_f64())
}

/// Prints the backpressure each upstream stage felt, the pace, and which stage set it.
fn summary(pace: Pace, log: &Log) {
    println!("read waited {} for room in all", secs(log.waited[0]));
    println!("transform waited {} for room in all", secs(log.waited[1]));
    let writes: Vec<Duration> = log.done.iter().map(|times| times[2]).collect();
    // Once the pipeline is full, one item leaves every `interval`.
    let interval = (writes[LINES - 1] - writes[LINES / 2]) / (LINES - 1 - LINES / 2) as u32;
    let stages = [
        ("read", pace.read),
        ("transform", pace.transform),
        ("write", pace.write),
    ];
    let (slowest, _) = stages.iter().max_by_key(|(_, d)| *d).unwrap();
    println!("done in {}", secs(writes[LINES - 1]));
    println!(
        "once full, one line every {} = the slowest stage ({slowest})",
        secs(interval)
    );
}

// ANCHOR: main
fn main() {
    USAGE.parse().finish(); // `--help` says what the lesson does; no other options
    let slow_disk = Pace {
        read: Duration::from_millis(50),
        transform: Duration::from_millis(100),
        write: Duration::from_millis(300),
    };
    let (log, written) = aio::run(pipeline(slow_disk));
    println!("read 0.05s, transform 0.10s, write 0.30s per line; queues hold {QUEUE_SIZE}");
    println!("line  read   transform  write");
    for (n, [read, transform, write]) in log.done.iter().enumerate() {
        println!(
            "{n:>4}  {}  {:>9}  {:>5}",
            secs(*read),
            secs(*transform),
            secs(*write)
        );
    }
    summary(slow_disk, &log);
    println!(
        "wrote {} lines, first {:?}, last {:?}",
        written.len(),
        written[0],
        written[LINES - 1]
    );

    // A faster disk: now the transform stage is the slowest, and it sets the pace.
    let fast_disk = Pace {
        write: Duration::from_millis(30),
        ..slow_disk
    };
    let (log, _) = aio::run(pipeline(fast_disk));
    println!();
    println!("write 0.03s instead:");
    summary(fast_disk, &log);
}
// ANCHOR_END: main

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
