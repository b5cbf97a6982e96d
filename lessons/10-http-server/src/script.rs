//! The scripted clients of `cargo run -p lesson-10`: each sends bytes, good or bad, to the
//! server in `main.rs` and prints the responses it gets.

use http_lite::parse_response;

use crate::{handle, HEAD_LIMIT};

// ANCHOR: demo
/// The default run: the server and scripted clients in one program.
pub async fn demo() -> std::io::Result<()> {
    // A server that is never stopped: its `stopping` event is never set.
    let server = aio::start_server("127.0.0.1:0", |reader, writer| {
        handle(aio::sync::Event::new(), reader, writer)
    })
    .await?;
    let addr = server.local_addr();
    println!("serving on 127.0.0.1 (the OS picked a free port)");

    println!("\n-- a normal GET");
    client(addr, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", 1).await;

    println!("\n-- keep-alive: two requests on one connection, the second says close");
    let two = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n\
                GET /missing HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    client(addr, two, 3).await;

    println!("\n-- a malformed request");
    client(addr, b"HELLO SERVER\r\n\r\n", 2).await;

    let mut huge = b"GET / HTTP/1.1\r\nHost: localhost\r\n".to_vec();
    for i in 0..160 {
        huge.extend(format!("X-Padding-{i}: {}\r\n", "x".repeat(90)).as_bytes());
    }
    huge.extend(b"\r\n");
    println!(
        "\n-- an oversized head ({} bytes; the limit is {HEAD_LIMIT})",
        huge.len()
    );
    client(addr, &huge, 2).await;

    println!("\n-- a client that never finishes its request");
    let start = aio::now();
    client(addr, b"GET / HTTP/1.1\r\nHost: loc", 2).await;
    println!("client: that took {:.1?}", aio::now() - start);

    server.close();
    server.wait_closed().await;
    Ok(())
}
// ANCHOR_END: demo

/// A scripted client: connects, sends `bytes`, then prints each response until `responses`
/// have arrived or the server closes the connection.
async fn client(addr: std::net::SocketAddr, bytes: &[u8], responses: usize) {
    let (mut reader, writer) = aio::open_connection(addr).await.expect("connect");
    writer.write(bytes);
    writer.drain().await.expect("send");
    let mut buf = Vec::new();
    let mut seen = 0;
    while seen < responses {
        if let Some((head, head_len)) = parse_response(&buf, HEAD_LIMIT).expect("a response") {
            let end = head_len + head.content_length.expect("Content-Length") as usize;
            if buf.len() >= end {
                let body = String::from_utf8_lossy(&buf[head_len..end]);
                println!(
                    "client: {} {} {:?}",
                    head.status,
                    head.reason,
                    body.trim_end()
                );
                buf.drain(..end);
                seen += 1;
                continue;
            }
        }
        let bytes = reader.read(4096).await.unwrap_or_default();
        if bytes.is_empty() {
            println!("client: the server closed the connection");
            break;
        }
        buf.extend_from_slice(&bytes);
    }
    writer.close();
    writer.wait_closed().await;
}
