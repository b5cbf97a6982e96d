//! `--serve` against what a server meets outside a classroom: a client that says nothing is
//! let go after the idle limit (`--idle SECS`), and a stdout that nobody reads any more costs
//! no client its chat.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

use lesson_args::testing::assert_failed_with;
use lesson_check::deaf::spawning;
use lesson_check::{assert_stdout_gone_said, free_addr, Deaf, Served};

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
    assert_stdout_gone_said(&server.into_stderr_once_it_says("stdout is gone"), true);
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
    assert_failed_with(&ran, &format!("lesson-16: cannot listen on {addr}: "));
}
