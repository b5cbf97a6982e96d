//! System calls per round trip of `echo`, counted by the kernel (`perf stat`) or, where perf
//! cannot count, by `strace -c`.
//!
//! The benchmark starts itself twice per runtime, as `aio-bench --runtime R --reps 1 --rounds
//! N echo` with two round counts, under the counting tool; everything but the round trips
//! (starting the runtime and the client, binding, accepting) is the same in both runs, so the
//! difference divided by the extra round trips is what one round trip costs. Only the main
//! thread is counted (`perf stat --no-inherit`, `strace` without `-f`): the server runs there,
//! while the client is another process and tokio's and smol's helper threads are left out.
//! See README.md, "System calls per round trip in `echo`".

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};

/// The round counts of the two runs.
pub const FEW: usize = 2_000;
pub const MANY: usize = 12_000;

/// System calls an event loop may make per message, counted by name where the kernel has a
/// tracepoint for them; anything else shows as "other".
const NAMED: &[&str] = &[
    "recvfrom",
    "sendto",
    "recvmsg",
    "sendmsg",
    "read",
    "write",
    "readv",
    "writev",
    "epoll_wait",
    "epoll_pwait",
    "epoll_pwait2",
    "epoll_ctl",
    "poll",
    "ppoll",
    "timerfd_settime",
    "futex",
    "sched_yield",
];

/// Which tool counted.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Tool {
    Perf,
    Strace,
}

impl Tool {
    pub fn name(self) -> &'static str {
        match self {
            Tool::Perf => "perf stat",
            Tool::Strace => "strace -c",
        }
    }
}

/// The system calls of one round trip on one runtime.
#[derive(Debug)]
pub struct PerRoundTrip {
    pub tool: Tool,
    /// Every system call, named or not.
    pub total: f64,
    /// The named calls made at least once every twenty round trips, most frequent first; the
    /// rest of `total` is "other".
    pub by_name: Vec<(String, f64)>,
}

/// Counts the system calls per `echo` round trip of `runtime`. `Err` says why nothing could
/// count them.
pub fn per_round_trip(runtime: &str) -> Result<PerRoundTrip, String> {
    let perf = count_with_perf(runtime, FEW).and_then(|few| {
        let many = count_with_perf(runtime, MANY)?;
        Ok((few, many))
    });
    let (tool, (few, many)) = match perf {
        Ok(counts) => (Tool::Perf, counts),
        Err(perf_failed) => {
            let strace = count_with_strace(runtime, FEW).and_then(|few| {
                let many = count_with_strace(runtime, MANY)?;
                Ok((few, many))
            });
            match strace {
                Ok(counts) => (Tool::Strace, counts),
                Err(strace_failed) => {
                    return Err(format!("perf: {perf_failed}; strace: {strace_failed}"))
                }
            }
        }
    };
    let extra = (MANY - FEW) as f64;
    let per = |name: &str| {
        let grew = many.get(name).copied().unwrap_or(0) as f64
            - few.get(name).copied().unwrap_or(0) as f64;
        (grew / extra).max(0.0)
    };
    let total = per("total");
    let names: BTreeSet<&String> = few.keys().chain(many.keys()).collect();
    let mut by_name: Vec<(String, f64)> = names
        .into_iter()
        .filter(|name| *name != "total")
        .map(|name| (name.clone(), per(name)))
        .filter(|(_, n)| *n >= 0.05)
        .collect();
    // Most frequent first, as printed (to two places); equal ones by name.
    let printed = |n: f64| (n * 100.0).round() as i64;
    by_name.sort_by(|a, b| printed(b.1).cmp(&printed(a.1)).then(a.0.cmp(&b.0)));
    Ok(PerRoundTrip {
        tool,
        total,
        by_name,
    })
}

/// The benchmark running `echo` once on `runtime`, as a command for a counting tool to start.
fn echo_args(runtime: &str, rounds: usize) -> Vec<String> {
    let exe = std::env::current_exe().expect("the benchmark's own path");
    vec![
        exe.display().to_string(),
        "--runtime".into(),
        runtime.into(),
        "--reps".into(),
        "1".into(),
        "--rounds".into(),
        rounds.to_string(),
        "echo".into(),
    ]
}

/// The named system calls this kernel has a tracepoint for.
fn tracepoints() -> Vec<&'static str> {
    let dirs = [
        "/sys/kernel/tracing/events/syscalls",
        "/sys/kernel/debug/tracing/events/syscalls",
    ];
    let Some(dir) = dirs.iter().map(Path::new).find(|d| d.is_dir()) else {
        return Vec::new(); // perf can still count them all through raw_syscalls.
    };
    NAMED
        .iter()
        .copied()
        .filter(|name| dir.join(format!("sys_enter_{name}")).is_dir())
        .collect()
}

/// `perf stat` counts, by system call name, and `total`.
fn count_with_perf(runtime: &str, rounds: usize) -> Result<BTreeMap<String, u64>, String> {
    let named = tracepoints();
    let mut events = vec!["raw_syscalls:sys_enter".to_string()];
    events.extend(
        named
            .iter()
            .map(|name| format!("syscalls:sys_enter_{name}")),
    );
    let report = std::env::temp_dir().join(format!("aio-bench-perf-{}.csv", std::process::id()));
    let status = Command::new("perf")
        .args(["stat", "--no-inherit", "-x", ",", "-o"])
        .arg(&report)
        .arg("-e")
        .arg(events.join(","))
        .arg("--")
        .args(echo_args(runtime, rounds))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot start perf ({e})"))?;
    let text = std::fs::read_to_string(&report).unwrap_or_default();
    let _ = std::fs::remove_file(&report);
    if !status.success() {
        return Err(format!("perf stat exited with {status}"));
    }
    let mut counts = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        // count,unit,event,...: "<not supported>" or "<not counted>" where it could not count.
        let fields: Vec<&str> = line.split(',').collect();
        let (Some(count), Some(event)) = (fields.first(), fields.get(2)) else {
            continue;
        };
        let count: u64 = count
            .parse()
            .map_err(|_| format!("perf could not count {event}: {count}"))?;
        let name = match event.strip_prefix("syscalls:sys_enter_") {
            Some(name) => name.to_string(),
            None => "total".to_string(),
        };
        counts.insert(name, count);
    }
    if !counts.contains_key("total") {
        return Err("perf printed no count".into());
    }
    Ok(counts)
}

/// `strace -c` counts, by system call name, and `total`.
fn count_with_strace(runtime: &str, rounds: usize) -> Result<BTreeMap<String, u64>, String> {
    let report = std::env::temp_dir().join(format!("aio-bench-strace-{}.txt", std::process::id()));
    let status = Command::new("strace")
        .args(["-c", "-U", "name,calls", "-o"])
        .arg(&report)
        .args(echo_args(runtime, rounds))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot start strace ({e})"))?;
    let text = std::fs::read_to_string(&report).unwrap_or_default();
    let _ = std::fs::remove_file(&report);
    if !status.success() {
        return Err(format!("strace exited with {status}"));
    }
    // "name   calls" lines between the dashes, then "total   calls".
    let mut counts = BTreeMap::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        if let (Some(name), Some(calls), None) = (words.next(), words.next(), words.next()) {
            if let Ok(calls) = calls.parse::<u64>() {
                counts.insert(name.to_string(), calls);
            }
        }
    }
    if !counts.contains_key("total") {
        return Err("strace printed no total".into());
    }
    Ok(counts)
}
