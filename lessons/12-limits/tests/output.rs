//! The lesson prints exactly what the book shows, and what its asyncio original prints; and
//! the setting the seed article names does not exist.

#[test]
fn output_matches_snapshot() {
    let output = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-12"), &[]);
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!("lesson-12", output);
    });
}

#[test]
fn output_matches_the_asyncio_original() {
    lesson_check::assert_same_output_as_original(
        env!("CARGO_BIN_EXE_lesson-12"),
        env!("CARGO_MANIFEST_DIR"),
    );
}

/// The seed tells readers to tune `asyncio.set_limit`. Ask Python itself: there is no such
/// function, nor any other global limit on tasks; `Semaphore` is the tool.
#[test]
fn asyncio_has_no_set_limit() {
    let script = "import asyncio\n\
                  print(hasattr(asyncio, 'set_limit'))\n\
                  print(sorted(n for n in dir(asyncio) if 'limit' in n.lower()))\n\
                  print(hasattr(asyncio, 'Semaphore'))\n";
    let Some(output) = lesson_check::python3(["-c", script]) else {
        return;
    };
    let stdout = lesson_check::stdout_of("python3", output);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "False", "asyncio.set_limit exists after all");
    // The only "limit" in asyncio's namespace is the stream buffer's LimitOverrunError.
    assert_eq!(lines[1], "['LimitOverrunError']");
    assert_eq!(lines[2], "True");
}
