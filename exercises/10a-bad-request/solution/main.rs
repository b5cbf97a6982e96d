//! Exercise 10a, solved: a head the parser refuses is answered with the status its error
//! calls for (`Response::error`), and the response closes the connection, since the server
//! no longer knows where a next request would start. The client learns what was wrong.

use std::net::SocketAddr;
use std::time::Duration;

use aio::{StreamReader, StreamWriter};
use http_lite::{Request, RequestParser, Response};

/// The longest request head the server reads.
const HEAD_LIMIT: usize = 8 * 1024;
/// How long a closing connection waits for the client to close too (see `close_gently`).
const LINGER: Duration = Duration::from_secs(2);

/// What waiting for the next request on a connection gave.
enum Incoming {
    /// A whole request head (this server serves GET: its requests have no body).
    Request(Request),
    /// Bytes that are not a request this server can read.
    Bad(http_lite::Error),
    /// The client closed the connection (or it broke).
    Closed,
}

/// Reads until `buf` starts with a whole request head, and takes it out of `buf`.
async fn read_request(reader: &mut StreamReader, buf: &mut Vec<u8>) -> Incoming {
    let mut parser = RequestParser::new(HEAD_LIMIT);
    loop {
        match parser.parse(buf) {
            Ok(Some((request, head_len))) => {
                buf.drain(..head_len);
                return Incoming::Request(request);
            }
            Ok(None) => {} // Not whole yet: read more.
            Err(error) => return Incoming::Bad(error),
        }
        match reader.read(4096).await {
            Ok(bytes) if !bytes.is_empty() => buf.extend_from_slice(&bytes),
            _ => return Incoming::Closed,
        }
    }
}

/// The application: "Hello!" at `/`, 404 elsewhere.
fn respond(request: &Request) -> Response {
    match (request.method.as_str(), request.path()) {
        ("GET", "/") => Response::text(200, "Hello!\n"),
        ("GET", _) => Response::text(404, "Not found\n"),
        _ => Response::text(405, "Only GET\n").header("Allow", "GET"),
    }
}

/// Serves one connection: requests in a loop while the client keeps it alive.
async fn handle(mut reader: StreamReader, writer: StreamWriter) {
    let mut buf = Vec::new();
    loop {
        let (what, response) = match read_request(&mut reader, &mut buf).await {
            Incoming::Request(request) => {
                let what = format!("{} {}", request.method, request.target);
                let response = respond(&request);
                match request.keep_alive() {
                    true => (what, response),
                    false => (what, response.close()), // The client asked to close.
                }
            }
            // The error says which status to answer, and the answer closes the connection.
            Incoming::Bad(error) => (format!("bad request ({error})"), Response::error(&error)),
            Incoming::Closed => break,
        };
        let status = response.status();
        println!("{what} -> {status} {}", http_lite::reason(status));
        writer.write(&response.to_bytes());
        if writer.drain().await.is_err() || response.closes() {
            break;
        }
    }
    close_gently(&mut reader, &writer).await;
}

/// Closes without losing the last response (lesson 10's `close_gently`): say "no more from
/// us" (FIN), read and drop what the client still sends until it closes too (for at most
/// `LINGER`), then close. Closing with unread bytes would send a reset, which may make the
/// client's system drop the response before the client has read it.
async fn close_gently(reader: &mut StreamReader, writer: &StreamWriter) {
    writer.write_eof();
    let discard_until_eof =
        async { while !reader.read(4096).await.unwrap_or_default().is_empty() {} };
    let _ = aio::timeout(LINGER, discard_until_eof).await;
    writer.close();
    if aio::timeout(LINGER, writer.wait_closed()).await.is_err() {
        writer.abort();
    }
}

async fn serve(addr: SocketAddr) -> Result<(), String> {
    let server = aio::start_server(addr, handle)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    println!("listening on {}", server.local_addr());
    server.serve_forever().await;
    Ok(())
}

fn main() -> std::process::ExitCode {
    let mut args = USAGE.parse();
    let addr = args.word("ADDR").unwrap_or(([127, 0, 0, 1], 8080).into());
    args.finish();
    USAGE.exit(aio::run(serve(addr)))
}

/// The command line: `--help` prints the description in Cargo.toml, and the address.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[(
        "[ADDR]",
        "listen on ADDR (HOST:PORT, default 127.0.0.1:8080)",
    )],
};
