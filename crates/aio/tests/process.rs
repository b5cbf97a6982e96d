//! Child processes on the loop (`aio::process`): pipes read and written through the reactor,
//! exit statuses, kill, early closes, virtual time, and what dropping a `Child` does.
//!
//! Every test runs in virtual time inside [`within_deadline`]: a child that hangs fails the
//! test after [`DEADLINE`] (real time: virtual time does not jump while a child runs) instead
//! of hanging it, and `kill_on_drop` kills the child then.

use std::future::Future;
use std::io;
use std::os::unix::process::ExitStatusExt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use aio::process::{Child, Command, Stdio};
use futures::StreamExt;

mod common;
use common::run_virtual as run;

/// The longest any test here may take, in real time.
const DEADLINE: Duration = Duration::from_secs(60);

/// Runs `future`, failing the test if it takes longer than [`DEADLINE`]. The deadline is
/// looked at first, so a future that would complete only because the deadline's timer woke
/// the task (a lost wake-up) fails too.
async fn within_deadline<T>(future: impl Future<Output = T>) -> T {
    let mut future = std::pin::pin!(future);
    let mut deadline = std::pin::pin!(aio::sleep(DEADLINE));
    std::future::poll_fn(|cx| {
        if deadline.as_mut().poll(cx).is_ready() {
            panic!("the test took longer than {DEADLINE:?}");
        }
        future.as_mut().poll(cx)
    })
    .await
}

/// `sh -c script`, killed if the test drops it, with the given stdio piped.
fn sh(script: &str) -> Command {
    let mut command = Command::new("sh");
    command.args(["-c", script]).kill_on_drop(true);
    command
}

/// Spawns `command` with stdin, stdout and stderr piped.
fn spawn_piped(command: &mut Command) -> Child {
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the child starts")
}

/// Counts how many times the future inside is polled.
struct Counted<'a, F> {
    future: F,
    polls: &'a mut usize,
}

impl<F: Future + Unpin> Future for Counted<'_, F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        *self.polls += 1;
        Pin::new(&mut self.future).poll(cx)
    }
}

#[test]
fn echo_through_cat() {
    run(within_deadline(async {
        let mut cat = spawn_piped(Command::new("cat").kill_on_drop(true));
        let stdin = cat.stdin.take().unwrap();
        let mut stdout = cat.stdout.take().unwrap();
        for i in 0..5 {
            let line = format!("line {i}\n");
            stdin.write(line.as_bytes());
            stdin.drain().await.unwrap();
            // Each line comes back before the next is sent: the pipes are live, both ways.
            assert_eq!(stdout.readline().await.unwrap(), line.as_bytes());
        }
        // The writer is still held: closing the pipe now is what gives cat its end of file.
        stdin.write_eof();
        assert_eq!(stdout.readline().await.unwrap(), b""); // cat exits, closing its stdout.
        let status = cat.wait().await.unwrap();
        assert!(status.success(), "{status}");
        drop((stdin, stdout, cat));
        assert_eq!(aio::socket_count(), Some(0));
    }));
}

/// Four MiB through `cat` while reading its output at the same time: far more than the
/// pipes hold (64 KiB each on Linux), so the writer waits for room again and again, and the
/// reader for data. A lost edge on either pipe would hang here.
#[test]
fn megabytes_through_cat_with_backpressure_both_ways() {
    run(within_deadline(async {
        let mut cat = spawn_piped(Command::new("cat").kill_on_drop(true));
        let stdin = cat.stdin.take().unwrap();
        let mut stdout = cat.stdout.take().unwrap();
        let data: Vec<u8> = (0..4 << 20).map(|i: u32| (i % 251) as u8).collect();
        let sent = data.clone();
        let writer = aio::spawn(async move {
            for chunk in sent.chunks(100_000) {
                stdin.write(chunk);
                stdin.drain().await.unwrap();
            }
            // Dropping stdin sends the end of file once the buffer is sent.
        });
        let echoed = stdout.read_to_eof().await.unwrap();
        writer.await.unwrap();
        assert!(
            echoed == data,
            "{} bytes back of {}",
            echoed.len(),
            data.len()
        );
        assert!(cat.wait().await.unwrap().success());
    }));
}

/// The child prints a line, then waits for the parent before the next: the parent must see
/// each line while the child is still running, not all of them at its exit.
#[test]
fn lines_come_as_the_child_writes_them() {
    run(within_deadline(async {
        let script = "echo one; read go; echo two; read go; echo three";
        let mut child = spawn_piped(&mut sh(script));
        let stdin = child.stdin.take().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut lines = stdout.lines();
        for expected in ["one", "two", "three"] {
            let line = lines.next().await.unwrap().unwrap();
            assert_eq!(line, format!("{expected}\n").as_bytes());
            stdin.write(b"go\n"); // Only now may the child print the next line.
        }
        assert!(lines.next().await.is_none());
        assert!(child.wait().await.unwrap().success());
    }));
}

/// A child that prints, sleeps, prints: the task reading its lines is polled once when it
/// starts waiting and once when the line comes, and the loop sleeps in the kernel between
/// (a loop that spun would turn thousands of times during the child's sleeps).
#[test]
fn the_loop_parks_while_a_child_is_quiet() {
    run(within_deadline(async {
        let script = "echo one; sleep 0.3; echo two; sleep 0.3; echo three";
        let mut child = spawn_piped(&mut sh(script));
        let mut stdout = child.stdout.take().unwrap();
        let mut lines = stdout.lines();
        let turns = aio::loop_turns().unwrap();
        for expected in ["one", "two", "three"] {
            let mut polls = 0;
            let next = Counted {
                future: lines.next(),
                polls: &mut polls,
            };
            let line = next.await.unwrap().unwrap();
            assert_eq!(line, format!("{expected}\n").as_bytes());
            assert!(polls <= 2, "{polls} polls for the line {expected:?}");
        }
        assert!(lines.next().await.is_none());
        let turns = aio::loop_turns().unwrap() - turns;
        assert!(turns < 30, "{turns} loop turns for three lines 0.3 s apart");
        assert!(child.wait().await.unwrap().success());
    }));
}

#[test]
fn wait_returns_the_exit_code() {
    run(within_deadline(async {
        for code in [0, 1, 3, 42] {
            let status = sh(&format!("exit {code}")).status().await.unwrap();
            assert_eq!(status.code(), Some(code));
            assert_eq!(status.signal(), None);
        }
    }));
}

#[test]
fn output_collects_stdout_stderr_and_the_status() {
    run(within_deadline(async {
        let output = sh("echo out; echo err >&2; exit 5").output().await.unwrap();
        assert_eq!(output.stdout, b"out\n");
        assert_eq!(output.stderr, b"err\n");
        assert_eq!(output.status.code(), Some(5));
    }));
}

#[test]
fn a_killed_child_reports_the_signal() {
    run(within_deadline(async {
        let mut child = Command::new("sleep")
            .arg("100")
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        assert!(child.try_wait().unwrap().is_none(), "sleep 100 is running");
        child.kill().unwrap();
        let status = child.wait().await.unwrap();
        assert_eq!(status.signal(), Some(9), "{status}");
        assert_eq!(status.code(), None);
        // Collected: killing again does nothing, and waiting again says the same.
        child.kill().unwrap();
        assert_eq!(child.wait().await.unwrap(), status);
        assert_eq!(child.try_wait().unwrap(), Some(status));
    }));
}

#[test]
fn terminate_sends_sigterm() {
    run(within_deadline(async {
        let mut child = Command::new("sleep")
            .arg("100")
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        child.terminate().unwrap();
        assert_eq!(child.wait().await.unwrap().signal(), Some(15));
    }));
}

/// The child closes its stdout and goes on running: the parent reads the end of file at
/// once, while the child still runs, and the exit comes later.
#[test]
fn a_child_that_closes_stdout_early() {
    run(within_deadline(async {
        let script = "echo partial; exec 1>&-; read go; exit 4";
        let mut child = spawn_piped(&mut sh(script));
        let stdin = child.stdin.take().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        assert_eq!(stdout.readline().await.unwrap(), b"partial\n");
        assert_eq!(stdout.readline().await.unwrap(), b""); // End of file...
        assert!(stdout.at_eof());
        assert!(child.try_wait().unwrap().is_none()); // ...from a child still running.
        stdin.write(b"go\n");
        assert_eq!(child.wait().await.unwrap().code(), Some(4));
    }));
}

/// A child that closed its stdin: writing to it fails with `BrokenPipe` (no `SIGPIPE`
/// kills the parent), reported by `drain`.
#[test]
fn writing_to_a_child_that_closed_its_stdin_fails() {
    run(within_deadline(async {
        let mut child = spawn_piped(&mut sh("exec 0<&-; echo closed; exec sleep 100"));
        let stdin = child.stdin.take().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        assert_eq!(stdout.readline().await.unwrap(), b"closed\n");
        stdin.write(b"anyone there?\n");
        let error = stdin.drain().await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::BrokenPipe, "{error}");
        assert!(stdin.peer_addr().is_err(), "a pipe has no address");
        child.kill().unwrap();
        assert_eq!(child.wait().await.unwrap().signal(), Some(9));
    }));
}

/// Virtual time does not jump while a child runs: a timeout around a child that takes real
/// time does not fire early. Once the child is collected, the clock jumps again.
#[test]
fn virtual_time_waits_for_a_running_child() {
    run(within_deadline(async {
        let mut child = sh("sleep 0.2").spawn().unwrap();
        let waited = aio::timeout(Duration::from_secs(30), child.wait()).await;
        let status = waited
            .expect("the timeout fired while the child ran")
            .unwrap();
        assert!(status.success());
        // Nothing real in flight any more: the clock jumps (a sleep shorter than the test's
        // own deadline, which is a timer too).
        let before = aio::now();
        let real = std::time::Instant::now();
        aio::sleep(Duration::from_secs(50)).await;
        assert_eq!(aio::now() - before, Duration::from_secs(50));
        assert!(real.elapsed() < Duration::from_secs(50));
    }));
}

/// A timeout around a child that hangs fires, and the child is killed: the lesson's pattern.
#[test]
fn a_timeout_kills_a_hanging_child() {
    run(within_deadline(async {
        let mut child = spawn_piped(&mut sh("read never"));
        let mut stdout = child.stdout.take().unwrap();
        let answer = aio::timeout(Duration::from_millis(100), stdout.readline()).await;
        assert!(answer.is_err(), "no answer: {answer:?}");
        assert_eq!(
            aio::io_waiter_count(),
            Some(0),
            "the cancelled read left a waker"
        );
        child.kill().unwrap();
        assert_eq!(child.wait().await.unwrap().signal(), Some(9));
    }));
}

/// A cancelled `wait` leaves no waker behind and loses nothing: the next one gets the status.
#[test]
fn a_cancelled_wait_loses_nothing() {
    run(within_deadline(async {
        let mut child = spawn_piped(&mut sh("read go; exit 7"));
        let stdin = child.stdin.take().unwrap();
        {
            let mut wait = std::pin::pin!(child.wait());
            assert!(futures::poll!(wait.as_mut()).is_pending());
        }
        assert_eq!(
            aio::io_waiter_count(),
            Some(0),
            "the dropped wait left a waker"
        );
        stdin.write(b"go\n");
        stdin.drain().await.unwrap();
        assert_eq!(child.wait().await.unwrap().code(), Some(7));
    }));
}

/// Whether process `pid` still exists, as a running process or a zombie.
fn exists(pid: u32) -> bool {
    let pid = rustix::process::Pid::from_raw(pid as i32).unwrap();
    rustix::process::test_kill_process(pid).is_ok()
}

/// Waits (in real time: sleeps of 10 ms) until `done()` holds; panics after 10 s.
async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "not within 10 s: {what}"
        );
        // A blocking sleep: in virtual time an aio::sleep would not take real time here.
        aio::to_thread(|| std::thread::sleep(Duration::from_millis(10))).await;
    }
}

#[test]
fn kill_on_drop_kills_and_the_loop_collects_the_child() {
    run(within_deadline(async {
        let child = Command::new("sleep")
            .arg("100")
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let pid = child.id();
        drop(child);
        // Killed, and collected by the loop: not even a zombie is left.
        eventually("the killed child is collected", || !exists(pid)).await;
    }));
}

/// Without `kill_on_drop`, a dropped child runs on (as in asyncio), and when it exits the
/// loop collects it: no zombie.
#[test]
fn a_dropped_child_runs_on_and_is_collected_when_it_exits() {
    run(within_deadline(async {
        let mut child = spawn_piped(Command::new("sh").args(["-c", "read go; echo done"]));
        let pid = child.id();
        let stdin = child.stdin.take().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        drop(child);
        // Still running: it answers.
        stdin.write(b"go\n");
        assert_eq!(stdout.readline().await.unwrap(), b"done\n");
        eventually("the exited child is collected", || !exists(pid)).await;
        assert_eq!(aio::task_count(), Some(0), "the collecting task ended");
    }));
}

/// On Linux the loop waits for many children with no thread at all: each child's pidfd is
/// in the loop's epoll set. Elsewhere (and with the portable feature) each waited child has a
/// thread of its own, which this test sees too.
#[cfg(target_os = "linux")]
#[test]
fn waiting_for_children_takes_a_thread_each_only_where_there_is_no_pidfd() {
    run(within_deadline(async {
        let mut children: Vec<Child> = (0..5).map(|_| spawn_piped(&mut sh("read go"))).collect();
        let pids: Vec<u32> = children.iter().map(Child::id).collect();
        let stdins: Vec<_> = children
            .iter_mut()
            .map(|c| c.stdin.take().unwrap())
            .collect();
        let waits: Vec<_> = children
            .into_iter()
            .map(|mut child| aio::spawn(async move { child.wait().await.unwrap() }))
            .collect();
        aio::sleep(Duration::ZERO).await; // Let every task start waiting.
        let all_have_threads = || pids.iter().all(|&p| has_wait_thread(p));
        if cfg!(feature = "portable") {
            eventually(
                "a thread per waited child on the portable path",
                all_have_threads,
            )
            .await;
        } else {
            // Give a thread, had one been started, the time to show up with its name.
            aio::to_thread(|| std::thread::sleep(Duration::from_millis(100))).await;
            let waiting: Vec<u32> = pids
                .iter()
                .copied()
                .filter(|&p| has_wait_thread(p))
                .collect();
            assert_eq!(waiting, [], "threads waiting for children on Linux");
        }
        for stdin in &stdins {
            stdin.write(b"go\n");
        }
        for wait in waits {
            assert!(wait.await.unwrap().success());
        }
    }));
}

/// Whether a thread of this process is named for waiting on `pid` (`aio-wait-PID`, cut to
/// the 15 characters Linux keeps of a thread's name).
#[cfg(target_os = "linux")]
fn has_wait_thread(pid: u32) -> bool {
    let name: String = format!("aio-wait-{pid}").chars().take(15).collect();
    std::fs::read_dir("/proc/self/task").unwrap().any(|task| {
        let comm = task.unwrap().path().join("comm");
        std::fs::read_to_string(comm).is_ok_and(|c| c.trim_end() == name)
    })
}

/// A command that cannot start is an error from `spawn`, not a panic, and leaves nothing
/// registered or counted.
#[test]
fn a_missing_program_is_an_error() {
    run(async {
        let error = Command::new("/no/such/program").spawn().unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
        assert_eq!(aio::socket_count(), Some(0));
        // Virtual time still jumps: no child is counted as running.
        let before = aio::now();
        aio::sleep(Duration::from_secs(60)).await;
        assert_eq!(aio::now() - before, Duration::from_secs(60));
    });
}
