//! The lesson prints exactly what the book shows, and what its asyncio original prints.

#[test]
fn output_matches_snapshot() {
    let output = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-07"), &[]);
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!("lesson-07", output);
    });
}

#[test]
fn output_matches_the_asyncio_original() {
    let rust = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-07"), &[]);
    let original = concat!(env!("CARGO_MANIFEST_DIR"), "/original.py");
    if let Some(python) = lesson_check::run_python(original, &[]) {
        assert_eq!(rust, python);
    }
}
