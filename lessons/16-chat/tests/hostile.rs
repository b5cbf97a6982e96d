//! `--serve` against what a server meets outside a classroom: a client that says nothing is
//! let go after the idle limit (`--idle SECS`), and a stdout that nobody reads any more costs
//! no client its chat.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{mpsc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use lesson_check::Served;

/// Held while this file starts a process. A child forked by another test thread holds a copy
/// of every descriptor this process has open until it calls `exec`; the reader of the pipe in
/// `Deaf::from_the_start` must have no such copy, or the server's first write would not fail.
static SPAWNING: Mutex<()> = Mutex::new(());

fn spawning() -> MutexGuard<'static, ()> {
    SPAWNING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

const EXE: &str = env!("CARGO_BIN_EXE_lesson-16");

/// Connects as `name` and checks the welcome and the greeting.
fn join(addr: SocketAddr, name: &str) -> BufReader<TcpStream> {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(format!("{name}\n").as_bytes()).unwrap();
    let mut lines = BufReader::new(stream);
    assert_eq!(next_line(&mut lines), "Welcome! What is your name?");
    assert!(
        next_line(&mut lines).starts_with(&format!("* Hi {name}! Online: ")),
        "{name} is greeted"
    );
    lines
}

/// The next line from the server, without its line end; "" at end of file.
fn next_line(lines: &mut BufReader<TcpStream>) -> String {
    let mut line = String::new();
    lines
        .read_line(&mut line)
        .expect("a line within the timeout");
    line.trim_end().to_string()
}

/// Every line from the server until it closes the connection.
fn lines_until_closed(lines: &mut BufReader<TcpStream>) -> Vec<String> {
    let mut heard = Vec::new();
    loop {
        let line = next_line(lines);
        if line.is_empty() {
            return heard;
        }
        heard.push(line);
    }
}

/// Connects without a name yet.
fn connect(addr: SocketAddr) -> BufReader<TcpStream> {
    let stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    BufReader::new(stream)
}

#[test]
fn a_client_silent_for_an_hour_is_told_and_let_go() {
    // In virtual time the hour passes at once: the server's clock jumps to the deadline as
    // soon as it has nothing else to do. (Served starts servers in real time; `env` sets
    // the clock again for the lesson, which it then becomes.)
    let mut command = Command::new("env");
    command.args([
        "AIO_CLOCK=virtual",
        EXE,
        "--serve",
        "--port",
        "0",
        "--idle",
        "3600",
    ]);
    let server = {
        let _spawning = spawning();
        Served::start(command)
    };
    let start = Instant::now();
    let mut silent = connect(server.addr);
    assert_eq!(
        lines_until_closed(&mut silent),
        [
            "Welcome! What is your name?",
            "* you said nothing for 3600s: goodbye",
        ]
    );
    // A minute of real time is the deadline of any child process; an hour would mean the
    // server waited in real time.
    assert!(start.elapsed() < lesson_check::DEADLINE);
}

/// How long the server may take to let go of a client past the idle limit (1 s here). The
/// clients join within milliseconds, and a timer is late by a millisecond at most; nine
/// seconds are for a machine that compiles at the same time.
const IDLE_MARGIN: Duration = Duration::from_secs(9);

#[test]
fn a_silent_member_is_let_go_and_the_room_is_told() {
    let mut command = Command::new(EXE);
    command.args(["--serve", "--port", "0", "--idle", "1"]);
    let server = {
        let _spawning = spawning();
        Served::start(command)
    };
    let start = Instant::now();
    let mut alice = join(server.addr, "alice");
    let mut bob = join(server.addr, "bob");
    assert_eq!(next_line(&mut alice), "* bob joined");
    // Alice joined first, so her second of silence ends first.
    assert_eq!(
        lines_until_closed(&mut alice),
        ["* you said nothing for 1s: goodbye"]
    );
    assert_eq!(
        lines_until_closed(&mut bob),
        [
            "* alice was disconnected: silent for 1s",
            "* you said nothing for 1s: goodbye",
        ]
    );
    let took = start.elapsed();
    assert!(
        took >= Duration::from_secs(1) && took < Duration::from_secs(1) + IDLE_MARGIN,
        "{took:?}"
    );
}

#[test]
fn the_idle_limit_is_a_whole_number_of_seconds_above_zero() {
    use lesson_args::testing::assert_usage_error;
    assert_usage_error(
        EXE,
        &["--serve", "--idle", "0"],
        "invalid value '0' for --idle: number would be zero for non-zero type",
    );
    assert_usage_error(
        EXE,
        &["--serve", "--idle", "1.5"],
        "invalid value '1.5' for --idle: invalid digit found in string",
    );
}

#[test]
fn a_closed_stdout_costs_no_client_its_chat() {
    // `lesson-16 --serve | head -1`: the reader goes away after the first line.
    let mut command = Command::new(EXE);
    command.args(["--serve", "--port", "0"]);
    let server = Deaf::after_first_line(command);
    let mut alice = join(server.addr, "alice");
    let _bob = join(server.addr, "bob");
    assert_eq!(next_line(&mut alice), "* bob joined");
    // The server prints nothing after its first two lines: if the second one was in the pipe
    // before it closed, the server had nothing more to write, and no reason to notice.
    assert_stdout_gone_said(&server.into_stderr(), false);
}

#[test]
fn a_server_without_stdout_from_the_start_chats() {
    let addr = free_addr();
    let mut command = Command::new(EXE);
    command.args(["--serve", "--port", &addr.port().to_string()]);
    let server = Deaf::from_the_start(command, addr);
    let mut alice = join(server.addr, "alice");
    let _bob = join(server.addr, "bob");
    assert_eq!(next_line(&mut alice), "* bob joined");
    assert_stdout_gone_said(&server.into_stderr(), true);
}

#[test]
fn serving_on_a_busy_port_is_an_error_not_a_panic() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap();
    let port = addr.port().to_string();
    let ran = {
        let _spawning = spawning();
        lesson_args::testing::run(
            env!("CARGO_BIN_EXE_lesson-16"),
            &["--serve", "--port", &port],
        )
    };
    let shown = format!("{ran:#?}");
    assert_eq!(ran.code, Some(1), "{shown}");
    let start = format!("lesson-16: cannot listen on {addr}: ");
    assert!(ran.stderr.starts_with(&start), "{shown}");
    assert_eq!(ran.stderr.lines().count(), 1, "{shown}");
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
            if start.elapsed() > lesson_check::DEADLINE {
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
