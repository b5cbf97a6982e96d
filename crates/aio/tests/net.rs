//! `TcpListener` and `TcpStream` on loopback: connect, accept, addresses, shutdown, errors.

use std::io;
use std::net::Shutdown;

mod common;
use common::run_virtual as run;

use futures::io::{AsyncReadExt, AsyncWriteExt};

#[test]
fn connect_accept_and_talk_through_async_read_and_write() {
    run(async {
        let listener = aio::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        assert_ne!(addr.port(), 0);
        let server = aio::spawn(async move {
            let (mut stream, peer) = listener.accept().await.unwrap();
            assert_eq!(stream.peer_addr().unwrap(), peer);
            let mut request = Vec::new();
            stream.read_to_end(&mut request).await.unwrap();
            stream.write_all(&request.repeat(2)).await.unwrap();
            stream.close().await.unwrap();
            peer
        });
        let mut client = aio::TcpStream::connect(addr).await.unwrap();
        assert_eq!(client.peer_addr().unwrap(), addr);
        client.write_all(b"ping").await.unwrap();
        client.shutdown(Shutdown::Write).unwrap();
        let mut answer = Vec::new();
        client.read_to_end(&mut answer).await.unwrap();
        assert_eq!(answer, b"pingping");
        assert_eq!(server.await.unwrap(), client.local_addr().unwrap());
    });
}

#[test]
fn connect_to_a_closed_port_is_refused() {
    run(async {
        let addr = aio::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        // The listener is gone: the handshake is answered with a reset.
        let error = aio::TcpStream::connect(addr).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::ConnectionRefused);
    });
}

#[test]
fn data_and_end_of_file_arriving_together_are_both_seen() {
    // The peer's bytes and its FIN reach a socket that is already waited on, before the loop
    // looks: one readiness edge announces both. A reader that took its short read for "the
    // socket is empty" would then wait for an edge that already passed, forever.
    run(async {
        let listener = aio::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let mut client = std::net::TcpStream::connect(addr).unwrap(); // Blocking: a peer elsewhere.
        let (server, _) = listener.accept().await.unwrap();
        let reader = aio::spawn(async move {
            let mut buf = [0; 100];
            let n = server.read(&mut buf).await.unwrap(); // Waits: nothing has come yet.
            let end = server.read(&mut [0; 100]).await.unwrap();
            (buf[..n].to_vec(), end)
        });
        aio::yield_now().await; // The reader is now waiting for an edge.
        std::io::Write::write_all(&mut client, b"all at once").unwrap();
        client.shutdown(Shutdown::Write).unwrap();
        aio::sleep(std::time::Duration::from_secs(1)).await;
        assert!(reader.is_finished(), "the end of file was never seen");
        assert_eq!(reader.await.unwrap(), (b"all at once".to_vec(), 0));
    });
}

#[test]
fn a_port_can_be_bound_again_at_once_after_its_connections_closed() {
    run(async {
        let listener = aio::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let client = aio::TcpStream::connect(addr).await.unwrap();
        let (server_side, _) = listener.accept().await.unwrap();
        // The server closes first: its side of the connection goes to TIME_WAIT.
        drop(server_side);
        drop(listener);
        let mut buf = [0; 1];
        assert_eq!(client.read(&mut buf).await.unwrap(), 0);
        drop(client);
        // Without SO_REUSEADDR this bind fails with AddrInUse for a minute.
        let again = aio::TcpListener::bind(addr).unwrap();
        assert_eq!(again.local_addr().unwrap(), addr);
    });
}

#[test]
fn readiness_wakes_only_the_task_waiting_on_that_socket() {
    run(async {
        let listener = aio::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let polls = std::rc::Rc::new(std::cell::Cell::new([0u32; 3]));
        let mut clients = Vec::new();
        let mut readers = Vec::new();
        for i in 0..3 {
            clients.push(aio::TcpStream::connect(addr).await.unwrap());
            let (server, _) = listener.accept().await.unwrap();
            let polls = polls.clone();
            readers.push(aio::spawn(async move {
                let mut buf = [0; 8];
                std::future::poll_fn(|cx| {
                    let mut counts = polls.get();
                    counts[i] += 1;
                    polls.set(counts);
                    server.poll_read(cx, &mut buf)
                })
                .await
                .unwrap()
            }));
        }
        // Every reader has polled once and waits.
        aio::yield_now().await;
        assert_eq!(polls.get(), [1, 1, 1]);
        // Data for the second socket only: only its task runs again.
        clients[1].write(b"hi").await.unwrap();
        aio::sleep(std::time::Duration::from_millis(1)).await;
        assert_eq!(polls.get(), [1, 2, 1]);
        assert!(readers[1].is_finished());
        assert!(!readers[0].is_finished() && !readers[2].is_finished());
    });
}

#[test]
fn an_echo_round_trip_costs_the_loop_one_turn() {
    // A client on another thread (a peer elsewhere) makes round trips one at a time; each one
    // wakes the loop from the poller once. A loop that notified itself while waking the reader
    // would find that notification on its next wait and go round once more for nothing.
    const ROUNDS: u64 = 10;
    let turns = aio::Builder::new().run(async {
        let listener = aio::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let client = std::thread::spawn(move || {
            let mut stream = std::net::TcpStream::connect(addr).unwrap();
            let mut answer = [0; 5];
            for _ in 0..ROUNDS {
                std::io::Write::write_all(&mut stream, b"hello").unwrap();
                std::io::Read::read_exact(&mut stream, &mut answer).unwrap();
                // Give the loop time to go back to waiting in the poller.
                std::thread::sleep(std::time::Duration::from_micros(500));
            }
        });
        let (mut server, _) = listener.accept().await.unwrap();
        let start = aio::loop_turns().unwrap();
        let mut buf = [0; 5];
        for _ in 0..ROUNDS {
            server.read_exact(&mut buf).await.unwrap();
            server.write_all(&buf).await.unwrap();
        }
        let turns = aio::loop_turns().unwrap() - start;
        client.join().unwrap();
        turns
    });
    // One turn per round trip (a little slack for a busy machine); 18 before the fix.
    assert!(
        turns <= ROUNDS * 3 / 2,
        "{turns} loop turns for {ROUNDS} round trips"
    );
}

#[test]
fn connected_and_accepted_streams_have_nagle_off_as_in_asyncio() {
    run(async {
        let listener = aio::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let client = aio::spawn(async move { aio::TcpStream::connect(addr).await.unwrap() });
        let (server_side, _) = listener.accept().await.unwrap();
        let client_side = client.await.unwrap();
        assert!(client_side.nodelay().unwrap(), "connect left Nagle on");
        assert!(server_side.nodelay().unwrap(), "accept left Nagle on");
        client_side.set_nodelay(false).unwrap();
        assert!(!client_side.nodelay().unwrap());
    });
}
