//! Pictures of concurrency: a loop's trace drawn as an SVG timeline.
//!
//! Run a program with trace on (`AIO_TRACE=1`; for a Python twin under
//! `crates/lesson-check/py/run_virtual.py`, `RUN_VIRTUAL_TRACE=1`), and give its stderr to
//! `cargo run -p timeline`:
//!
//! ```console
//! $ AIO_CLOCK=virtual AIO_TRACE=1 cargo run -q -p lesson-03 2> trace.txt
//! $ cargo run -q -p timeline -- trace.txt --run 1 --from 8 --to 11 > tasks.svg
//! ```
//!
//! The picture has a row per task (the main future first, then the tasks in spawn order), time
//! across, and shows for each task when it runs (is being polled), sleeps on a timer of its own
//! and waits, when its timer fired, and how it ended. Three steps, one module each:
//!
//! ```text
//! trace lines --trace::parse--> events --model::build--> rows of spans --svg::render--> SVG
//! ```
//!
//! The same trace always gives the same bytes. [`book`] lists the book's pictures and how
//! each is made from a run of a lesson (`cargo run -p timeline -- --regenerate`).

#![warn(missing_docs)]

pub mod book;
pub mod model;
pub mod svg;
pub mod trace;

/// What to draw of a trace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Which run (1 for the first `start` line); needed when the trace holds more than one.
    pub run: Option<usize>,
    /// Start the picture here (ms on the run's clock) instead of at the run's start.
    pub from: Option<u64>,
    /// End it here instead of at the run's end.
    pub to: Option<u64>,
    /// Draw only the rows one of these names: `main`, a task's number (`#2`) or name
    /// (`worker`, `main.rs:63`).
    pub only: Vec<String>,
    /// The title written above the picture.
    pub title: String,
}

/// What [`draw`] says when a text holds no trace line.
const NO_TRACE: &str =
    "no trace lines: run the program with AIO_TRACE=1 (aio) or RUN_VIRTUAL_TRACE=1 (run_virtual.py)";

/// The SVG picture of `trace` (text with trace lines among other lines), or what is wrong.
pub fn draw(trace: &str, options: &Options) -> Result<String, String> {
    let events = trace::parse(trace);
    let runs = model::runs(&events);
    let run = match (options.run, runs.len()) {
        (_, 0) => return Err(NO_TRACE.into()),
        (None, 1) => runs[0],
        (None, n) => {
            return Err(format!(
                "the trace holds {n} runs (`start` lines): choose one with --run 1 to --run {n}"
            ))
        }
        (Some(n), len) => (runs.get(n.wrapping_sub(1)).copied())
            .ok_or_else(|| format!("there is no run {n}: the trace holds {len}"))?,
    };
    let timeline = model::build(run)
        .window(options.from, options.to)
        .only(&options.only);
    if timeline.rows.is_empty() {
        return Err("nothing to draw: no task in that window matches".into());
    }
    Ok(svg::render(&timeline, &options.title))
}
