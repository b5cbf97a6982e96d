//! Lesson 05: protocols and transports.
//!
//! `cargo run -p lesson-05` runs three small servers written as protocols (callbacks the loop
//! calls), talks to each, prints what happened on both sides, and exits.
//! `cargo run -p lesson-05 -- --serve [ADDR]` keeps the echo protocol up for `nc`.

use std::cell::RefCell;
use std::io;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::Duration;

use aio::{Protocol, Transport};
use lesson_args::{say, Addr};

/// What a protocol saw, kept to print in order at the end (its callbacks run between the
/// client's steps, so printing at once would interleave the two sides' lines).
type Log = Rc<RefCell<Vec<String>>>;

fn quoted(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

// ANCHOR: echo
/// The article's `EchoProtocol`: keep the transport, write back whatever arrives. And what the
/// article leaves out: while the client does not read its echo, stop reading what it sends.
struct EchoProtocol {
    transport: Option<Transport>,
    /// What happened, for the demo to print at the end. `None` under `--serve`: a server
    /// that runs for as long as clients come must not keep a copy of everything they send.
    log: Option<Log>,
}

impl EchoProtocol {
    fn note(&self, line: impl FnOnce() -> String) {
        if let Some(log) = &self.log {
            log.borrow_mut().push(line());
        }
    }

    fn transport(&self) -> &Transport {
        self.transport.as_ref().expect("connection_made came first")
    }
}

impl Protocol for EchoProtocol {
    fn connection_made(&mut self, transport: Transport) {
        let peer = transport.peer_addr().map(|a| a.ip().to_string());
        self.note(|| format!("connection_made from {}", peer.unwrap_or_default()));
        self.transport = Some(transport);
    }

    fn data_received(&mut self, data: &[u8]) {
        self.note(|| format!("data_received {}", quoted(data)));
        // `write` never blocks: a callback must not wait, and does not need to.
        self.transport().write(data);
    }

    // Flow control. The echo waits in the transport's buffer while the client does not read
    // it; past the high-water mark (64 KiB) the transport calls `pause_writing`. Reading on
    // would grow that buffer by everything the client sends, so stop reading: the client's
    // bytes wait in the kernel, and TCP stops the client. When the buffer has drained to the
    // low-water mark, read again. The buffer never holds more than the mark and one read.
    fn pause_writing(&mut self) {
        self.transport().pause_reading();
    }

    fn resume_writing(&mut self) {
        self.transport().resume_reading();
    }

    // eof_received is left out: its default (false) closes the transport, as in asyncio.

    fn connection_lost(&mut self, error: Option<io::Error>) {
        self.note(|| format!("connection_lost {error:?}"));
    }
}
// ANCHOR_END: echo

// ANCHOR: lines
/// Answers each line in upper case. Bytes arrive in pieces that need not end at a newline,
/// so the protocol keeps the unfinished line itself (a stream's `readline` does this for you).
struct ShoutProtocol {
    transport: Option<Transport>,
    partial: Vec<u8>,
    log: Log,
}

impl Protocol for ShoutProtocol {
    fn connection_made(&mut self, transport: Transport) {
        self.transport = Some(transport);
    }

    fn data_received(&mut self, data: &[u8]) {
        self.log
            .borrow_mut()
            .push(format!("data_received {}", quoted(data)));
        self.partial.extend_from_slice(data);
        while let Some(end) = self.partial.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.partial.drain(..=end).collect();
            self.transport
                .as_ref()
                .unwrap()
                .write(&line.to_ascii_uppercase());
        }
    }
}
// ANCHOR_END: lines

// ANCHOR: flow
/// Sends 16 MiB as fast as it can, then closes. The transport buffers what the kernel does not
/// take and tells the protocol when that buffer is too full (`pause_writing`) and when it has
/// drained (`resume_writing`).
struct Producer {
    log: Log,
}

const MIB: usize = 1 << 20;

impl Protocol for Producer {
    fn connection_made(&mut self, transport: Transport) {
        self.log
            .borrow_mut()
            .push("connection_made: writing 16 MiB".into());
        transport.write(&vec![b'x'; 16 * MIB]);
        transport.close(); // Closes once everything is sent.
    }
    fn pause_writing(&mut self) {
        self.log.borrow_mut().push("pause_writing".into());
    }
    fn resume_writing(&mut self) {
        self.log.borrow_mut().push("resume_writing".into());
    }
    fn connection_lost(&mut self, error: Option<io::Error>) {
        self.log
            .borrow_mut()
            .push(format!("connection_lost {error:?}"));
    }
}

/// Reads slowly: after every 4 MiB it stops reading for a second. While it does not read, the
/// bytes wait in the kernel, whose buffers fill; TCP then stops the sender.
struct Consumer {
    transport: Option<Transport>,
    received: usize,
    log: Log,
    done: aio::Promise<usize>,
}

impl Protocol for Consumer {
    fn connection_made(&mut self, transport: Transport) {
        self.transport = Some(transport);
    }
    fn data_received(&mut self, data: &[u8]) {
        let before = self.received;
        self.received += data.len();
        let crossed = self.received / (4 * MIB) > before / (4 * MIB);
        if crossed && self.received < 16 * MIB {
            let mib = self.received / (4 * MIB) * 4;
            self.log
                .borrow_mut()
                .push(format!("pause_reading after {mib} MiB"));
            let transport = self.transport.clone().unwrap();
            transport.pause_reading();
            aio::call_later(Duration::from_secs(1), move || transport.resume_reading());
        }
    }
    fn connection_lost(&mut self, error: Option<io::Error>) {
        self.log
            .borrow_mut()
            .push(format!("connection_lost {error:?}"));
        self.done.set_result(self.received);
    }
}
// ANCHOR_END: flow

fn print_log(side: &str, log: &Log) {
    for line in log.borrow().iter() {
        println!("{side}: {line}");
    }
}

// ANCHOR: parts
async fn echo() {
    println!("-- the article's EchoProtocol");
    let log = Log::default();
    let server_log = log.clone();
    let server = aio::create_server("127.0.0.1:0", move || EchoProtocol {
        transport: None,
        log: Some(server_log.clone()),
    })
    .await
    .unwrap();
    let (mut reader, writer) = aio::open_connection(server.local_addr()).await.unwrap();
    writer.write(b"Hello, world!\n");
    println!(
        "client got back {}",
        quoted(&reader.readline().await.unwrap())
    );
    writer.write_eof();
    println!(
        "client then reads {}",
        quoted(&reader.read(100).await.unwrap())
    );
    server.close();
    print_log("server", &log);
}

async fn lines_in_pieces() {
    println!("-- lines that arrive in pieces");
    let log = Log::default();
    let server_log = log.clone();
    let server = aio::create_server("127.0.0.1:0", move || ShoutProtocol {
        transport: None,
        partial: Vec::new(),
        log: server_log.clone(),
    })
    .await
    .unwrap();
    let (mut reader, writer) = aio::open_connection(server.local_addr()).await.unwrap();
    for piece in ["Hel", "lo\nwor", "ld\n"] {
        writer.write(piece.as_bytes());
        aio::sleep(Duration::from_millis(10)).await;
    }
    writer.write_eof();
    println!(
        "client got back {}",
        quoted(&reader.read_to_eof().await.unwrap())
    );
    server.close();
    print_log("server", &log);
}

async fn flow_control() {
    println!("-- flow control: a fast producer, a slow consumer");
    let (producer_log, consumer_log) = (Log::default(), Log::default());
    let log = producer_log.clone();
    let server = aio::create_server("127.0.0.1:0", move || Producer { log: log.clone() })
        .await
        .unwrap();
    let done = aio::Promise::new();
    let start = aio::now();
    aio::create_connection(
        server.local_addr(),
        Consumer {
            transport: None,
            received: 0,
            log: consumer_log.clone(),
            done: done.clone(),
        },
    )
    .await
    .unwrap();
    let received = done.await.expect("set by connection_lost");
    let elapsed = (aio::now() - start).as_secs_f64();
    server.close();
    server.wait_closed().await;
    print_log("producer", &producer_log);
    print_log("consumer", &consumer_log);
    println!("consumer: received {} MiB in {elapsed:.0}s", received / MIB);
}

// ANCHOR_END: parts

/// `--serve`: the echo protocol, kept up for `nc`, with no log.
async fn serve(addr: Addr) -> Result<(), String> {
    let server = aio::create_server(addr.resolved(), || EchoProtocol {
        transport: None,
        log: None,
    })
    .await
    .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let addr = server.local_addr();
    say!("Serving on {addr}");
    say!("Talk to it with: nc {} {}", addr.ip(), addr.port());
    server.serve_forever().await;
    Ok(())
}

fn main() -> ExitCode {
    let mut args = USAGE.parse();
    if args.flag("--serve") {
        let addr = args
            .word("ADDR")
            .unwrap_or_else(|| Addr::from(SocketAddr::from(([127, 0, 0, 1], 8888))));
        args.finish();
        // A server that cannot listen: one line that says why, and a failure status.
        return USAGE.exit(aio::run(serve(addr)));
    }
    args.finish();
    aio::run(async {
        echo().await;
        lines_in_pieces().await;
        flow_control().await;
    });
    ExitCode::SUCCESS
}

/// The command line: `--help` prints the description in Cargo.toml and this option.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[(
        "--serve [ADDR]",
        "keep the echo protocol up at ADDR (HOST:PORT, default 127.0.0.1:8888) for nc",
    )],
};
