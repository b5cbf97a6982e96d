//! Exercise 03b, solved: keep the task's handle, and await it before saying `bye`. The save
//! still runs in the background while the window fades out.

use std::time::{Duration, Instant};

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

async fn save(start: Instant) {
    println!("{} save: writing the document", at(start));
    aio::sleep(Duration::from_secs(2)).await;
    println!("{} save: document saved", at(start));
}

async fn editor() {
    let start = aio::now();
    let saving = aio::spawn(save(start));
    println!("{} editor: saving in the background", at(start));
    aio::sleep(Duration::from_secs(1)).await;
    println!("{} editor: window closed", at(start));
    saving.await.unwrap();
    println!("{} editor: bye", at(start));
}

fn main() {
    USAGE.parse().finish();
    aio::run(editor());
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
