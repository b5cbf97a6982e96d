//! Protocols and transports: callbacks in order, eof_received's answer, flow control, errors.

use std::cell::RefCell;
use std::io;
use std::rc::Rc;
use std::time::Duration;

mod common;
use common::run_virtual as run;

type Log = Rc<RefCell<Vec<String>>>;

/// Echoes, and writes down every callback.
struct Echo {
    log: Log,
    transport: Option<aio::Transport>,
}

impl aio::Protocol for Echo {
    fn connection_made(&mut self, transport: aio::Transport) {
        self.log.borrow_mut().push("made".into());
        self.transport = Some(transport);
    }
    fn data_received(&mut self, data: &[u8]) {
        self.log
            .borrow_mut()
            .push(format!("data {}", String::from_utf8_lossy(data)));
        self.transport.as_ref().unwrap().write(data);
    }
    fn eof_received(&mut self) -> bool {
        self.log.borrow_mut().push("eof".into());
        false
    }
    fn connection_lost(&mut self, error: Option<io::Error>) {
        self.log
            .borrow_mut()
            .push(format!("lost {:?}", error.map(|e| e.kind())));
    }
}

/// A server whose every connection gets its own `Echo`, all writing to `log`.
async fn echo_server(log: Log) -> aio::Server {
    aio::create_server("127.0.0.1:0", move || Echo {
        log: log.clone(),
        transport: None,
    })
    .await
    .unwrap()
}

#[test]
fn callbacks_come_in_order_and_eof_closes_by_default() {
    let log: Log = Rc::default();
    let server_log = log.clone();
    run(async move {
        let server = echo_server(server_log).await;
        let (mut reader, writer) = aio::open_connection(server.local_addr()).await.unwrap();
        writer.write(b"hello");
        assert_eq!(reader.readexactly(5).await.unwrap(), b"hello");
        writer.write_eof();
        // eof_received said false: the server closes, the client reads its end of file.
        assert_eq!(reader.read(10).await.unwrap(), b"");
        server.close();
        server.wait_closed().await;
    });
    assert_eq!(
        *log.borrow(),
        ["made", "data hello", "eof", "lost None"].map(String::from)
    );
}

/// Counts bytes; answers with the count after the peer's end of file, then closes itself.
#[derive(Default)]
struct Counter {
    transport: Option<aio::Transport>,
    bytes: usize,
}

impl aio::Protocol for Counter {
    fn connection_made(&mut self, transport: aio::Transport) {
        self.transport = Some(transport);
    }
    fn data_received(&mut self, data: &[u8]) {
        self.bytes += data.len();
    }
    fn eof_received(&mut self) -> bool {
        let transport = self.transport.as_ref().unwrap();
        transport.write(format!("{} bytes", self.bytes).as_bytes());
        transport.close();
        true // Keep the connection: the answer is still being written.
    }
}

#[test]
fn eof_received_true_keeps_the_connection_for_the_answer() {
    run(async {
        // The factory may also make boxed protocols.
        let server = aio::create_server("127.0.0.1:0", || -> Box<dyn aio::Protocol> {
            Box::new(Counter::default())
        })
        .await
        .unwrap();
        let (mut reader, writer) = aio::open_connection(server.local_addr()).await.unwrap();
        writer.write(&[0; 100_000]);
        writer.write_eof();
        assert_eq!(reader.read_to_eof().await.unwrap(), b"100000 bytes");
    });
}

/// Pauses reading after each piece of data; a test resumes it.
struct Pausing {
    transport: Rc<RefCell<Option<aio::Transport>>>,
    received: Rc<RefCell<Vec<u8>>>,
}

impl aio::Protocol for Pausing {
    fn connection_made(&mut self, transport: aio::Transport) {
        *self.transport.borrow_mut() = Some(transport);
    }
    fn data_received(&mut self, data: &[u8]) {
        self.received.borrow_mut().extend_from_slice(data);
        self.transport.borrow().as_ref().unwrap().pause_reading();
    }
}

#[test]
fn pause_reading_stops_data_received_until_resume_reading() {
    run(async {
        let transport = Rc::new(RefCell::new(None));
        let received = Rc::new(RefCell::new(Vec::new()));
        let (t, r) = (transport.clone(), received.clone());
        let server = aio::create_server("127.0.0.1:0", move || Pausing {
            transport: t.clone(),
            received: r.clone(),
        })
        .await
        .unwrap();
        let (_reader, writer) = aio::open_connection(server.local_addr()).await.unwrap();
        writer.write(b"first");
        aio::sleep(Duration::from_millis(5)).await;
        assert_eq!(*received.borrow(), b"first");
        let transport = transport.borrow().clone().unwrap();
        assert!(!transport.is_reading());
        // More data comes while paused: it waits in the kernel, not in the protocol.
        writer.write(b"second");
        aio::sleep(Duration::from_millis(5)).await;
        assert_eq!(*received.borrow(), b"first");
        transport.resume_reading();
        aio::sleep(Duration::from_millis(5)).await;
        assert_eq!(*received.borrow(), b"firstsecond");
    });
}

/// Writes a lot at once to a peer that does not read, and logs flow-control callbacks.
struct Flood {
    log: Log,
}

impl aio::Protocol for Flood {
    fn connection_made(&mut self, transport: aio::Transport) {
        let before = std::time::Instant::now();
        for _ in 0..100 {
            transport.write(&[b'x'; 64 * 1024]);
        }
        // 6.4 MB accepted without waiting: the buffer holds what the kernel did not take.
        // Real time: about 10 ms; 2 s is the margin for a busy machine.
        assert!(before.elapsed() < Duration::from_secs(2));
        assert!(transport.get_write_buffer_size() > 1 << 20);
        self.log.borrow_mut().push("written".into());
        // Closing waits for the buffer to be sent: flow control goes on meanwhile.
        transport.close();
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
            .push(format!("lost {:?}", error.is_some()));
    }
}

#[test]
fn a_full_write_buffer_pauses_and_resumes_the_writer() {
    let log: Log = Rc::default();
    let server_log = log.clone();
    run(async move {
        let server = aio::create_server("127.0.0.1:0", move || Flood {
            log: server_log.clone(),
        })
        .await
        .unwrap();
        let (mut reader, _writer) = aio::open_connection(server.local_addr()).await.unwrap();
        aio::sleep(Duration::from_millis(5)).await;
        assert_eq!(*log.borrow(), ["written", "pause_writing"]);
        // Now read it all: the buffer empties, the writer is resumed.
        let mut total = 0;
        while total < 100 * 64 * 1024 {
            total += reader.read(1 << 20).await.unwrap().len();
        }
        assert_eq!(reader.read(1).await.unwrap(), b"", "closed after the data");
        aio::sleep(Duration::from_millis(5)).await;
        assert_eq!(
            *log.borrow(),
            ["written", "pause_writing", "resume_writing", "lost false"]
        );
    });
}

#[test]
fn a_reset_connection_is_reported_to_connection_lost() {
    let log: Log = Rc::default();
    let server_log = log.clone();
    run(async move {
        let server = echo_server(server_log).await;
        // A plain std socket (a peer elsewhere), closed with the echo unread: the kernel then
        // sends a reset instead of an orderly end of file.
        let mut client = std::net::TcpStream::connect(server.local_addr()).unwrap();
        std::io::Write::write_all(&mut client, b"echo").unwrap();
        aio::sleep(Duration::from_millis(5)).await;
        drop(client);
        aio::sleep(Duration::from_millis(5)).await;
        server.close();
    });
    assert_eq!(
        *log.borrow(),
        ["made", "data echo", "lost Some(ConnectionReset)"].map(String::from)
    );
}

#[test]
fn create_connection_drives_a_client_protocol() {
    let log: Log = Rc::default();
    let client_log = log.clone();
    run(async move {
        let server = aio::start_server("127.0.0.1:0", |mut reader, writer| async move {
            let line = reader.readline().await.unwrap();
            writer.write(&line.to_ascii_uppercase());
            writer.close();
        })
        .await
        .unwrap();
        let transport = aio::create_connection(
            server.local_addr(),
            Echo {
                log: client_log,
                transport: None,
            },
        )
        .await
        .unwrap();
        assert_eq!(transport.peer_addr().unwrap(), server.local_addr());
        transport.write(b"shout\n");
        aio::sleep(Duration::from_millis(5)).await;
        assert!(transport.is_closing());
    });
    // The client's Echo echoes the answer back, then the server's close arrives.
    assert_eq!(
        *log.borrow(),
        ["made", "data SHOUT\n", "eof", "lost None"].map(String::from)
    );
}

/// Writes more than the kernel takes, then aborts instead of closing.
struct Aborter;

impl aio::Protocol for Aborter {
    fn connection_made(&mut self, transport: aio::Transport) {
        transport.write(&vec![1; 8 << 20]);
        transport.abort();
        assert_eq!(transport.get_write_buffer_size(), 0);
    }
}

#[test]
fn abort_drops_the_buffer_and_closes_at_once() {
    run(async {
        let server = aio::create_server("127.0.0.1:0", || Aborter).await.unwrap();
        let (mut reader, _writer) = aio::open_connection(server.local_addr()).await.unwrap();
        let received = reader.read_to_eof().await.unwrap();
        assert!(received.len() < 8 << 20, "everything arrived after all");
    });
}
