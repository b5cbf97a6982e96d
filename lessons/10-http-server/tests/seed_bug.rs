//! The seed's server reads with `reader.read()`, which reads to end of file. A real client
//! keeps its side open while it waits for the response, so that read never returns: the
//! server never answers. Shown here in virtual time, where waiting a minute is instant.

use std::time::Duration;

use aio::{ClockKind, StreamReader, StreamWriter};

/// The seed's handler: read everything until EOF (`await reader.read()`), then answer.
async fn seed_handler(mut reader: StreamReader, writer: StreamWriter) {
    let _request = reader.read_to_eof().await;
    writer.write(b"HTTP/1.1 200 OK\r\n\r\nHello!");
    let _ = writer.drain().await;
    writer.close();
}

/// Sends a GET like curl does (without closing its side) and waits up to a minute for
/// the first byte of a response. `half_close`: shut the writing side after the request.
async fn first_response_byte(addr: std::net::SocketAddr, half_close: bool) -> Option<Vec<u8>> {
    let (mut reader, writer) = aio::open_connection(addr).await.unwrap();
    writer.write(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    writer.drain().await.unwrap();
    if half_close {
        writer.write_eof();
    }
    let first = aio::timeout(Duration::from_secs(60), reader.read(1)).await;
    first.ok().map(|bytes| bytes.unwrap())
}

#[test]
fn reading_to_eof_never_answers_a_client_that_waits() {
    aio::Builder::new().clock(ClockKind::Virtual).run(async {
        let server = aio::start_server("127.0.0.1:0", seed_handler)
            .await
            .unwrap();
        let addr = server.local_addr();
        // A client that keeps its side open, as every browser and curl does: no answer.
        assert_eq!(first_response_byte(addr, false).await, None);
        // Only a client that closes its writing side first gets one.
        assert_eq!(first_response_byte(addr, true).await, Some(b"H".to_vec()));
        server.close();
    });
}

#[test]
fn the_lesson_answers_a_client_that_waits() {
    let output = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-10"), &[]);
    // The first scripted client keeps its side open, and gets its answer.
    assert!(
        output.contains("-- a normal GET\nserver: 127.0.0.1 \"GET /\" -> 200 OK\nclient: 200 OK")
    );
}
