//! Exercise 04a: an echo server that answers each line as it arrives, to several clients at once.
//!
//! A client of a line server sends a line and waits for the answer before it sends the next,
//! as you do when you type into `nc`. The handler below reads with `read_to_eof`: it answers
//! nothing until the client has closed its side. A client that waits for its answer, with its
//! connection open, waits for ever.
//!
//! Goal: answer each line as soon as it has arrived. Read one line at a time with
//! `readline()`, print `client N said "…"`, write the line back and `drain()`; at the end of
//! file (an empty line), print `client N left` and close. While one client sits idle, the
//! others must still be answered. The program must print exactly `expected.txt`, where `ADDR`
//! stands for the address it listens on.
//!
//! `cargo run -p exercise-04a` serves on 127.0.0.1:8888 (add an address to serve elsewhere:
//! `cargo run -p exercise-04a -- 127.0.0.1:9000`); talk to it with `nc 127.0.0.1 8888`.
//! `cargo course check 04a` starts it on a free port and talks to it with two clients, `ant`
//! and `bee`: each sends lines and waits for each echo with its connection open, `bee` while
//! `ant` is connected and idle; then each closes its side and waits for the server to close.
//! It checks the echoes and the output. Stuck? `cargo course hint 04a`; read lesson 04
//! (`cargo run -p lesson-04`).

use std::cell::Cell;
use std::net::SocketAddr;
use std::rc::Rc;

use aio::{StreamReader, StreamWriter};

/// Shows bytes as a quoted string, with `\n` for newlines: `"hello\n"`.
fn quoted(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

/// Serves client number `n`.
async fn handle(n: u32, mut reader: StreamReader, writer: StreamWriter) {
    println!("client {n} connected");
    // Everything the client sends, once it has closed its side.
    let data = reader.read_to_eof().await.unwrap_or_default();
    for line in data.split_inclusive(|&byte| byte == b'\n') {
        println!("client {n} said {}", quoted(line));
        writer.write(line);
    }
    let _ = writer.drain().await;
    println!("client {n} left");
    writer.close();
    writer.wait_closed().await;
}

async fn serve(addr: SocketAddr) -> Result<(), String> {
    let clients = Rc::new(Cell::new(0));
    let server = aio::start_server(addr, move |reader, writer| {
        clients.set(clients.get() + 1); // Number the clients 1, 2, … as they connect.
        handle(clients.get(), reader, writer)
    })
    .await
    .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    println!("listening on {}", server.local_addr());
    server.serve_forever().await;
    Ok(())
}

fn main() -> std::process::ExitCode {
    let mut args = USAGE.parse(); // `--help` says what the exercise is about.
    let addr = args.word("ADDR").unwrap_or(([127, 0, 0, 1], 8888).into());
    args.finish();
    USAGE.exit(aio::run(serve(addr)))
}

/// The command line: `--help` prints the description in Cargo.toml, and the address.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[(
        "[ADDR]",
        "listen on ADDR (HOST:PORT, default 127.0.0.1:8888)",
    )],
};
