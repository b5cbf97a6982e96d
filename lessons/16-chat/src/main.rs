//! Lesson 16: a chat server.
//!
//! Everyone connected gets every line anyone says. Each client has an outbox of at most
//! `OUTBOX_LIMIT` lines and a writer task that empties it; a client that stops reading fills
//! its outbox and is disconnected, so it never stalls the others or grows the server's memory.
//!
//! `cargo run -p lesson-16` runs scripted clients against the server; `cargo run -p lesson-16
//! -- --serve [--port N]` keeps it running: join with `nc 127.0.0.1 7000`.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::future::poll_fn;
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::rc::Rc;
use std::task::{Poll, Waker};

use aio::{Registered, StreamReader, StreamWriter, Task, TcpStream};

// ANCHOR: limits
/// How many lines may wait for one client before the server gives up on it.
const OUTBOX_LIMIT: usize = 64;
/// The longest line a client may send, in bytes.
const MAX_LINE: usize = 4096;
// ANCHOR_END: limits

// ANCHOR: outbox
/// The lines waiting to be sent to one client: a small bounded queue with one consumer,
/// the client's writer task.
#[derive(Default)]
struct Outbox {
    /// Lines not yet handed to the socket, oldest first. Never more than `OUTBOX_LIMIT`.
    lines: RefCell<VecDeque<Rc<str>>>,
    /// The writer task, when it waits for a line.
    waiting: Cell<Option<Waker>>,
}

impl Outbox {
    /// Queues `line`. False if the outbox is full: this client is not keeping up.
    fn push(&self, line: Rc<str>) -> bool {
        let mut lines = self.lines.borrow_mut();
        if lines.len() >= OUTBOX_LIMIT {
            return false;
        }
        lines.push_back(line);
        drop(lines); // Release the borrow before waking.
        if let Some(writer) = self.waiting.take() {
            writer.wake();
        }
        true
    }

    /// Waits for the next line.
    async fn pop(&self) -> Rc<str> {
        poll_fn(|cx| match self.lines.borrow_mut().pop_front() {
            Some(line) => Poll::Ready(line),
            None => {
                self.waiting.set(Some(cx.waker().clone()));
                Poll::Pending
            }
        })
        .await
    }
}

/// Sends one client its outbox, line after line, as fast as the client reads.
async fn write_lines(stream: Rc<TcpStream>, outbox: Rc<Outbox>) {
    loop {
        let line = outbox.pop().await;
        if write_all(&stream, line.as_bytes()).await.is_err() {
            return; // The client is gone; its reading side will notice too.
        }
    }
}
// ANCHOR_END: outbox

async fn write_all(stream: &TcpStream, mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        match stream.write(bytes).await? {
            0 => return Err(io::ErrorKind::WriteZero.into()),
            n => bytes = &bytes[n..],
        }
    }
    Ok(())
}

// ANCHOR: room
/// One client in the room.
struct Member {
    name: String,
    outbox: Rc<Outbox>,
    /// The connection, to shut it down when the member is removed.
    stream: Rc<TcpStream>,
    /// The task that empties `outbox`.
    writer: Task<()>,
}

/// Everyone connected, by an id given at join time (so the order of the room is the order
/// of arrival).
#[derive(Default)]
struct Room {
    members: BTreeMap<u64, Member>,
    next_id: u64,
}

type SharedRoom = Rc<RefCell<Room>>;

/// Sends `text` to every member except `except`. Members whose outbox is full are
/// disconnected, and the others are told.
fn broadcast(room: &SharedRoom, text: &str, except: Option<u64>) {
    let line: Rc<str> = format!("{text}\n").into();
    // Take what we need and release the room before pushing (pushing wakes tasks).
    let outboxes: Vec<(u64, Rc<Outbox>)> = room
        .borrow()
        .members
        .iter()
        .filter(|(id, _)| Some(**id) != except)
        .map(|(id, member)| (*id, member.outbox.clone()))
        .collect();
    let too_slow: Vec<u64> = outboxes
        .into_iter()
        .filter(|(_, outbox)| !outbox.push(line.clone()))
        .map(|(id, _)| id)
        .collect();
    for id in too_slow {
        if let Some(name) = remove(room, id) {
            broadcast(room, &format!("* {name} was disconnected: too slow"), None);
        }
    }
}

/// Takes member `id` out of the room and closes its connection. Returns its name, or `None`
/// if it had already been removed.
fn remove(room: &SharedRoom, id: u64) -> Option<String> {
    let member = room.borrow_mut().members.remove(&id)?;
    // The room is released: now stop the writer (dropping its future) and shut the socket,
    // which also ends the member's reading task (its next read sees end of file).
    member.writer.cancel();
    let _ = member.stream.shutdown(Shutdown::Both);
    Some(member.name)
}
// ANCHOR_END: room

// ANCHOR: client
/// One connection, from "what is your name?" to leaving.
async fn client_connected(room: SharedRoom, stream: TcpStream) {
    let stream = Rc::new(stream);
    let mut lines = LineReader::new(stream.clone());

    // 1. A name that is valid and not taken.
    let _ = write_all(&stream, b"Welcome! What is your name?\n").await;
    let name = loop {
        let Ok(Some(name)) = lines.next().await else {
            return; // Left before joining.
        };
        let valid = (1..=16).contains(&name.len())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let taken = room.borrow().members.values().any(|m| m.name == name);
        if valid && !taken {
            break name;
        }
        let reply = format!("* {name:?} is taken or not a name (letters, digits, _); another?\n");
        let _ = write_all(&stream, reply.as_bytes()).await;
    };

    // 2. Join: from now on everything this client receives goes through its outbox.
    let outbox = Rc::new(Outbox::default());
    let writer = aio::spawn(write_lines(stream.clone(), outbox.clone()));
    let id = {
        let mut room = room.borrow_mut();
        let id = room.next_id;
        room.next_id += 1;
        let member = Member {
            name: name.clone(),
            outbox: outbox.clone(),
            stream,
            writer,
        };
        room.members.insert(id, member);
        id
    };
    let online: Vec<String> = room
        .borrow()
        .members
        .values()
        .map(|m| m.name.clone())
        .collect();
    outbox.push(format!("* Hi {name}! Online: {}\n", online.join(", ")).into());
    broadcast(&room, &format!("* {name} joined"), Some(id));

    // 3. Say what the client says, until it leaves.
    while let Ok(Some(line)) = lines.next().await {
        if line == "/quit" {
            break;
        }
        broadcast(&room, &format!("<{name}> {line}"), Some(id));
        // Let the writers run before reading more: a client that sends a lot must not keep
        // this task busy while everyone's outbox fills up.
        aio::yield_now().await;
    }

    // 4. Leave, unless the room already removed this client for being too slow.
    if remove(&room, id).is_some() {
        broadcast(&room, &format!("* {name} left"), None);
    }
}
// ANCHOR_END: client

/// Splits what a client sends into lines.
struct LineReader {
    stream: Rc<TcpStream>,
    /// Bytes received and not yet returned as a line.
    buf: Vec<u8>,
}

impl LineReader {
    fn new(stream: Rc<TcpStream>) -> LineReader {
        LineReader {
            stream,
            buf: Vec::new(),
        }
    }

    /// The next line, without its line end (`\n` or `\r\n`); `None` at end of file.
    /// A line longer than `MAX_LINE` is an error: the client is not chatting.
    async fn next(&mut self) -> io::Result<Option<String>> {
        loop {
            if let Some(end) = self.buf.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.buf.drain(..=end).collect();
                let line = String::from_utf8_lossy(&line);
                return Ok(Some(line.trim_end_matches(['\r', '\n']).to_string()));
            }
            if self.buf.len() > MAX_LINE {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "line too long"));
            }
            let mut chunk = [0; 4096];
            let n = self.stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(None);
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}

// ANCHOR: server
/// A listening socket whose connections send small writes at once.
///
/// By default TCP delays a small write while an earlier one is not yet acknowledged
/// (Nagle's algorithm), and the peer may hold its acknowledgement back for up to 40 ms
/// (delayed ACK): a chat line could wait that long. asyncio turns the delay off on every TCP
/// connection (`TCP_NODELAY`); `aio::TcpListener` does not offer the switch, so this listener
/// is built from a std one, registered with the loop.
struct Listener(Registered<std::net::TcpListener>);

impl Listener {
    fn bind(addr: impl std::net::ToSocketAddrs) -> io::Result<Listener> {
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        Ok(Listener(Registered::new(listener)?))
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().local_addr()
    }

    async fn accept(&self) -> io::Result<TcpStream> {
        let (stream, _peer) = poll_fn(|cx| self.0.poll_read_with(cx, |l| l.accept())).await?;
        stream.set_nodelay(true)?;
        TcpStream::from_std(stream)
    }
}

/// Accepts connections and runs each in a task of its own.
async fn serve(listener: Listener) {
    let room = SharedRoom::default();
    loop {
        if let Ok(stream) = listener.accept().await {
            aio::spawn(client_connected(room.clone(), stream));
        }
    }
}
// ANCHOR_END: server

// ANCHOR: script
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
}

/// Joins as `name` and prints the welcome.
async fn join(addr: SocketAddr, name: &'static str) -> Person {
    let mut person = Person::connect(addr, name).await;
    person.hears().await;
    person.say(name).await;
    person.hears().await;
    person
}

async fn demo() {
    let listener = Listener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    let server = aio::spawn(serve(listener));

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

    server.cancel();
}

/// How much of carol's paste one reader has heard.
#[derive(Default)]
struct Heard {
    lines: usize,
    /// A server notice that arrived in the middle of the paste.
    notice: Option<String>,
}

impl Person {
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
        futures::future::join(
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
// ANCHOR_END: script

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--serve") {
        let port: u16 = match args.iter().position(|a| a == "--port") {
            Some(i) => args
                .get(i + 1)
                .and_then(|p| p.parse().ok())
                .expect("--port N"),
            None => 7000,
        };
        aio::run(async move {
            let listener = Listener::bind(("127.0.0.1", port)).expect("bind");
            let addr = listener.local_addr().expect("address");
            // The first line is for programs (the tests read the port from it).
            println!("listening on {addr}");
            println!("join with: nc {} {}", addr.ip(), addr.port());
            serve(listener).await;
        });
    } else {
        aio::run(demo());
    }
}
