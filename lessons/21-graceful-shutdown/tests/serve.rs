//! `--serve` under a real Ctrl-C: the tests send the server process SIGINT, as a terminal does,
//! while a client is connected, and check what the client hears, what the server says, and how
//! it exits.
//!
//! Every wait is bounded: the client's reads time out, and `Served` waits for the server's exit
//! and lines for at most `lesson_check::DEADLINE`. No test sleeps.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::os::unix::process::ExitStatusExt;
use std::process::Command;
use std::time::Duration;

use lesson_check::{Served, ServedLines};

/// The lesson in `--serve` mode on a free port, with `--grace SECS`, and its log after the
/// lines for people.
fn serve(grace: &str) -> (Served, ServedLines) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lesson-21"));
    command.args(["--serve", "127.0.0.1:0", "--grace", grace]);
    let mut served = Served::start(command);
    let mut lines = served.take_lines();
    for _ in 0..2 {
        lines.next().expect("the lines for people").unwrap();
    }
    (served, lines)
}

/// A person at a terminal running `nc`.
struct Nc {
    lines: BufReader<TcpStream>,
}

impl Nc {
    /// Connects and reads the welcome: the server has taken the connection.
    fn connect(served: &Served) -> Nc {
        let stream = TcpStream::connect(served.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut nc = Nc {
            lines: BufReader::new(stream),
        };
        assert_eq!(nc.line(), "welcome: send JOB SECONDS, one job at a time");
        nc
    }

    fn send(&mut self, text: &str) {
        let stream = self.lines.get_mut();
        stream.write_all(format!("{text}\n").as_bytes()).unwrap();
    }

    /// The next line; "" at end of file.
    fn line(&mut self) -> String {
        let mut line = String::new();
        self.lines
            .read_line(&mut line)
            .expect("a line within the timeout");
        line.trim_end().to_string()
    }
}

fn next(lines: &mut ServedLines) -> String {
    lines.next().expect("a log line").unwrap()
}

// ANCHOR: idle
#[test]
fn ctrl_c_says_goodbye_to_an_idle_client_and_exits_0() {
    let (mut served, mut log) = serve("3");
    let mut idle = Nc::connect(&served);
    let status = served.interrupt();
    assert_eq!(status.code(), Some(0), "{status}");
    assert_eq!(idle.line(), "server shutting down: goodbye");
    assert_eq!(idle.line(), "", "then the server closed the connection");
    assert_eq!(
        next(&mut log),
        "server: Ctrl-C: stopped accepting, said goodbye to 1 idle client, waiting up to 3s \
         for 0 jobs"
    );
    let summary = next(&mut log);
    assert!(summary.starts_with("server: shut down in "), "{summary}");
    assert!(
        summary.ends_with(": 0 jobs finished, 0 cancelled"),
        "{summary}"
    );
    assert!(log.next().is_none(), "nothing after the summary");
}
// ANCHOR_END: idle

#[test]
fn a_job_still_running_at_the_deadline_is_cancelled_and_its_client_told() {
    let (mut served, mut log) = serve("0");
    let mut busy = Nc::connect(&served);
    busy.send("backup 3600");
    assert_eq!(busy.line(), "working on backup (3600s)");
    let status = served.interrupt();
    assert_eq!(status.code(), Some(0), "{status}");
    assert_eq!(busy.line(), "server shutting down: finishing backup first");
    assert_eq!(
        busy.line(),
        "backup cancelled: the server is shutting down. goodbye"
    );
    assert_eq!(busy.line(), "", "then the server closed the connection");
    assert_eq!(
        next(&mut log),
        "server: Ctrl-C: stopped accepting, said goodbye to 0 idle clients, waiting up to 0s \
         for 1 job"
    );
    assert_eq!(next(&mut log), "server: deadline: cancelling 1 job");
    assert!(next(&mut log).ends_with(": 0 jobs finished, 1 cancelled"));
}

#[test]
fn a_second_ctrl_c_stops_a_shutdown_that_hangs_at_once() {
    // An hour of grace for an hour-long job: the shutdown would wait all that time.
    let (mut served, mut log) = serve("3600");
    let mut busy = Nc::connect(&served);
    busy.send("backup 3600");
    assert_eq!(busy.line(), "working on backup (3600s)");
    served.sigint();
    // The shutdown has begun: the first Ctrl-C was taken.
    assert_eq!(busy.line(), "server shutting down: finishing backup first");
    assert!(next(&mut log).starts_with("server: Ctrl-C: stopped accepting"));
    let status = served.interrupt();
    assert_eq!(status.signal(), Some(2), "killed by SIGINT: {status}");
    // The connection ended with the process, without a word more.
    assert_eq!(busy.line(), "");
}
