//! `--serve` against clients that do not play nice, and against a stdout nobody reads: the
//! server's memory stays bounded, and every client gets its echo. A busy port or a host name
//! that does not resolve is answered with a line that says so, never a panic.
//!
//! The server's memory is read from `/proc/PID/status` (Linux): `VmRSS`, what it holds now,
//! and `VmHWM`, the most it ever held. Each test starts the server on a free port, in real
//! time, with the deadline of [`lesson_check::Served`] (or, with stdout closed, an equal one
//! of its own); every socket operation has a timeout.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::Command;
use std::thread;
use std::time::Duration;

use lesson_args::testing::assert_failed_with;
use lesson_check::deaf::spawning;
use lesson_check::{assert_stdout_gone_said, free_addr, Deaf, Served};

const MIB: usize = 1 << 20;

/// How much more memory than at the start the server may hold, whatever a client sends. One
/// connection needs its read chunk (64 KiB) and a write buffer paused above 64 KiB: well under
/// a megabyte. The rest of the margin is for the allocator's and the test's noise; an
/// unbounded server passes it within a fraction of a second of one client's traffic.
const BOUND: usize = 8 * MIB;

/// How long a blocked write waits before the client decides that the server stopped reading.
const STALLED: Duration = Duration::from_secs(1);

/// The lesson's echo server in `--serve` mode on a free port (killed when dropped), and its
/// process id.
fn serve() -> (Served, u32) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lesson-05"));
    command.args(["--serve", "127.0.0.1:0"]);
    let served = {
        let _spawning = spawning();
        Served::start(command)
    };
    let pid = served.pid();
    (served, pid)
}

/// A line of the server's `/proc/PID/status`, in bytes (`VmRSS`, `VmHWM`).
fn memory(pid: u32, field: &str) -> usize {
    let status =
        std::fs::read_to_string(format!("/proc/{pid}/status")).expect("the server's /proc status");
    let line = status
        .lines()
        .find(|line| line.starts_with(&format!("{field}:")))
        .unwrap_or_else(|| panic!("no {field} in {status}"));
    let kib: usize = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

/// The server's memory, to compare with `BOUND`, in MiB with one decimal.
fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / MIB as f64)
}

#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "reads /proc")]
fn a_client_that_never_reads_cannot_grow_the_server() {
    let (served, pid) = serve();
    let start = memory(pid, "VmRSS");
    let mut client = TcpStream::connect(served.addr).unwrap();
    client.set_write_timeout(Some(STALLED)).unwrap();
    // Send up to 64 MiB and read nothing back. A server that reads on regardless of its write
    // buffer takes it all; one that pauses reading stops the client after a few megabytes
    // (what the kernels' buffers hold on both sides).
    let chunk = vec![b'x'; 64 * 1024];
    let mut sent = 0;
    while sent < 64 * MIB {
        match client.write(&chunk) {
            Ok(n) => sent += n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                break; // The server stopped reading.
            }
            Err(e) => panic!("after {sent} bytes: {e}"),
        }
    }
    let grew = memory(pid, "VmHWM").saturating_sub(start);
    assert!(
        grew < BOUND,
        "the server grew by {} (more than {}) while a client sent {} and read nothing",
        mib(grew),
        mib(BOUND),
        mib(sent)
    );
    assert!(sent < 64 * MIB, "the server never stopped reading");
}

#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "reads /proc")]
fn what_was_echoed_is_not_kept_after_the_client_leaves() {
    let (served, pid) = serve();
    let start = memory(pid, "VmRSS");
    let total = 32 * MIB;
    let client = TcpStream::connect(served.addr).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = client.try_clone().unwrap();
    let echoed = thread::spawn(move || {
        let mut got = 0;
        let mut buf = vec![0; 256 * 1024];
        while got < total {
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) => panic!("after {got} bytes echoed: {e}"),
            }
        }
        got
    });
    let mut writer = client;
    writer
        .set_write_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    for _ in 0..total / chunk.len() {
        writer.write_all(&chunk).expect("the server reads");
    }
    assert_eq!(echoed.join().unwrap(), total, "the echo is complete");
    drop(writer);
    // A new connection that gets its echo proves the server has handled the old one's end.
    let mut probe = TcpStream::connect(served.addr).unwrap();
    probe
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    probe.write_all(b"still there?\n").unwrap();
    let mut answer = [0; 13];
    probe.read_exact(&mut answer).unwrap();
    assert_eq!(&answer, b"still there?\n");
    let held = memory(pid, "VmRSS").saturating_sub(start);
    assert!(
        held < BOUND,
        "after echoing {} to a client that left, the server still holds {} more than at the start",
        mib(total),
        mib(held)
    );
}

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
    // `lesson-05 --serve | head -1`: the reader goes away after the first line.
    let mut command = Command::new(env!("CARGO_BIN_EXE_lesson-05"));
    command.args(["--serve", "127.0.0.1:0"]);
    let server = Deaf::after_first_line(command);
    for line in ["hello\n", "still there?\n"] {
        assert_eq!(echo(server.addr, line), line);
    }
    // The server prints nothing after its first two lines: if the second one was in the pipe
    // before it closed, the server had nothing more to write, and no reason to notice.
    assert_stdout_gone_said(&server.into_stderr(), false);
}

#[test]
fn a_server_without_stdout_from_the_start_echoes() {
    let addr = free_addr();
    let mut command = Command::new(env!("CARGO_BIN_EXE_lesson-05"));
    command.args(["--serve", &addr.to_string()]);
    let server = Deaf::from_the_start(command, addr);
    assert_eq!(echo(server.addr, "hello\n"), "hello\n");
    assert_stdout_gone_said(&server.into_stderr_once_it_says("stdout is gone"), true);
}

#[test]
fn serving_on_a_busy_port_is_an_error_not_a_panic() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let ran = {
        let _spawning = spawning();
        lesson_args::testing::run(env!("CARGO_BIN_EXE_lesson-05"), &["--serve", &addr])
    };
    assert_failed_with(&ran, &format!("lesson-05: cannot listen on {addr}: "));
}

#[test]
fn a_host_name_is_resolved() {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lesson-05"));
    command.args(["--serve", "localhost:0"]);
    let served = {
        let _spawning = spawning();
        Served::start(command)
    };
    assert_eq!(echo(served.addr, "hello\n"), "hello\n");
    // `.invalid` is reserved: it never resolves (RFC 2606).
    let ran = {
        let _spawning = spawning();
        lesson_args::testing::run(
            env!("CARGO_BIN_EXE_lesson-05"),
            &["--serve", "no-such-host.invalid:8888"],
        )
    };
    let shown = format!("{ran:#?}");
    assert_eq!(ran.code, Some(2), "{shown}");
    let error =
        "error: invalid ADDR 'no-such-host.invalid:8888': cannot resolve no-such-host.invalid: ";
    assert!(ran.stderr.starts_with(error), "{shown}");
}
