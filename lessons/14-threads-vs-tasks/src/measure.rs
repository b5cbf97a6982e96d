//! How lesson 14 measures: thread counts from the kernel, and timings for `--verbose`.

use std::collections::HashSet;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use crate::{cpu_in_a_row, Results};

/// How many threads the process has now, as the kernel counts them (Linux: /proc).
pub fn os_threads() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Threads:"))?;
    line["Threads:".len()..].trim().parse().ok()
}

/// A thread count for printing.
pub fn show_threads(count: Option<usize>) -> String {
    count.map_or("not measured on this system".into(), |n| n.to_string())
}

/// How many different threads did the jobs.
pub fn distinct_threads(results: &[(usize, ThreadId)]) -> usize {
    results
        .iter()
        .map(|(_, id)| *id)
        .collect::<HashSet<_>>()
        .len()
}

/// How long the jobs take in a row and with `f`: the best of five runs of each, taken in turns
/// so that a busy moment on the machine does not favour either.
pub fn time_against_in_a_row(f: fn() -> Results) -> (Duration, Duration) {
    let time = |f: fn() -> Results| {
        let start = Instant::now();
        f();
        start.elapsed()
    };
    let (mut in_a_row, mut took) = (Duration::MAX, Duration::MAX);
    for _ in 0..5 {
        in_a_row = in_a_row.min(time(cpu_in_a_row));
        took = took.min(time(f));
    }
    (in_a_row, took)
}
