//! `--serve` mode against plain sockets, as `nc` would connect.
//!
//! Reads have a timeout so that a broken server fails a test instead of hanging it.

use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpStream};
use std::process::Command;
use std::time::Duration;

use lesson_check::Served;

/// The lesson in `--serve` mode on a free port; killed when dropped.
fn serve() -> Served {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lesson-16"));
    command.args(["--serve", "--port", "0"]);
    Served::start(command)
}

/// A person at a terminal running `nc`.
struct Nc {
    lines: BufReader<TcpStream>,
    stream: TcpStream,
}

impl Nc {
    fn connect(served: &Served) -> Nc {
        let stream = TcpStream::connect(served.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let lines = BufReader::new(stream.try_clone().unwrap());
        let mut nc = Nc { lines, stream };
        assert_eq!(nc.line(), "Welcome! What is your name?");
        nc
    }

    fn join(served: &Served, name: &str) -> Nc {
        let mut nc = Nc::connect(served);
        nc.send(name);
        assert!(nc.line().starts_with(&format!("* Hi {name}! Online: ")));
        nc
    }

    fn send(&mut self, text: &str) {
        self.stream
            .write_all(format!("{text}\r\n").as_bytes())
            .unwrap();
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

#[test]
fn lines_go_to_everyone_but_the_speaker() {
    let served = serve();
    let mut alice = Nc::join(&served, "alice");
    let mut bob = Nc::join(&served, "bob");
    assert_eq!(alice.line(), "* bob joined");
    alice.send("hi bob");
    assert_eq!(bob.line(), "<alice> hi bob");
    bob.send("hi alice");
    // Alice's next line is bob's: her own was not sent back to her.
    assert_eq!(alice.line(), "<bob> hi alice");
}

#[test]
fn names_must_be_free_and_valid() {
    let served = serve();
    let _alice = Nc::join(&served, "alice");
    let mut other = Nc::connect(&served);
    for bad in ["alice", "", "two words", "a-very-long-name-indeed"] {
        other.send(bad);
        assert!(other.line().contains("is taken or not a name"), "{bad:?}");
    }
    other.send("alicia");
    assert_eq!(other.line(), "* Hi alicia! Online: alice, alicia");
}

#[test]
fn leaving_abruptly_or_sending_garbage_ends_only_that_client() {
    let served = serve();
    let mut alice = Nc::join(&served, "alice");
    // Leaves without /quit, in the middle of a line.
    let mut bob = Nc::join(&served, "bob");
    assert_eq!(alice.line(), "* bob joined");
    bob.stream.write_all(b"half a li").unwrap();
    bob.stream.shutdown(Shutdown::Both).unwrap();
    assert_eq!(alice.line(), "* bob left");
    // Sends a line longer than the limit: disconnected.
    let mut eve = Nc::join(&served, "eve");
    assert_eq!(alice.line(), "* eve joined");
    eve.send(&"x".repeat(100_000));
    assert_eq!(alice.line(), "* eve left");
    // Leaves before giving a name: nobody is told.
    drop(Nc::connect(&served));
    // The room goes on.
    let _carol = Nc::join(&served, "carol");
    assert_eq!(alice.line(), "* carol joined");
    alice.send("/quit");
    assert_eq!(alice.line(), "", "the server closed alice's connection");
}

#[test]
fn a_flooding_client_does_not_stop_the_server() {
    let served = serve();
    let mut alice = Nc::join(&served, "alice");
    let flood = Nc::join(&served, "flood");
    assert_eq!(alice.line(), "* flood joined");
    let mut sender = flood.stream.try_clone().unwrap();
    std::thread::spawn(move || {
        // Sends until the server goes away at the end of the test.
        let batch = "hello\n".repeat(10_000);
        while sender.write_all(batch.as_bytes()).is_ok() {}
    });
    // The server is busy with the flood once alice hears it.
    assert_eq!(alice.line(), "<flood> hello");
    // It still takes a new connection and greets it: the flood's task lets others run.
    let _newcomer = Nc::connect(&served);
}

#[test]
fn ctrl_c_tells_every_client_goodbye_and_exits_0() {
    let mut served = serve();
    let mut log = served.take_lines().map(Result::unwrap);
    let mut alice = Nc::join(&served, "alice");
    // Still at "what is your name?".
    let mut newcomer = Nc::connect(&served);
    let status = served.interrupt();
    assert_eq!(status.code(), Some(0), "{status}");
    for nc in [&mut alice, &mut newcomer] {
        assert_eq!(nc.line(), "* the server is shutting down: goodbye");
        assert_eq!(nc.line(), "", "then the server closed the connection");
    }
    let log: Vec<String> = log.by_ref().skip(1).collect();
    assert_eq!(
        log,
        [
            "Ctrl-C: stopped accepting; saying goodbye (2 connected)",
            "shut down"
        ]
    );
}
