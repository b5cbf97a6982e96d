//! Exercise 03c, solved: keep the spinner's handle, and call `cancel()` once the page is
//! loaded. `cancel` drops the spinner's future at once, at the `.await` where it sleeps, so its
//! guard prints `spinner: stopped` before the page is drawn. (Dropping the handle would not
//! do: a task runs on without its handle.)

use std::time::{Duration, Instant};

/// "[1.5s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

struct Stopped {
    start: Instant,
}

impl Drop for Stopped {
    fn drop(&mut self) {
        println!("{} spinner: stopped", at(self.start));
    }
}

async fn spinner(start: Instant) {
    let _stopped = Stopped { start };
    loop {
        aio::sleep(Duration::from_secs(1)).await;
        println!("{} spinner: still loading", at(start));
    }
}

async fn load_page(start: Instant) -> usize {
    aio::sleep(Duration::from_millis(2500)).await;
    println!("{} page loaded: 3 images", at(start));
    3
}

async fn browser() {
    let start = aio::now();
    println!("{} loading the page", at(start));
    let spinner = aio::spawn(spinner(start));
    let images = load_page(start).await;
    spinner.cancel(); // Not needed any more: stop it now.
    aio::sleep(Duration::from_millis(400) * images as u32).await;
    println!("{} page shown", at(start));
}

fn main() {
    USAGE.parse().finish();
    aio::run(browser());
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
