//! The lesson prints exactly what the book shows, and the same events at the same times as its
//! asyncio original.

#[test]
fn output_matches_snapshot() {
    let output = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-13"), &[]);
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!("lesson-13", output);
    });
}

/// Sorts each run of lines that carry the same time stamp: what happened at one instant,
/// whatever order the loop ran it in.
fn events_by_instant(output: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut group: Vec<String> = Vec::new();
    let mut stamp = None;
    for line in output.lines() {
        let this = line.split_once("s  ").map(|(stamp, _)| stamp.to_string());
        if this != stamp || this.is_none() {
            group.sort();
            lines.append(&mut group);
            stamp = this;
        }
        group.push(line.to_string());
    }
    group.sort();
    lines.append(&mut group);
    lines
}

/// At one instant the two may print in a different order: a woken asyncio `put` retries when
/// it runs, while aio's `get` moves the waiting item in at once (see the chapter). The events
/// and their times are the same.
#[test]
fn same_events_at_the_same_times_as_the_asyncio_original() {
    let rust = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-13"), &[]);
    if let Some(python) = lesson_check::run_original(env!("CARGO_MANIFEST_DIR")) {
        lesson_check::assert_same_as_twin(
            "the lesson and its original.py, each instant's lines sorted,",
            &events_by_instant(&rust).join("\n"),
            &events_by_instant(&python).join("\n"),
        );
    }
}

#[test]
fn the_comparison_notices_a_different_event() {
    let a = "0.0s  worker-0 starts job 0\n0.0s  producer put job 0\n";
    let b = "0.0s  producer put job 0\n0.0s  worker-0 starts job 0\n";
    let c = "0.0s  producer put job 0\n0.1s  worker-0 starts job 0\n";
    assert_eq!(events_by_instant(a), events_by_instant(b));
    assert_ne!(events_by_instant(a), events_by_instant(c));
}

/// What the chapter says of asyncio: a woken `put` retries when it runs, so a `put_nowait`
/// that comes first takes the room. (aio hands the room over: see
/// `putters_are_served_in_arrival_order_and_newcomers_wait` in `crates/aio/tests/sync_queue.rs`.)
#[test]
fn in_asyncio_a_newcomer_can_take_the_room_a_waiting_putter_was_woken_for() {
    let script = "\
import asyncio
async def main():
    q = asyncio.Queue(1)
    q.put_nowait('old')
    waiting = asyncio.create_task(q.put('waiting'))
    await asyncio.sleep(0)
    q.get_nowait()
    try:
        q.put_nowait('newcomer')
        print('newcomer first')
    except asyncio.QueueFull:
        print('QueueFull')
    waiting.cancel()
asyncio.run(main())
";
    if let Some(output) = lesson_check::python3(["-c", script]) {
        assert_eq!(
            lesson_check::stdout_of("python3", output),
            "newcomer first\n"
        );
    }
}
