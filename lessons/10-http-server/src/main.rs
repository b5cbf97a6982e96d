//! Lesson 10: an HTTP server.
//!
//! The seed's "Hello" server, fixed: it reads a request head up to a size limit instead of
//! reading to EOF, answers with `Content-Length`, keeps connections alive, answers 400 and 431
//! to bad requests and gives up on clients that never finish.
//!
//! `cargo run -p lesson-10` starts the server on a free port and runs scripted clients against
//! it (`src/script.rs`); `cargo run -p lesson-10 -- --serve [--port N]` keeps it running for
//! curl and a browser.

use std::process::ExitCode;
use std::time::Duration;

use aio::sync::Event;
use aio::{StreamReader, StreamWriter};
use http_lite::{Request, RequestParser, Response};
use lesson_args::say;

mod script;

// ANCHOR: limits
/// The longest request head the server reads (request line and headers).
const HEAD_LIMIT: usize = 8 * 1024;
/// The longest request body the server reads (and throws away).
const BODY_LIMIT: u64 = 64 * 1024;
/// How long a client has to send a whole request, from the moment the server waits for it.
/// The same clock limits how long a kept-alive connection may sit idle.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// After its last response, how long the server waits for the client to close before it does.
const LINGER: Duration = Duration::from_secs(2);
/// After Ctrl-C, how long `--serve` lets the requests in flight take before it drops them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
// ANCHOR_END: limits

/// What waiting for the next request on a connection gave.
enum Incoming {
    /// A whole request (its body, if any, read and dropped).
    Request(Request),
    /// Not a request the server will serve: send this answer (it says `Connection: close`).
    Refused(Response),
    /// `REQUEST_TIMEOUT` passed. `midway`: part of a request had arrived.
    TimedOut { midway: bool },
    /// The client closed the connection (or it broke).
    Closed,
}

// ANCHOR: read_request
/// Reads the next request on the connection, giving the client `REQUEST_TIMEOUT` for all of
/// it. `buf` holds bytes read but not used yet: a client may send its next request
/// (pipelining) before it has read the last response.
async fn read_request(reader: &mut StreamReader, buf: &mut Vec<u8>) -> Incoming {
    match aio::timeout(REQUEST_TIMEOUT, read_whole_request(reader, buf)).await {
        Ok(incoming) => incoming,
        // Time is up: the read in progress was dropped (cancelled); `buf` has what came.
        Err(_elapsed) => Incoming::TimedOut {
            midway: !buf.is_empty(),
        },
    }
}

/// Reads until `buf` starts with a whole request, then takes the request out of `buf`.
async fn read_whole_request(reader: &mut StreamReader, buf: &mut Vec<u8>) -> Incoming {
    // 1. The head: parse what we have; read more only while the parser asks for more. The
    //    parser resumes where it stopped, so a client that sends a byte at a time costs work
    //    linear in what it sends, not a rescan of the whole head on every read.
    let mut parser = RequestParser::new(HEAD_LIMIT);
    let (request, head_len) = loop {
        match parser.parse(buf) {
            Ok(Some(parsed)) => break parsed,
            Ok(None) => {}
            Err(error) => return Incoming::Refused(Response::error(&error)),
        }
        if !read_more(reader, buf).await {
            return Incoming::Closed;
        }
    };
    // 2. The body, exactly `Content-Length` bytes. This server has no use for it, but it
    //    must be read, or its bytes would be taken for the next request.
    if request.content_length > BODY_LIMIT {
        return Incoming::Refused(Response::text(413, "Content Too Large\n").close());
    }
    let end = head_len + request.content_length as usize;
    while buf.len() < end {
        if !read_more(reader, buf).await {
            return Incoming::Closed;
        }
    }
    buf.drain(..end);
    Incoming::Request(request)
}

/// Adds what the client sends next to `buf`. False at end of file or on an error (a reset):
/// the client is gone.
async fn read_more(reader: &mut StreamReader, buf: &mut Vec<u8>) -> bool {
    match reader.read(4096).await {
        Ok(bytes) if !bytes.is_empty() => {
            buf.extend_from_slice(&bytes);
            true
        }
        _ => false,
    }
}
// ANCHOR_END: read_request

// ANCHOR: respond
/// The application: "Hello, <client address>!" at `/`, 404 elsewhere.
fn respond(request: &Request, client: &str) -> Response {
    match (request.method.as_str(), request.path()) {
        ("GET" | "HEAD", "/") => Response::text(200, format!("Hello, {client}!\n")),
        ("GET" | "HEAD", _) => Response::text(404, "Not found\n"),
        _ => Response::text(405, "Only GET and HEAD\n").header("Allow", "GET, HEAD"),
    }
}
// ANCHOR_END: respond

// ANCHOR: handle
/// Serves one connection: requests in a loop while the client keeps it alive, until the
/// server stops (`stopping`, set on Ctrl-C): a request already begun is still answered, with
/// `Connection: close`, and a connection waiting for its next request is closed.
async fn handle(stopping: Event, mut reader: StreamReader, writer: StreamWriter) {
    let client = match writer.peer_addr() {
        Ok(addr) => addr.ip().to_string(),
        Err(_) => return, // Gone before we looked.
    };
    let mut buf = Vec::new();
    loop {
        // The next request, unless the server stops first (a tie goes to the stop).
        let (_, incoming) = aio::race!(
            async {
                stopping.wait().await;
                None
            },
            async { Some(read_request(&mut reader, &mut buf).await) },
        )
        .await;
        let incoming = match incoming {
            Some(incoming) => incoming,
            // Stopping, and no byte of a request has come: nothing is in flight, close.
            None if buf.is_empty() => break,
            // Stopping in the middle of a request (or with the next one pipelined): finish it.
            None => read_request(&mut reader, &mut buf).await,
        };
        let (response, what, is_head) = match incoming {
            Incoming::Request(request) => {
                let mut response = respond(&request, &client);
                if !request.keep_alive() || stopping.is_set() {
                    response = response.close();
                }
                let what = format!("{:?}", format!("{} {}", request.method, request.target));
                (response, what, request.method == "HEAD")
            }
            Incoming::Refused(response) => (response, "(bad request)".into(), false),
            Incoming::TimedOut { midway: true } => {
                let response = Response::text(408, "Request Timeout\n").close();
                (response, "(too slow)".into(), false)
            }
            // An idle kept-alive connection, or a client that left: nothing to answer.
            Incoming::TimedOut { midway: false } | Incoming::Closed => break,
        };
        let status = response.status();
        say!(
            "server: {client} {what} -> {status} {}",
            http_lite::reason(status)
        );
        writer.write(&if is_head {
            response.head_bytes()
        } else {
            response.to_bytes()
        });
        // A client that stops reading must not hold the server's buffer forever.
        let sent = aio::timeout(REQUEST_TIMEOUT, writer.drain()).await;
        if response.closes() || !matches!(sent, Ok(Ok(()))) {
            break;
        }
    }
    close_gently(&mut reader, &writer).await;
}
// ANCHOR_END: handle

// ANCHOR: close_gently
/// Closes a connection without losing the last response.
///
/// Closing a socket that still has unread bytes from the client (the rest of an oversized
/// head, a pipelined request) makes the kernel send a reset (RST), and a reset may make the
/// client's system throw the response away before the client reads it (HTTP/1.1 calls for
/// this "lingering close", RFC 9112, 9.6). So: send FIN (no more bytes from us), read and
/// drop what the client still sends until it closes too, for at most `LINGER`, then close.
async fn close_gently(reader: &mut StreamReader, writer: &StreamWriter) {
    writer.write_eof();
    let discard_until_eof = async {
        // An empty read is the end of file; an error ends it too.
        while !reader.read(4096).await.unwrap_or_default().is_empty() {}
    };
    let _ = aio::timeout(LINGER, discard_until_eof).await;
    writer.close();
    // Closing sends what is still buffered first, and a client that reads nothing would
    // make that wait forever: the socket stays open for as long as there is something to
    // send. So give the last bytes `LINGER` to leave, then abort: drop them and close now.
    if aio::timeout(LINGER, writer.wait_closed()).await.is_err() {
        writer.abort();
    }
}
// ANCHOR_END: close_gently

// ANCHOR: serve
/// `--serve`: runs for curl and a browser until Ctrl-C, then shuts down gracefully (lesson
/// 21): no new connections, the requests in flight answered, every connection closed.
async fn serve(port: u16) -> Result<(), String> {
    // From here on, Ctrl-C means "shut down", not "die".
    let ctrl_c = aio::signal::ctrl_c();
    let stopping = Event::new();
    let handler = {
        let stopping = stopping.clone();
        move |reader, writer| handle(stopping.clone(), reader, writer)
    };
    let server = aio::start_server(("127.0.0.1", port), handler)
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let addr = server.local_addr();
    // The first line is for programs (the tests read the port from it); the rest for people.
    say!("listening on {addr}");
    say!("open http://{addr}/ in a browser, or try: curl -v http://{addr}/");
    ctrl_c
        .await
        .map_err(|e| format!("cannot listen for Ctrl-C: {e}"))?;

    server.close();
    stopping.set();
    let open = server.active_connections();
    say!("server: Ctrl-C: stopped accepting; finishing the connections ({open} open)");
    if aio::timeout(SHUTDOWN_GRACE, server.wait_closed())
        .await
        .is_err()
    {
        let left = server.active_connections();
        say!("server: dropping the connections that did not finish in time ({left})");
    }
    say!("server: shut down");
    Ok(())
}
// ANCHOR_END: serve

fn main() -> ExitCode {
    let mut args = USAGE.parse();
    let done = if args.flag("--serve") {
        let port = args.value("--port").unwrap_or(8080);
        args.finish();
        aio::run(serve(port))
    } else {
        args.finish();
        aio::run(script::demo()).map_err(|e| e.to_string())
    };
    // Failing to listen or connect: one line that says why, and a failure status.
    USAGE.exit(done)
}

/// The command line: `--help` prints the description in Cargo.toml and these options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[
        ("--serve", "keep the server running for curl and a browser"),
        (
            "--port N",
            "with --serve: listen on port N (default 8080, 0: any free port)",
        ),
    ],
};
