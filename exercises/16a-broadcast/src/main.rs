//! Exercise 16a: a chat server that sends each message to everyone else, not back to its
//! sender.
//!
//! A client connects, says its name, and from then on each line it sends goes to the room.
//! The server below sends each line (and each "joined" notice) to every member of the room,
//! the sender included: whoever speaks gets their own words back, as if someone else had
//! said them, and a client that joins is told that it joined.
//!
//! Goal: send `* NAME joined` and `<NAME> LINE` to every member except the one they are
//! about (lesson 16's `broadcast` takes the id to leave out: `except`). `* NAME left` goes to
//! the others too: the one who left is gone already. The program must print exactly
//! `expected.txt`, where `ADDR` stands for the address it listens on.
//!
//! `cargo run -p exercise-16a` serves on 127.0.0.1:7000 (or at the address given:
//! `cargo run -p exercise-16a -- 127.0.0.1:9000`); join with `nc 127.0.0.1 7000` from two
//! terminals. `cargo course check 16a` starts it on a free port; three clients, `ant`, `bee`
//! and `cat`, join one after another, `ant` and `bee` each say a line, and each leaves. Each
//! checks every line it receives, in order, and the output is checked. Stuck? `cargo course
//! hint 16a`; read lesson 16 (`cargo run -p lesson-16`).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::rc::Rc;

use aio::{StreamReader, StreamWriter};

/// Everyone connected, by an id given as they join: their name, and where their lines go.
#[derive(Default)]
struct Room {
    members: BTreeMap<u64, (String, StreamWriter)>,
    next_id: u64,
}

type SharedRoom = Rc<RefCell<Room>>;

/// Sends `text` as a line to every member.
fn broadcast(room: &SharedRoom, text: &str) {
    for (_name, writer) in room.borrow().members.values() {
        writer.write(format!("{text}\n").as_bytes()); // `write` never waits.
    }
}

/// The client's next line, without its line end; `None` once it has left.
async fn next_line(reader: &mut StreamReader) -> Option<String> {
    let line = reader.readline().await.ok()?;
    let line = String::from_utf8_lossy(line.strip_suffix(b"\n")?);
    Some(line.trim_end_matches('\r').to_string())
}

/// One connection, from its name to its leaving.
async fn client_connected(room: SharedRoom, mut reader: StreamReader, writer: StreamWriter) {
    writer.write(b"Welcome! What is your name?\n");
    let Some(name) = next_line(&mut reader).await else {
        return; // Left before joining.
    };
    println!("{name} joined");
    writer.write(format!("* Hi {name}!\n").as_bytes());
    let id = {
        let mut room = room.borrow_mut();
        let id = room.next_id;
        room.next_id += 1;
        room.members.insert(id, (name.clone(), writer));
        id
    };
    broadcast(&room, &format!("* {name} joined"));

    while let Some(line) = next_line(&mut reader).await {
        println!("<{name}> {line}");
        broadcast(&room, &format!("<{name}> {line}"));
    }

    println!("{name} left");
    let left = room.borrow_mut().members.remove(&id);
    broadcast(&room, &format!("* {name} left"));
    if let Some((_name, writer)) = left {
        writer.close();
        writer.wait_closed().await;
    }
}

async fn serve(addr: SocketAddr) -> Result<(), String> {
    let room = SharedRoom::default();
    let server = aio::start_server(addr, move |reader, writer| {
        client_connected(room.clone(), reader, writer)
    })
    .await
    .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    println!("listening on {}", server.local_addr());
    server.serve_forever().await;
    Ok(())
}

fn main() -> std::process::ExitCode {
    let mut args = USAGE.parse(); // `--help` says what the exercise is about.
    let addr = args.word("ADDR").unwrap_or(([127, 0, 0, 1], 7000).into());
    args.finish();
    USAGE.exit(aio::run(serve(addr)))
}

/// The command line: `--help` prints the description in Cargo.toml, and the address.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[(
        "[ADDR]",
        "listen on ADDR (HOST:PORT, default 127.0.0.1:7000)",
    )],
};
