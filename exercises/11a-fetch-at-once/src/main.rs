//! Exercise 11a: four pages fetched at once from a slow local server, not one after another.
//!
//! A link checker fetches four pages. A local server stands in for the four sites, each as
//! slow as its delay (0.4, 0.8, 0.2 and 0.6 s), and a tiny HTTP client fetches them, as in
//! lesson 11. But `fetch_all` awaits one fetch before it starts the next: the waits add up to
//! 2.0 s, though the client spends nearly all of that time waiting for the server.
//!
//! Goal: change `fetch_all` (only it: the server and the client below are fine) so that the
//! four fetches wait at the same time, and the whole takes as long as the slowest page, 0.8 s.
//! Keep the titles in the order asked. Print exactly `expected.txt`: the four `Fetching` lines
//! first, then the pages as they arrive, fastest first. `cargo course check 11a` runs it in
//! virtual time and checks the output and the loop time (0.8 s). Stuck?
//! `cargo course hint 11a`; read lesson 11 (`cargo run -p lesson-11`).

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use aio::{StreamReader, StreamWriter};
use http_lite::{parse_request, parse_response, BodyLength, Response, DEFAULT_HEAD_LIMIT};

/// The sites, each with how long the stand-in server takes to answer.
const SITES: [(&str, Duration); 4] = [
    ("docs.example.org", Duration::from_millis(400)),
    ("blog.example.org", Duration::from_millis(800)),
    ("shop.example.org", Duration::from_millis(200)),
    ("news.example.org", Duration::from_millis(600)),
];

/// The pages to check, in this order.
const URLS: [&str; 4] = [
    "http://docs.example.org/",
    "http://blog.example.org/",
    "http://shop.example.org/",
    "http://news.example.org/",
];

/// "[0.8s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// Fetches every page in `URLS`, and returns their bodies in the order asked.
async fn fetch_all(server: SocketAddr) -> io::Result<Vec<String>> {
    let mut pages = Vec::new();
    for url in URLS {
        pages.push(fetch_page(server, url).await?);
    }
    Ok(pages)
}

async fn check_links() -> io::Result<()> {
    let server = aio::start_server("127.0.0.1:0", serve_page).await?;
    let start = aio::now();
    let pages = fetch_all(server.local_addr()).await?;
    println!(
        "{} {} pages; their titles, in the order asked:",
        at(start),
        pages.len()
    );
    for page in &pages {
        println!("  {}", title(page));
    }
    server.close();
    server.wait_closed().await;
    Ok(())
}

fn main() -> io::Result<()> {
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    aio::run(check_links())
}

// The stand-in server and the client: you need not change anything below.

/// The stand-in server: picks the site by the request's `Host` header, waits the site's
/// delay, and answers with a small page.
async fn serve_page(mut reader: StreamReader, writer: StreamWriter) {
    reader.set_limit(DEFAULT_HEAD_LIMIT);
    let Ok(head) = reader.readuntil(b"\r\n\r\n").await else {
        return; // The client left, or sent a head too large to read.
    };
    let site = match parse_request(&head, DEFAULT_HEAD_LIMIT) {
        Ok(Some((request, _))) => {
            let host = request.headers.get("host").unwrap_or_default();
            SITES.iter().find(|(site, _)| *site == host)
        }
        _ => None,
    };
    let response = match site {
        Some((site, delay)) => {
            aio::sleep(*delay).await; // A slow site.
            let page = format!("<!doctype html><title>{site}</title><p>Welcome.</p>\n");
            Response::new(200)
                .header("Content-Type", "text/html; charset=utf-8")
                .body(page)
        }
        None => Response::text(404, "No such site\n"),
    };
    writer.write(&response.close().to_bytes());
    writer.close(); // After the response is sent.
    writer.wait_closed().await;
}

/// The tiny client: one GET on one connection, to `server` for any host. Returns the body.
async fn fetch_page(server: SocketAddr, url: &str) -> io::Result<String> {
    println!("Fetching {url}");
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let (mut reader, writer) = aio::open_connection(server).await?;
    let request = format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    writer.write(request.as_bytes());
    writer.drain().await?;

    // The head ends at the first blank line; the body is as long as Content-Length says.
    reader.set_limit(DEFAULT_HEAD_LIMIT);
    let head = reader.readuntil(b"\r\n\r\n").await?;
    let invalid = |e: String| io::Error::new(io::ErrorKind::InvalidData, e);
    let (response, _) = parse_response(&head, DEFAULT_HEAD_LIMIT)
        .map_err(|e| invalid(e.to_string()))?
        .ok_or_else(|| invalid("incomplete head".into()))?;
    let body = match response.body_length("GET") {
        BodyLength::Exact(n) => reader.readexactly(n as usize).await?,
        BodyLength::UntilClose => reader.read_to_eof().await?,
    };
    writer.close();
    writer.wait_closed().await;
    println!("Got {url}: {} {}", response.status, response.reason);
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// The text of a page's `<title>`.
fn title(html: &str) -> &str {
    let start = html.find("<title>").map_or(0, |i| i + "<title>".len());
    let end = html[start..]
        .find("</title>")
        .map_or(html.len(), |i| start + i);
    &html[start..end]
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
