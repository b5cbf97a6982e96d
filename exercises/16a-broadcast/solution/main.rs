//! Exercise 16a, solved: `broadcast` takes the id of the member a line is about and skips
//! it. The sender knows what it said, and a client that joins is greeted on its own.

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

/// Sends `text` as a line to every member but `except`.
fn broadcast(room: &SharedRoom, text: &str, except: u64) {
    for (&id, (_name, writer)) in &room.borrow().members {
        if id != except {
            writer.write(format!("{text}\n").as_bytes());
        }
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
    broadcast(&room, &format!("* {name} joined"), id);

    while let Some(line) = next_line(&mut reader).await {
        println!("<{name}> {line}");
        broadcast(&room, &format!("<{name}> {line}"), id);
    }

    println!("{name} left");
    let left = room.borrow_mut().members.remove(&id);
    broadcast(&room, &format!("* {name} left"), id); // Removed already: all the others.
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
    let mut args = USAGE.parse();
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
