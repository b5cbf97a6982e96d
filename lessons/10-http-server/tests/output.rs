//! The lesson prints exactly what the book shows, and what its asyncio original prints.

#[test]
fn output_matches_snapshot() {
    let output = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-10"), &[]);
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!("lesson-10", output);
    });
}

#[test]
fn output_matches_the_asyncio_original() {
    lesson_check::assert_same_output_as_original(
        env!("CARGO_BIN_EXE_lesson-10"),
        env!("CARGO_MANIFEST_DIR"),
    );
}

/// The seed advises tuning `asyncio.set_limit`: there is no such function.
#[test]
fn asyncio_has_no_set_limit() {
    let script = "import asyncio; print(hasattr(asyncio, 'set_limit'))";
    if let Some(output) = lesson_check::python3(["-c", script]) {
        assert_eq!(lesson_check::stdout_of("python3", output).trim(), "False");
    }
}
