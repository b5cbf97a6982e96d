//! `UdpSocket` on loopback: whole datagrams with their sender's address, waiting in the
//! poller, cancellation, deregistration, and what `connect` changes. Every test runs on both
//! reactors: `cargo test -p aio --test udp` and the same with `--features portable`.

use std::cell::Cell;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

mod common;
use common::{ms, run_virtual};

/// Runs `test` in virtual time, failing it if it is still waiting after a virtual minute: a
/// receive that misses its wake-up fails here instead of hanging `cargo test`.
fn run(test: impl std::future::Future<Output = ()>) {
    run_virtual(async {
        aio::timeout(ms(60_000), test)
            .await
            .expect("stuck: still waiting after a minute of loop time");
    });
}

fn bind() -> aio::UdpSocket {
    aio::UdpSocket::bind("127.0.0.1:0").unwrap()
}

fn addr(socket: &aio::UdpSocket) -> SocketAddr {
    socket.local_addr().unwrap()
}

/// Receives one datagram into a buffer large enough for any: its text and sender.
async fn recv_text(socket: &aio::UdpSocket) -> (String, SocketAddr) {
    let mut buf = [0; 65536];
    let (n, from) = socket.recv_from(&mut buf).await.unwrap();
    (String::from_utf8_lossy(&buf[..n]).into_owned(), from)
}

#[test]
fn datagrams_cross_loopback_whole_each_with_its_senders_address() {
    run(async {
        let (a, b) = (bind(), bind());
        assert_ne!(addr(&a).port(), 0);
        for text in ["one", "two", "three"] {
            assert_eq!(
                a.send_to(text.as_bytes(), addr(&b)).await.unwrap(),
                text.len()
            );
        }
        // Three sends, three receives: a stream would have let them run together.
        for text in ["one", "two", "three"] {
            assert_eq!(recv_text(&b).await, (text.to_string(), addr(&a)));
        }
        // And back, to the address the datagram came from.
        b.send_to(b"pong", addr(&a)).await.unwrap();
        assert_eq!(recv_text(&a).await, ("pong".to_string(), addr(&b)));
    });
}

#[test]
fn an_empty_datagram_is_a_datagram_not_an_end_of_file() {
    run(async {
        let (a, b) = (bind(), bind());
        a.send_to(b"", addr(&b)).await.unwrap();
        a.send_to(b"x", addr(&b)).await.unwrap();
        let mut buf = [0; 16];
        assert_eq!(b.recv_from(&mut buf).await.unwrap(), (0, addr(&a)));
        assert_eq!(b.recv_from(&mut buf).await.unwrap(), (1, addr(&a)));
    });
}

#[test]
fn a_datagram_longer_than_the_buffer_is_cut_and_its_rest_is_lost() {
    run(async {
        let (a, b) = (bind(), bind());
        a.send_to(b"hello world", addr(&b)).await.unwrap();
        a.send_to(b"next", addr(&b)).await.unwrap();
        let mut small = [0; 5];
        let (n, _) = b.recv_from(&mut small).await.unwrap();
        assert_eq!(&small[..n], b"hello");
        // " world" is gone: the next receive is the next datagram.
        assert_eq!(recv_text(&b).await.0, "next");
    });
}

#[test]
fn a_short_datagram_does_not_make_the_socket_wait_for_an_edge_it_already_had() {
    // Two datagrams are queued before the receiver looks: one readiness edge for both. The
    // first is shorter than the buffer; a receiver that took that for "the socket is empty"
    // (the TCP rule) would wait for an edge that already passed, forever.
    run(async {
        let (a, b) = (bind(), bind());
        let b = Rc::new(b);
        let receiver = {
            let b = b.clone();
            aio::spawn(async move { (recv_text(&b).await.0, recv_text(&b).await.0) })
        };
        aio::yield_now().await; // The receiver now waits for an edge.
        let peer = std::net::UdpSocket::bind("127.0.0.1:0").unwrap(); // A peer elsewhere.
        peer.send_to(b"first", addr(&b)).unwrap();
        peer.send_to(b"second", addr(&b)).unwrap();
        drop(a);
        let both = aio::timeout(ms(1000), receiver).await;
        assert_eq!(
            both.expect("the second datagram was never received")
                .unwrap(),
            ("first".to_string(), "second".to_string())
        );
    });
}

#[test]
fn a_receive_waits_in_the_poller_until_a_datagram_arrives() {
    // Real time, no timers: the loop has nothing to do but wait in the poller, and a thread
    // sends only once the receiver is waiting. The receiver is polled twice: once to find
    // nothing (and leave its waker), once when the datagram's edge wakes it.
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    let (polls, turns) = aio::Builder::new()
        .trace_to(move |line| sink.lock().unwrap().push(line.to_string()))
        .run(async {
            let socket = bind();
            let to = addr(&socket);
            let (waiting, told) = std::sync::mpsc::channel();
            let sender = std::thread::spawn(move || {
                told.recv().unwrap();
                let peer = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
                peer.send_to(b"hello", to).unwrap();
            });
            let polls = Rc::new(Cell::new(0));
            let counted = polls.clone();
            let start = aio::loop_turns().unwrap();
            let mut buf = [0; 16];
            let receive = std::future::poll_fn(|cx| {
                counted.set(counted.get() + 1);
                let poll = socket.poll_recv_from(cx, &mut buf);
                if poll.is_pending() && counted.get() == 1 {
                    waiting.send(()).unwrap();
                }
                poll
            });
            // A deadline, so that a lost wake-up fails the test instead of hanging it.
            let received = aio::timeout(std::time::Duration::from_secs(30), receive).await;
            let n = received.expect("no wake-up within 30 s").unwrap().0;
            assert_eq!(&buf[..n], b"hello");
            sender.join().unwrap();
            (polls.get(), aio::loop_turns().unwrap() - start)
        });
    assert_eq!(polls, 2, "a receiver polled {polls} times for one datagram");
    assert!(turns <= 2, "{turns} loop turns for one datagram");
    let lines = lines.lock().unwrap();
    let parked = lines
        .iter()
        .position(|l| l.contains(" park "))
        .unwrap_or_else(|| panic!("the loop never waited in the poller: {lines:#?}"));
    assert!(
        lines[parked + 1].contains("1 socket event"),
        "{:#?}",
        &lines[parked..]
    );
}

#[test]
fn a_datagram_wakes_only_the_task_waiting_on_its_socket() {
    run(async {
        let polls = Rc::new(Cell::new([0u32; 3]));
        let sockets: Vec<_> = (0..3).map(|_| bind()).collect();
        let addrs: Vec<_> = sockets.iter().map(addr).collect();
        let receivers: Vec<_> = sockets
            .into_iter()
            .enumerate()
            .map(|(i, socket)| {
                let polls = polls.clone();
                aio::spawn(async move {
                    let mut buf = [0; 8];
                    std::future::poll_fn(|cx| {
                        let mut counts = polls.get();
                        counts[i] += 1;
                        polls.set(counts);
                        socket.poll_recv_from(cx, &mut buf)
                    })
                    .await
                    .unwrap()
                })
            })
            .collect();
        aio::yield_now().await;
        assert_eq!(polls.get(), [1, 1, 1]);
        bind().send_to(b"hi", addrs[1]).await.unwrap();
        aio::sleep(ms(1)).await;
        assert_eq!(polls.get(), [1, 2, 1]);
        assert!(receivers[1].is_finished());
        assert!(!receivers[0].is_finished() && !receivers[2].is_finished());
    });
}

#[test]
fn a_cancelled_receive_leaves_no_waker_and_loses_no_datagram() {
    run(async {
        let (a, b) = (bind(), bind());
        let mut buf = [0; 16];
        let waited = aio::timeout(ms(100), b.recv_from(&mut buf)).await;
        assert!(waited.is_err(), "nothing was sent, yet {waited:?}");
        assert_eq!(aio::io_waiter_count(), Some(0));
        // Sent after the timeout: the next receive has it.
        a.send_to(b"late", addr(&b)).await.unwrap();
        assert_eq!(recv_text(&b).await.0, "late");
    });
}

#[test]
fn dropping_a_socket_deregisters_and_closes_it() {
    run(async {
        let before = aio::socket_count().unwrap();
        let socket = bind();
        let at = addr(&socket);
        assert_eq!(aio::socket_count(), Some(before + 1));
        // A task waiting to receive, cancelled: its future and the socket go with it.
        let waiting = aio::spawn(async move {
            let mut buf = [0; 16];
            let _ = socket.recv_from(&mut buf).await;
        });
        aio::yield_now().await;
        assert_eq!(aio::io_waiter_count(), Some(1));
        waiting.cancel();
        aio::yield_now().await;
        assert!(waiting.is_finished());
        assert_eq!(aio::socket_count(), Some(before));
        assert_eq!(aio::io_waiter_count(), Some(0));
        // Closed, not only forgotten: std binds UDP without SO_REUSEADDR, so this would fail
        // with "address in use" while the old socket lived.
        let again = aio::UdpSocket::bind(at).unwrap();
        assert_eq!(addr(&again), at);
    });
}

#[test]
fn a_connected_socket_sends_to_and_hears_from_its_peer_only() {
    run(async {
        let (a, b, stranger) = (bind(), bind(), bind());
        assert_eq!(
            a.peer_addr().unwrap_err().kind(),
            io::ErrorKind::NotConnected
        );
        a.connect(addr(&b)).unwrap();
        assert_eq!(a.peer_addr().unwrap(), addr(&b));
        // The kernel drops the stranger's datagram: a connected socket hears its peer only.
        stranger
            .send_to(b"from a stranger", addr(&a))
            .await
            .unwrap();
        b.send_to(b"from the peer", addr(&a)).await.unwrap();
        let mut buf = [0; 32];
        let n = a.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"from the peer");
        a.send(b"hello peer").await.unwrap();
        assert_eq!(recv_text(&b).await, ("hello peer".to_string(), addr(&a)));
    });
}

#[test]
fn a_connected_socket_is_told_when_nobody_listens_at_its_peer() {
    run(async {
        let nobody = addr(&bind()); // Bound, then closed at once: nothing listens there.
        let (a, b) = (bind(), bind());
        a.connect(nobody).unwrap();
        a.send(b"anyone?").await.unwrap();
        // The host answered "port unreachable"; a connected socket hears of it.
        let mut buf = [0; 16];
        let error = a.recv(&mut buf).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::ConnectionRefused);
        // An unconnected one is never told: its receive just waits (here, until the timeout).
        b.send_to(b"anyone?", nobody).await.unwrap();
        assert!(aio::timeout(ms(100), b.recv_from(&mut buf)).await.is_err());
    });
}
