//! Lesson 11: fetching pages one after another, then all at once.
//!
//! The seed fetches three websites with aiohttp. This lesson needs no network and no
//! third-party HTTP library: a local server in the same program stands in for the three
//! sites, each page as slow as its delay says, and a tiny HTTP/1.1 client fetches them.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use aio::{StreamReader, StreamWriter};
use http_lite::{parse_request, parse_response, BodyLength, Response, DEFAULT_HEAD_LIMIT};

// ANCHOR: sites
/// The seed's three sites, each with how long the stand-in server takes to answer.
const SITES: [(&str, Duration); 3] = [
    ("www.jython.org", Duration::from_millis(1000)),
    ("olympus.realpython.org", Duration::from_millis(1500)),
    ("realpython.com", Duration::from_millis(500)),
];

/// The pages to fetch. Plain `http://`: this lesson's client speaks no TLS.
const URLS: [&str; 3] = [
    "http://www.jython.org/",
    "http://olympus.realpython.org/",
    "http://realpython.com/",
];
// ANCHOR_END: sites

// ANCHOR: server
/// The stand-in server: picks the site by the request's `Host` header (as one server hosts
/// many sites on the real web), waits the site's delay, and answers with a small page.
async fn serve_page(mut reader: StreamReader, writer: StreamWriter) {
    reader.set_limit(DEFAULT_HEAD_LIMIT);
    let Ok(head) = reader.readuntil(b"\r\n\r\n").await else {
        return; // The client left, or sent a head too large to read.
    };
    let response = match parse_request(&head, DEFAULT_HEAD_LIMIT) {
        Ok(Some((request, _))) => {
            let host = request.headers.get("host").unwrap_or_default();
            match SITES.iter().find(|(site, _)| *site == host) {
                Some((site, delay)) => {
                    aio::sleep(*delay).await; // A slow site.
                    let page = format!(
                        "<!doctype html><title>{site}</title><p>A stand-in for {site}.</p>\n"
                    );
                    Response::new(200)
                        .header("Content-Type", "text/html; charset=utf-8")
                        .body(page)
                }
                None => Response::text(404, "No such site\n"),
            }
        }
        Ok(None) => Response::text(400, "Incomplete head\n"),
        Err(error) => Response::error(&error),
    };
    writer.write(&response.close().to_bytes());
    writer.close(); // After the response is sent.
    writer.wait_closed().await;
}
// ANCHOR_END: server

// ANCHOR: fetch_page
/// The tiny client: one GET, one connection. Returns the page's body.
async fn fetch_page(server: SocketAddr, url: &str) -> io::Result<String> {
    println!("Fetching {url}");
    let (host, path) = split_url(url)?;
    let (mut reader, writer) = aio::open_connection(server).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    writer.write(request.as_bytes());
    writer.drain().await?;

    // The head ends at the first blank line; the body is as long as Content-Length says.
    reader.set_limit(DEFAULT_HEAD_LIMIT);
    let head = reader.readuntil(b"\r\n\r\n").await?;
    let (response, _) = parse_response(&head, DEFAULT_HEAD_LIMIT)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "incomplete head"))?;
    let body = match response.body_length("GET") {
        BodyLength::Exact(n) => reader.readexactly(n as usize).await?,
        BodyLength::UntilClose => reader.read_to_eof().await?,
    };
    writer.close();
    writer.wait_closed().await;

    println!(
        "Got {url}: {} {}, {} bytes",
        response.status,
        response.reason,
        body.len()
    );
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// `http://host/path` -> `(host, /path)`.
fn split_url(url: &str) -> io::Result<(&str, &str)> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "only http:// URLs"))?;
    Ok(match rest.find('/') {
        Some(slash) => (&rest[..slash], &rest[slash..]),
        None => (rest, "/"),
    })
}
// ANCHOR_END: fetch_page

/// The text of a page's `<title>`.
fn title(html: &str) -> &str {
    let start = html.find("<title>").map_or(0, |i| i + "<title>".len());
    let end = html[start..]
        .find("</title>")
        .map_or(html.len(), |i| start + i);
    &html[start..end]
}

// ANCHOR: main
async fn compare() -> io::Result<()> {
    let server = aio::start_server("127.0.0.1:0", serve_page).await?;
    let addr = server.local_addr();

    // One after another: each fetch starts when the one before it has finished.
    let start = aio::now();
    for url in URLS {
        fetch_page(addr, url).await?;
    }
    println!("One after another: {:.1?}\n", aio::now() - start);

    // At once: `try_gather` runs the three fetches at the same time, so their waits overlap.
    // It returns the pages in the order asked, whatever order they arrive in (or the first
    // error, dropping the other fetches).
    let start = aio::now();
    let pages = aio::try_gather(URLS.map(|url| fetch_page(addr, url))).await?;
    println!("At once: {:.1?}", aio::now() - start);

    let titles: Vec<&str> = pages.iter().map(|page| title(page)).collect();
    println!("Titles, in the order asked: {titles:?}");

    server.close();
    server.wait_closed().await;
    Ok(())
}
// ANCHOR_END: main

fn main() -> io::Result<()> {
    USAGE.parse().finish(); // `--help` says what the lesson does; no other options
    aio::run(compare())
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
