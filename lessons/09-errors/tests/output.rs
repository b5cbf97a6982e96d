//! The lesson prints exactly what the book shows; its asyncio original prints the same in
//! every section they share; and what the chapter says about stderr and warnings is checked.

use std::path::Path;
use std::process::Command;

const EXE: &str = env!("CARGO_BIN_EXE_lesson-09");

#[test]
fn output_matches_snapshot() {
    let output = lesson_check::run_lesson(EXE, &[]);
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!("lesson-09", output);
    });
}

/// Splits an output into its sections, each starting with a "== title ==" line.
fn sections(output: &str) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = Vec::new();
    for line in output.lines() {
        if line.starts_with("== ") {
            found.push((line.to_string(), String::new()));
        } else if let Some((_, body)) = found.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    found
}

#[test]
fn every_section_of_the_asyncio_original_matches_the_lesson() {
    let rust = lesson_check::run_lesson(EXE, &[]);
    let Some(python) = lesson_check::run_original(env!("CARGO_MANIFEST_DIR")) else {
        return;
    };
    let rust_sections = sections(&rust);
    let python_sections = sections(&python);
    // All but the section on try_gather dropping plain futures, which asyncio has no form of.
    assert_eq!(
        python_sections.len(),
        rust_sections.len() - 1,
        "{}",
        lesson_check::CHANGED_A_LESSON
    );
    for (title, body) in python_sections {
        let (_, rust_body) = rust_sections
            .iter()
            .find(|(t, _)| *t == title)
            .unwrap_or_else(|| {
                panic!(
                    "the lesson has no section {title}.\n{}",
                    lesson_check::CHANGED_A_LESSON
                )
            });
        lesson_check::assert_same_as_twin(
            &format!("section {title} of the lesson and its original.py"),
            rust_body,
            &body,
        );
    }
}

#[test]
fn a_panic_nobody_awaits_is_reported_on_stderr_and_an_err_is_not() {
    let output = lesson_check::run(Command::new(EXE).env("AIO_CLOCK", "virtual"));
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    let reports: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("Task was never awaited"))
        .collect();
    assert_eq!(
        reports.len(),
        1,
        "one report, for the panic only:\n{stderr}"
    );
    assert!(reports[0].starts_with("aio: task spawned at lessons/09-errors/src/main.rs:"));
    assert!(!stderr.contains("bad-lost"), "the lost Err leaves no trace");
    // The quiet hook printed one line per panic: three tasks panic in the lesson.
    let panics = stderr
        .lines()
        .filter(|l| l.starts_with("panic: bug: negative size at "));
    assert_eq!(panics.count(), 3, "{stderr}");
}

#[test]
fn asyncio_logs_exceptions_that_nobody_retrieved() {
    let original = concat!(env!("CARGO_MANIFEST_DIR"), "/original.py");
    let Some(output) = lesson_check::python3([lesson_check::python_runner(), original]) else {
        return;
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    let logged = stderr.matches("Task exception was never retrieved").count();
    assert_eq!(logged, 2, "both unawaited failures are logged:\n{stderr}");
}

fn snippets() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/snippets"))
}

/// The chapter shows `snippets/forgot_await.stderr` as rustc's warning for a forgotten
/// `.await`. This compiles the snippet and checks that the file is exactly what rustc says.
/// If a new rustc words it differently, rerun with `UPDATE_SNIPPETS=1` to rewrite the file.
#[test]
fn rustc_warns_about_a_forgotten_await_with_the_text_the_book_shows() {
    let output = lesson_check::rustc_snippet(snippets(), "forgot_await.rs");
    assert!(output.status.success(), "it is a warning, not an error");
    let warning = String::from_utf8(output.stderr).unwrap();
    assert!(warning.contains("unused implementer of `Future` that must be used"));
    assert!(warning.contains("futures do nothing unless you `.await` or poll them"));
    let shown = snippets().join("forgot_await.stderr");
    if std::env::var_os("UPDATE_SNIPPETS").is_some() {
        std::fs::write(&shown, &warning).unwrap();
    }
    assert_eq!(std::fs::read_to_string(shown).unwrap(), warning);
}

/// The warning comes from the `Future` trait, which marks the `impl Future` of an `async fn`;
/// a hand-written future whose type is not `#[must_use]` is forgotten without a word. The
/// chapter says so, and shows `snippets/unmarked_future.rs`.
#[test]
fn rustc_says_nothing_of_a_forgotten_future_whose_type_is_not_must_use() {
    let output = lesson_check::rustc_snippet(snippets(), "unmarked_future.rs");
    let said = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "it compiles:\n{said}");
    assert_eq!(said, "", "rustc warns after all");
}

/// The article says a forgotten `await` "blocks". It does not: the coroutine never runs, and
/// Python warns at run time.
#[test]
fn python_does_not_run_a_coroutine_that_is_not_awaited() {
    let Some(output) = lesson_check::python3([snippets().join("forgot_await.py")]) else {
        return;
    };
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        lesson_check::stdout_of("forgot_await.py", output),
        "handled r1\n"
    );
    assert!(
        stderr.contains("RuntimeWarning: coroutine 'save' was never awaited"),
        "{stderr}"
    );
}
