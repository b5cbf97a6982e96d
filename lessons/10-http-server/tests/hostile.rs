//! `--serve` against what a server meets outside a classroom: a client that never reads
//! cannot keep its connection past the lesson's limits, and a stdout that nobody reads any
//! more costs no client its answer.
//!
//! Whether the server still holds a connection is read from `/proc/PID/fd` (Linux), the files
//! and sockets it has open. The server runs in real time: in virtual time its clock would jump
//! whenever it waits a moment for the test's client, and a busy machine decides when that is.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use lesson_args::testing::assert_failed_with;
use lesson_check::deaf::spawning;
use lesson_check::{assert_stdout_gone_said, free_addr, Deaf, Served};

/// The lesson's limits, as `src/main.rs` states them: a response may wait `REQUEST_TIMEOUT`
/// for the client to read it; then closing lingers at most `LINGER` for the client's end of
/// file, and at most `LINGER` again for the last bytes to leave.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
const LINGER: Duration = Duration::from_secs(2);

/// What the server may take beyond its limits: answering the client's requests until the
/// kernel's buffers are full takes about a second on a 2-core machine that compiles at the
/// same time. Ten seconds is a margin of ten.
const MARGIN: Duration = Duration::from_secs(10);

/// The lesson in `--serve` mode on a free port (killed when dropped), and its process id.
fn serve() -> (Served, u32) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lesson-10"));
    command.args(["--serve", "--port", "0"]);
    let served = {
        let _spawning = spawning();
        Served::start(command)
    };
    let pid = served.pid();
    (served, pid)
}

/// How many file descriptors the process has open.
fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("the server's /proc/PID/fd")
        .count()
}

#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "reads /proc")]
fn a_client_that_never_reads_is_let_go_within_the_limits() {
    let (mut served, pid) = serve();
    let log = served.take_lines();
    let idle = open_fds(pid);
    let limits = REQUEST_TIMEOUT + 2 * LINGER;
    // 60,000 pipelined requests (1.7 MB) ask for 6 MB of answers: more than the kernel
    // buffers on both sides hold (a sender's buffer grows to 4 MB at most on Linux, by
    // default), so the rest waits in the server's write buffer, for a client that reads
    // nothing. While it waits, the server reads no more requests, and the client's writes
    // wait too, until the server gives up on the answers and reads again to close gently.
    let requests = "GET / HTTP/1.1\r\nHost: t\r\n\r\n".repeat(1000);
    let start = Instant::now();
    let mut client = TcpStream::connect(served.addr).unwrap();
    client.set_write_timeout(Some(limits + MARGIN)).unwrap();
    let mut let_go = false;
    for _ in 0..60 {
        match client.write_all(requests.as_bytes()) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                panic!("the server took no request for {:?}", limits + MARGIN)
            }
            // The server let go while the client was still sending.
            Err(_) => {
                let_go = true;
                break;
            }
        }
    }
    // The kernel's buffers can take every request before the server has even accepted the
    // connection: unless it already let go, wait until it holds it, then until it lets go.
    while !let_go && open_fds(pid) == idle {
        assert!(
            start.elapsed() < MARGIN,
            "the server did not take the connection within {MARGIN:?}"
        );
        thread::sleep(Duration::from_millis(1));
    }
    while open_fds(pid) > idle {
        assert!(
            start.elapsed() < limits + MARGIN,
            "the server still holds the connection of a client that reads nothing, {:?} \
             after it connected (the lesson's limits come to {limits:?})",
            start.elapsed()
        );
        thread::sleep(Duration::from_millis(10));
    }
    let released = start.elapsed();
    // The server logs one line per answer: it answered until its write buffer was full.
    drop(served);
    let answered = log
        .map_while(Result::ok)
        .filter(|line| line.contains("-> 200 OK"))
        .count();
    assert!(answered > 0, "the server answered nothing");
    let _ = writeln!(
        io::stderr(),
        "lesson-10: a client that reads nothing was let go {released:.1?} after it connected \
         (limits: {limits:?}); the server had answered {answered} of its requests"
    );
    drop(client);
}

/// Asks for `/` on a new connection that says `Connection: close`, and returns the whole
/// answer, read until the server closes.
fn get(addr: SocketAddr) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .expect("an answer, then the server's end of file");
    answer
}

/// A complete answer to `get`.
fn assert_hello(answer: &str) {
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer:?}");
    assert!(
        answer.ends_with("\r\n\r\nHello, 127.0.0.1!\n"),
        "{answer:?}"
    );
}

#[test]
fn a_closed_stdout_costs_no_client_its_answer() {
    // `lesson-10 --serve | head -1`: the log's reader goes away after the first line.
    let mut command = Command::new(env!("CARGO_BIN_EXE_lesson-10"));
    command.args(["--serve", "--port", "0"]);
    let server = Deaf::after_first_line(command);
    for _ in 0..2 {
        assert_hello(&get(server.addr));
    }
    // Each answer is logged. Keep asking until a log line has found stdout gone: on a busy
    // machine the first ones may be written before the last copy of the reader is closed.
    let start = std::time::Instant::now();
    while !server.has_said("stdout is gone") && start.elapsed() < lesson_check::DEADLINE {
        assert_hello(&get(server.addr));
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_stdout_gone_said(&server.into_stderr(), true);
}

#[test]
fn a_server_without_stdout_from_the_start_answers() {
    let addr = free_addr();
    let mut command = Command::new(env!("CARGO_BIN_EXE_lesson-10"));
    command.args(["--serve", "--port", &addr.port().to_string()]);
    let server = Deaf::from_the_start(command, addr);
    assert_hello(&get(server.addr));
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
            env!("CARGO_BIN_EXE_lesson-10"),
            &["--serve", "--port", &port],
        )
    };
    assert_failed_with(&ran, &format!("lesson-10: cannot listen on {addr}: "));
}
