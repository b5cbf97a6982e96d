//! Lesson 07: blocking offload.
//!
//! `cargo run -p lesson-07` runs a blocking call inside a task while a heartbeat task tries to
//! beat every 50 ms: the heartbeat stops. Then the same call goes to `aio::run_in_executor`
//! and the heartbeat keeps going. Last, files are read through the blocking pool, because a
//! regular file has no readiness for the loop to wait on.
//!
//! Real threads sleep here, so the lesson prints only what does not depend on the machine:
//! counts and durations sorted into coarse buckets. `-- --verbose` adds the raw figures.

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// How often the heartbeat beats.
const BEAT: Duration = Duration::from_millis(50);
/// How long the blocking call takes.
const CALL: Duration = Duration::from_millis(400);

// ANCHOR: blocking_call
/// The article's `blocking_call`: it holds its thread for a while, as any blocking library
/// call does (a synchronous HTTP client, a database driver, `std::fs`, a long computation).
fn blocking_call() -> &'static str {
    std::thread::sleep(CALL);
    "Done"
}
// ANCHOR_END: blocking_call

// ANCHOR: heartbeat
/// What the heartbeat saw.
#[derive(Default)]
struct Pulse {
    beats: Cell<u32>,
    /// The longest time between two beats, by the wall clock.
    longest_silence: Cell<Duration>,
}

/// Beats every `BEAT`, forever, recording the longest silence between two beats.
async fn heartbeat(pulse: Rc<Pulse>) {
    let mut last = Instant::now();
    loop {
        aio::sleep(BEAT).await;
        // Measured with the wall clock: a blocked loop stops the loop's own clock in
        // virtual time, so only the wall clock sees how long the silence really was.
        let now = Instant::now();
        pulse
            .longest_silence
            .set(pulse.longest_silence.get().max(now - last));
        pulse.beats.set(pulse.beats.get() + 1);
        last = now;
    }
}
// ANCHOR_END: heartbeat

// ANCHOR: watch
/// Starts `work` while the heartbeat beats, and reports what the heartbeat saw.
async fn watch<F>(what: &str, work: impl FnOnce() -> F, verbose: bool)
where
    F: Future<Output = &'static str>,
{
    let pulse = Rc::new(Pulse::default());
    let heart = aio::spawn(heartbeat(pulse.clone()));
    aio::sleep(BEAT * 2).await; // Let it beat a little first.

    pulse.longest_silence.set(Duration::ZERO);
    let before = pulse.beats.get();
    let result = work().await;
    let during = pulse.beats.get() - before;
    aio::sleep(BEAT * 2).await; // Let it beat again after the work.
    heart.cancel();

    println!("{what}:");
    println!("  result: {result}");
    println!("  beats while the call ran: {}", beats_bucket(during));
    println!(
        "  longest silence: {}",
        silence_bucket(pulse.longest_silence.get())
    );
    if verbose {
        let silence = pulse.longest_silence.get();
        println!("  (raw: {during} beats, longest silence {silence:.1?})");
    }
}
// ANCHOR_END: watch

/// Beats counted while the 400 ms call ran: none, or (ideally eight) at least four.
fn beats_bucket(beats: u32) -> &'static str {
    match beats {
        0 => "0",
        1..=3 => "a few (1 to 3)",
        _ => "4 or more",
    }
}

/// The longest silence, sorted by what it means: the loop stopped for the whole call, or it
/// kept beating. (One boundary, at the call's length: a busy machine can delay a beat by a
/// few hundred milliseconds, but not turn a blocked loop into a beating one.)
fn silence_bucket(silence: Duration) -> &'static str {
    if silence >= CALL {
        "the whole call or longer (0.4 s+)"
    } else {
        "shorter than the call (the loop kept beating)"
    }
}

// ANCHOR: files
/// Writes three small files, reads them back at the same time through the blocking pool, and
/// shows that the poller cannot wait on a regular file.
async fn files() -> std::io::Result<()> {
    let dir = std::env::temp_dir().join(format!("aio-lesson-07-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let names = ["one.txt", "two.txt", "three.txt"];
    for (i, name) in names.iter().enumerate() {
        aio::fs::write(dir.join(name), "line\n".repeat(i + 2)).await?;
    }

    // Three reads in flight at once, each on a pool thread; the loop stays free.
    let reads: Vec<_> = names
        .iter()
        .map(|name| aio::spawn(aio::fs::read_to_string(dir.join(name))))
        .collect();
    println!("files read through the pool:");
    for (name, read) in names.iter().zip(reads) {
        let text = read.await.expect("the read task finished")?;
        println!("  {name}: {} lines", text.lines().count());
    }

    // Why not wait for a file to be "ready", as for a socket? Ask the poller.
    let file = std::fs::File::open(dir.join(names[0]))?;
    match aio::Registered::new(file) {
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            println!(
                "  epoll and a regular file: refused (EPERM), there is no readiness to wait for"
            )
        }
        Err(e) => println!("  epoll and a regular file: refused ({e})"),
        Ok(_) => println!("  the poller accepted a regular file; it reports it as always ready"),
    }
    std::fs::remove_dir_all(&dir)
}
// ANCHOR_END: files

// ANCHOR: main
fn main() {
    let mut args = USAGE.parse();
    let verbose = args.flag("--verbose");
    args.finish();

    aio::run(async move {
        // 1. The blocking call inside the task: no `.await` in it, so the loop is stuck.
        let inline = || async { blocking_call() };
        watch("blocking call inside a task", inline, verbose).await;

        // 2. The same call on a pool thread: the task awaits, the loop runs the heartbeat.
        let offloaded = || aio::run_in_executor(blocking_call);
        watch("the same call in run_in_executor", offloaded, verbose).await;

        // 3. Files: the pool is the way.
        files()
            .await
            .expect("the temporary files could be written and read");
    });
}
// ANCHOR_END: main

/// The command line: `--help` prints the description in Cargo.toml and this option.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[(
        "--verbose",
        "also print the raw figures: beats counted, longest silence",
    )],
};
