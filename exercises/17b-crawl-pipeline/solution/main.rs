//! Exercise 17b, solved. In `fetch`, the stage waits for a permit before it spawns a download,
//! so at most three run, and while it waits it takes no URL: the queue before it fills, and
//! `list` waits too (backpressure). Each download holds its permit, and has 1 s: on timeout,
//! `aio::timeout` drops it (the gauge's guard counts it out) and the permit goes back.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use aio::sync::{Queue, Semaphore};

/// How many downloads the site allows at once, and how long each may take.
const LIMIT: usize = 3;
const TIME_LIMIT: Duration = Duration::from_secs(1);

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
    let permits = Semaphore::new(LIMIT);
    let mut downloads = Vec::new();
    while let Some((url, tenths)) = urls.get().await {
        let permit = permits.acquire().await; // Waits while LIMIT downloads run.
        let (pages, gauge) = (pages.clone(), gauge.clone());
        downloads.push(aio::spawn(async move {
            let _permit = permit; // Given back when this task ends.
            let page = aio::timeout(TIME_LIMIT, download(tenths, gauge)).await;
            pages.put(Some((url, page))).await;
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
    USAGE.parse().finish();
    aio::run(crawl());
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
