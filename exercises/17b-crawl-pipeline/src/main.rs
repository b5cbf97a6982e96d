//! Exercise 17b (harder): a crawl pipeline with a limit and a timeout in its fetch stage.
//!
//! A crawler is a pipeline of three stages, each a task, joined by queues of 2: `list` finds
//! the URLs, `fetch` downloads each one in a task of its own, `save` stores the pages. Two
//! things are wrong in `fetch`. It starts a download for every URL as soon as it gets one, so
//! up to five run at once, where the site allows 3 per client. And it waits for each download
//! as long as it takes: one server is dead and never answers (here: after an hour), so the
//! crawl ends an hour late.
//!
//! Goal: in `fetch`, before spawning a download, take a permit of an
//! `aio::sync::Semaphore` of 3 and move it into the task (lesson 12), and give each download
//! 1 s with `aio::timeout` (lesson 08): a late one is saved as skipped. The crawl then takes
//! 1.6 s, never with more than 3 downloads at once. Print exactly `expected.txt`.
//! `cargo course check 17b` runs it in virtual time and checks the output, the loop time, the
//! most downloads at once (the gauge's line), and, from the loop's trace, that no task was
//! left running. Stuck? `cargo course hint 17b`; read lessons 17, 12 and 08.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use aio::sync::Queue;

/// The URLs, with how long each server takes to answer, in tenths of a second. The third
/// server is dead: it never answers.
const URLS: [(&str, u64); 8] = [
    ("/a", 5),
    ("/b", 3),
    ("/dead", 36_000),
    ("/d", 4),
    ("/e", 6),
    ("/f", 2),
    ("/g", 5),
    ("/h", 3),
];

/// What `fetch` hands to `save`: a URL and its size in bytes, or the timeout that stopped it.
type Page = (&'static str, Result<usize, aio::Elapsed>);

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// Counts the downloads running now, and the most there ever were.
#[derive(Default)]
struct Gauge {
    now: Cell<usize>,
    peak: Cell<usize>,
}

/// One running download; dropping it counts it out, however the download ended.
struct InFlight(Rc<Gauge>);

impl InFlight {
    fn enter(gauge: &Rc<Gauge>) -> InFlight {
        gauge.now.set(gauge.now.get() + 1);
        gauge.peak.set(gauge.peak.get().max(gauge.now.get()));
        InFlight(gauge.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.now.set(self.0.now.get() - 1);
    }
}

/// Downloads a URL whose server answers in `tenths`; the sleep stands in for the network.
/// Returns the page's size.
async fn download(tenths: u64, gauge: Rc<Gauge>) -> usize {
    let _in_flight = InFlight::enter(&gauge);
    aio::sleep(Duration::from_millis(100 * tenths)).await;
    100 * tenths as usize
}

/// Stage 1: finds a URL every 0.1 s, then sends the sentinel.
async fn list(urls: Queue<Option<(&'static str, u64)>>) {
    for url in URLS {
        aio::sleep(Duration::from_millis(100)).await;
        urls.put(Some(url)).await;
    }
    urls.put(None).await;
}

/// Stage 2: downloads each URL in a task of its own; once all are done, sends the sentinel.
async fn fetch(
    urls: Queue<Option<(&'static str, u64)>>,
    pages: Queue<Option<Page>>,
    gauge: Rc<Gauge>,
) {
    let mut downloads = Vec::new();
    while let Some((url, tenths)) = urls.get().await {
        let (pages, gauge) = (pages.clone(), gauge.clone());
        downloads.push(aio::spawn(async move {
            let bytes = download(tenths, gauge).await;
            pages.put(Some((url, Ok(bytes)))).await;
        }));
    }
    for download in downloads {
        download.await.unwrap();
    }
    pages.put(None).await;
}

/// Stage 3: saves each page as it comes, until the sentinel.
async fn save(start: Instant, pages: Queue<Option<Page>>) {
    while let Some((url, page)) = pages.get().await {
        match page {
            Ok(bytes) => println!("{} saved   {url} ({bytes} bytes)", at(start)),
            Err(_) => println!("{} skipped {url}: no answer in time", at(start)),
        }
    }
}

async fn crawl() {
    let start = aio::now();
    let gauge = Rc::new(Gauge::default());
    let (urls, pages) = (Queue::new(2), Queue::new(2));
    let stages = [
        aio::spawn(list(urls.clone())),
        aio::spawn(fetch(urls, pages.clone(), gauge.clone())),
        aio::spawn(save(start, pages)),
    ];
    for stage in stages {
        stage.await.unwrap();
    }
    println!(
        "{} crawl done, at most {} downloads at once",
        at(start),
        gauge.peak.get()
    );
}

fn main() {
    USAGE.parse().finish(); // `--help` says what the exercise is about.
    aio::run(crawl());
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
