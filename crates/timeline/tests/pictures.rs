//! The book's pictures are what the lessons do today: each one is drawn again from a fresh run
//! and compared with its file in `book/src/timelines/`, byte for byte. When a lesson changes,
//! remake them with `cargo run -p timeline -- --regenerate` and look at the difference.
//!
//! A lesson and its Python twin are meant to tell the same story where they port the same
//! idea: the last test compares when their tasks start and end.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use lesson_check::{run_with_deadline, DEADLINE};
use timeline::book::{self, Picture, Program, PICTURES};
use timeline::model::{self, State};
use timeline::trace::{self, What, Who};

/// How long building the lessons may take (all of them from scratch on a busy 2-core
/// machine take a few minutes; a build that takes longer is stuck).
const BUILD: Duration = Duration::from_secs(30 * 60);

/// The lessons' binaries, built once for all the tests here.
fn lessons() -> &'static HashMap<String, PathBuf> {
    static EXES: OnceLock<HashMap<String, PathBuf>> = OnceLock::new();
    EXES.get_or_init(|| {
        let mut command = book::build_command(&book::root());
        let output = run_with_deadline(&mut command, BUILD).expect("cargo starts");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{command:?} failed:\n{stderr}");
        book::executables(&String::from_utf8_lossy(&output.stdout))
    })
}

/// What `command` wrote on stderr (its trace), run as `picture` says, within the deadline.
fn trace_of(picture: &Picture, mut command: Command) -> String {
    picture.trace_on(&mut command, &book::root());
    let output = run_with_deadline(&mut command, DEADLINE).expect("the program starts");
    let stderr = String::from_utf8(output.stderr).expect("UTF-8");
    assert!(output.status.success(), "{command:?} failed:\n{stderr}");
    stderr
}

fn lesson_trace(picture: &Picture) -> String {
    trace_of(picture, picture.lesson_command(lessons()).unwrap())
}

fn committed(file: &str) -> String {
    let path = book::root().join(book::DIR).join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The pictures among `files` that differ from the committed ones, as a failure message.
fn stale(drawn: &[(&str, String)]) -> Option<String> {
    let stale: Vec<&str> = (drawn.iter())
        .filter(|(file, svg)| committed(file) != *svg)
        .map(|(file, _)| *file)
        .collect();
    (!stale.is_empty()).then(|| {
        format!(
            "these pictures in {} no longer match what a fresh run draws: {}\n\
             Remake them with `{}`, look at them, and commit them.",
            book::DIR,
            stale.join(", "),
            book::REGENERATE
        )
    })
}

#[test]
fn every_picture_of_a_lesson_is_what_a_fresh_run_draws() {
    let mut drawn = Vec::new();
    for picture in PICTURES {
        let trace = match picture.program {
            Program::Lesson { .. } => lesson_trace(picture),
            // On the real clock, times vary: the picture is drawn from the trace kept beside
            // it (see `the_blocked_loop_picture_shows_what_a_fresh_run_does`).
            Program::RealClock { trace, .. } => committed(trace),
            Program::Twin { .. } => continue,
        };
        drawn.push((picture.file, picture.draw(&trace).unwrap()));
    }
    assert_eq!(drawn.len(), 9);
    if let Some(message) = stale(&drawn) {
        panic!("{message}");
    }
}

#[test]
fn every_picture_of_a_python_twin_is_what_a_fresh_run_draws() {
    let mut drawn = Vec::new();
    for picture in PICTURES {
        let Program::Twin { script } = picture.program else {
            continue;
        };
        // Skips, with a note, where Python cannot run the twin (see lesson_check).
        let Some(command) = lesson_check::python3_command(book::python_args(&book::root(), script))
        else {
            continue;
        };
        drawn.push((
            picture.file,
            picture.draw(&trace_of(picture, command)).unwrap(),
        ));
    }
    if let Some(message) = stale(&drawn) {
        panic!("{message}");
    }
}

#[test]
fn the_blocked_loop_picture_shows_what_a_fresh_run_does() {
    let picture = PICTURES
        .iter()
        .find(|p| p.file == "07-blocking-offload.svg")
        .unwrap();
    let Program::RealClock { trace, .. } = picture.program else {
        panic!("lesson 07 is drawn on the real clock");
    };
    let fresh = model::build(&trace::parse(&lesson_trace(picture)));
    let kept = model::build(&trace::parse(&committed(trace)));
    let labels = |t: &model::Timeline| t.rows.iter().map(|r| r.label.clone()).collect::<Vec<_>>();
    assert_eq!(
        labels(&fresh),
        labels(&kept),
        "lesson 07's tasks changed: remake its picture with `{}`",
        book::REGENERATE
    );
    // What the picture shows, in today's run: main blocks the loop in one poll for the
    // whole call (0.4 s: a lower bound, which no busy machine can shorten). The first
    // heartbeat, asleep for 50 ms at most, comes due before the poll ends, and waits, ready
    // but not run, until it has ended. Then, with the call on a thread, the second
    // heartbeat beats while main waits.
    let row = |label: &str| {
        fresh
            .rows
            .iter()
            .find(|r| r.label.starts_with(label))
            .unwrap()
    };
    let (main, first, second) = (row("main"), row("#1 "), row("#2 "));
    let blocked = (main.spans.iter())
        .find(|s| s.state == State::Running && s.to - s.from >= 400)
        .unwrap_or_else(|| panic!("no poll of main of 0.4 s or more: {main:#?}"));
    let next = (first.spans.iter())
        .position(|s| s.state == State::Running && s.from >= blocked.from)
        .unwrap_or_else(|| panic!("the first heartbeat never ran again: {first:#?}"));
    let late = match &first.spans[..next + 1] {
        [.., asleep, waiting, poll] => {
            asleep.state == State::Asleep
                && waiting.state == State::Waiting
                && waiting.from < blocked.to
                && poll.from >= blocked.to
        }
        _ => false,
    };
    assert!(
        late,
        "the first heartbeat did not wait, due, through main's blocking poll ({blocked:?}): \
         {first:#?}"
    );
    let waits = main.spans.iter().filter(|s| s.state == State::Waiting);
    let offloaded = waits.max_by_key(|s| s.to - s.from).unwrap();
    // About 8 beats of 50 ms in the 0.4 s call; 4 is the margin the lesson's own output
    // ("4 or more") takes for a busy machine.
    let beats = (second.spans.iter())
        .filter(|s| s.state == State::Running && s.from > offloaded.from && s.to < offloaded.to)
        .count();
    assert!(
        beats >= 4,
        "{beats} beats while main waited for the thread: {second:#?}"
    );
}

#[test]
fn every_file_in_the_pictures_folder_is_a_picture_or_its_trace_and_a_chapter_shows_it() {
    let root = book::root();
    let mut known: Vec<&str> = PICTURES.iter().map(|p| p.file).collect();
    known.extend(PICTURES.iter().filter_map(|p| match p.program {
        Program::RealClock { trace, .. } => Some(trace),
        _ => None,
    }));
    for entry in std::fs::read_dir(root.join(book::DIR)).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            known.contains(&name.as_str()),
            "{name} is not in timeline::book::PICTURES"
        );
    }
    let chapters = chapters(&root.join("book/src"));
    for picture in PICTURES {
        let shown = format!("timelines/{}", picture.file);
        assert!(chapters.contains(&shown), "no chapter shows {shown}");
    }
}

/// Every chapter of the book, one after the other.
fn chapters(dir: &Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
        let path = entry.path();
        if path.is_dir() {
            text += &chapters(&path);
        } else if path.extension().is_some_and(|e| e == "md") {
            text += &std::fs::read_to_string(&path).unwrap();
        }
    }
    text
}

/// What a trace says of the tasks of `run` (1 for the first) between `from` and `to` (ms):
/// when each was spawned and when it ended, in order, each task numbered by its place among
/// them (so that names and numbering outside the window do not matter).
fn story(trace: &str, run: usize, from: u64, to: u64) -> Vec<String> {
    let events = trace::parse(trace);
    let runs = model::runs(&events);
    let mut seen = Vec::new();
    let mut story = Vec::new();
    for event in runs[run - 1].iter().filter(|e| (from..=to).contains(&e.at)) {
        let (what, task) = match &event.what {
            What::Spawn(task) => ("spawned", task),
            What::Done(Who::Task(task)) => ("done", task),
            What::Cancel(Who::Task(task)) => ("cancelled", task),
            _ => continue,
        };
        if !seen.contains(&task.number) {
            seen.push(task.number);
        }
        let n = seen.iter().position(|&s| s == task.number).unwrap() + 1;
        story.push(format!(
            "t={}.{:03}s task {n} {what}",
            event.at / 1000,
            event.at % 1000
        ));
    }
    story
}

#[test]
fn a_lesson_and_its_twin_start_and_end_their_tasks_at_the_same_times() {
    // (lesson, twin, run, from, to): the parts that port the same idea with tasks.
    let parts = [
        ("lesson-03", "lessons/03-tasks/original.py", 1, 8000, 11_000),
        ("lesson-12", "lessons/12-limits/original.py", 1, 1000, 5000),
        ("lesson-13", "lessons/13-queues/original.py", 1, 0, 1000),
    ];
    for (package, script, run, from, to) in parts {
        let picture = (PICTURES.iter())
            .find(|p| matches!(p.program, Program::Lesson { package: p, .. } if p == package))
            .unwrap();
        let lesson = story(&lesson_trace(picture), run, from, to);
        let Some(command) = lesson_check::python3_command(book::python_args(&book::root(), script))
        else {
            continue;
        };
        let twin = story(&trace_of(picture, command), run, from, to);
        assert!(lesson.len() >= 6, "{package}: {lesson:#?}");
        assert_eq!(
            lesson,
            twin,
            "{package} and {script} no longer start and end their tasks alike \
             between t={from} ms and t={to} ms (left: the lesson, right: the twin). {}",
            lesson_check::CHANGED_A_LESSON
        );
    }
}

#[test]
fn a_twin_traced_prints_what_it_prints_untraced() {
    let script = "lessons/03-tasks/original.py";
    let args = book::python_args(&book::root(), script);
    let (Some(mut plain), Some(mut traced)) = (
        lesson_check::python3_command(&args),
        lesson_check::python3_command(&args),
    ) else {
        return;
    };
    plain
        .current_dir(book::root())
        .env_remove("RUN_VIRTUAL_TRACE");
    traced
        .current_dir(book::root())
        .env("RUN_VIRTUAL_TRACE", "1");
    let plain = run_with_deadline(&mut plain, DEADLINE).unwrap();
    let traced = run_with_deadline(&mut traced, DEADLINE).unwrap();
    assert!(plain.status.success() && traced.status.success());
    assert_eq!(
        String::from_utf8_lossy(&plain.stdout),
        String::from_utf8_lossy(&traced.stdout)
    );
    let stderr = String::from_utf8_lossy(&traced.stderr);
    let lines = stderr
        .lines()
        .filter(|l| l.starts_with("aio trace: t="))
        .count();
    assert!(lines > 50, "{stderr}");
    assert!(String::from_utf8_lossy(&plain.stderr).is_empty());
}
