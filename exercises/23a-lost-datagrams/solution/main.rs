//! Exercise 23a, solved: a loop of tries, each with its own `aio::timeout` around the receive.
//! A try that times out drops its `recv_from`, which loses nothing: a datagram is taken from
//! the socket only by the receive that returns it.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// How long one try waits for its answer.
const TIMEOUT: Duration = Duration::from_secs(1);
/// How many tries a city gets.
const TRIES: u32 = 3;

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// The weather service, a datagram protocol: the datagram is a city's name, the answer its
/// temperature, 0.1 s later. It never answers for a city it does not know: over UDP, that
/// silence looks exactly like a lost datagram. It also plays the network in front of it, which
/// loses every third datagram.
struct Weather {
    transport: Option<aio::DatagramTransport>,
    received: u32,
}

impl aio::DatagramProtocol for Weather {
    fn connection_made(&mut self, transport: aio::DatagramTransport) {
        self.transport = Some(transport);
    }

    fn datagram_received(&mut self, data: &[u8], addr: SocketAddr) {
        self.received += 1;
        if self.received % 3 == 0 {
            return; // Lost on the way.
        }
        let temperature = match data {
            b"oslo" => "4°C",
            b"lima" => "19°C",
            b"rome" => "24°C",
            b"kyiv" => "-3°C",
            b"cairo" => "31°C",
            b"quito" => "14°C",
            _ => return, // Unknown: no answer at all.
        };
        let transport = self.transport.clone().unwrap();
        aio::call_later(Duration::from_millis(100), move || {
            transport.sendto(temperature.as_bytes(), addr)
        });
    }
}

/// Asks the service at `service` for `city`'s temperature, up to `TRIES` times. Returns
/// `None` if no try got an answer.
async fn ask(
    socket: &aio::UdpSocket,
    service: SocketAddr,
    city: &str,
    start: Instant,
) -> Option<String> {
    println!("{} asking for {city}", at(start));
    for attempt in 1..=TRIES {
        socket.send_to(city.as_bytes(), service).await.unwrap();
        let mut buf = [0; 64];
        // A timeout for this try only: the next try gets a full second again.
        if let Ok(received) = aio::timeout(TIMEOUT, socket.recv_from(&mut buf)).await {
            let (n, _) = received.unwrap();
            return Some(String::from_utf8_lossy(&buf[..n]).into_owned());
        }
        if attempt < TRIES {
            println!("{} {city}: no answer in 1.0s, asking again", at(start));
        }
    }
    println!(
        "{} {city}: no answer after {TRIES} tries, giving up",
        at(start)
    );
    None
}

async fn forecast() {
    let start = aio::now();
    let service = aio::create_datagram_endpoint("127.0.0.1:0", || Weather {
        transport: None,
        received: 0,
    })
    .await
    .unwrap();
    let socket = aio::UdpSocket::bind("127.0.0.1:0").unwrap();
    let cities = ["oslo", "lima", "rome", "kyiv", "cairo", "quito", "atlantis"];
    let mut answered = 0;
    for city in cities {
        if let Some(temperature) = ask(&socket, service.local_addr(), city, start).await {
            println!("{} {city}: {temperature}", at(start));
            answered += 1;
        }
    }
    println!("{answered} of {} cities answered", cities.len());
    service.close();
}

fn main() {
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    aio::run(forecast());
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
