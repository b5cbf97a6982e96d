//! Lesson 16: a chat server.
//!
//! Everyone connected gets every line anyone says. What waits to be sent to a client (its
//! writer's buffer, which the loop empties in the background) may grow to `OUTBOX_LIMIT`
//! bytes; a client that stops reading passes that bound and is disconnected, so it never
//! stalls the others or grows the server's memory. A client that says nothing for `IDLE` is
//! told and disconnected, so a connection nobody uses is not held forever.
//!
//! `cargo run -p lesson-16` runs scripted clients (`src/script.rs`) against the server;
//! `cargo run -p lesson-16 -- --serve [--port N] [--idle SECS]` keeps it running: join with
//! `nc 127.0.0.1 7000`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io;
use std::net::ToSocketAddrs;
use std::num::NonZeroU64;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::Duration;

use aio::sync::Event;
use aio::{StreamReader, StreamWriter};
use lesson_args::say;

mod script;

// ANCHOR: limits
/// How many bytes may wait to be sent to one client (beyond what the kernel buffers) before
/// the server gives up on it. A megabyte is thousands of chat lines, and more than the demo's
/// largest burst (128 lines of 3 KB), so only a client that stopped reading reaches it.
const OUTBOX_LIMIT: usize = 1024 * 1024;
/// The longest line a client may send, in bytes.
const MAX_LINE: usize = 4096;
/// How long a client may say nothing before it is told and disconnected (`--idle SECS`
/// changes it). Five minutes is long for a pause in a chat, and short for a terminal left
/// open: without a limit, a connection that never sends would be held for as long as the
/// server runs.
const IDLE: Duration = Duration::from_secs(5 * 60);
/// When a client leaves, how long what is still in its outbox has to leave before the server
/// drops it and closes: a client that does not read cannot keep its connection either.
const LINGER: Duration = Duration::from_secs(2);
// ANCHOR_END: limits

// ANCHOR: room
/// One client in the room.
struct Member {
    name: String,
    /// Where the client's lines go. `write` never waits: what the client has not taken yet
    /// stays in the writer's buffer, its outbox, and the loop sends it in the background.
    writer: StreamWriter,
}

/// Everyone connected, by an id given at join time (so the order of the room is the order
/// of arrival).
#[derive(Default)]
struct Room {
    members: BTreeMap<u64, Member>,
    next_id: u64,
}

type SharedRoom = Rc<RefCell<Room>>;

/// Sends `text` to every member except `except`. Members whose outbox has grown past
/// `OUTBOX_LIMIT` are disconnected, and the others are told.
fn broadcast(room: &SharedRoom, text: &str, except: Option<u64>) {
    let line = format!("{text}\n");
    let mut too_slow = Vec::new();
    for (&id, member) in &room.borrow().members {
        if Some(id) != except {
            member.writer.write(line.as_bytes());
            if member.writer.write_buffer_size() > OUTBOX_LIMIT {
                too_slow.push(id);
            }
        }
    }
    // The room is released: now it can change.
    for id in too_slow {
        let removed = room.borrow_mut().members.remove(&id);
        if let Some(member) = removed {
            // Close at once and drop the outbox (asyncio's `transport.abort()`). This also
            // ends the member's reading task: its next read sees end of file.
            member.writer.abort();
            let notice = format!("* {} was disconnected: too slow", member.name);
            broadcast(room, &notice, None);
        }
    }
}
// ANCHOR_END: room

// ANCHOR: client
/// One connection, from "what is your name?" to leaving. A client that says nothing for
/// `idle`, before or after joining, is told and disconnected; so is every client when the
/// server stops (`stopping`, set on Ctrl-C).
async fn client_connected(
    room: SharedRoom,
    idle: Duration,
    stopping: Event,
    mut reader: StreamReader,
    writer: StreamWriter,
) {
    reader.set_limit(MAX_LINE);

    // 1. A name that is valid and not taken.
    writer.write(b"Welcome! What is your name?\n");
    let name = loop {
        let name = match hear(&mut reader, idle, &stopping).await {
            Heard::Line(name) => name,
            Heard::Gone => return, // Left before joining.
            Heard::Silent => return goodbye(writer, idle).await,
            Heard::Stopping => return shutdown_goodbye(writer).await,
        };
        let valid = (1..=16).contains(&name.len())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let taken = room.borrow().members.values().any(|m| m.name == name);
        if valid && !taken {
            break name;
        }
        let reply = format!("* {name:?} is taken or not a name (letters, digits, _); another?\n");
        writer.write(reply.as_bytes());
        // Not in the room yet: a client that sends names without reading the replies waits
        // here, for `idle` at most.
        if !matches!(aio::timeout(idle, writer.drain()).await, Ok(Ok(()))) {
            writer.abort();
            return;
        }
    };

    // 2. Join: from now on the room writes to this client.
    let id = {
        let mut room = room.borrow_mut();
        let id = room.next_id;
        room.next_id += 1;
        let mut online: Vec<&str> = room.members.values().map(|m| m.name.as_str()).collect();
        online.push(&name);
        writer.write(format!("* Hi {name}! Online: {}\n", online.join(", ")).as_bytes());
        let member = Member {
            name: name.clone(),
            writer,
        };
        room.members.insert(id, member);
        id
    };
    broadcast(&room, &format!("* {name} joined"), Some(id));

    // 3. Say what the client says, until it leaves, falls silent or the server stops.
    let why = loop {
        match hear(&mut reader, idle, &stopping).await {
            Heard::Line(line) if line == "/quit" => break Heard::Gone,
            Heard::Line(line) => broadcast(&room, &format!("<{name}> {line}"), Some(id)),
            other => break other,
        }
        // Let the other tasks run before reading more: while a client sends a lot, its reads
        // succeed without waiting, and this task would keep the loop to itself.
        aio::yield_now().await;
    };

    // 4. Leave, unless the room already removed this client for being too slow.
    let removed = room.borrow_mut().members.remove(&id);
    if let Some(member) = removed {
        match why {
            Heard::Silent => {
                let notice = format!("* {name} was disconnected: silent for {}s", idle.as_secs());
                broadcast(&room, &notice, None);
                goodbye(member.writer, idle).await;
            }
            // Everyone is told the same: nobody needs to hear who left first.
            Heard::Stopping => shutdown_goodbye(member.writer).await,
            _ => {
                broadcast(&room, &format!("* {name} left"), None);
                close_soon(member.writer).await;
            }
        }
    }
}

/// What a client did next.
enum Heard {
    /// A line, without its line end (`\n` or `\r\n`).
    Line(String),
    /// The client is gone, ended in the middle of a line, or sent a line longer than
    /// `MAX_LINE` (it is not chatting).
    Gone,
    /// Nothing, for `idle`.
    Silent,
    /// The server stops.
    Stopping,
}

/// Waits at most `idle` for the client's next line, unless the server stops first.
async fn hear(reader: &mut StreamReader, idle: Duration, stopping: &Event) -> Heard {
    let (_, next) = aio::race!(
        async {
            stopping.wait().await;
            None
        },
        async { Some(aio::timeout(idle, reader.readline()).await) },
    )
    .await;
    let Some(next) = next else {
        return Heard::Stopping;
    };
    match next {
        Ok(Ok(line)) => match line.strip_suffix(b"\n") {
            Some(line) => Heard::Line(
                String::from_utf8_lossy(line)
                    .trim_end_matches('\r')
                    .to_string(),
            ),
            None => Heard::Gone, // No line end: the end of file cut it short.
        },
        Ok(Err(_)) => Heard::Gone,
        // Time is up: the read in progress was dropped, and the connection ends anyway.
        Err(_elapsed) => Heard::Silent,
    }
}

/// Tells a client that said nothing for `idle` why the server lets it go, and closes.
async fn goodbye(writer: StreamWriter, idle: Duration) {
    let line = format!("* you said nothing for {}s: goodbye\n", idle.as_secs());
    writer.write(line.as_bytes());
    close_soon(writer).await;
}

/// Tells a client that the server is shutting down, and closes.
async fn shutdown_goodbye(writer: StreamWriter) {
    writer.write(b"* the server is shutting down: goodbye\n");
    close_soon(writer).await;
}

/// Closes after what is still in the outbox, which has `LINGER` to leave; then drops it and
/// closes at once, for a client that does not read.
async fn close_soon(writer: StreamWriter) {
    writer.close();
    if aio::timeout(LINGER, writer.wait_closed()).await.is_err() {
        writer.abort();
    }
}
// ANCHOR_END: client

// ANCHOR: server
/// Starts the chat server: one room, and a task for each connection (`aio::start_server`,
/// like asyncio's `start_server`). Setting `stopping` tells every client goodbye.
async fn start_chat(
    addr: impl ToSocketAddrs,
    idle: Duration,
    stopping: Event,
) -> io::Result<aio::Server> {
    let room = SharedRoom::default();
    aio::start_server(addr, move |reader, writer| {
        client_connected(room.clone(), idle, stopping.clone(), reader, writer)
    })
    .await
}
// ANCHOR_END: server

// ANCHOR: serve
/// `--serve`: the chat server until Ctrl-C, then a graceful shutdown (lesson 21): no new
/// connections, every client told goodbye, every connection closed.
async fn serve(port: u16, idle: Duration) -> Result<(), String> {
    // From here on, Ctrl-C means "shut down", not "die".
    let ctrl_c = aio::signal::ctrl_c();
    let stopping = Event::new();
    let server = start_chat(("127.0.0.1", port), idle, stopping.clone())
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let addr = server.local_addr();
    // The first line is for programs (the tests read the port from it).
    say!("listening on {addr}");
    say!("join with: nc {} {}", addr.ip(), addr.port());
    ctrl_c
        .await
        .map_err(|e| format!("cannot listen for Ctrl-C: {e}"))?;

    server.close();
    stopping.set();
    let open = server.active_connections();
    say!("Ctrl-C: stopped accepting; saying goodbye ({open} connected)");
    // Each goodbye has `LINGER` to leave; a little more for all of them to end.
    if aio::timeout(LINGER * 2, server.wait_closed())
        .await
        .is_err()
    {
        let left = server.active_connections();
        say!("dropping the connections that did not close in time ({left})");
    }
    say!("shut down");
    Ok(())
}
// ANCHOR_END: serve

/// Without arguments: the scripted demo (`src/script.rs`). `--serve [--port N] [--idle SECS]`:
/// the server alone, for `nc`.
fn main() -> ExitCode {
    let mut args = USAGE.parse();
    if !args.flag("--serve") {
        args.finish();
        aio::run(script::demo());
        return ExitCode::SUCCESS;
    }
    let port: u16 = args.value("--port").unwrap_or(7000);
    let idle = args
        .value::<NonZeroU64>("--idle")
        .map_or(IDLE, |secs| Duration::from_secs(secs.get()));
    args.finish();
    let served = aio::run(serve(port, idle));
    // Failing to listen or connect: one line that says why, and a failure status.
    USAGE.exit(served)
}

/// The command line: `--help` prints the description in Cargo.toml and these options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[
        ("--serve", "keep the chat server running: join with nc"),
        (
            "--port N",
            "with --serve: listen on port N (default 7000, 0: any free port)",
        ),
        (
            "--idle SECS",
            "with --serve: disconnect a client silent for SECS seconds (default 300)",
        ),
    ],
};
