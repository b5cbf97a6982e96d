//! The Pin chapter (`book/src/pin.md`) shows only what is compiled and tested: its listings in
//! `book/snippets/pin/state_machine.rs` run here, each refusal it shows is rustc's own error
//! for the snippet beside it (`NAME.rs` gives `NAME.stderr`), and the Python it shows prints
//! `frames.stdout`.

use std::path::{Path, PathBuf};

#[path = "../../book/snippets/pin/state_machine.rs"]
mod state_machine;

use state_machine::{poll_to_end, read_greeting, ReadGreeting};

fn snippets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../book/snippets/pin")
}

#[test]
fn the_hand_written_state_machine_does_what_the_async_fn_does() {
    let compiled = poll_to_end(std::pin::pin!(read_greeting()));
    let by_hand = poll_to_end(std::pin::pin!(ReadGreeting::Start));
    assert_eq!(compiled, (String::from("hello"), 2));
    assert_eq!(by_hand, compiled, "same output, in as many polls");
}

#[test]
fn the_hand_written_state_machine_may_move_between_polls() {
    // ReadGreeting is Unpin: poll it through `Pin::new(&mut _)`, move it, poll it again.
    use std::future::Future;
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let mut first_place = ReadGreeting::Start;
    let poll = std::pin::Pin::new(&mut first_place).poll(&mut cx);
    assert!(poll.is_pending());
    let mut moved = Box::new(first_place); // Moved to the heap.
    let poll = std::pin::Pin::new(&mut *moved).poll(&mut cx);
    assert_eq!(poll, std::task::Poll::Ready(String::from("hello")));
}

#[test]
fn box_pin_and_pin_macro_both_run_the_future() {
    let expected = (String::from("hello"), 2);
    assert_eq!(state_machine::with_box_pin(), expected);
    assert_eq!(state_machine::with_pin_macro(), expected);
    assert!(state_machine::swap_unpin_futures(), "a got b's state");
}

/// The snippets rustc refuses, each `NAME.rs` with its error in `NAME.stderr`.
const REFUSED: [&str; 5] = [
    "self_reference",
    "poll_method",
    "pin_new",
    "move_out",
    "swap",
];

/// Compiles `snippets/NAME.rs` as a library with rustc and returns its stderr, normalized:
/// a path into the standard library's sources (`/rustc/<commit>/library/core/src/pin.rs:1181:4`)
/// changes with every release, so it reads `$SRC_DIR/core/src/pin.rs:LL:COL`, as in rustc's
/// own tests. Panics if the snippet compiles.
fn refusal(name: &str) -> String {
    let output = lesson_check::rustc_snippet(&snippets(), &format!("{name}.rs"));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!output.status.success(), "{name}.rs compiled:\n{stderr}");
    stderr.lines().map(|line| normalize(line) + "\n").collect()
}

/// `  --> /rustc/<commit>/library/core/src/pin.rs:1181:4` becomes
/// `  --> $SRC_DIR/core/src/pin.rs:LL:COL`.
fn normalize(line: &str) -> String {
    let Some(start) = line.find("/rustc/") else {
        return line.to_string();
    };
    let Some(library) = line[start..].find("/library/") else {
        return line.to_string();
    };
    let path = &line[start + library + "/library/".len()..];
    let file = path.split(':').next().unwrap();
    format!("{}$SRC_DIR/{file}:LL:COL", &line[..start])
}

fn shown(name: &str) -> String {
    let file = snippets().join(format!("{name}.stderr"));
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// The `error[E....]: ...` lines: what rustc refuses, without how it draws the spans.
fn headlines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.starts_with("error[")).collect()
}

/// On every toolchain, the oldest included: each snippet is refused with the errors the book
/// shows (rustc draws the spans differently between versions; the next test compares those).
#[test]
fn rustc_refuses_the_pin_snippets_with_the_errors_the_book_names() {
    for name in REFUSED {
        let stderr = refusal(name);
        let book = shown(name);
        assert!(!headlines(&book).is_empty(), "{name}.stderr shows no error");
        assert_eq!(headlines(&stderr), headlines(&book), "{name}.rs:\n{stderr}");
    }
}

/// The chapter shows each `NAME.stderr` as rustc's refusal of `NAME.rs`: this checks it is
/// exactly what rustc says. If a new rustc words it differently, rerun with
/// `UPDATE_SNIPPETS=1` to rewrite the files, and read the chapter again.
#[test]
fn rustc_refuses_the_pin_snippets_with_the_text_the_book_shows() {
    for name in REFUSED {
        let stderr = refusal(name);
        if std::env::var_os("UPDATE_SNIPPETS").is_some() {
            std::fs::write(snippets().join(format!("{name}.stderr")), &stderr).unwrap();
        }
        assert_eq!(shown(name), stderr, "{name}.rs");
    }
}

/// The chapter's Python: a coroutine's frame stays where it is when the coroutine "moves".
#[test]
fn python_moves_a_reference_to_the_coroutine_and_its_frame_stays() {
    let Some(output) = lesson_check::python3([snippets().join("frames.py")]) else {
        return;
    };
    let stdout = lesson_check::stdout_of("frames.py", output);
    let shown = snippets().join("frames.stdout");
    if std::env::var_os("UPDATE_SNIPPETS").is_some() {
        std::fs::write(&shown, &stdout).unwrap();
    }
    assert_eq!(std::fs::read_to_string(shown).unwrap(), stdout);
    assert!(stdout.contains("same frame after the move: True"));
}
