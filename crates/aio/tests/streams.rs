//! The streams API on real loopback sockets: echo, many clients, errors, backpressure.

use std::io;
use std::time::Duration;

mod common;
use common::run_virtual as run;

/// An echo server in the asyncio way: read until EOF, write back, drain, close.
async fn echo_server() -> aio::Server {
    aio::start_server("127.0.0.1:0", |mut reader, writer| async move {
        loop {
            let data = match reader.read(4096).await {
                Ok(data) if !data.is_empty() => data,
                _ => break, // End of file, or the client vanished: this connection is done.
            };
            writer.write(&data);
            if writer.drain().await.is_err() {
                break;
            }
        }
        writer.close();
        writer.wait_closed().await;
    })
    .await
    .unwrap()
}

#[test]
fn echo_round_trips() {
    run(async {
        let server = echo_server().await;
        let (mut reader, writer) = aio::open_connection(server.local_addr()).await.unwrap();
        for i in 0..10 {
            let line = format!("line {i}\n");
            writer.write(line.as_bytes());
            writer.drain().await.unwrap();
            assert_eq!(reader.readline().await.unwrap(), line.as_bytes());
        }
        writer.write_eof();
        assert_eq!(reader.read(100).await.unwrap(), b"");
        assert!(reader.at_eof());
        server.close();
        server.wait_closed().await;
        assert!(!server.is_serving());
    });
}

#[test]
fn five_hundred_concurrent_connections_on_one_thread() {
    const CLIENTS: usize = 500;
    let started = std::time::Instant::now();
    run(async {
        let server = echo_server().await;
        let addr = server.local_addr();
        let clients: Vec<_> = (0..CLIENTS)
            .map(|i| {
                aio::spawn(async move {
                    let (mut reader, writer) = aio::open_connection(addr).await.unwrap();
                    // Every client sends its own bytes, in two pieces, and checks every one.
                    let message: Vec<u8> = (0..3000).map(|k| ((i * 7 + k) % 251) as u8).collect();
                    writer.write(&message[..1000]);
                    writer.drain().await.unwrap();
                    aio::yield_now().await;
                    writer.write(&message[1000..]);
                    writer.write_eof();
                    let echoed = reader.read_to_eof().await.unwrap();
                    assert_eq!(echoed, message, "client {i} got other bytes back");
                    echoed.len()
                })
            })
            .collect();
        let mut total = 0;
        for client in clients {
            total += client.await.unwrap();
        }
        assert_eq!(total, CLIENTS * 3000);
        server.close();
        server.wait_closed().await;
        assert_eq!(server.active_connections(), 0);
    });
    eprintln!("{CLIENTS} echo connections took {:?}", started.elapsed());
}

#[test]
fn clients_that_vanish_do_not_stop_the_server() {
    run(async {
        let server = echo_server().await;
        for _ in 0..20 {
            // Connect, send half a message, and drop both halves without a goodbye.
            let (_reader, writer) = aio::open_connection(server.local_addr()).await.unwrap();
            writer.write(b"half a mess");
        }
        // A reset from the client side: std's raw socket with SO_LINGER is not available, so
        // also drop a connection that has unread data waiting, which makes the kernel send RST.
        {
            let (_reader, writer) = aio::open_connection(server.local_addr()).await.unwrap();
            writer.write(b"echo me, then I vanish\n");
            aio::sleep(Duration::from_millis(1)).await;
        }
        let (mut reader, writer) = aio::open_connection(server.local_addr()).await.unwrap();
        writer.write(b"still there?\n");
        assert_eq!(reader.readline().await.unwrap(), b"still there?\n");
        drop(writer);
        server.close();
        server.wait_closed().await;
    });
}

#[test]
fn readexactly_reports_an_early_end_of_file_with_the_partial_bytes() {
    run(async {
        let server = aio::start_server("127.0.0.1:0", |_reader, writer| async move {
            writer.write(b"only 9 by");
            writer.close();
        })
        .await
        .unwrap();
        let (mut reader, _writer) = aio::open_connection(server.local_addr()).await.unwrap();
        assert_eq!(reader.readexactly(4).await.unwrap(), b"only");
        let error = reader.readexactly(10).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
        let incomplete = aio::IncompleteReadError::from_io(&error).expect("an IncompleteReadError");
        assert_eq!(incomplete.partial, b" 9 by");
        assert_eq!(incomplete.expected, Some(10));
        assert_eq!(
            error.to_string(),
            "connection closed after 5 of 10 expected bytes"
        );
        assert!(reader.at_eof());
    });
}

#[test]
fn readline_returns_what_is_left_at_eof_then_empty() {
    run(async {
        let server = aio::start_server("127.0.0.1:0", |_reader, writer| async move {
            writer.write(b"one\ntwo\nno newline");
            writer.close();
        })
        .await
        .unwrap();
        let (mut reader, _writer) = aio::open_connection(server.local_addr()).await.unwrap();
        assert_eq!(reader.readline().await.unwrap(), b"one\n");
        assert_eq!(reader.readline().await.unwrap(), b"two\n");
        assert_eq!(reader.readline().await.unwrap(), b"no newline");
        assert_eq!(reader.readline().await.unwrap(), b"");
        assert!(reader.at_eof());
    });
}

#[test]
fn a_line_longer_than_the_limit_is_an_error_not_a_growing_buffer() {
    run(async {
        let server = aio::start_server("127.0.0.1:0", |_reader, writer| async move {
            // 1 MiB without a newline, then a short line.
            writer.write(&vec![b'x'; 1 << 20]);
            writer.write(b"\nshort\n");
            writer.drain().await.unwrap();
            writer.close();
            writer.wait_closed().await;
        })
        .await
        .unwrap();
        let (mut reader, _writer) = aio::open_connection(server.local_addr()).await.unwrap();
        reader.set_limit(1000);
        let error = reader.readline().await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        let overrun = aio::LimitOverrunError::from_io(&error).expect("a LimitOverrunError");
        assert_eq!(overrun.limit, 1000);
        // The reader stopped after at most the limit and one read's worth of bytes.
        assert!(overrun.consumed <= 1000 + 16 * 1024, "{overrun:?}");
        assert!(format!("{reader:?}").contains("limit: 1000"));
        // The long line is skipped as it comes (one error per buffer-full), then lines resume.
        let mut errors = 1;
        loop {
            match reader.readline().await {
                Ok(line) => {
                    assert_eq!(line, b"short\n");
                    break;
                }
                Err(e) => {
                    assert!(aio::LimitOverrunError::from_io(&e).is_some());
                    errors += 1;
                }
            }
        }
        assert!(errors > 1);
    });
}

#[test]
fn drain_waits_for_a_slow_peer_while_write_returns_at_once() {
    run(async {
        // A peer that accepts and then does not read.
        let (tx, rx) = std::sync::mpsc::channel();
        let server = aio::start_server("127.0.0.1:0", move |reader, writer| {
            let tx = tx.clone();
            async move {
                tx.send(()).unwrap();
                aio::sleep(Duration::from_secs(3600)).await; // Holding, never reading.
                drop((reader, writer));
            }
        })
        .await
        .unwrap();
        let (_reader, writer) = aio::open_connection(server.local_addr()).await.unwrap();
        let chunk = vec![7u8; 64 * 1024];
        // Write far more than the kernel's buffers hold: every write returns at once.
        let before = std::time::Instant::now();
        for _ in 0..200 {
            writer.write(&chunk);
        }
        // Real time: the writes take about 10 ms; 2 s is the margin for a busy machine.
        assert!(before.elapsed() < Duration::from_secs(2));
        assert!(writer.write_buffer_size() > aio::DEFAULT_HIGH_WATER);
        // drain() does not finish: the peer is not reading. Give it an hour of virtual time.
        let drained = aio::spawn(async move {
            writer.drain().await.unwrap();
        });
        aio::sleep(Duration::from_secs(60)).await;
        assert!(
            !drained.is_finished(),
            "drain returned although nobody reads"
        );
        rx.try_recv().expect("the server accepted the connection");
        drained.cancel();
        server.close();
    });
}

#[test]
fn drain_resumes_when_the_peer_reads() {
    run(async {
        let server = aio::start_server("127.0.0.1:0", |mut reader, writer| async move {
            // Read slowly: 64 KiB at a time, with a pause between reads.
            let mut total = 0;
            loop {
                let data = reader.read(64 * 1024).await.unwrap();
                if data.is_empty() {
                    break;
                }
                total += data.len();
                aio::sleep(Duration::from_millis(10)).await;
            }
            writer.write(total.to_string().as_bytes());
            writer.close();
        })
        .await
        .unwrap();
        let (mut reader, writer) = aio::open_connection(server.local_addr()).await.unwrap();
        let chunk = vec![1u8; 32 * 1024];
        let mut max_buffered = 0;
        for _ in 0..200 {
            writer.write(&chunk);
            max_buffered = max_buffered.max(writer.write_buffer_size());
            writer.drain().await.unwrap();
            // After drain the buffer is at most the high-water mark.
            assert!(writer.write_buffer_size() <= aio::DEFAULT_HIGH_WATER);
        }
        writer.write_eof();
        assert_eq!(reader.read_to_eof().await.unwrap(), b"6553600");
        assert!(max_buffered <= aio::DEFAULT_HIGH_WATER + chunk.len());
        assert!(
            max_buffered > aio::DEFAULT_HIGH_WATER,
            "the reader was never slower"
        );
    });
}

#[test]
fn a_cancelled_reader_task_leaves_no_interest_behind() {
    run(async {
        let server = echo_server().await;
        let (mut reader, _writer) = aio::open_connection(server.local_addr()).await.unwrap();
        let task = aio::spawn(async move {
            // Nothing will come: the task waits on the socket.
            reader.read(10).await.unwrap()
        });
        // Let the acceptor, the server's handler and the task settle into their waits.
        for _ in 0..5 {
            aio::yield_now().await;
        }
        // The acceptor, the server's handler, and the task.
        assert_eq!(aio::io_waiter_count().unwrap(), 3);
        task.cancel();
        assert_eq!(aio::io_waiter_count().unwrap(), 2);
        assert!(matches!(task.await, Err(e) if e.is_cancelled()));
    });
}

#[test]
fn writing_after_write_eof_is_refused_clearly() {
    let result = std::panic::catch_unwind(|| {
        run(async {
            let server = echo_server().await;
            let (_reader, writer) = aio::open_connection(server.local_addr()).await.unwrap();
            writer.write_eof();
            writer.write(b"too late");
        })
    });
    let panic = result.unwrap_err();
    let message = panic
        .downcast_ref::<&str>()
        .copied()
        .or(panic.downcast_ref::<String>().map(String::as_str))
        .unwrap();
    assert!(message.contains("write() after write_eof()"), "{message}");
}

#[test]
fn writing_after_close_sends_nothing_more() {
    run(async {
        let received = aio::Promise::new();
        let result = received.clone();
        let server = aio::start_server("127.0.0.1:0", move |mut reader, _writer| {
            let result = result.clone();
            async move { result.set_result(reader.read_to_eof().await.unwrap()) }
        })
        .await
        .unwrap();
        let (_reader, writer) = aio::open_connection(server.local_addr()).await.unwrap();
        writer.write(b"sent\n");
        writer.close();
        writer.write(b"dropped\n"); // Another task might still hold the writer: no panic.
        writer.wait_closed().await;
        assert_eq!(writer.write_buffer_size(), 0);
        assert_eq!(received.await.unwrap(), b"sent\n");
    });
}

#[test]
fn reading_to_eof_never_answers_a_client_that_waits_for_the_answer() {
    // The article's HTTP handler reads with no limit (`await reader.read()`): until the end of
    // file. A request/response client sends its request and waits, without ending its side.
    run(async {
        let server = aio::start_server("127.0.0.1:0", |mut reader, writer| async move {
            let request = reader.read_to_eof().await.unwrap();
            writer.write(format!("got {} bytes\n", request.len()).as_bytes());
            writer.close();
        })
        .await
        .unwrap();
        let addr = server.local_addr();
        let waiting = aio::spawn(async move {
            let (mut reader, writer) = aio::open_connection(addr).await.unwrap();
            writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            reader.readline().await.unwrap()
        });
        aio::sleep(Duration::from_secs(60)).await;
        assert!(
            !waiting.is_finished(),
            "the server answered before the end of file"
        );
        // The same request followed by write_eof gets its answer.
        let (mut reader, writer) = aio::open_connection(addr).await.unwrap();
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        writer.write_eof();
        assert_eq!(reader.readline().await.unwrap(), b"got 27 bytes\n");
    });
}

#[test]
fn abort_drops_what_is_buffered_and_closes_at_once() {
    run(async {
        // A server that never reads: the client's writes pile up in its own buffer.
        let accepted = aio::Promise::new();
        let keep = accepted.clone();
        let server = aio::start_server("127.0.0.1:0", move |reader, _writer| {
            let keep = keep.clone();
            async move {
                keep.set_result(std::rc::Rc::new(reader));
                std::future::pending::<()>().await;
            }
        })
        .await
        .unwrap();
        let (_reader, writer) = aio::open_connection(server.local_addr()).await.unwrap();
        let _server_reader = accepted.await;
        let chunk = vec![7u8; 1 << 20];
        while writer.write_buffer_size() == 0 {
            writer.write(&chunk); // Until the kernel buffers are full and ours holds the rest.
        }
        writer.abort();
        assert_eq!(writer.write_buffer_size(), 0, "abort kept buffered bytes");
        assert!(writer.is_closing());
        // wait_closed returns without the peer ever reading.
        aio::timeout(Duration::from_secs(1), writer.wait_closed())
            .await
            .expect("wait_closed after abort waited for the peer");
        server.close();
    });
}

#[test]
fn dropping_the_writer_ends_only_the_writing_side() {
    run(async {
        // Answers the client's end of file with a goodbye, then closes.
        let server = aio::start_server("127.0.0.1:0", |mut reader, writer| async move {
            let request = reader.read_to_eof().await.unwrap();
            writer.write(format!("bye after {} bytes\n", request.len()).as_bytes());
            writer.close();
        })
        .await
        .unwrap();
        let (mut reader, writer) = aio::open_connection(server.local_addr()).await.unwrap();
        writer.write(b"hi");
        drop(writer); // Like write_eof: the buffer goes out, then the end of file.
        assert_eq!(reader.read_to_eof().await.unwrap(), b"bye after 2 bytes\n");
    });
}
