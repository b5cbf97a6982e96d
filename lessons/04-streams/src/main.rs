//! Lesson 04: streams.
//!
//! `cargo run -p lesson-04` starts an echo server on a port the OS chooses, talks to it with a
//! few clients, prints what came back, and exits. Two more ways to run it:
//!
//! * `cargo run -p lesson-04 -- --serve [ADDR]` keeps an echo server up (default
//!   `127.0.0.1:8888`) and prints how to talk to it with `nc`.
//! * `cargo run -p lesson-04 -- --connect ADDR [LINE...]` sends each line to an echo server at
//!   `ADDR` and prints the answers.

use std::cell::Cell;
use std::io;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::Duration;

use aio::sync::Event;
use aio::{StreamReader, StreamWriter};
use lesson_args::{say, Addr};

/// After Ctrl-C, how long `--serve` gives each connection to send the echo it owes.
const LINGER: Duration = Duration::from_secs(2);

// ANCHOR: handle_once
/// The article's handler: one `read`, one answer, close. Whatever comes after the first piece
/// of the message is never read.
async fn handle_once(mut reader: StreamReader, writer: StreamWriter) {
    let data = reader.read(1024).await.unwrap_or_default();
    writer.write(&data);
    let _ = writer.drain().await;
    writer.close();
}
// ANCHOR_END: handle_once

// ANCHOR: handle_echo
/// An echo handler done right: read until the client's end of file, echo each piece, wait
/// for the echo to leave (`drain`), then close.
async fn handle_echo(mut reader: StreamReader, writer: StreamWriter) {
    loop {
        let data = match reader.read(1024).await {
            Ok(data) if !data.is_empty() => data,
            _ => break, // An empty read is the end of file; an error ends the connection too.
        };
        writer.write(&data);
        if writer.drain().await.is_err() {
            break; // The client went away.
        }
    }
    writer.close();
    writer.wait_closed().await;
}
// ANCHOR_END: handle_echo

// ANCHOR: client
/// Sends `pieces` with a pause between them, says "that is all" with `write_eof`, and returns
/// everything the server sent back before it closed.
async fn send_in_pieces(addr: SocketAddr, pieces: &[&str], pause: Duration) -> io::Result<Vec<u8>> {
    let (mut reader, writer) = aio::open_connection(addr).await?;
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            aio::sleep(pause).await;
        }
        writer.write(piece.as_bytes());
        writer.drain().await?;
    }
    writer.write_eof(); // The server's next read returns empty: the request is complete.
    let echoed = reader.read_to_eof().await?; // Until the server closes.
    writer.close();
    writer.wait_closed().await;
    Ok(echoed)
}
// ANCHOR_END: client

/// Shows bytes as a quoted string, with `\n` for newlines (like Python's `json.dumps`).
fn quoted(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

// ANCHOR: demo
/// What `cargo run -p lesson-04` runs (`main`, at the bottom, also offers `--serve` and
/// `--connect`).
async fn demo() {
    let hello = ["Hello, ", "world!\n"];
    let pause = Duration::from_millis(10);

    println!("-- the article's handler: one read, then close");
    let server = aio::start_server("127.0.0.1:0", handle_once).await.unwrap();
    let echoed = send_in_pieces(server.local_addr(), &hello, pause).await;
    println!(
        "sent {} then {}",
        quoted(hello[0].as_bytes()),
        quoted(hello[1].as_bytes())
    );
    println!("echoed back: {}", quoted(&echoed.unwrap_or_default()));
    server.close();

    println!("-- read until end of file, drain, close");
    let server = aio::start_server("127.0.0.1:0", handle_echo).await.unwrap();
    let echoed = send_in_pieces(server.local_addr(), &hello, pause)
        .await
        .unwrap();
    println!("echoed back: {}", quoted(&echoed));
    server.close();

    println!("-- three clients at once, one second between their two lines");
    // Count connections, and the most that were open at the same moment.
    let (open, peak) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
    let (o, p) = (open.clone(), peak.clone());
    let server = aio::start_server("127.0.0.1:0", move |reader, writer| {
        let (open, peak) = (o.clone(), p.clone());
        async move {
            open.set(open.get() + 1);
            peak.set(peak.get().max(open.get()));
            handle_echo(reader, writer).await;
            open.set(open.get() - 1);
        }
    })
    .await
    .unwrap();
    let addr = server.local_addr();
    let start = aio::now();
    let clients: Vec<_> = ["ant", "bee", "cat"]
        .into_iter()
        .map(|name| {
            aio::spawn(async move {
                let lines = [format!("{name} 1\n"), format!("{name} 2\n")];
                let pieces = [lines[0].as_str(), lines[1].as_str()];
                send_in_pieces(addr, &pieces, Duration::from_secs(1)).await
            })
        })
        .collect();
    for (i, client) in clients.into_iter().enumerate() {
        let echoed = client.await.unwrap().unwrap();
        println!("client {}: {}", i + 1, quoted(&echoed));
    }
    println!("all three took {:.1}s", (aio::now() - start).as_secs_f64());
    server.close();
    server.wait_closed().await;
    println!("the server had {} connections open at once", peak.get());
}
// ANCHOR_END: demo

// ANCHOR: serve
/// `--serve`: an echo server that stays up, for `nc` (or the asyncio client) to talk to,
/// until Ctrl-C shuts it down gracefully (lesson 21).
async fn serve(addr: Addr) -> Result<(), String> {
    // From here on, Ctrl-C means "shut down", not "die".
    let ctrl_c = aio::signal::ctrl_c();
    let stopping = Event::new();
    let handler = {
        let stopping = stopping.clone();
        move |reader, writer: StreamWriter| {
            let stopping = stopping.clone();
            async move {
                let peer = writer.peer_addr().map_or("?".into(), |a| a.to_string());
                say!("{peer} connected");
                echo_until_stopped(reader, writer, stopping).await;
                say!("{peer} closed");
            }
        }
    };
    let server = aio::start_server(addr.resolved(), handler)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let addr = server.local_addr();
    say!("Serving on {addr}");
    say!("Talk to it with: nc {} {}", addr.ip(), addr.port());
    say!("(type lines, Ctrl-D ends your side, Ctrl-C stops the server)");
    ctrl_c
        .await
        .map_err(|e| format!("cannot listen for Ctrl-C: {e}"))?;

    // Stop accepting, and let each connection send the echo it owes, then close.
    server.close();
    stopping.set();
    let open = server.active_connections();
    say!("Ctrl-C: stopped accepting; closing the connections ({open} open)");
    if aio::timeout(LINGER, server.wait_closed()).await.is_err() {
        // Clients that do not read their echo: `aio::run` ends, and drops their tasks.
        let left = server.active_connections();
        say!("dropping the connections that did not close in time ({left})");
    }
    say!("shut down");
    Ok(())
}

/// `handle_echo` for `--serve`: echoes until the client's end of file, or until the server
/// stops, and then closes; what was read is echoed first, and gets `LINGER` to leave.
async fn echo_until_stopped(mut reader: StreamReader, writer: StreamWriter, stopping: Event) {
    loop {
        // The next bytes, unless the server stops first (a tie goes to the stop).
        let (_, data) = aio::race!(
            async {
                stopping.wait().await;
                None
            },
            async { Some(reader.read(1024).await) },
        )
        .await;
        let data = match data {
            Some(Ok(data)) if !data.is_empty() => data,
            _ => break, // Stopping, the end of file, or an error.
        };
        writer.write(&data);
        if writer.drain().await.is_err() {
            break; // The client went away.
        }
    }
    writer.close();
    if aio::timeout(LINGER, writer.wait_closed()).await.is_err() {
        writer.abort(); // A client that does not read its echo.
    }
}
// ANCHOR_END: serve

/// `--connect ADDR [LINE...]`: sends each line, prints each answer, then closes.
async fn connect(addr: Addr, lines: &[String]) -> Result<(), String> {
    let lines: Vec<&str> = match lines {
        [] => vec!["hello", "streams"],
        lines => lines.iter().map(String::as_str).collect(),
    };
    let (mut reader, writer) = aio::open_connection(addr.resolved())
        .await
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    let lost = |e: io::Error| format!("the connection to {addr} failed: {e}");
    for line in lines {
        writer.write(format!("{line}\n").as_bytes());
        writer.drain().await.map_err(lost)?;
        let answer = reader.readline().await.map_err(lost)?;
        if answer.is_empty() {
            return Err(format!("{addr} closed the connection without an answer"));
        }
        println!(
            "sent {} got back {}",
            quoted(format!("{line}\n").as_bytes()),
            quoted(&answer)
        );
    }
    writer.close();
    writer.wait_closed().await;
    Ok(())
}

/// Without arguments, the demo; `--serve` or `--connect` run one side, for the other to talk to.
fn main() -> ExitCode {
    let mut args = USAGE.parse();
    let done = if args.flag("--serve") {
        let addr = args
            .word("ADDR")
            .unwrap_or_else(|| Addr::from(SocketAddr::from(([127, 0, 0, 1], 8888))));
        args.finish();
        aio::run(serve(addr))
    } else if let Some(addr) = args.value("--connect") {
        let lines = args.words();
        args.finish();
        aio::run(connect(addr, &lines))
    } else {
        args.finish();
        aio::run(demo());
        Ok(())
    };
    // Failing to listen or connect: one line that says why, and a failure status.
    USAGE.exit(done)
}

/// The command line: `--help` prints the description in Cargo.toml and these options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[
        (
            "--serve [ADDR]",
            "keep an echo server up at ADDR (HOST:PORT, default 127.0.0.1:8888) for nc",
        ),
        (
            "--connect ADDR [LINE...]",
            "send each LINE (default: hello, streams) to the echo server at ADDR",
        ),
    ],
};
