//! A lesson server whose stdout has no reader, for the tests of what a server does when the
//! person watching it goes away (`lesson --serve | head -1`, or a closed terminal).
//!
//! Every process a test binary starts while a [`Deaf`] server is being set up must hold
//! [`spawning`]: see there why.

use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use crate::DEADLINE;

/// Held while a test starts a process. A child forked by another test thread holds a copy of
/// every descriptor the test binary has open until it calls `exec`; the reader of the pipe in
/// [`Deaf::from_the_start`] must have no such copy, or the server's first write would not fail.
static SPAWNING: Mutex<()> = Mutex::new(());

/// Takes the lock that every process start in a test binary that uses [`Deaf`] must hold:
/// keep the guard while calling [`crate::Served::start`], `lesson_args::testing::run` or
/// [`Command::spawn`].
pub fn spawning() -> MutexGuard<'static, ()> {
    SPAWNING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The lesson in `--serve` mode with nobody reading its stdout: the pipe's read end is closed,
/// so each write to stdout fails (EPIPE). Killed when dropped.
pub struct Deaf {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// What it has printed on stderr so far, filled by `reader`.
    stderr: Arc<Mutex<String>>,
    /// Reads its stderr to the end.
    reader: Option<thread::JoinHandle<()>>,
}

impl Deaf {
    /// Starts `command`, reads its first line, which ends with the address, and closes the
    /// pipe: what the server prints next has nowhere to go.
    pub fn after_first_line(command: Command) -> Deaf {
        let mut deaf = Deaf::spawn(command, Stdio::piped());
        let stdout = deaf.child.stdout.take().expect("stdout is piped");
        let (send, receive) = mpsc::channel();
        thread::spawn(move || {
            let mut stdout = BufReader::new(stdout);
            let mut line = String::new();
            let _ = stdout.read_line(&mut line);
            drop(stdout); // Closes the read end, before the test goes on.
            let _ = send.send(line);
        });
        let line = match receive.recv_timeout(DEADLINE) {
            Ok(line) => line,
            Err(_) => deaf.fail("printed no first line"),
        };
        deaf.addr = match line.split_whitespace().last().map(str::parse) {
            Some(Ok(addr)) => addr,
            _ => deaf.fail(&format!("printed no address in its first line {line:?}")),
        };
        deaf
    }

    /// Starts `command` with its stdout a pipe that has no reader from the start, to listen
    /// on `addr`; waits until it does.
    pub fn from_the_start(command: Command, addr: SocketAddr) -> Deaf {
        // A pipe whose reader is gone: `true` reads nothing from its stdin and exits.
        let spawning = spawning();
        let mut reader = Command::new("true")
            .stdin(Stdio::piped())
            .spawn()
            .expect("true");
        let pipe = reader.stdin.take().expect("stdin is piped");
        reader.wait().expect("true ends");
        let mut deaf = Deaf::spawn_now(command, pipe.into());
        drop(spawning);
        deaf.addr = addr;
        let start = Instant::now();
        while TcpStream::connect(addr).is_err() {
            if let Ok(Some(status)) = deaf.child.try_wait() {
                deaf.fail(&format!("exited ({status}) before it listened"));
            }
            if start.elapsed() > DEADLINE {
                deaf.fail("did not listen");
            }
            thread::sleep(Duration::from_millis(10));
        }
        deaf
    }

    fn spawn(command: Command, stdout: Stdio) -> Deaf {
        let _spawning = spawning();
        Deaf::spawn_now(command, stdout)
    }

    /// `spawn`, for a caller that holds the lock already.
    fn spawn_now(mut command: Command, stdout: Stdio) -> Deaf {
        let mut child = command
            .env_remove("AIO_CLOCK")
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {command:?}: {e}"));
        let mut pipe = child.stderr.take().expect("stderr is piped");
        let stderr = Arc::new(Mutex::new(String::new()));
        let text = stderr.clone();
        let reader = thread::spawn(move || {
            let mut chunk = [0; 4096];
            while let Ok(n @ 1..) = pipe.read(&mut chunk) {
                text.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&chunk[..n]));
            }
        });
        Deaf {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            stderr,
            reader: Some(reader),
        }
    }

    /// Stops the server and returns what it printed on stderr.
    fn stop(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        self.stderr.lock().unwrap().clone()
    }

    /// Stops the server and fails the test with `why` and the server's stderr.
    fn fail(&mut self, why: &str) -> ! {
        let stderr = self.stop();
        panic!("the server {why}.\n--- its stderr\n{stderr}");
    }

    /// Stops the server and returns what it printed on stderr.
    pub fn into_stderr(mut self) -> String {
        self.stop()
    }

    /// True if the server has printed `words` on stderr so far.
    pub fn has_said(&self, words: &str) -> bool {
        self.stderr.lock().unwrap().contains(words)
    }

    /// Waits until the server has printed `words` on stderr (or for [`DEADLINE`]), then stops
    /// it and returns what it printed there. A server logs a request after answering it, so
    /// the log line that finds stdout gone may come a moment after the client has its answer.
    pub fn into_stderr_once_it_says(mut self, words: &str) -> String {
        let start = Instant::now();
        while !self.stderr.lock().unwrap().contains(words) && start.elapsed() < DEADLINE {
            thread::sleep(Duration::from_millis(10));
        }
        self.stop()
    }
}

impl Drop for Deaf {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback address whose port is free now. It is taken below 32768: Linux hands out ports
/// from 32768 up for port 0 and for outgoing connections, so no other server or client of the
/// tests takes it before the lesson binds it.
pub fn free_addr() -> SocketAddr {
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let base = 20_000 + (std::process::id() % 1000) as u16 * 10;
    for _ in 0..1000 {
        let port = base + NEXT.fetch_add(1, Ordering::Relaxed) % 2000;
        if let Ok(probe) = std::net::TcpListener::bind(("127.0.0.1", port)) {
            return probe.local_addr().unwrap();
        }
    }
    panic!("no free port from {base} up");
}

/// Checks that the server did not panic, and said at most once that stdout is gone (and
/// exactly once if `noticed`: it printed after the pipe was closed).
#[track_caller]
pub fn assert_stdout_gone_said(stderr: &str, noticed: bool) {
    let said = stderr.matches("stdout is gone").count();
    assert!(said <= 1 && (said == 1 || !noticed), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
