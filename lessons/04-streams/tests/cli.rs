//! The command line: `--help` says what the lesson does and runs nothing; a wrong argument
//! is an error that shows the usage (exit status 2), never a panic.

use lesson_args::testing::{assert_help, assert_usage_error};

const EXE: &str = env!("CARGO_BIN_EXE_lesson-04");

#[test]
fn help_says_what_the_lesson_does_and_runs_nothing() {
    assert_help(
        EXE,
        env!("CARGO_PKG_DESCRIPTION"),
        "-- the article's handler: one read, then close",
    );
}

#[test]
fn a_wrong_argument_is_an_error_with_the_usage() {
    assert_usage_error(EXE, &["--bogus"], "unknown option '--bogus'");
    assert_usage_error(EXE, &["extra"], "unexpected argument 'extra'");
    assert_usage_error(EXE, &["--connect"], "--connect needs a value");
    assert_usage_error(
        EXE,
        &["--serve", "127.0.0.1:0", "extra"],
        "unexpected argument 'extra'",
    );
    assert_usage_error(
        EXE,
        &["--serve", "--connect", "127.0.0.1:1"],
        "unexpected option '--connect'",
    );
    assert_usage_error(EXE, &["--serve=127.0.0.1:0"], "--serve takes no value");
    assert_usage_error(
        EXE,
        &["--connect", "localhost"],
        "invalid value 'localhost' for --connect: invalid socket address syntax",
    );
    assert_usage_error(
        EXE,
        &["--serve", "8888"],
        "invalid ADDR '8888': invalid socket address syntax",
    );
}

#[test]
fn ctrl_c_closes_each_connection_after_its_echo_and_exits_0() {
    use std::io::{BufRead, BufReader, Write};

    let mut command = std::process::Command::new(EXE);
    command.args(["--serve", "127.0.0.1:0"]);
    let mut server = lesson_check::Served::start(command);
    let mut log = server.take_lines().map(Result::unwrap);
    let stream = std::net::TcpStream::connect(server.addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut client = BufReader::new(stream);
    client.get_mut().write_all(b"hello\n").unwrap();
    let mut line = String::new();
    client.read_line(&mut line).unwrap();
    assert_eq!(line, "hello\n");

    let status = server.interrupt();
    assert_eq!(status.code(), Some(0), "{status}");
    line.clear();
    assert_eq!(
        client.read_line(&mut line).unwrap(),
        0,
        "end of file: {line:?}"
    );
    let log: Vec<String> = log.by_ref().skip(2).collect();
    assert!(log[0].ends_with(" connected"), "{log:?}");
    assert_eq!(
        log[1..],
        [
            "Ctrl-C: stopped accepting; closing the connections (1 open)",
            &log[0].replace(" connected", " closed"),
            "shut down",
        ],
        "{log:?}"
    );
}
