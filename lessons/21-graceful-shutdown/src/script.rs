//! The scripted clients of `cargo run -p lesson-21`: three clients connect, two start jobs,
//! and the program sends itself a SIGINT, as Ctrl-C would; each client prints what it sends
//! (`->`) and hears (`<-`), with the time on the loop's clock.
//!
//! The script reads its clients in a fixed order, and each server line comes after what
//! caused it, so the output does not depend on which socket the kernel reported first.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use aio::{StreamReader, StreamWriter};

// ANCHOR: demo
/// The demo: ant and bee start jobs, cat waits, and at 1.0s the program gets a SIGINT.
pub async fn demo() {
    let start = aio::now();
    let listening = aio::Promise::new();
    let server = aio::spawn({
        let listening = listening.clone();
        async move {
            crate::serve(&[([127, 0, 0, 1], 0).into()], crate::GRACE, |addr| {
                listening.set_result(addr)
            })
            .await
        }
    });
    let addr: SocketAddr = listening.await.expect("the server listens");

    println!("-- ant and bee start jobs; cat is connected and idle");
    let mut ant = Client::connect(addr, "ant", start).await;
    ant.say("report 2").await;
    ant.hears().await;
    let mut bee = Client::connect(addr, "bee", start).await;
    bee.say("backup 10").await;
    bee.hears().await;
    let mut cat = Client::connect(addr, "cat", start).await;

    aio::sleep(Duration::from_secs(1)).await;
    println!("\n-- Ctrl-C (the demo sends itself SIGINT)");
    aio::signal::raise(aio::signal::SIGINT).expect("raise SIGINT");
    cat.hears().await;
    cat.hears_the_end().await;
    match aio::open_connection(addr).await {
        Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
            println!("{} {:>4}    cannot connect: refused", clock(start), "dan")
        }
        other => panic!("a new client should be refused, and got {other:?}"),
    }
    ant.hears().await;
    bee.hears().await;
    ant.hears().await;
    ant.hears().await;
    ant.hears_the_end().await;
    bee.hears().await;
    bee.hears_the_end().await;

    let summary = server.await.unwrap().expect("the server shut down");
    println!("{summary}");
}
// ANCHOR_END: demo

/// The loop's time since `start`, as `1.0s`.
fn clock(start: Instant) -> String {
    format!("{:4.1}s", (aio::now() - start).as_secs_f64())
}

/// A scripted client that prints what it sends and hears.
struct Client {
    name: &'static str,
    reader: StreamReader,
    writer: StreamWriter,
    start: Instant,
}

impl Client {
    /// Connects and waits for the welcome: the server has then taken the connection.
    async fn connect(addr: SocketAddr, name: &'static str, start: Instant) -> Client {
        let (reader, writer) = aio::open_connection(addr).await.expect("connect");
        let mut client = Client {
            name,
            reader,
            writer,
            start,
        };
        client.hears().await;
        client
    }

    async fn say(&self, line: &str) {
        println!("{} {:>4} -> {line}", clock(self.start), self.name);
        self.writer.write(format!("{line}\n").as_bytes());
        self.writer.drain().await.expect("send");
    }

    /// Prints the server's next line.
    async fn hears(&mut self) {
        let line = self.reader.readline().await.expect("read");
        assert!(line.ends_with(b"\n"), "a whole line, not the end of file");
        let line = String::from_utf8_lossy(&line);
        println!(
            "{} {:>4} <- {}",
            clock(self.start),
            self.name,
            line.trim_end()
        );
    }

    /// Waits for the server to close the connection.
    async fn hears_the_end(&mut self) {
        let rest = self.reader.read_to_eof().await.expect("read");
        assert!(rest.is_empty(), "nothing more before the end: {rest:?}");
        println!(
            "{} {:>4}    (the server closed the connection)",
            clock(self.start),
            self.name
        );
    }
}
