//! The lesson prints exactly what the book shows, and what its asyncio original prints.

#[test]
fn output_matches_snapshot() {
    let output = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-23"), &[]);
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!("lesson-23", output);
    });
}

#[test]
fn output_matches_the_asyncio_original() {
    lesson_check::assert_same_output_as_original(
        env!("CARGO_BIN_EXE_lesson-23"),
        env!("CARGO_MANIFEST_DIR"),
    );
}
