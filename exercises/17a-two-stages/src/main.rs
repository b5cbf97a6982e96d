//! Exercise 17a: two stages that work at the same time, joined by a queue.
//!
//! A program copies six lines from a slow source (0.2 s to read a line) to a slow sink (0.5 s
//! to write one). It reads every line first, then writes them all: while it reads, the sink
//! is idle, and while it writes, the source is. 1.2 s + 3.0 s = 4.2 s.
//!
//! Goal: make it a pipeline, as in lesson 17. A reader task reads the lines and puts each in
//! an `aio::sync::Queue` of 2 as soon as it has it, then a sentinel that says there is no
//! more; a writer task takes them out and writes them, until the sentinel. The writer starts
//! on line 0 while line 1 is being read, and the copy takes as long as the first read and the
//! six writes: 3.2 s. Print exactly `expected.txt`. `cargo course check 17a` runs it in
//! virtual time and checks the output, the loop time and, from the loop's trace, that the two
//! stages ran as tasks at the same time. Stuck? `cargo course hint 17a`; read lesson 17
//! (`cargo run -p lesson-17`).

use std::time::{Duration, Instant};

/// How many lines to copy.
const LINES: usize = 6;

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// Reads line `n` from the slow source: 0.2 s.
async fn read_line(start: Instant, n: usize) -> String {
    aio::sleep(Duration::from_millis(200)).await;
    println!("{} read  line {n}", at(start));
    format!("line {n}")
}

/// Writes `line` to the slow sink: 0.5 s.
async fn write_line(start: Instant, line: String) {
    aio::sleep(Duration::from_millis(500)).await;
    println!("{} wrote {line}", at(start));
}

async fn copy() {
    let start = aio::now();
    let mut lines = Vec::new();
    for n in 0..LINES {
        lines.push(read_line(start, n).await);
    }
    for line in lines {
        write_line(start, line).await;
    }
    println!("{} copied {LINES} lines", at(start));
}

fn main() {
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    aio::run(copy());
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
