//! A child process with a deadline.
//!
//! A test that waits for a child without a limit hangs forever when the child does: a Python
//! twin stuck on a socket, a lesson that never ends, a server that never prints its address.
//! [`run_with_deadline`] waits at most a given time; on expiry it stops the child and fails the
//! test with everything the child printed so far.
//!
//! The child's stdout and stderr are read on threads of their own while the test waits, so a
//! child that fills one pipe while nobody reads it can never block.

use std::io::{self, Read};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long any child process a test starts may take: a lesson binary, a Python twin, `sh`,
/// `curl`, `rustc`, or a server until its first line.
///
/// In virtual time a lesson takes well under a second of real time; the slowest children here
/// (lessons 07 and 14, whose blocking work is real, in Rust or in Python) take about one
/// second. Sixty seconds is a margin of fifty times, for a 2-core machine that is compiling at
/// the same time. A child that takes longer is stuck, not slow.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// After SIGINT, how long an expired child has to print where it was, before SIGKILL.
const GRACE: Duration = Duration::from_secs(2);

/// After the child is gone, how long its pipes may stay open (held by a process it started)
/// before the output read so far is taken as all there is.
const SETTLE: Duration = Duration::from_secs(1);

/// Runs `command` to its end, with stdin empty, and returns its status and output, as
/// [`Command::output`] does; but waits at most `deadline`.
///
/// Returns the error if the command cannot start (say `ErrorKind::NotFound`).
///
/// # Panics
/// When the deadline expires. The child is stopped first: SIGINT, as Ctrl-C sends (Python then
/// prints where it was waiting, and the exceptions of tasks that failed unseen), then SIGKILL
/// if it is still running two seconds later. The message shows the command and what it had
/// printed to stdout and stderr.
#[track_caller]
pub fn run_with_deadline(command: &mut Command, deadline: Duration) -> io::Result<Output> {
    match run_within(command, deadline, usize::MAX)? {
        Ok(output) => Ok(output),
        Err(expired) => panic!(
            "{} did not finish within {deadline:?}: {}.\n\
             command: {command:?}\n\
             --- stdout so far\n{}\n\
             --- stderr so far\n{}",
            command.get_program().to_string_lossy(),
            expired.how,
            String::from_utf8_lossy(&expired.stdout),
            String::from_utf8_lossy(&expired.stderr),
        ),
    }
}

/// A child that was still running when its deadline expired, and was stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expired {
    /// How it was stopped, in words: "stopped with SIGINT (…)", "killed (…)".
    pub how: String,
    /// What it had printed on stdout (its first `limit` bytes).
    pub stdout: Vec<u8>,
    /// What it had printed on stderr (its first `limit` bytes).
    pub stderr: Vec<u8>,
}

/// Like [`run_with_deadline`], but an expired deadline is a value, not a panic: for a program
/// that runs a student's code, where a program that never ends is a mistake to explain. Keeps
/// the first `limit` bytes of each of stdout and stderr (and reads and drops the rest, so that
/// a child printing in a loop never blocks and never fills the memory).
pub fn run_within(
    command: &mut Command,
    deadline: Duration,
    limit: usize,
) -> io::Result<Result<Output, Expired>> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let (ended, ends) = mpsc::channel();
    let stdout = Collected::read(
        child.stdout.take().expect("stdout is piped"),
        limit,
        Some(ended.clone()),
    );
    let stderr = Collected::read(
        child.stderr.take().expect("stderr is piped"),
        limit,
        Some(ended),
    );
    if let Some(status) = wait(&mut child, &ends, Instant::now() + deadline) {
        return Ok(Ok(Output {
            status,
            stdout: stdout.take(),
            stderr: stderr.take(),
        }));
    }
    let how = stop(&mut child);
    // Let the reader threads take in what the child printed last.
    let settle = Instant::now() + SETTLE;
    while ends
        .recv_timeout(settle.saturating_duration_since(Instant::now()))
        .is_ok()
    {}
    Ok(Err(Expired {
        how,
        stdout: stdout.take(),
        stderr: stderr.take(),
    }))
}

/// Waits until `child` has closed both pipes (`ends` hears from both readers) and exited, or
/// until `expires`. Returns its exit status, or `None` on expiry.
fn wait(child: &mut Child, ends: &Receiver<()>, expires: Instant) -> Option<ExitStatus> {
    // A child's pipes close when it exits: wait for that without polling.
    for _ in 0..2 {
        ends.recv_timeout(expires.saturating_duration_since(Instant::now()))
            .ok()?;
    }
    // The exit itself follows at once, unless the child closed its pipes and went on.
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait().expect("could not wait for the child") {
            return Some(status);
        }
        if Instant::now() >= expires {
            return None;
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// Stops an expired child: SIGINT, then SIGKILL after [`GRACE`]. Returns how it ended, in words.
fn stop(child: &mut Child) -> String {
    if let Ok(Some(status)) = child.try_wait() {
        return format!("it exited ({status}), but a process it started kept its output open");
    }
    // std sends only SIGKILL; `kill` sends the gentler signal. The child is not reaped yet, so
    // its pid cannot have been reused.
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if interrupted {
        let until = Instant::now() + GRACE;
        while Instant::now() < until {
            if let Ok(Some(status)) = child.try_wait() {
                return format!("stopped with SIGINT ({status})");
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
    let _ = child.kill();
    match child.wait() {
        Ok(status) => format!("killed ({status})"),
        Err(e) => format!("killed (could not wait for it: {e})"),
    }
}

/// The bytes a child writes to one pipe, read on a thread of its own.
#[derive(Debug)]
pub(crate) struct Collected {
    bytes: Arc<Mutex<Vec<u8>>>,
}

impl Collected {
    /// Reads `pipe` to its end on a new thread, keeping the first `limit` bytes (and dropping
    /// the rest, so that the writer never blocks); then sends `()` on `ended`.
    pub(crate) fn read(
        mut pipe: impl Read + Send + 'static,
        limit: usize,
        ended: Option<Sender<()>>,
    ) -> Collected {
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let kept = bytes.clone();
        thread::spawn(move || {
            let mut chunk = [0; 8192];
            loop {
                match pipe.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) => {
                        let mut kept = kept.lock().unwrap();
                        let room = limit.saturating_sub(kept.len());
                        kept.extend_from_slice(&chunk[..n.min(room)]);
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            if let Some(ended) = ended {
                let _ = ended.send(());
            }
        });
        Collected { bytes }
    }

    /// Takes what was read so far.
    pub(crate) fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.bytes.lock().unwrap())
    }
}
