//! A server started for a test, in real time, with a deadline on what it prints.

use std::io::{self, BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use crate::deadline::{Collected, DEADLINE};

/// How much of a server's stderr is kept to show when a test fails; the rest is read and
/// dropped, so that a chatty server never blocks on a full pipe.
const STDERR_KEPT: usize = 64 * 1024;

/// A server started for a test (a lesson in `--serve` mode, or a Python server), in real time.
/// It prints where it listens as the last word of its first line ("listening on
/// 127.0.0.1:PORT"), which [`Served::start`] reads. Dropping it kills the process.
#[derive(Debug)]
pub struct Served {
    child: Child,
    /// Where the server listens.
    pub addr: SocketAddr,
    /// What the server prints after its first line, until [`Served::take_lines`] takes it.
    lines: Option<ServedLines>,
    /// The start of what the server prints to stderr, shown if the test fails.
    stderr: Collected,
    /// Hears when the server's stderr is closed.
    stderr_ended: Receiver<()>,
    /// The command, to name the server in messages.
    command: String,
}

impl Served {
    /// Starts `command` (without `AIO_CLOCK`: a server that talks to real clients runs in real
    /// time) and waits for its first line.
    ///
    /// # Panics
    /// If it cannot start, or prints no first line with an address within [`DEADLINE`] (it is
    /// then killed; the message shows what it printed to stderr).
    #[track_caller]
    pub fn start(command: Command) -> Served {
        Served::start_within(command, DEADLINE)
    }

    /// Like [`Served::start`], waiting at most `deadline` for the first line.
    #[track_caller]
    pub fn start_within(mut command: Command, deadline: Duration) -> Served {
        let mut child = command
            .env_remove("AIO_CLOCK")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {command:?}: {e}"));
        let stdout = child.stdout.take().expect("stdout is piped");
        let (ended, stderr_ended) = mpsc::channel();
        let stderr = Collected::read(
            child.stderr.take().expect("stderr is piped"),
            STDERR_KEPT,
            Some(ended),
        );
        let (send, receive) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let mut served = Served {
            child,
            addr: SocketAddr::from(([0, 0, 0, 0], 0)),
            lines: None,
            stderr,
            stderr_ended,
            command: format!("{command:?}"),
        };
        let first = match receive.recv_timeout(deadline) {
            Ok(Ok(line)) => line,
            Ok(Err(e)) => served.fail(&format!("its first line could not be read: {e}")),
            Err(RecvTimeoutError::Disconnected) => served.fail("it printed no first line"),
            Err(RecvTimeoutError::Timeout) => {
                served.fail(&format!("it printed no first line within {deadline:?}"))
            }
        };
        served.addr = match first.split_whitespace().last().map(str::parse) {
            Some(Ok(addr)) => addr,
            _ => served.fail(&format!(
                "no address at the end of its first line {first:?}"
            )),
        };
        served.lines = Some(ServedLines { receive });
        served
    }

    /// Kills the server and panics with `why` and what it printed to stderr.
    #[track_caller]
    fn fail(&mut self, why: &str) -> ! {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Let the reader take in the last of it.
        let _ = self.stderr_ended.recv_timeout(Duration::from_secs(1));
        panic!(
            "the server {} failed: {why}.\n--- its stderr\n{}",
            self.command,
            String::from_utf8_lossy(&self.stderr.take())
        );
    }

    /// The server's process id (to read what the kernel says of it, as `/proc/PID/fd`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends the server SIGINT, as Ctrl-C does, and waits for it to exit (at most
    /// [`DEADLINE`]). Returns how it exited; what it printed meanwhile is still in its lines.
    ///
    /// # Panics
    /// If the signal cannot be sent, or the server is still running at the deadline (it is
    /// then killed; the message shows what it printed to stderr).
    #[track_caller]
    pub fn interrupt(&mut self) -> ExitStatus {
        self.sigint();
        self.wait()
    }

    /// Sends the server SIGINT, as Ctrl-C does, and returns at once.
    ///
    /// # Panics
    /// If the signal cannot be sent (the server has already exited and been waited for).
    #[track_caller]
    pub fn sigint(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            self.fail(&format!(
                "it had exited ({status}) before it was sent SIGINT"
            ));
        }
        // std sends only SIGKILL; `kill` sends SIGINT. The child is not reaped yet, so its pid
        // cannot have been reused.
        let sent = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if !sent {
            self.fail("`kill -INT` could not send it SIGINT");
        }
    }

    /// Waits for the server to exit (at most [`DEADLINE`]) and returns how it exited.
    ///
    /// # Panics
    /// If it is still running at the deadline: it is then killed; the message shows what it
    /// printed to stderr.
    #[track_caller]
    pub fn wait(&mut self) -> ExitStatus {
        let until = Instant::now() + DEADLINE;
        let mut pause = Duration::from_millis(1);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return status,
                Ok(None) if Instant::now() < until => {}
                Ok(None) => self.fail(&format!("it was still running after {DEADLINE:?}")),
                Err(e) => self.fail(&format!("it could not be waited for: {e}")),
            }
            thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(50));
        }
    }

    /// The server's output after its first line, line by line; each line is waited for at
    /// most [`DEADLINE`].
    ///
    /// # Panics
    /// When called a second time.
    pub fn take_lines(&mut self) -> ServedLines {
        self.lines.take().expect("the lines were taken already")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if thread::panicking() {
            let stderr = self.stderr.take();
            if !stderr.is_empty() {
                eprintln!(
                    "--- stderr of the server {}\n{}",
                    self.command,
                    String::from_utf8_lossy(&stderr)
                );
            }
        }
    }
}

/// What a [`Served`] server prints after its first line: an iterator over its lines, like
/// [`BufRead::lines`], that waits at most [`DEADLINE`] for each. It yields an error of kind
/// `TimedOut` when no line comes in time, and ends when the server closes its stdout.
#[derive(Debug)]
pub struct ServedLines {
    receive: Receiver<io::Result<String>>,
}

impl Iterator for ServedLines {
    type Item = io::Result<String>;

    fn next(&mut self) -> Option<io::Result<String>> {
        match self.receive.recv_timeout(DEADLINE) {
            Ok(line) => Some(line),
            Err(RecvTimeoutError::Disconnected) => None,
            Err(RecvTimeoutError::Timeout) => Some(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("the server printed no line within {DEADLINE:?}"),
            ))),
        }
    }
}
