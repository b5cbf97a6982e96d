//! Exercise 15a, solved: debug mode names the task `thumbnails`, whose poll after
//! `download(..).await` takes 0.3 s: `shrink` calls `scale_down`, which holds the thread. The
//! call goes to the blocking pool with `aio::to_thread`, and the task waits at its `.await`,
//! which leaves the loop free for `prices` and `emails`.

use std::time::{Duration, Instant};

/// "[2.0s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// Updates the prices every 0.25 s, 8 times. Returns how many updates it made.
async fn prices(start: Instant) -> u32 {
    for tick in 1..=8 {
        aio::sleep_until(start + Duration::from_millis(250) * tick).await;
    }
    8
}

/// Downloads each uploaded image, and makes its thumbnail. Returns how many it made.
async fn thumbnails() -> usize {
    let mut made = Vec::new();
    for name in ["shoes.png", "hat.png"] {
        let image = download(name).await;
        made.push(aio::to_thread(move || shrink(&image)).await);
    }
    made.len()
}

/// Sends four order confirmations; the mail server takes 0.2 s for each.
async fn emails() -> u32 {
    for _ in 0..4 {
        aio::sleep(Duration::from_millis(200)).await;
    }
    4
}

async fn back_office() {
    let start = aio::now();
    // Named, so that debug mode can say which task is which.
    let prices = aio::spawn_named("prices", prices(start));
    let thumbnails = aio::spawn_named("thumbnails", thumbnails());
    let emails = aio::spawn_named("emails", emails());
    println!("prices: {} updates", prices.await.unwrap());
    println!("thumbnails: {} made", thumbnails.await.unwrap());
    println!("emails: {} sent", emails.await.unwrap());
    println!("{} all done", at(start));
}

fn main() {
    USAGE.parse().finish();
    aio::run(back_office());
}

// The image helpers.

/// An image's bytes.
struct Image(Vec<u8>);

/// Downloads an uploaded image from the storage service: 0.1 s.
async fn download(name: &str) -> Image {
    aio::sleep(Duration::from_millis(100)).await;
    Image(name.as_bytes().repeat(1000))
}

/// Makes a thumbnail: decodes the image, then scales it down.
fn shrink(image: &Image) -> Image {
    let pixels = decode(image);
    scale_down(&pixels)
}

/// Decodes an image's bytes into pixels.
fn decode(image: &Image) -> Vec<u8> {
    image.0.clone()
}

/// Scales pixels down to a thumbnail, with an image library that works synchronously: it
/// takes 0.3 s, and holds its thread meanwhile (a sleep stands in for the work).
fn scale_down(pixels: &[u8]) -> Image {
    std::thread::sleep(Duration::from_millis(300));
    Image(pixels.iter().step_by(16).copied().collect())
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
