//! The scenarios. Each is written once, for any [`Runtime`], and returns its metrics.
//!
//! Every scenario builds a fresh runtime, warms up what is set up lazily (the timer, the first
//! task), and measures inside the runtime, so building and tearing it down is not counted.

use std::hint::black_box;
use std::net::SocketAddr;
use std::pin::Pin;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::task::{Context, Poll};
use std::thread;
use std::time::{Duration, Instant};

use futures::task::AtomicWaker;

use crate::client;
use crate::counting;
use crate::machine::process_cpu;
use crate::runtimes::Runtime;

/// What a metric counts, which decides how it is printed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unit {
    Nanos,
    Micros,
    Millis,
    Count,
    Bytes,
}

/// One figure from one run of a scenario on one runtime.
#[derive(Debug, Clone)]
pub struct Metric {
    pub name: &'static str,
    pub unit: Unit,
    pub value: f64,
}

fn metric(name: &'static str, unit: Unit, value: f64) -> Metric {
    Metric { name, unit, value }
}

fn nanos_per(elapsed: Duration, ops: usize) -> f64 {
    elapsed.as_nanos() as f64 / ops as f64
}

/// The scenarios, by the name given on the command line, with a line on what each measures.
pub const SCENARIOS: &[(&str, &str)] = &[
    (
        "spawn",
        "10,000 tasks spawned, then awaited; then 10,000 one at a time",
    ),
    (
        "yield",
        "two tasks yield 100,000 times each: one task switch per yield",
    ),
    (
        "pingpong",
        "two tasks wake each other in turn, 100,000 round trips",
    ),
    (
        "timers",
        "10,000 tasks sleep 1..10 ms at once; the longest timer is 10 ms",
    ),
    (
        "wake",
        "a parked loop woken from another thread, 2,000 round trips",
    ),
    (
        "memory",
        "100,000 tasks asleep for an hour: memory asked for and resident, per task",
    ),
    (
        "blocking",
        "a trivial job on the blocking pool, 2,000 times: submit to resume",
    ),
    (
        "echo",
        "a TCP echo server, a client process: 2,000 round trips of 64 bytes",
    ),
];

/// Round trips per repetition of `echo`, unless `--rounds` says otherwise.
pub const ECHO_ROUNDS: usize = 2_000;

/// Runs scenario `name` once on runtime `R`; `rounds` is the number of round trips `echo` makes.
pub fn run<R: Runtime>(name: &str, rounds: usize) -> Vec<Metric> {
    match name {
        "echo" => echo::<R>(rounds),
        "spawn" => spawn_await::<R>(),
        "yield" => yield_ping_pong::<R>(),
        "pingpong" => task_ping_pong::<R>(),
        "timers" => timers::<R>(),
        "wake" => wake_from_thread::<R>(),
        "memory" => sleeping_memory::<R>(),
        "blocking" => blocking_round_trip::<R>(),
        other => panic!("no scenario named {other:?}"),
    }
}

/// Spawn N tasks that finish at once, then await them in order.
fn spawn_await<R: Runtime>() -> Vec<Metric> {
    const N: usize = 10_000;
    R::block_on(async {
        R::join(R::spawn(async { 0 })).await; // Warm up: the first task may set things up.
        let mut handles = Vec::with_capacity(N);
        let started = Instant::now();
        let before = counting::snapshot();
        for i in 0..N {
            handles.push(R::spawn(async move { black_box(i) }));
        }
        let spawned = counting::snapshot();
        let mut sum = 0;
        for handle in handles.drain(..) {
            sum += R::join(handle).await;
        }
        let elapsed = started.elapsed();
        let after = counting::snapshot();
        assert_eq!(sum, N * (N - 1) / 2);

        // One at a time: the steady state of a program that keeps spawning short tasks.
        let one_started = Instant::now();
        let one_before = counting::snapshot();
        for i in 0..N {
            sum += R::join(R::spawn(async move { black_box(i) })).await;
        }
        let one_elapsed = one_started.elapsed();
        let one_after = counting::snapshot();
        black_box(sum);
        vec![
            metric("time per task", Unit::Nanos, nanos_per(elapsed, N)),
            metric(
                "allocations per spawn",
                Unit::Count,
                spawned.allocations_since(before) as f64 / N as f64,
            ),
            metric(
                "allocations per task, spawn to join",
                Unit::Count,
                after.allocations_since(before) as f64 / N as f64,
            ),
            metric(
                "one at a time: time per task",
                Unit::Nanos,
                nanos_per(one_elapsed, N),
            ),
            metric(
                "one at a time: allocations per task",
                Unit::Count,
                one_after.allocations_since(one_before) as f64 / N as f64,
            ),
        ]
    })
}

/// Two tasks yield in turn: each yield hands the loop to the other task.
fn yield_ping_pong<R: Runtime>() -> Vec<Metric> {
    const YIELDS: usize = 100_000;
    R::block_on(async {
        R::yield_now().await;
        let started = Instant::now();
        let before = counting::snapshot();
        let yielder = || async {
            for _ in 0..YIELDS {
                R::yield_now().await;
            }
        };
        let (a, b) = (R::spawn(yielder()), R::spawn(yielder()));
        R::join(a).await;
        R::join(b).await;
        let elapsed = started.elapsed();
        let after = counting::snapshot();
        vec![
            metric(
                "time per yield",
                Unit::Nanos,
                nanos_per(elapsed, 2 * YIELDS),
            ),
            metric(
                "allocations per yield",
                Unit::Count,
                after.allocations_since(before) as f64 / (2 * YIELDS) as f64,
            ),
        ]
    })
}

/// Two tasks hand a baton back and forth: each raises the other's signal (waking it) and
/// waits for its own. Every wake is made on the loop's own thread, by a task, for a task:
/// what a channel, a lock or an event between two tasks costs once the primitive itself is
/// taken away (the signal is the same code on every runtime).
fn task_ping_pong<R: Runtime>() -> Vec<Metric> {
    const ROUNDS: usize = 100_000;
    R::block_on(async {
        R::yield_now().await;
        let (ping, pong) = (Arc::new(Signal::default()), Arc::new(Signal::default()));
        let before = counting::snapshot();
        let started = Instant::now();
        let player = |mine: Arc<Signal>, theirs: Arc<Signal>, serve: bool| async move {
            for round in 0..ROUNDS {
                if serve || round > 0 {
                    theirs.raise();
                }
                Raised(&mine).await;
            }
            if !serve {
                theirs.raise(); // The last return.
            }
        };
        let a = R::spawn(player(ping.clone(), pong.clone(), true));
        let b = R::spawn(player(pong, ping, false));
        R::join(a).await;
        R::join(b).await;
        let elapsed = started.elapsed();
        let after = counting::snapshot();
        vec![
            metric("round trip", Unit::Nanos, nanos_per(elapsed, ROUNDS)),
            metric(
                "allocations per round trip",
                Unit::Count,
                after.allocations_since(before) as f64 / ROUNDS as f64,
            ),
        ]
    })
}

/// N concurrent sleeps of 1 to 10 ms, all counted from the same start. The loop should take
/// about 10 ms in all and spend little CPU: it sleeps in the kernel between deadlines.
fn timers<R: Runtime>() -> Vec<Metric> {
    const N: usize = 10_000;
    R::block_on(async {
        R::sleep(Duration::from_millis(1)).await; // Warm up the timer.
        let mut handles = Vec::with_capacity(N);
        let started = Instant::now();
        let cpu = process_cpu();
        let before = counting::snapshot();
        for i in 0..N {
            // Deadlines count from `started`, so the time spawning takes is not added on.
            let deadline = started + Duration::from_millis(1 + (i % 10) as u64);
            handles.push(R::spawn(async move {
                R::sleep_until(deadline).await;
            }));
        }
        for handle in handles.drain(..) {
            R::join(handle).await;
        }
        let wall = started.elapsed();
        let cpu = process_cpu() - cpu;
        let after = counting::snapshot();
        vec![
            metric(
                "wall time (longest timer 10 ms)",
                Unit::Millis,
                wall.as_secs_f64() * 1e3,
            ),
            metric("CPU time", Unit::Millis, cpu.as_secs_f64() * 1e3),
            metric("CPU per sleeping task", Unit::Nanos, nanos_per(cpu, N)),
            metric(
                "allocations per sleeping task",
                Unit::Count,
                after.allocations_since(before) as f64 / N as f64,
            ),
        ]
    })
}

/// A flag set by another thread, and the waker it calls.
#[derive(Default)]
struct Signal {
    raised: AtomicBool,
    waker: AtomicWaker,
}

impl Signal {
    /// Raises the flag and wakes whoever waits for it.
    fn raise(&self) {
        self.raised.store(true, Ordering::Release);
        self.waker.wake();
    }
}

/// Completes once the signal is raised, and lowers it again.
struct Raised<'a>(&'a Signal);

impl std::future::Future for Raised<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // Register first, then look: a raise between the two still wakes us.
        self.0.waker.register(cx.waker());
        if self.0.raised.swap(false, Ordering::Acquire) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// A task asks a helper thread (through a std channel) to wake it, and waits. The loop has
/// nothing else to do, so it parks in its poller; the wake must interrupt it. The time is
/// the whole round trip: loop to thread (the same for every runtime) and thread to loop.
fn wake_from_thread<R: Runtime>() -> Vec<Metric> {
    const ROUNDS: usize = 2_000;
    const WARM_UP: usize = 20;
    let signal = Arc::new(Signal::default());
    let (ping, pings) = mpsc::channel::<()>();
    let helper = {
        let signal = signal.clone();
        thread::spawn(move || {
            for () in pings {
                signal.raise();
            }
        })
    };
    let elapsed = R::block_on(async {
        let task = R::spawn(async move {
            let mut started = Instant::now();
            for round in 0..WARM_UP + ROUNDS {
                if round == WARM_UP {
                    started = Instant::now();
                }
                ping.send(()).expect("helper thread");
                Raised(&signal).await;
            }
            started.elapsed()
        });
        R::join(task).await
    });
    helper.join().expect("helper thread");
    vec![metric(
        "round trip",
        Unit::Micros,
        nanos_per(elapsed, ROUNDS) / 1e3,
    )]
}

/// N tasks asleep on long timers: what each costs in memory while it waits, as bytes asked of
/// the allocator (and not freed) and as growth of the process's resident memory, which adds
/// what the allocator keeps around those bytes.
fn sleeping_memory<R: Runtime>() -> Vec<Metric> {
    const N: usize = 100_000;
    R::block_on(async {
        R::sleep(Duration::from_millis(1)).await; // Warm up the timer.
        let before = counting::snapshot();
        let resident = resident_bytes();
        for _ in 0..N {
            R::detach(R::spawn(async {
                R::sleep(Duration::from_secs(3600)).await;
            }));
        }
        // Let every task run up to its sleep (and register its timer).
        R::sleep(Duration::from_millis(50)).await;
        let after = counting::snapshot();
        let grown = resident_bytes()
            .zip(resident)
            .map(|(a, b)| a as f64 - b as f64);
        vec![
            metric(
                "bytes per sleeping task",
                Unit::Bytes,
                after.bytes_since(before) as f64 / N as f64,
            ),
            metric(
                "resident growth per sleeping task",
                Unit::Bytes,
                grown.unwrap_or(f64::NAN) / N as f64,
            ),
            metric(
                "allocations per sleeping task",
                Unit::Count,
                after.allocations_since(before) as f64 / N as f64,
            ),
        ]
    })
}

/// Runs `scenario` on `runtime` in a new process (this binary, `--child RUNTIME SCENARIO`) and
/// reads back its metrics.
pub fn run_in_child(runtime: &str, scenario: &str) -> Vec<Metric> {
    let exe = std::env::current_exe().expect("the benchmark's own path");
    let output = Command::new(exe)
        .args(["--child", runtime, scenario])
        .stderr(Stdio::inherit())
        .output()
        .expect("start the benchmark again");
    assert!(output.status.success(), "{scenario} on {runtime} failed");
    let text = String::from_utf8(output.stdout).expect("metrics are text");
    // The names and units come from this process's own list, in the same order.
    let names = match scenario {
        "memory" => MEMORY_METRICS,
        other => panic!("{other} does not run in a child process"),
    };
    (text.lines().zip(names))
        .map(|(line, &(name, unit))| {
            let value = line.rsplit('\t').next().and_then(|v| v.parse().ok());
            metric(name, unit, value.expect("a metric's value"))
        })
        .collect()
}

/// The metrics of `memory`, in order.
const MEMORY_METRICS: &[(&str, Unit)] = &[
    ("bytes per sleeping task", Unit::Bytes),
    ("resident growth per sleeping task", Unit::Bytes),
    ("allocations per sleeping task", Unit::Count),
];

/// The process's resident memory (`/proc/self/statm`, Linux), in bytes.
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * rustix::param::page_size() as u64)
}

/// A task hands a trivial job to the blocking pool and awaits it, over and over: the time from
/// submitting the job to the task running again with its result (a worker thread wakes up,
/// runs the job, and wakes the loop).
fn blocking_round_trip<R: Runtime>() -> Vec<Metric> {
    const ROUNDS: usize = 2_000;
    const WARM_UP: usize = 20; // The first job starts the worker thread.
    R::block_on(async {
        let task = R::spawn(async {
            let mut sum = 0;
            for round in 0..WARM_UP {
                sum += R::unblock(move || black_box(round)).await;
            }
            let started = Instant::now();
            let before = counting::snapshot();
            for round in 0..ROUNDS {
                sum += R::unblock(move || black_box(round)).await;
            }
            let elapsed = started.elapsed();
            let after = counting::snapshot();
            black_box(sum);
            (elapsed, after.allocations_since(before))
        });
        let (elapsed, allocations) = R::join(task).await;
        vec![
            metric(
                "submit to resume",
                Unit::Micros,
                nanos_per(elapsed, ROUNDS) / 1e3,
            ),
            metric(
                "allocations per job",
                Unit::Count,
                allocations as f64 / ROUNDS as f64,
            ),
        ]
    })
}

/// Starts the echo client: this same binary, as another process, talking to `addr`.
fn start_client(addr: SocketAddr, rounds: usize) -> Child {
    let exe = std::env::current_exe().expect("the benchmark's own path");
    Command::new(exe)
        .args(["--echo-client", &addr.to_string(), &rounds.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .expect("echo client process")
}

/// A TCP echo server on the runtime, a blocking client in another process making `rounds`
/// round trips of 64 bytes, one at a time. The client times the round trips; the server's
/// CPU time and allocations are counted from just after the client starts to end of file.
fn echo<R: Runtime>(rounds: usize) -> Vec<Metric> {
    let mut client = None;
    let (echoed, cpu, allocations) = R::block_on_net(async {
        let mut start = None;
        let echoed = R::echo_server(|addr| {
            client = Some(start_client(addr, rounds));
            start = Some((process_cpu(), counting::snapshot()));
        })
        .await
        .expect("echo server");
        let (cpu, before) = start.expect("the server bound");
        (
            echoed,
            process_cpu() - cpu,
            counting::snapshot().allocations_since(before),
        )
    });
    let output = client
        .expect("the client started")
        .wait_with_output()
        .expect("echo client process");
    assert!(output.status.success(), "the echo client failed");
    let nanos: f64 = String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("the echo client prints nanoseconds");
    let total = client::WARM_UP + rounds;
    assert_eq!(echoed, (total * client::MESSAGE) as u64);
    vec![
        metric("round trip", Unit::Micros, nanos / rounds as f64 / 1e3),
        metric(
            "server CPU per round trip",
            Unit::Micros,
            cpu.as_secs_f64() * 1e6 / total as f64,
        ),
        metric(
            "server allocations per round trip",
            Unit::Count,
            allocations as f64 / total as f64,
        ),
    ]
}
