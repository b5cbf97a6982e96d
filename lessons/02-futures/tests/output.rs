//! The lesson prints exactly what the book shows, and what its asyncio original prints.

#[test]
fn output_matches_snapshot() {
    let output = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-02"), &[]);
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!("lesson-02", output);
    });
}

#[test]
fn output_matches_the_asyncio_original() {
    let rust = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-02"), &[]);
    // asyncio has no public count of the loop's turns, so the original cannot print these.
    let rust: String = rust
        .lines()
        .filter(|line| !line.starts_with("turns of the loop:"))
        .map(|line| format!("{line}\n"))
        .collect();
    if let Some(python) = lesson_check::run_original(env!("CARGO_MANIFEST_DIR")) {
        lesson_check::assert_same_as_twin(
            "the lesson (but for its turn counts) and its original.py",
            &rust,
            &python,
        );
    }
}
