//! Exercise 04a, solved: `readline()` returns each line as soon as its newline has arrived, so
//! the echo goes back while the client waits. Each connection's handler is a task of its own
//! (`start_server` spawns it), so a client that sits idle holds only its own handler.

use std::cell::Cell;
use std::net::SocketAddr;
use std::rc::Rc;

use aio::{StreamReader, StreamWriter};

fn quoted(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

async fn handle(n: u32, mut reader: StreamReader, writer: StreamWriter) {
    println!("client {n} connected");
    loop {
        let line = match reader.readline().await {
            Ok(line) if !line.is_empty() => line,
            _ => break, // An empty line is the end of file; an error ends the connection too.
        };
        println!("client {n} said {}", quoted(&line));
        writer.write(&line);
        if writer.drain().await.is_err() {
            break; // The client went away.
        }
    }
    println!("client {n} left");
    writer.close();
    writer.wait_closed().await;
}

async fn serve(addr: SocketAddr) -> Result<(), String> {
    let clients = Rc::new(Cell::new(0));
    let server = aio::start_server(addr, move |reader, writer| {
        clients.set(clients.get() + 1);
        handle(clients.get(), reader, writer)
    })
    .await
    .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    println!("listening on {}", server.local_addr());
    server.serve_forever().await;
    Ok(())
}

fn main() -> std::process::ExitCode {
    let mut args = USAGE.parse();
    let addr = args.word("ADDR").unwrap_or(([127, 0, 0, 1], 8888).into());
    args.finish();
    USAGE.exit(aio::run(serve(addr)))
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[(
        "[ADDR]",
        "listen on ADDR (HOST:PORT, default 127.0.0.1:8888)",
    )],
};
