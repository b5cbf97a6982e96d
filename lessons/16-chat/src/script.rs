//! The scripted clients of `cargo run -p lesson-16`: people who join, chat and leave, each
//! printing what they say (`->`) and hear (`<-`).
//!
//! The script reads its clients in a fixed order, so the output does not depend on which
//! socket the kernel reported first.

use std::net::SocketAddr;

use aio::{StreamReader, StreamWriter};

// ANCHOR: demo
/// The demo: four people join, chat, one of them stops reading, and the last one falls silent.
pub async fn demo() {
    // A server that is never stopped: its `stopping` event is never set.
    let server = crate::start_chat("127.0.0.1:0", crate::IDLE, aio::sync::Event::new())
        .await
        .expect("start the server");
    let addr = server.local_addr();

    println!("-- alice, bob and carol join");
    let mut alice = join(addr, "alice").await;
    let mut bob = join(addr, "bob").await;
    alice.hears().await;
    let mut carol = join(addr, "carol").await;
    alice.hears().await;
    bob.hears().await;

    println!("\n-- someone else wants to be alice");
    let mut dave = Person::connect(addr, "dave").await;
    dave.hears().await;
    dave.say("alice").await;
    dave.hears().await;
    dave.say("dave").await;
    dave.hears().await;
    for person in [&mut alice, &mut bob, &mut carol] {
        person.hears().await;
    }

    println!("\n-- chatting: everyone but the speaker hears each line");
    alice.say("hi all").await;
    for person in [&mut bob, &mut carol, &mut dave] {
        person.hears().await;
    }
    bob.say("hello alice").await;
    for person in [&mut alice, &mut carol, &mut dave] {
        person.hears().await;
    }

    println!("\n-- dave stops reading; carol pastes a long log, 128 lines at a time");
    paste_until_dave_is_dropped(&carol, &mut alice, &mut bob).await;
    carol.hears().await;

    println!("\n-- dave reads again");
    let mut was_on_its_way = 0;
    while let Some(line) = dave.next_line().await {
        // The last line may be cut short: the server stopped writing in the middle of it.
        assert!(
            line.starts_with("<carol>") || "<carol>".starts_with(&line),
            "{line}"
        );
        was_on_its_way += 1;
    }
    assert!(was_on_its_way > 0, "dave's buffers held some of the paste");
    println!(" dave <- the lines that were already on their way, then end of file");

    println!("\n-- carol leaves; bob's connection just drops");
    carol.say("/quit").await;
    for person in [&mut alice, &mut bob] {
        person.hears().await;
    }
    drop(bob);
    alice.hears().await;

    println!("\n-- alice says nothing for five minutes");
    alice.hears().await;
    assert!(alice.next_line().await.is_none(), "then the server closes");
    println!("{:>5} <- end of file", alice.name);

    server.close();
}
// ANCHOR_END: demo

/// A scripted chat client that prints what it says and hears.
struct Person {
    name: &'static str,
    reader: StreamReader,
    writer: StreamWriter,
}

impl Person {
    async fn connect(addr: SocketAddr, name: &'static str) -> Person {
        let (reader, writer) = aio::open_connection(addr).await.expect("connect");
        Person {
            name,
            reader,
            writer,
        }
    }

    async fn say(&self, line: &str) {
        println!("{:>5} -> {line}", self.name);
        self.writer.write(format!("{line}\n").as_bytes());
        self.writer.drain().await.expect("send");
    }

    /// The next line from the server, or `None` at end of file.
    async fn next_line(&mut self) -> Option<String> {
        let line = self.reader.readline().await.ok()?;
        (!line.is_empty()).then(|| String::from_utf8_lossy(&line).trim_end().to_string())
    }

    async fn hears(&mut self) {
        let line = self.next_line().await.expect("a line, not end of file");
        println!("{:>5} <- {line}", self.name);
    }

    /// Reads until `sent` pasted lines have arrived, checking that they come in order.
    async fn read_paste(&mut self, sent: usize, heard: &mut Heard) {
        while heard.lines < sent {
            let Some(line) = self.next_line().await else {
                panic!("{} was disconnected in the middle of the paste", self.name);
            };
            if line.starts_with("* ") {
                heard.notice = Some(line);
                continue;
            }
            heard.lines += 1;
            assert!(line.starts_with(&format!("<carol> log line {:05} ", heard.lines)));
        }
    }
}

/// Joins as `name` and prints the welcome.
async fn join(addr: SocketAddr, name: &'static str) -> Person {
    let mut person = Person::connect(addr, name).await;
    person.hears().await;
    person.say(name).await;
    person.hears().await;
    person
}

/// How much of carol's paste one reader has heard.
#[derive(Default)]
struct Heard {
    lines: usize,
    /// A server notice that arrived in the middle of the paste.
    notice: Option<String>,
}

/// Carol sends 3 KB lines, 128 at a time, and alice and bob read them all. Dave reads
/// nothing, so his outbox fills once the kernel's buffers for him are full (a few megabytes
/// on a loopback connection: how many lines that takes depends on the machine, so the lines
/// are checked and counted, not printed). Ends when alice and bob have heard that dave was
/// dropped.
async fn paste_until_dave_is_dropped(carol: &Person, alice: &mut Person, bob: &mut Person) {
    let mut sent = 0;
    let (mut heard_by_alice, mut heard_by_bob) = (Heard::default(), Heard::default());
    while heard_by_alice.notice.is_none() || heard_by_bob.notice.is_none() {
        let mut batch = String::new();
        for _ in 0..128 {
            sent += 1;
            batch += &format!("log line {sent:05} {}\n", "x".repeat(3000));
        }
        carol.writer.write(batch.as_bytes());
        carol.writer.drain().await.expect("send");
        // Alice and bob read at the same time, as two people at their own terminals do.
        aio::gather!(
            alice.read_paste(sent, &mut heard_by_alice),
            bob.read_paste(sent, &mut heard_by_bob),
        )
        .await;
    }
    for (person, heard) in [(alice, heard_by_alice), (bob, heard_by_bob)] {
        println!("{:>5} <- every pasted line, in order", person.name);
        println!("{:>5} <- {}", person.name, heard.notice.unwrap());
    }
}
