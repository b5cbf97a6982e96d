//! The lesson prints exactly what the book shows, and what its asyncio original prints, except
//! for the one line where each runtime quotes its own refusal of the wrong way.

use std::process::Command;

const EXE: &str = env!("CARGO_BIN_EXE_lesson-25");

/// The line on which the wrong way's refusal is quoted, in its runtime's words.
const SAYS: &str = "  says: ";

#[test]
fn output_matches_snapshot() {
    let output = lesson_check::run_lesson(EXE, &[]);
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!("lesson-25", output);
    });
}

/// The lines that quote a refusal, and the output without them.
fn split_says(output: &str) -> (Vec<&str>, String) {
    let says = output.lines().filter(|l| l.starts_with(SAYS)).collect();
    let rest = output
        .lines()
        .filter(|l| !l.starts_with(SAYS))
        .map(|l| format!("{l}\n"))
        .collect();
    (says, rest)
}

#[test]
fn output_matches_the_asyncio_original_but_for_the_refusals_words() {
    let rust = lesson_check::run_lesson(EXE, &[]);
    let (rust_says, rust_rest) = split_says(&rust);
    assert_eq!(rust_says.len(), 1, "{rust}");
    assert!(
        rust_says[0].starts_with(
            "  says: aio::call_soon was called outside the aio runtime: thread 'sensor' runs no \
             aio loop."
        ),
        "{}",
        rust_says[0]
    );
    assert!(rust_says[0].contains("handle.call_soon_threadsafe(f)"));
    let Some(python) = lesson_check::run_original(env!("CARGO_MANIFEST_DIR")) else {
        return;
    };
    let (python_says, python_rest) = split_says(&python);
    // asyncio's debug mode, which the original turns on for that section.
    assert_eq!(
        python_says,
        ["  says: Non-thread-safe operation invoked on an event loop other than the current one"],
        "{python}"
    );
    lesson_check::assert_same_as_twin(
        "the lesson and its original.py (but for the refusals' words)",
        &rust_rest,
        &python_rest,
    );
}

#[test]
fn each_panic_on_purpose_is_one_line_on_stderr_naming_its_thread() {
    let output = lesson_check::run(Command::new(EXE).env("AIO_CLOCK", "virtual"));
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    let panics: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("panic on thread "))
        .collect();
    assert_eq!(panics.len(), 2, "{stderr}");
    // The coroutine ran on the loop's thread, and panicked there; the wrong way on the sensor's.
    assert_eq!(panics[0], "panic on thread main: no price for durian");
    assert!(panics[1].starts_with("panic on thread sensor: aio::call_soon was called outside"));
    assert_eq!(
        stderr.lines().count(),
        2,
        "nothing else on stderr:\n{stderr}"
    );
}
