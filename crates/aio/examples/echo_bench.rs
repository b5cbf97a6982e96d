//! An echo benchmark for counting system calls per round trip.
//!
//! ```console
//! $ cargo build --release -p aio --example echo_bench
//! $ strace -f -c ./target/release/examples/echo_bench serve 7777 streams 10000 &
//! $ ./target/release/examples/echo_bench client 7777 10000
//! ```
//!
//! `serve PORT KIND ROUNDS` answers one connection (`KIND` is `streams` or `protocol`) and
//! exits after it closes; `client PORT ROUNDS` makes `ROUNDS` round trips of 64 bytes, one at a
//! time, with blocking std sockets (run it untraced: only the server's calls are counted).

use std::io::{Read, Write};
use std::time::Instant;

/// The echo as a protocol; `done` is settled when the connection is gone.
struct Echo {
    transport: Option<aio::Transport>,
    done: aio::Promise<()>,
}

impl aio::Protocol for Echo {
    fn connection_made(&mut self, transport: aio::Transport) {
        self.transport = Some(transport);
    }
    fn data_received(&mut self, data: &[u8]) {
        self.transport.as_ref().unwrap().write(data);
    }
    fn connection_lost(&mut self, _error: Option<std::io::Error>) {
        self.done.set_result(());
    }
}

fn serve(port: u16, kind: &str) {
    aio::run(async move {
        let addr = ("127.0.0.1", port);
        let done = aio::Promise::new();
        let finished = done.clone();
        let server = match kind {
            "streams" => aio::start_server(addr, move |mut reader, writer| {
                let done = done.clone();
                async move {
                    loop {
                        match reader.read(4096).await {
                            Ok(data) if !data.is_empty() => writer.write(&data),
                            _ => break,
                        }
                        if writer.drain().await.is_err() {
                            break;
                        }
                    }
                    writer.close();
                    writer.wait_closed().await;
                    done.set_result(());
                }
            })
            .await
            .unwrap(),
            "protocol" => aio::create_server(addr, move || Echo {
                transport: None,
                done: done.clone(),
            })
            .await
            .unwrap(),
            other => panic!("unknown server kind {other:?}: use streams or protocol"),
        };
        eprintln!("listening on {}", server.local_addr());
        // One connection, then stop.
        finished.await.unwrap();
        server.close();
        server.wait_closed().await;
    });
}

fn client(port: u16, rounds: usize, pause_us: u64) {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_nodelay(true).unwrap();
    let message = [b'x'; 64];
    let mut answer = [0; 64];
    let start = Instant::now();
    for _ in 0..rounds {
        stream.write_all(&message).unwrap();
        stream.read_exact(&mut answer).unwrap();
        // A pause lets the server go back to waiting, as between a real client's requests.
        if pause_us > 0 {
            std::thread::sleep(std::time::Duration::from_micros(pause_us));
        }
    }
    let elapsed = start.elapsed();
    eprintln!(
        "{rounds} round trips in {elapsed:?} ({:?} each)",
        elapsed / rounds as u32
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["serve", port, kind, ..] => serve(port.parse().unwrap(), kind),
        ["client", port, rounds] => client(port.parse().unwrap(), rounds.parse().unwrap(), 0),
        ["client", port, rounds, pause_us] => client(
            port.parse().unwrap(),
            rounds.parse().unwrap(),
            pause_us.parse().unwrap(),
        ),
        _ => eprintln!(
            "usage: echo_bench serve PORT streams|protocol | client PORT ROUNDS [PAUSE_US]"
        ),
    }
}
