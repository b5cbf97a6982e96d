//! What the loop does while the lesson runs: its output with `AIO_TRACE=1`, trace lines and
//! printed lines in the order they were written, as the book's event-loop chapter shows it.

#[test]
fn trace_matches_snapshot() {
    let output = lesson_check::run_lesson_merged(
        env!("CARGO_BIN_EXE_lesson-01"),
        &[],
        &[("AIO_TRACE", "1")],
    );
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!("lesson-01-trace", output);
    });
}
