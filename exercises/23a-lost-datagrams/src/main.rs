//! Exercise 23a: a lost UDP request is asked again, each try with its own timeout.
//!
//! A client asks a weather service, over UDP, for the temperature in seven cities, one after
//! another. The service answers in 0.1 s, but the network in front of it loses every third
//! datagram, and it says nothing at all about a city it does not know. The client gives each
//! city one try of one second, so a lost datagram costs that city its answer.
//!
//! Goal: ask again. Give each city up to three tries (`TRIES`), each with its own timeout of
//! one second (`TIMEOUT`); after a try that gets no answer, print `CITY: no answer in 1.0s,
//! asking again`, or after the last one `CITY: no answer after 3 tries, giving up`. Print
//! exactly `expected.txt`. `cargo course check 23a` runs it in virtual time and checks the
//! output and the loop time (5.6 s). Stuck? `cargo course hint 23a`; read lesson 23
//! (`cargo run -p lesson-23`).

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

/// Asks the service at `service` for `city`'s temperature. Returns `None` if no answer came.
async fn ask(
    socket: &aio::UdpSocket,
    service: SocketAddr,
    city: &str,
    start: Instant,
) -> Option<String> {
    let _ = TRIES; // Not used yet.
    println!("{} asking for {city}", at(start));
    socket.send_to(city.as_bytes(), service).await.unwrap();
    let mut buf = [0; 64];
    match aio::timeout(TIMEOUT, socket.recv_from(&mut buf)).await {
        Ok(received) => {
            let (n, _) = received.unwrap();
            Some(String::from_utf8_lossy(&buf[..n]).into_owned())
        }
        Err(_) => {
            println!("{} {city}: no answer in 1.0s", at(start));
            None
        }
    }
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
