//! The parser and the model, on small traces written by hand in aio's format.

use timeline::model::{build, runs, Mark, Span, State, Timeline};
use timeline::trace::{parse, parse_line, Event, Task, What, Who};
use timeline::Options;

/// A trace from lines without their `aio trace: ` prefix.
fn trace(lines: &str) -> String {
    lines
        .lines()
        .map(|line| format!("aio trace: {}\n", line.trim()))
        .collect()
}

fn timeline(lines: &str) -> Timeline {
    build(&parse(&trace(lines)))
}

fn span(from: u64, to: u64, state: State) -> Span {
    Span { from, to, state }
}

/// The row labelled `label`.
fn row<'t>(timeline: &'t Timeline, label: &str) -> &'t timeline::model::Row {
    (timeline.rows.iter().find(|row| row.label == label))
        .unwrap_or_else(|| panic!("no row {label}: {timeline:#?}"))
}

#[test]
fn a_line_names_its_task_by_number_and_name_or_short_birthplace() {
    let spawn = parse_line(
        "aio trace: t=1.250s spawn  task #3 spawned at lessons/03-tasks/src/main.rs:63:17",
    );
    let task = Task {
        number: 3,
        name: "main.rs:63".into(),
    };
    assert_eq!(
        spawn,
        Some(Event {
            at: 1250,
            what: What::Spawn(task)
        })
    );
    let done = parse_line(
        "aio trace: t=0.000s done   task #12 'mirror-eu' (spawned at src/main.rs:9:5) (panicked)",
    );
    let task = Task {
        number: 12,
        name: "mirror-eu".into(),
    };
    assert_eq!(done.unwrap().what, What::Done(Who::Task(task)));
    // A Python twin's line: no column, and the coroutine's name.
    let python = parse_line("aio trace: t=8.000s poll   task #3 'download_page' (spawned at lessons/03-tasks/original.py:58)");
    let task = Task {
        number: 3,
        name: "download_page".into(),
    };
    assert_eq!(python.unwrap().what, What::Poll(Who::Task(task)));
    let main = parse_line("aio trace: t=12.000s done   the main future").unwrap();
    assert_eq!((main.at, main.what), (12_000, What::Done(Who::Main)));
}

#[test]
fn the_loop_lines_are_read_and_other_lines_are_skipped() {
    let read = |line: &str| parse_line(line).map(|event| event.what);
    assert_eq!(
        read("aio trace: t=0.000s timer  due at t=1.500s"),
        Some(What::Timer { due: 1500 })
    );
    assert_eq!(
        read("aio trace: t=1.500s fire   3 timers"),
        Some(What::Fire)
    );
    assert_eq!(
        read("aio trace: t=0.1s wake   1 socket event"),
        None,
        "time to the ms"
    );
    assert_eq!(
        read("aio trace: t=0.100s wake   2 socket events"),
        Some(What::Socket)
    );
    assert_eq!(
        read("aio trace: t=0.100s wake   notified by a waker"),
        Some(What::Thread)
    );
    assert_eq!(read("aio trace: t=0.100s wake   timeout"), Some(What::Idle));
    assert_eq!(
        read("aio trace: t=0.000s jump   to t=1.000s: only timers are left to wait for"),
        Some(What::Idle)
    );
    assert_eq!(read("[1.0s] done  https://example.com/b"), None);
    assert_eq!(read("aio debug: task spawned at x blocked the loop"), None);
}

#[test]
fn a_task_runs_sleeps_on_its_timer_and_ends_another_waits_and_is_cancelled() {
    let timeline = timeline(
        "t=0.000s start  a loop on the virtual clock
         t=0.000s poll   the main future
         t=0.000s spawn  task #1 spawned at src/main.rs:5:9
         t=0.000s spawn  task #2 'b' (spawned at src/main.rs:6:9)
         t=0.000s timer  due at t=1.000s
         t=0.000s poll   task #1 spawned at src/main.rs:5:9
         t=0.000s timer  due at t=1.000s
         t=0.000s poll   task #2 'b' (spawned at src/main.rs:6:9)
         t=0.000s jump   to t=1.000s: only timers are left to wait for
         t=1.000s fire   2 timers
         t=1.000s poll   task #1 spawned at src/main.rs:5:9
         t=1.000s done   task #1 spawned at src/main.rs:5:9
         t=1.000s poll   the main future
         t=1.000s cancel task #2 'b' (spawned at src/main.rs:6:9)
         t=1.000s done   the main future
         t=1.000s end    no task left running",
    );
    let labels: Vec<&str> = timeline.rows.iter().map(|row| row.label.as_str()).collect();
    assert_eq!(labels, ["main", "#1 main.rs:5", "#2 b"]);
    assert_eq!((timeline.from, timeline.to), (0, 1000));
    // The main future set the first timer, in its poll: it slept on it.
    let main = row(&timeline, "main");
    let running = |at| span(at, at, State::Running);
    assert_eq!(
        main.spans,
        [running(0), span(0, 1000, State::Asleep), running(1000)]
    );
    assert_eq!(main.marks, [(1000, Mark::TimerFired), (1000, Mark::Done)]);
    let first = row(&timeline, "#1 main.rs:5");
    assert_eq!(
        first.spans,
        [running(0), span(0, 1000, State::Asleep), running(1000)]
    );
    assert_eq!(first.marks, [(1000, Mark::TimerFired), (1000, Mark::Done)]);
    // Task 2 set no timer: it waited, and was cancelled during main's poll.
    let second = row(&timeline, "#2 b");
    assert_eq!(second.spans, [running(0), span(0, 1000, State::Waiting)]);
    assert_eq!(second.marks, [(1000, Mark::Cancelled)]);
    assert_eq!(timeline.lp, None, "no socket or thread woke the loop");
}

#[test]
fn a_poll_lasts_until_the_next_loop_line_and_a_late_timer_leaves_its_task_waiting() {
    // On the real clock: main blocks the loop in one poll from 0.100 to 0.500, so the
    // heartbeat's timer, due at 0.150, fires only at 0.500.
    let timeline = timeline(
        "t=0.000s start  a loop on the real clock
         t=0.000s poll   the main future
         t=0.000s spawn  task #1 spawned at src/main.rs:63:17
         t=0.000s timer  due at t=0.100s
         t=0.000s poll   task #1 spawned at src/main.rs:63:17
         t=0.000s timer  due at t=0.150s
         t=0.000s park   for at most 0.100s
         t=0.100s wake   timeout
         t=0.100s fire   1 timer
         t=0.100s poll   the main future
         t=0.500s fire   1 timer
         t=0.500s poll   task #1 spawned at src/main.rs:63:17
         t=0.502s wake   notified by a waker",
    );
    let main = row(&timeline, "main");
    assert_eq!(main.spans[2], span(100, 500, State::Running), "{main:#?}");
    let heart = row(&timeline, "#1 main.rs:63");
    let expected = [
        span(0, 0, State::Running),
        span(0, 150, State::Asleep),
        span(150, 500, State::Waiting),
        span(500, 502, State::Running),
    ];
    assert_eq!(heart.spans, expected);
    assert_eq!(heart.marks, [(500, Mark::TimerFired)]);
    let lp = timeline.lp.clone().expect("a row for the loop");
    assert_eq!(lp.marks, [(502, Mark::Thread)]);
    // A window that starts at 0.5 s leaves out the timer fired then: it ended the wait before.
    let later = timeline.window(Some(500), None);
    let heart = row(&later, "#1 main.rs:63");
    assert_eq!(heart.spans, [span(500, 502, State::Running)]);
    assert_eq!(heart.marks, []);
}

#[test]
fn a_task_cancelled_with_a_timer_pending_was_asleep_in_aio_and_in_asyncio() {
    let aio = timeline(
        "t=0.000s poll   the main future
         t=0.000s spawn  task #1 spawned at src/main.rs:1:1
         t=0.000s timer  due at t=1.000s
         t=0.000s poll   task #1 spawned at src/main.rs:1:1
         t=0.000s timer  due at t=10.000s
         t=0.000s jump   to t=1.000s: only timers are left to wait for
         t=1.000s fire   1 timer
         t=1.000s poll   the main future
         t=1.000s cancel task #1 spawned at src/main.rs:1:1",
    );
    let task = row(&aio, "#1 main.rs:1");
    assert_eq!(task.spans[1], span(0, 1000, State::Asleep));
    assert_eq!(task.marks, [(1000, Mark::Cancelled)]);
    // asyncio throws CancelledError into the task: one last poll, which ends in `cancel`.
    let asyncio = timeline(
        "t=0.000s poll   the main future
         t=0.000s spawn  task #1 'slow' (spawned at original.py:1)
         t=0.000s timer  due at t=1.000s
         t=0.000s poll   task #1 'slow' (spawned at original.py:1)
         t=0.000s timer  due at t=10.000s
         t=0.000s jump   to t=1.000s: only timers are left to wait for
         t=1.000s fire   1 timer
         t=1.000s poll   the main future
         t=1.000s poll   task #1 'slow' (spawned at original.py:1)
         t=1.000s cancel task #1 'slow' (spawned at original.py:1)",
    );
    let task = row(&asyncio, "#1 slow");
    assert_eq!(task.spans[1], span(0, 1000, State::Asleep));
    assert_eq!(task.marks, [(1000, Mark::Cancelled)]);
}

#[test]
fn tasks_alive_when_the_run_ends_are_cancelled_then() {
    let timeline = timeline(
        "t=0.000s poll   the main future
         t=0.000s spawn  task #1 spawned at src/main.rs:1:1
         t=0.000s poll   task #1 spawned at src/main.rs:1:1
         t=0.000s park   until a socket or a waker wakes it
         t=2.000s wake   1 socket event
         t=2.000s poll   the main future
         t=2.000s done   the main future
         t=2.000s end    1 task still running is cancelled",
    );
    let task = row(&timeline, "#1 main.rs:1");
    assert_eq!(task.spans[1], span(0, 2000, State::Waiting));
    assert_eq!(task.marks, [(2000, Mark::Cancelled)]);
}

/// Three tasks in a row, each of one second: 0-1, 1-2, 2-3.
const IN_A_ROW: &str = "t=0.000s start  a loop on the virtual clock
     t=0.000s poll   the main future
     t=0.000s spawn  task #1 spawned at src/main.rs:1:1
     t=0.000s poll   task #1 spawned at src/main.rs:1:1
     t=0.000s timer  due at t=1.000s
     t=0.000s jump   to t=1.000s: only timers are left to wait for
     t=1.000s fire   1 timer
     t=1.000s poll   task #1 spawned at src/main.rs:1:1
     t=1.000s done   task #1 spawned at src/main.rs:1:1
     t=1.000s poll   the main future
     t=1.000s spawn  task #2 spawned at src/main.rs:1:1
     t=1.000s poll   task #2 spawned at src/main.rs:1:1
     t=1.000s timer  due at t=2.000s
     t=1.000s jump   to t=2.000s: only timers are left to wait for
     t=2.000s fire   1 timer
     t=2.000s poll   task #2 spawned at src/main.rs:1:1
     t=2.000s done   task #2 spawned at src/main.rs:1:1
     t=2.000s poll   the main future
     t=2.000s spawn  task #3 spawned at src/main.rs:1:1
     t=2.000s poll   task #3 spawned at src/main.rs:1:1
     t=2.000s timer  due at t=3.000s
     t=2.000s jump   to t=3.000s: only timers are left to wait for
     t=3.000s fire   1 timer
     t=3.000s poll   task #3 spawned at src/main.rs:1:1
     t=3.000s done   task #3 spawned at src/main.rs:1:1
     t=3.000s poll   the main future
     t=3.000s done   the main future
     t=3.000s end    no task left running";

#[test]
fn a_window_cuts_the_spans_and_leaves_out_tasks_that_end_at_its_start_or_begin_at_its_end() {
    let whole = timeline(IN_A_ROW);
    let labels = |t: &Timeline| t.rows.iter().map(|r| r.label.clone()).collect::<Vec<_>>();
    assert_eq!(
        labels(&whole),
        ["main", "#1 main.rs:1", "#2 main.rs:1", "#3 main.rs:1"]
    );
    let window = whole.clone().window(Some(1000), Some(2000));
    assert_eq!(labels(&window), ["main", "#2 main.rs:1"]);
    assert_eq!((window.from, window.to), (1000, 2000));
    let second = row(&window, "#2 main.rs:1");
    assert!(
        second.spans.iter().all(|s| s.from >= 1000 && s.to <= 2000),
        "{second:#?}"
    );
    assert_eq!(second.marks, [(2000, Mark::TimerFired), (2000, Mark::Done)]);
    // At the run's own edges, a task at the edge stays.
    assert_eq!(
        labels(&whole.clone().window(None, Some(1000))),
        ["main", "#1 main.rs:1"]
    );
    let only = whole.only(&["#3".to_string(), "main".to_string()]);
    assert_eq!(labels(&only), ["main", "#3 main.rs:1"]);
    let by_name = timeline(IN_A_ROW).only(&["main.rs:1".to_string()]);
    assert_eq!(
        by_name.rows.len(),
        3,
        "a name names every task spawned there"
    );
}

#[test]
fn runs_are_told_apart_and_a_trace_of_several_needs_one_chosen() {
    let two = format!("{}\n{}", trace(IN_A_ROW), trace(IN_A_ROW));
    assert_eq!(runs(&parse(&two)).len(), 2);
    let error = timeline::draw(&two, &Options::default()).unwrap_err();
    assert!(error.contains("--run 1 to --run 2"), "{error}");
    let options = Options {
        run: Some(2),
        ..Options::default()
    };
    assert!(timeline::draw(&two, &options).is_ok());
    let options = Options {
        run: Some(3),
        ..Options::default()
    };
    assert!(timeline::draw(&two, &options).is_err());
    let error = timeline::draw("Hello\n", &Options::default()).unwrap_err();
    assert!(error.contains("AIO_TRACE=1"), "{error}");
}

#[test]
fn the_picture_is_the_same_bytes_every_time_with_a_size_and_no_script() {
    let options = Options {
        title: "three <in> a row".into(),
        ..Options::default()
    };
    let svg = timeline::draw(&trace(IN_A_ROW), &options).unwrap();
    assert_eq!(svg, timeline::draw(&trace(IN_A_ROW), &options).unwrap());
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\""));
    assert!(svg.contains("<title>three &lt;in&gt; a row</title>"));
    // No JavaScript: no script element, no `on…=` event attribute.
    assert!(!svg.contains("<script"));
    let handler = |rest: &str| {
        rest.split('=')
            .next()
            .unwrap()
            .chars()
            .all(char::is_alphabetic)
    };
    assert!(!svg.split(" on").skip(1).any(handler), "{svg}");
    assert!(svg.contains("prefers-color-scheme:dark"));
    for label in [
        "main",
        "#1 main.rs:1",
        "#3 main.rs:1",
        "running (polled)",
        "cancelled",
    ] {
        assert!(svg.contains(&format!(">{label}</text>")), "{label}");
    }
}
