//! Memory per idle connection, counted in heap bytes by a global allocator: a server with many
//! connections that said one thing and went quiet must not hold a read buffer for each, nor keep
//! a write buffer's memory after a burst was sent.
//!
//! One test in this file, on purpose: the allocator counts every thread of the process, and
//! another test running at the same time would be counted too.

use std::alloc::System;
use std::io;

use cap::Cap;

mod common;
use common::run_virtual as run;

/// The system allocator, counting the bytes allocated and not yet freed. (`cap` implements the
/// `unsafe` allocator trait, so nothing under `crates/aio` has to.)
#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

fn live_bytes() -> isize {
    ALLOCATOR.allocated() as isize
}

/// Connections opened for each server.
const CONNECTIONS: usize = 200;

/// The most heap one idle connection may cost, both ends together (the server's task, reader,
/// writer and socket, and the client's): about 1.5 KiB today, where a read buffer kept by each
/// connection would add 16 KiB (a stream) or 64 KiB (a protocol).
const PER_CONNECTION: isize = 4 * 1024;

/// What a client sends to ask for a burst, and the burst's size.
const BURST_REQUEST: &[u8] = b"burst\n";
const BURST: usize = 4 << 20;

/// An echo server on streams; `BURST_REQUEST` is answered with `BURST` bytes instead.
async fn stream_server() -> aio::Server {
    aio::start_server("127.0.0.1:0", |mut reader, writer| async move {
        loop {
            let data = match reader.read(4096).await {
                Ok(data) if !data.is_empty() => data,
                _ => break,
            };
            if data == BURST_REQUEST {
                writer.write(&vec![b'x'; BURST]);
            } else {
                writer.write(&data);
            }
            if writer.drain().await.is_err() {
                break;
            }
        }
    })
    .await
    .unwrap()
}

/// The echo protocol; `BURST_REQUEST` is answered with `BURST` bytes instead.
struct Echo(Option<aio::Transport>);

impl aio::Protocol for Echo {
    fn connection_made(&mut self, transport: aio::Transport) {
        self.0 = Some(transport);
    }
    fn data_received(&mut self, data: &[u8]) {
        let transport = self.0.as_ref().unwrap();
        if data == BURST_REQUEST {
            transport.write(&vec![b'x'; BURST]);
        } else {
            transport.write(data);
        }
    }
}

/// Opens `CONNECTIONS` clients to `server` that each exchange one small message and go idle;
/// returns the heap bytes per connection. Then asks one of them for a burst, reads it, and
/// returns what the heap kept of it too.
async fn measure(server: &aio::Server) -> io::Result<(isize, isize)> {
    let settle = || async {
        // Let the server's tasks get back to waiting for their next read.
        for _ in 0..10 {
            aio::yield_now().await;
        }
    };
    settle().await;
    let before = live_bytes();
    let mut clients = Vec::with_capacity(CONNECTIONS);
    for _ in 0..CONNECTIONS {
        let (mut reader, writer) = aio::open_connection(server.local_addr()).await?;
        writer.write(b"hello\n");
        assert_eq!(reader.readexactly(6).await?, b"hello\n");
        clients.push((reader, writer));
    }
    settle().await;
    let idle = live_bytes();
    let per_connection = (idle - before) / CONNECTIONS as isize;

    // A burst far larger than the kernel takes at once: the server's write buffer holds most
    // of it for a while. Read it all; then nothing of it should stay held.
    let (reader, writer) = &mut clients[0];
    writer.write(BURST_REQUEST);
    assert_eq!(reader.readexactly(BURST).await?.len(), BURST);
    settle().await;
    let kept = live_bytes() - idle;

    drop(clients);
    Ok((per_connection, kept))
}

#[test]
fn idle_connections_hold_little_memory() {
    run(async {
        let streams = stream_server().await;
        let (per_connection, kept) = measure(&streams).await.unwrap();
        streams.close();
        streams.wait_closed().await;
        eprintln!("streams: {per_connection} bytes per idle connection, {kept} kept after a burst");
        assert!(
            per_connection <= PER_CONNECTION,
            "streams: an idle connection costs {per_connection} bytes, more than {PER_CONNECTION}"
        );
        assert!(
            kept <= PER_CONNECTION,
            "streams: {kept} bytes stayed held after a burst was sent and read"
        );

        let protocols = aio::create_server("127.0.0.1:0", || Echo(None))
            .await
            .unwrap();
        let (per_connection, kept) = measure(&protocols).await.unwrap();
        protocols.close();
        protocols.wait_closed().await;
        eprintln!(
            "protocols: {per_connection} bytes per idle connection, {kept} kept after a burst"
        );
        assert!(
            per_connection <= PER_CONNECTION,
            "protocols: an idle connection costs {per_connection} bytes, more than {PER_CONNECTION}"
        );
        assert!(
            kept <= PER_CONNECTION,
            "protocols: {kept} bytes stayed held after a burst was sent and read"
        );
    });
}
