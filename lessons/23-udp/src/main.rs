//! Lesson 23: UDP.
//!
//! `cargo run -p lesson-23` sends datagrams over loopback: first to show what a datagram is
//! (whole, from anyone, with its sender's address), then a ping over a network that loses
//! every third datagram and delays every fourth: a timeout on each try, retries, a late reply
//! that must not be taken for the current one, and giving up when the network is down.

use std::cell::Cell;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// How long the client waits for the reply to one try.
const TIMEOUT: Duration = Duration::from_secs(1);
/// How many tries a ping gets before the client gives up.
const TRIES: u32 = 3;
/// How long the network takes to bring an echo back, and how long on its slow route.
const DELAY: Duration = Duration::from_millis(200);
const SLOW: Duration = Duration::from_millis(1500);

/// A duration in seconds, to the tenth, cut (not rounded): "1.4s".
///
/// In virtual time the clock also moves by the real time each datagram spends crossing the
/// kernel (microseconds): cutting drops it, where rounding could not always.
fn secs(d: Duration) -> String {
    let tenths = d.as_millis() / 100;
    format!("{}.{}s", tenths / 10, tenths % 10)
}

/// The time on the loop's clock since `start`, as [`secs`] shows it.
fn at(start: Instant) -> String {
    secs(aio::now() - start)
}

// ANCHOR: boundaries
/// Two clients send three datagrams to one server socket, which never heard of them before.
async fn one_socket_many_peers() {
    let server = aio::UdpSocket::bind("127.0.0.1:0").unwrap();
    let to = server.local_addr().unwrap();
    let alice = aio::UdpSocket::bind("127.0.0.1:0").unwrap();
    let bob = aio::UdpSocket::bind("127.0.0.1:0").unwrap();
    alice.send_to(b"one", to).await.unwrap();
    alice.send_to(b"two", to).await.unwrap();
    bob.send_to(b"three", to).await.unwrap();
    println!("alice sent \"one\" and \"two\", bob sent \"three\"");

    // Who is it? The address each datagram comes with is all the server knows.
    let name = |from: SocketAddr| {
        let alice = alice.local_addr().unwrap();
        if from == alice {
            "alice"
        } else {
            "bob"
        }
    };
    let mut buf = [0; 1500];
    for _ in 0..3 {
        let (n, from) = server.recv_from(&mut buf).await.unwrap();
        let text = String::from_utf8_lossy(&buf[..n]);
        println!("server got {text:?} ({n} bytes) from {}", name(from));
        // The answer goes back to the address the datagram came from.
        server
            .send_to(text.to_uppercase().as_bytes(), from)
            .await
            .unwrap();
    }
    for (who, socket, answers) in [("alice", &alice, 2), ("bob", &bob, 1)] {
        for _ in 0..answers {
            let (n, _) = socket.recv_from(&mut buf).await.unwrap();
            println!("{who} got {:?}", String::from_utf8_lossy(&buf[..n]));
        }
    }
}
// ANCHOR_END: boundaries

// ANCHOR: server
/// The echo server, as an asyncio-style datagram protocol. It also plays the network between
/// it and the client: every third datagram is lost, every fourth comes back on a slow route,
/// and once `down` is set everything is lost.
struct LossyEcho {
    /// Where the echoes go out; given by `connection_made`.
    transport: Option<aio::DatagramTransport>,
    /// How many datagrams have arrived: the network's fate for each is decided by its number.
    received: u32,
    /// Set by the client's side when the network goes down.
    down: Rc<Cell<bool>>,
    /// When the pings started, for the times printed.
    start: Instant,
}

impl aio::DatagramProtocol for LossyEcho {
    fn connection_made(&mut self, transport: aio::DatagramTransport) {
        self.transport = Some(transport);
    }

    fn datagram_received(&mut self, data: &[u8], addr: SocketAddr) {
        self.received += 1;
        let n = self.received;
        let text = String::from_utf8_lossy(data);
        let at = at(self.start);
        if self.down.get() || n % 3 == 0 {
            println!("{at}    network: datagram {n} ({text}) lost");
            return;
        }
        let delay = if n % 4 == 0 { SLOW } else { DELAY };
        println!(
            "{at}    network: datagram {n} ({text}) echoed, back in {}",
            secs(delay)
        );
        // A callback cannot wait: schedule the answer instead.
        let transport = self.transport.clone().unwrap();
        let data = data.to_vec();
        aio::call_later(delay, move || transport.sendto(&data, addr));
    }
}
// ANCHOR_END: server

/// What the client counts.
#[derive(Default)]
struct Tally {
    sent: u32,
    answered: u32,
    late: u32,
}

// ANCHOR: ping
/// Pings `server` up to `TRIES` times, each try waiting `TIMEOUT` for its own reply.
/// Returns the round-trip time, or `None` if no try got a reply.
async fn ping(
    socket: &aio::UdpSocket,
    server: SocketAddr,
    seq: u32,
    tally: &mut Tally,
    start: Instant,
) -> Option<Duration> {
    for attempt in 1..=TRIES {
        let request = format!("ping {seq} try {attempt}");
        match attempt {
            1 => println!("{}  {request}", at(start)),
            _ => println!(
                "{}  {request} (no reply within {})",
                at(start),
                secs(TIMEOUT)
            ),
        }
        let sent = aio::now();
        socket.send_to(request.as_bytes(), server).await.unwrap();
        tally.sent += 1;
        // One deadline for this try: replies to older tries must not extend it.
        let deadline = sent + TIMEOUT;
        let reply = aio::timeout_at(deadline, async {
            let mut buf = [0; 1500];
            loop {
                let (n, from) = socket.recv_from(&mut buf).await.unwrap();
                let reply = String::from_utf8_lossy(&buf[..n]);
                if from == server && reply == request {
                    return;
                }
                // Anyone may send to this socket, and an old try's reply may come late.
                println!(
                    "{}  ignored {reply:?}: not the reply to this try",
                    at(start)
                );
                tally.late += 1;
            }
        })
        .await;
        if reply.is_ok() {
            tally.answered += 1;
            return Some(aio::now() - sent);
        }
    }
    None
}
// ANCHOR_END: ping

// ANCHOR: pings
async fn pings() {
    let start = aio::now();
    let down = Rc::new(Cell::new(false));
    let network = down.clone();
    let server = aio::create_datagram_endpoint("127.0.0.1:0", move || LossyEcho {
        transport: None,
        received: 0,
        down: network,
        start,
    })
    .await
    .unwrap();
    let socket = aio::UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut tally = Tally::default();
    for seq in 1..=5 {
        if seq == 5 {
            println!("-- the network goes down");
            down.set(true);
        }
        match ping(&socket, server.local_addr(), seq, &mut tally, start).await {
            Some(rtt) => println!("{}  ping {seq}: reply, rtt {}", at(start), secs(rtt)),
            None => println!(
                "{}  ping {seq}: no reply to {TRIES} tries, giving up",
                at(start)
            ),
        }
    }
    println!(
        "5 pings, {} answered; datagrams sent: {}; replies ignored: {}",
        tally.answered, tally.sent, tally.late
    );
    server.close();
}
// ANCHOR_END: pings

fn main() {
    USAGE.parse().finish(); // `--help` says what the lesson does; no other options
    aio::run(async {
        println!("== one socket, many peers, whole datagrams ==");
        one_socket_many_peers().await;
        println!();
        let timeout = secs(TIMEOUT);
        println!(
            "== ping: {timeout} timeout, {TRIES} tries; every 3rd datagram lost, every 4th slow =="
        );
        pings().await;
    });
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
