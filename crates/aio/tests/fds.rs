//! No descriptor leaks: after streams, servers and cancelled tasks are gone, the process holds
//! exactly the descriptors it held before. (A file of its own: the process's descriptor list
//! counts the whole test process, so no other test may run beside this one.)

use std::time::Duration;

mod common;
use common::run_virtual as run;

/// Where the kernel lists the process's open descriptors: Linux's `/proc/self/fd`, macOS's
/// `/dev/fd`. (FreeBSD's `/dev/fd` lists only 0, 1 and 2 unless `fdescfs` is mounted.)
const FD_DIR: &str = if cfg!(target_os = "linux") {
    "/proc/self/fd"
} else {
    "/dev/fd"
};

fn open_fds() -> usize {
    std::fs::read_dir(FD_DIR).unwrap().count()
}

/// An echo server that reads until EOF.
async fn echo_server() -> aio::Server {
    aio::start_server("127.0.0.1:0", |mut reader, writer| async move {
        while let Ok(data) = reader.read(4096).await {
            if data.is_empty() {
                break;
            }
            writer.write(&data);
            if writer.drain().await.is_err() {
                break;
            }
        }
    })
    .await
    .unwrap()
}

#[test]
#[cfg_attr(
    not(any(target_os = "linux", target_vendor = "apple")),
    ignore = "counts descriptors in /proc/self/fd (Linux) or /dev/fd (macOS) only"
)]
fn no_descriptor_outlives_its_stream() {
    // One test, two phases: tests of one binary run in parallel and share /proc/self/fd.
    dropping_streams_and_servers_closes_every_descriptor();
    cancelled_tasks_and_failed_connects_leave_no_descriptor();
    udp_sockets_and_datagram_endpoints_close_their_descriptors();
}

fn dropping_streams_and_servers_closes_every_descriptor() {
    run(async {
        let baseline = open_fds();
        let sockets = aio::socket_count().unwrap();
        let server = echo_server().await;
        let addr = server.local_addr();
        let mut clients = Vec::new();
        for _ in 0..20 {
            clients.push(aio::open_connection(addr).await.unwrap());
        }
        for (reader, writer) in &mut clients {
            writer.write(b"ping\n");
            assert_eq!(reader.readline().await.unwrap(), b"ping\n");
        }
        assert!(open_fds() >= baseline + 41);
        drop(clients);
        server.close();
        server.wait_closed().await;
        // Let the last flusher tasks end.
        aio::sleep(Duration::from_millis(1)).await;
        assert_eq!(aio::socket_count().unwrap(), sockets);
        assert_eq!(open_fds(), baseline);
    });
}

fn cancelled_tasks_and_failed_connects_leave_no_descriptor() {
    run(async {
        let baseline = open_fds();
        let server = echo_server().await;
        let addr = server.local_addr();
        // Tasks cancelled while connecting, while reading, while draining.
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                aio::spawn(async move {
                    let (mut reader, writer) = aio::open_connection(addr).await.unwrap();
                    writer.write(&vec![0; 1 << 20]);
                    writer.drain().await.unwrap();
                    reader.read(1).await.unwrap();
                })
            })
            .collect();
        aio::yield_now().await;
        aio::yield_now().await;
        for task in &tasks {
            task.cancel();
        }
        // A refused connection: nothing listens on a port we just closed.
        let closed_port = {
            let listener = aio::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap()
        };
        assert!(aio::TcpStream::connect(closed_port).await.is_err());
        server.close();
        server.wait_closed().await;
        aio::sleep(Duration::from_millis(1)).await;
        assert_eq!(open_fds(), baseline);
    });
}

/// Echoes datagrams (a datagram endpoint's protocol).
struct DatagramEcho(Option<aio::DatagramTransport>);

impl aio::DatagramProtocol for DatagramEcho {
    fn connection_made(&mut self, transport: aio::DatagramTransport) {
        self.0 = Some(transport);
    }
    fn datagram_received(&mut self, data: &[u8], addr: std::net::SocketAddr) {
        self.0.as_ref().unwrap().sendto(data, addr);
    }
}

fn udp_sockets_and_datagram_endpoints_close_their_descriptors() {
    run(async {
        let baseline = open_fds();
        let endpoint = aio::create_datagram_endpoint("127.0.0.1:0", || DatagramEcho(None))
            .await
            .unwrap();
        let sockets: Vec<_> = (0..10)
            .map(|_| aio::UdpSocket::bind("127.0.0.1:0").unwrap())
            .collect();
        let mut buf = [0; 8];
        for socket in &sockets {
            socket
                .send_to(b"ping", endpoint.local_addr())
                .await
                .unwrap();
            assert_eq!(socket.recv_from(&mut buf).await.unwrap().0, 4);
        }
        // A task cancelled while it waits for a datagram.
        let waiting = aio::spawn(async move {
            let socket = aio::UdpSocket::bind("127.0.0.1:0").unwrap();
            let _ = socket.recv_from(&mut [0; 8]).await;
        });
        aio::yield_now().await;
        assert!(open_fds() >= baseline + 12);
        waiting.cancel();
        drop(sockets);
        endpoint.close();
        aio::sleep(Duration::from_millis(1)).await;
        assert_eq!(open_fds(), baseline);
    });
}
