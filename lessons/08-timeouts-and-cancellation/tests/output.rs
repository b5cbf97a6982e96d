//! The lesson prints exactly what the book shows; its asyncio original prints the same, except
//! exactly where the two runtimes cancel differently.

#[test]
fn output_matches_snapshot() {
    let output = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-08"), &[]);
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!("lesson-08", output);
    });
}

/// Moves the line equal to `line` so that it comes right before the line equal to `before`.
fn move_before(lines: &mut Vec<String>, line: &str, before: &str) {
    let from = lines.iter().position(|l| l == line).expect(line);
    let moved = lines.remove(from);
    let to = lines.iter().position(|l| l == before).expect(before);
    lines.insert(to, moved);
}

#[test]
fn output_differs_from_the_asyncio_original_only_where_cancellation_differs() {
    let rust = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-08"), &[]);
    let Some(python) = lesson_check::run_original(env!("CARGO_MANIFEST_DIR")) else {
        return;
    };
    let mut expected: Vec<String> = rust.lines().map(String::from).collect();

    // 1. aio: a timeout around `&mut task` drops only the loan, so the task is still running
    //    until we cancel it. asyncio.wait_for cancels the task and waits for its clean-up.
    let timed_out = "report: timed out; task finished? false";
    assert!(expected.iter().any(|l| l == timed_out));
    move_before(&mut expected, "close report", timed_out);
    for line in &mut expected {
        if line == timed_out {
            *line = "report: timed out; task finished? true".into();
        }
    }

    // 2. aio: cancel() drops the future at once, so the clean-up runs inside cancel().
    //    asyncio: cancel() only requests; the clean-up runs when the task next runs.
    move_before(&mut expected, "cancel() returned", "close worker");

    let expected = expected.join("\n") + "\n";
    lesson_check::assert_same_as_twin(
        "the lesson (moved where the runtimes cancel differently) and its original.py",
        &expected,
        &python,
    );
}
