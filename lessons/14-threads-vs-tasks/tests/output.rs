//! The lesson prints exactly what the book shows; its Python twin prints the same, except that
//! CPU-bound Python threads take turns (the GIL) where Rust threads run in parallel.

// The thread counts come from `/proc/self/status`, which only Linux has; elsewhere the lesson
// prints "not measured on this system" (see `the_thread_count_says_when_it_cannot_be_measured`).

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "counts threads in /proc/self/status, which only Linux has"
)]
fn output_matches_snapshot() {
    let output = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-14"), &[]);
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!("lesson-14", output);
    });
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "counts threads in /proc/self/status, which only Linux has"
)]
fn output_matches_python_but_for_the_gil() {
    let rust = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-14"), &[]);
    if let Some(python) = lesson_check::run_original(env!("CARGO_MANIFEST_DIR")) {
        let gil_lines = python.lines().filter(|l| l.ends_with("(the GIL)")).count();
        assert!(
            gil_lines == 0 || gil_lines == 2,
            "with the GIL, both CPU-bound thread lines say so:\n{python}"
        );
        let python = python.replace(
            "one job at a time (the GIL)",
            "in parallel on the free cores",
        );
        lesson_check::assert_same_as_twin(
            "the lesson and its original.py (but for the GIL)",
            &rust,
            &python,
        );
    }
}

#[test]
fn the_thread_count_says_when_it_cannot_be_measured() {
    let output = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-14"), &[]);
    let counts: Vec<&str> = output
        .lines()
        .filter_map(|line| line.trim().strip_prefix("threads in the process: "))
        .collect();
    assert_eq!(counts.len(), 2, "{output}");
    if cfg!(target_os = "linux") {
        assert_eq!(counts, ["1", "501"]);
    } else {
        assert_eq!(counts, ["not measured on this system"; 2]);
    }
}
