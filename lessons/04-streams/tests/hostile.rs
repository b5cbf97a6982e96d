//! `--serve` and `--connect` against what they meet outside a classroom: a stdout that nobody
//! reads any more must not cost a client its echo; a busy port, a server that is not there or
//! a host name are answered with a line that says what happened, never a panic.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::Command;
use std::time::Duration;

use lesson_args::testing::{assert_failed_with, Ran};
use lesson_check::deaf::spawning;
use lesson_check::{assert_stdout_gone_said, free_addr, Deaf, Served};

const EXE: &str = env!("CARGO_BIN_EXE_lesson-04");

// ANCHOR: echo
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
// ANCHOR_END: echo

#[test]
fn a_closed_stdout_costs_no_client_its_echo() {
    // `lesson-04 --serve | head -1`: the log's reader goes away after the first line.
    let mut command = Command::new(EXE);
    command.args(["--serve", "127.0.0.1:0"]);
    let server = Deaf::after_first_line(command);
    for line in ["hello\n", "still there?\n"] {
        assert_eq!(echo(server.addr, line), line);
    }
    // Each echo is logged. Keep asking until a log line has found stdout gone: on a busy
    // machine the first ones may be written before the last copy of the reader is closed.
    let start = std::time::Instant::now();
    while !server.has_said("stdout is gone") && start.elapsed() < lesson_check::DEADLINE {
        assert_eq!(echo(server.addr, "and now?\n"), "and now?\n");
        std::thread::sleep(std::time::Duration::from_millis(50));
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
    assert_stdout_gone_said(&server.into_stderr_once_it_says("stdout is gone"), true);
}

/// Runs the lesson with `args` to its end, holding the lock every process start here takes.
fn run(args: &[&str]) -> Ran {
    let _spawning = spawning();
    lesson_args::testing::run(EXE, args)
}

#[test]
fn connecting_where_nothing_listens_is_an_error_not_a_panic() {
    let ran = run(&["--connect", "127.0.0.1:1"]);
    assert_failed_with(&ran, "lesson-04: cannot connect to 127.0.0.1:1: ");
    assert_eq!(ran.stdout, "");
}

#[test]
fn serving_on_a_busy_port_is_an_error_not_a_panic() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let ran = run(&["--serve", &addr]);
    assert_failed_with(&ran, &format!("lesson-04: cannot listen on {addr}: "));
}

// ANCHOR: served
#[test]
fn a_host_name_is_resolved() {
    let mut command = Command::new(EXE);
    command.args(["--serve", "localhost:0"]);
    let server = {
        let _spawning = spawning();
        Served::start(command)
    };
    let port = server.addr.port().to_string();
    let ran = run(&["--connect", &format!("localhost:{port}"), "one"]);
    assert_eq!(ran.code, Some(0), "{ran:#?}");
    assert_eq!(ran.stdout, "sent \"one\\n\" got back \"one\\n\"\n");
}
// ANCHOR_END: served

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
        let ran = run(&args);
        let shown = format!("{args:?}: {ran:#?}");
        assert_eq!(ran.code, Some(2), "{shown}");
        assert!(ran.stderr.starts_with(error), "{shown}");
        assert!(ran.stderr.contains("Usage: lesson-04"), "{shown}");
        assert!(!ran.stderr.contains("panicked"), "{shown}");
    }
}
