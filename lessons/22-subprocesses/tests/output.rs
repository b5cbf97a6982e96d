//! The lesson prints exactly what the book shows, and what its asyncio original prints.
//!
//! The workers are real processes that take real time (virtual time does not jump while they
//! run), so each run takes about two seconds. The output does not depend on how fast they
//! are: the parent prints in an order its protocol fixes (see the chapter).

#[test]
fn output_matches_snapshot() {
    let output = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-22"), &[]);
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!("lesson-22", output);
    });
}

#[test]
fn output_matches_the_asyncio_original() {
    lesson_check::assert_same_output_as_original(
        env!("CARGO_BIN_EXE_lesson-22"),
        env!("CARGO_MANIFEST_DIR"),
    );
}
