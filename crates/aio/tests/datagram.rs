//! Datagram protocols: `create_datagram_endpoint`, callbacks in order, `sendto` from inside
//! and outside the protocol, errors that leave the endpoint open, and `close`.

use std::cell::RefCell;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;

mod common;
use common::{ms, run_virtual};

/// Runs `test` in virtual time, failing it if it is still waiting after a virtual minute.
fn run(test: impl std::future::Future<Output = ()>) {
    run_virtual(async {
        aio::timeout(ms(60_000), test)
            .await
            .expect("stuck: still waiting after a minute of loop time");
    });
}

type Log = Rc<RefCell<Vec<String>>>;

/// Echoes every datagram to its sender, and writes down every callback.
struct Echo {
    log: Log,
    transport: Option<aio::DatagramTransport>,
}

impl aio::DatagramProtocol for Echo {
    fn connection_made(&mut self, transport: aio::DatagramTransport) {
        self.log.borrow_mut().push("made".into());
        self.transport = Some(transport);
    }
    fn datagram_received(&mut self, data: &[u8], addr: SocketAddr) {
        let text = String::from_utf8_lossy(data);
        self.log.borrow_mut().push(format!("datagram {text}"));
        // Answered from inside the callback, which cannot wait: sendto only queues.
        self.transport.as_ref().unwrap().sendto(data, addr);
        if text == "close" {
            self.transport.as_ref().unwrap().close();
        }
    }
    fn error_received(&mut self, error: io::Error) {
        let code = error.raw_os_error().is_some();
        self.log
            .borrow_mut()
            .push(format!("error (os error: {code})"));
    }
    fn connection_lost(&mut self, error: Option<io::Error>) {
        self.log
            .borrow_mut()
            .push(format!("lost {:?}", error.map(|e| e.kind())));
    }
}

async fn echo_endpoint(log: &Log) -> aio::DatagramTransport {
    let log = log.clone();
    aio::create_datagram_endpoint("127.0.0.1:0", move || Echo {
        log,
        transport: None,
    })
    .await
    .unwrap()
}

/// Sends `text` to `to` from `client` and returns the answer's text and sender.
async fn ask(client: &aio::UdpSocket, to: SocketAddr, text: &str) -> (String, SocketAddr) {
    client.send_to(text.as_bytes(), to).await.unwrap();
    let mut buf = [0; 64];
    let (n, from) = aio::timeout(ms(1000), client.recv_from(&mut buf))
        .await
        .unwrap_or_else(|_| panic!("no answer to {text:?}"))
        .unwrap();
    (String::from_utf8_lossy(&buf[..n]).into_owned(), from)
}

#[test]
fn an_endpoint_calls_connection_made_first_then_each_datagram_with_its_sender() {
    let log: Log = Rc::default();
    run(async {
        let server = echo_endpoint(&log).await;
        // Before create_datagram_endpoint returned, as in asyncio.
        assert_eq!(*log.borrow(), ["made"]);
        let to = server.local_addr();
        let client = aio::UdpSocket::bind("127.0.0.1:0").unwrap();
        assert_eq!(ask(&client, to, "ping").await, ("ping".to_string(), to));
        assert_eq!(ask(&client, to, "again").await, ("again".to_string(), to));
        assert_eq!(*log.borrow(), ["made", "datagram ping", "datagram again"]);
    });
}

#[test]
fn sendto_from_another_task_is_queued_then_sent_by_the_endpoint() {
    let log: Log = Rc::default();
    run(async {
        let server = echo_endpoint(&log).await;
        let client = aio::UdpSocket::bind("127.0.0.1:0").unwrap();
        server.sendto(b"unasked", client.local_addr().unwrap());
        server.sendto(b"twice", client.local_addr().unwrap());
        // Queued, not sent: sendto never does I/O itself, the endpoint's task does.
        assert_eq!(server.get_write_buffer_size(), 12);
        let mut buf = [0; 64];
        for expected in ["unasked", "twice"] {
            let received = aio::timeout(ms(1000), client.recv_from(&mut buf)).await;
            let (n, from) = received.expect("nothing was sent").unwrap();
            assert_eq!(
                (&buf[..n], from),
                (expected.as_bytes(), server.local_addr())
            );
        }
        assert_eq!(server.get_write_buffer_size(), 0);
    });
}

#[test]
fn a_failed_send_is_an_error_received_and_the_endpoint_goes_on() {
    let log: Log = Rc::default();
    run(async {
        let server = echo_endpoint(&log).await;
        let client = aio::UdpSocket::bind("127.0.0.1:0").unwrap();
        // Larger than any UDP datagram can be (65,507 bytes over IPv4): the kernel refuses it.
        server.sendto(&vec![0; 70_000], client.local_addr().unwrap());
        let to = server.local_addr();
        assert_eq!(ask(&client, to, "still there?").await.0, "still there?");
        assert_eq!(
            *log.borrow(),
            ["made", "error (os error: true)", "datagram still there?"]
        );
    });
}

#[test]
fn close_sends_what_is_queued_then_calls_connection_lost_and_closes_the_socket() {
    let log: Log = Rc::default();
    run(async {
        let sockets = aio::socket_count().unwrap();
        let server = echo_endpoint(&log).await;
        assert_eq!(aio::socket_count(), Some(sockets + 1));
        let to = server.local_addr();
        let client = aio::UdpSocket::bind("127.0.0.1:0").unwrap();
        // The protocol queues the echo, then closes its transport: the echo is still sent.
        assert_eq!(ask(&client, to, "close").await.0, "close");
        aio::yield_now().await;
        assert!(server.is_closing());
        assert_eq!(*log.borrow(), ["made", "datagram close", "lost None"]);
        // The socket is closed although a transport is still held here; sendto drops now.
        assert_eq!(aio::socket_count(), Some(sockets + 1)); // The client's.
        server.sendto(b"dropped", client.local_addr().unwrap());
        assert_eq!(server.get_write_buffer_size(), 0);
        let mut buf = [0; 16];
        assert!(aio::timeout(ms(100), client.recv_from(&mut buf))
            .await
            .is_err());
        // Nothing listens there any more: the port can be bound again.
        drop(aio::UdpSocket::bind(to).unwrap());
    });
}

#[test]
fn close_from_outside_wakes_the_waiting_endpoint() {
    let log: Log = Rc::default();
    run(async {
        let server = echo_endpoint(&log).await;
        aio::yield_now().await; // The endpoint's task now waits for a datagram.
        assert_eq!(aio::io_waiter_count(), Some(1));
        server.close();
        aio::yield_now().await;
        assert_eq!(*log.borrow(), ["made", "lost None"]);
        assert_eq!(aio::io_waiter_count(), Some(0));
    });
}

#[test]
fn binding_a_busy_address_is_an_error_and_makes_no_protocol() {
    let log: Log = Rc::default();
    run(async {
        let busy = aio::UdpSocket::bind("127.0.0.1:0").unwrap();
        let log2 = log.clone();
        let error = aio::create_datagram_endpoint(busy.local_addr().unwrap(), move || Echo {
            log: log2,
            transport: None,
        })
        .await
        .unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::AddrInUse);
        assert!(log.borrow().is_empty());
    });
}
