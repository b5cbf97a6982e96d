//! What a connection holds to read with: nothing once it is idle, yet a burst is still read in
//! large pieces. These tests count bytes of capacity and reads, not time.

use std::cell::Cell;
use std::rc::Rc;

mod common;
use common::run_virtual as run;

/// The most an idle reader may hold, in bytes. A server keeps one reader per connection, so
/// this is multiplied by the number of connections.
const IDLE_BOUND: usize = 1024;

/// How many bytes one read from the socket brings at most, for a stream.
const STREAM_READ: usize = 16 * 1024;

/// A burst from the server: 1 MiB, then the end of file.
const BURST: usize = 1 << 20;

#[test]
fn an_idle_connection_holds_no_read_buffer() {
    run(async {
        // What the server's reader holds after the message, while it waits for the next.
        let held = Rc::new(Cell::new(None));
        let server_held = held.clone();
        let server = aio::start_server("127.0.0.1:0", move |mut reader, writer| {
            let held = server_held.clone();
            async move {
                let line = reader.readline().await.unwrap();
                writer.write(&line);
                held.set(Some(reader.buffer_capacity()));
                // Idle: the client sends nothing more until it closes.
                assert_eq!(reader.read(100).await.unwrap(), b"");
            }
        })
        .await
        .unwrap();
        let (mut reader, writer) = aio::open_connection(server.local_addr()).await.unwrap();
        assert_eq!(reader.buffer_capacity(), 0, "a new reader holds nothing");
        writer.write(b"hello\n");
        assert_eq!(reader.readline().await.unwrap(), b"hello\n");

        let client = reader.buffer_capacity();
        let server_side = held.get().expect("the server read the message");
        assert!(
            client <= IDLE_BOUND && server_side <= IDLE_BOUND,
            "idle readers hold {client} bytes (client) and {server_side} bytes (server), \
             more than {IDLE_BOUND}"
        );
        writer.close();
        server.close();
        server.wait_closed().await;
    });
}

/// A server that sends `BURST` bytes of lines of 64 bytes, then closes.
async fn burst_server() -> aio::Server {
    aio::start_server("127.0.0.1:0", |_reader, writer| async move {
        let line = [b"x".repeat(63), b"\n".to_vec()].concat();
        writer.write(&line.repeat(BURST / line.len()));
        writer.close();
        writer.wait_closed().await;
    })
    .await
    .unwrap()
}

#[test]
fn a_burst_is_read_in_large_pieces_and_then_let_go() {
    run(async {
        let server = burst_server().await;
        let (mut reader, _writer) = aio::open_connection(server.local_addr()).await.unwrap();
        // Each `read` with an empty buffer is one read from the socket.
        let (mut reads, mut total) = (0, 0);
        loop {
            let data = reader.read(BURST).await.unwrap();
            if data.is_empty() {
                break;
            }
            assert!(data.len() <= STREAM_READ);
            reads += 1;
            total += data.len();
            assert!(
                reader.buffer_capacity() <= IDLE_BOUND,
                "read {} bytes and kept {}",
                data.len(),
                reader.buffer_capacity()
            );
        }
        assert_eq!(total, BURST);
        // 64 reads if every read brings all it may. The bound leaves room for the reads that
        // come before the sender has caught up; a reader that asked for little at a time
        // (1 KiB, say) would need a thousand.
        let full = BURST / STREAM_READ;
        assert!(
            reads <= 3 * full,
            "{reads} reads for {total} bytes, expected about {full}"
        );
        server.close();
    });
}

#[test]
fn a_burst_of_lines_leaves_nothing_held_once_read() {
    run(async {
        let server = burst_server().await;
        let (mut reader, _writer) = aio::open_connection(server.local_addr()).await.unwrap();
        let mut lines = 0;
        let mut held_most = 0;
        loop {
            let line = reader.readline().await.unwrap();
            if line.is_empty() {
                break;
            }
            assert_eq!(line.len(), 64);
            lines += 1;
            // While lines are buffered the reader holds them; never much more than one read.
            held_most = held_most.max(reader.buffer_capacity());
        }
        assert_eq!(lines, BURST / 64);
        assert!(held_most <= 2 * STREAM_READ, "held up to {held_most} bytes");
        assert!(reader.buffer_capacity() <= IDLE_BOUND);
        server.close();
    });
}

/// Counts the pieces `data_received` is given, and their bytes.
struct Count {
    calls: Rc<Cell<usize>>,
    bytes: Rc<Cell<usize>>,
    lost: aio::Promise<()>,
}

impl aio::Protocol for Count {
    fn data_received(&mut self, data: &[u8]) {
        self.calls.set(self.calls.get() + 1);
        self.bytes.set(self.bytes.get() + data.len());
    }
    fn connection_lost(&mut self, _error: Option<std::io::Error>) {
        self.lost.set_result(());
    }
}

#[test]
fn a_protocol_gets_a_burst_in_large_pieces() {
    run(async {
        let server = burst_server().await;
        let calls = Rc::new(Cell::new(0));
        let bytes = Rc::new(Cell::new(0));
        let lost = aio::Promise::new();
        let counted = Count {
            calls: calls.clone(),
            bytes: bytes.clone(),
            lost: lost.clone(),
        };
        aio::create_connection(server.local_addr(), counted)
            .await
            .unwrap();
        // The server closes after the burst; the transport closes on its end of file.
        lost.await.unwrap();
        assert_eq!(bytes.get(), BURST);
        // A protocol reads up to 64 KiB at a time: 16 pieces when each brings all it may.
        let full = BURST / (64 * 1024);
        assert!(
            calls.get() <= 3 * full,
            "{} pieces for {BURST} bytes, expected about {full}",
            calls.get()
        );
        server.close();
    });
}
