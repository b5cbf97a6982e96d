//! `--serve` and `--connect` against what they meet outside a classroom: a stdout that nobody
//! reads any more must not cost a client its echo; a busy port, a server that is not there or
//! a host name are answered with a line that says what happened, never a panic.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

const EXE: &str = env!("CARGO_BIN_EXE_lesson-04");

/// Sends `line` on a new connection, says that is all, and returns the echo.
fn echo(addr: SocketAddr, line: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(line.as_bytes()).unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let mut echoed = String::new();
    stream
        .read_to_string(&mut echoed)
        .expect("the echo, then the server's end of file");
    echoed
}

#[test]
fn a_closed_stdout_costs_no_client_its_echo() {
    // `lesson-04 --serve | head -1`: the log's reader goes away after the first line.
    let mut command = Command::new(EXE);
    command.args(["--serve", "127.0.0.1:0"]);
    let server = Deaf::after_first_line(command);
    for line in ["hello\n", "still there?\n"] {
        assert_eq!(echo(server.addr, line), line);
    }
    assert_stdout_gone_said(&server.into_stderr(), true);
}

#[test]
fn a_server_without_stdout_from_the_start_echoes() {
    let addr = free_addr();
    let mut command = Command::new(EXE);
    command.args(["--serve", &addr.to_string()]);
    let server = Deaf::from_the_start(command, addr);
    assert_eq!(echo(server.addr, "hello\n"), "hello\n");
    assert_stdout_gone_said(&server.into_stderr(), true);
}

/// Checks that a run failed with one line on stderr that starts with `start`, exit status 1,
/// and no panic.
#[track_caller]
fn assert_failed_with(ran: &lesson_args::testing::Ran, start: &str) {
    let shown = format!("{ran:#?}");
    assert_eq!(ran.code, Some(1), "{shown}");
    assert!(ran.stderr.starts_with(start), "{shown}");
    assert_eq!(ran.stderr.lines().count(), 1, "{shown}");
    assert!(!ran.stderr.contains("panicked"), "{shown}");
}

#[test]
fn connecting_where_nothing_listens_is_an_error_not_a_panic() {
    let ran = lesson_args::testing::run(EXE, &["--connect", "127.0.0.1:1"]);
    assert_failed_with(&ran, "lesson-04: cannot connect to 127.0.0.1:1: ");
    assert_eq!(ran.stdout, "");
}

#[test]
fn serving_on_a_busy_port_is_an_error_not_a_panic() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let ran = lesson_args::testing::run(EXE, &["--serve", &addr]);
    assert_failed_with(&ran, &format!("lesson-04: cannot listen on {addr}: "));
}

#[test]
fn a_host_name_is_resolved() {
    let mut command = Command::new(EXE);
    command.args(["--serve", "localhost:0"]);
    let server = lesson_check::Served::start(command);
    let port = server.addr.port().to_string();
    let ran = lesson_args::testing::run(EXE, &["--connect", &format!("localhost:{port}"), "one"]);
    assert_eq!(ran.code, Some(0), "{ran:#?}");
    assert_eq!(ran.stdout, "sent \"one\\n\" got back \"one\\n\"\n");
}

#[test]
fn a_host_name_that_does_not_resolve_is_a_usage_error() {
    // `.invalid` is reserved: it never resolves (RFC 2606).
    for (args, error) in [
        (
            ["--connect", "no-such-host.invalid:8888"],
            "error: invalid value 'no-such-host.invalid:8888' for --connect: \
             cannot resolve no-such-host.invalid: ",
        ),
        (
            ["--serve", "no-such-host.invalid:8888"],
            "error: invalid ADDR 'no-such-host.invalid:8888': cannot resolve no-such-host.invalid: ",
        ),
    ] {
        let ran = lesson_args::testing::run(EXE, &args);
        let shown = format!("{args:?}: {ran:#?}");
        assert_eq!(ran.code, Some(2), "{shown}");
        assert!(ran.stderr.starts_with(error), "{shown}");
        assert!(ran.stderr.contains("Usage: lesson-04"), "{shown}");
        assert!(!ran.stderr.contains("panicked"), "{shown}");
    }
}

/// The lesson in `--serve` mode with nobody reading its stdout: the pipe's read end is closed,
/// so each write to stdout fails (EPIPE). Killed when dropped.
struct Deaf {
    child: Child,
    /// Where it listens.
    addr: SocketAddr,
    /// Reads its stderr to the end.
    stderr: Option<thread::JoinHandle<String>>,
}

impl Deaf {
    /// Starts `command`, reads its first line, which ends with the address, and closes the
    /// pipe: what the server prints next has nowhere to go.
    fn after_first_line(command: Command) -> Deaf {
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
        let line = match receive.recv_timeout(lesson_check::DEADLINE) {
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
    fn from_the_start(command: Command, addr: SocketAddr) -> Deaf {
        // A pipe whose reader is gone: `true` reads nothing from its stdin and exits.
        let mut reader = Command::new("true")
            .stdin(Stdio::piped())
            .spawn()
            .expect("true");
        let pipe = reader.stdin.take().expect("stdin is piped");
        reader.wait().expect("true ends");
        let mut deaf = Deaf::spawn(command, pipe.into());
        deaf.addr = addr;
        let start = Instant::now();
        while TcpStream::connect(addr).is_err() {
            if let Ok(Some(status)) = deaf.child.try_wait() {
                deaf.fail(&format!("exited ({status}) before it listened"));
            }
            if start.elapsed() > lesson_check::DEADLINE {
                deaf.fail("did not listen");
            }
            thread::sleep(Duration::from_millis(10));
        }
        deaf
    }

    fn spawn(mut command: Command, stdout: Stdio) -> Deaf {
        let mut child = command
            .env_remove("AIO_CLOCK")
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {command:?}: {e}"));
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let stderr = thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Deaf {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            stderr: Some(stderr),
        }
    }

    /// Stops the server and returns what it printed on stderr.
    fn stop(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let stderr = self
            .stderr
            .take()
            .map(|reader| reader.join().unwrap_or_default());
        stderr.unwrap_or_default()
    }

    /// Stops the server and fails the test with `why` and the server's stderr.
    fn fail(&mut self, why: &str) -> ! {
        let stderr = self.stop();
        panic!("the server {why}.\n--- its stderr\n{stderr}");
    }

    /// Stops the server and returns what it printed on stderr.
    fn into_stderr(mut self) -> String {
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
fn free_addr() -> SocketAddr {
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
fn assert_stdout_gone_said(stderr: &str, noticed: bool) {
    let said = stderr.matches("stdout is gone").count();
    assert!(said <= 1 && (said == 1 || !noticed), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
