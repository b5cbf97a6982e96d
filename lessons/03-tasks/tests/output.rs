//! The lesson prints exactly what the book shows, and what its asyncio original prints, except
//! for one deliberate difference: when a cancelled task's cleanup runs.

#[test]
fn output_matches_snapshot() {
    let output = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-03"), &[]);
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!("lesson-03", output);
    });
}

/// The output cut at its "--- N. title" lines: (title line, lines below it).
fn sections(output: &str) -> Vec<(String, Vec<String>)> {
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    for line in output.lines() {
        if line.starts_with("--- ") {
            sections.push((line.to_string(), Vec::new()));
        } else {
            let (_, lines) = sections
                .last_mut()
                .expect("output starts with a section title");
            lines.push(line.to_string());
        }
    }
    sections
}

#[test]
fn output_matches_the_asyncio_original_except_when_cleanup_runs() {
    let rust = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-03"), &[]);
    let Some(python) = lesson_check::run_original(env!("CARGO_MANIFEST_DIR")) else {
        return;
    };
    let titles = |sections: &[(String, Vec<String>)]| {
        sections
            .iter()
            .map(|(title, _)| format!("{title}\n"))
            .collect::<String>()
    };
    let (rust, python) = (sections(&rust), sections(&python));
    assert_eq!(rust.len(), 5);
    lesson_check::assert_same_as_twin(
        "the section titles of the lesson and its original.py",
        &titles(&rust),
        &titles(&python),
    );
    for ((title, rust_lines), (_, python_lines)) in rust.iter().zip(&python) {
        if !title.starts_with("--- 4.") {
            lesson_check::assert_same_as_twin(
                &format!("section {title} of the lesson and its original.py"),
                &rust_lines.join("\n"),
                &python_lines.join("\n"),
            );
            continue;
        }
        // Cancelling: the same lines, in another order. aio drops the task's future inside
        // cancel(), so its cleanup prints before cancel() returns; asyncio's cancel() only
        // requests, and the cleanup runs when the task is next resumed (at `await task`).
        let position = |lines: &[String], prefix: &str| {
            lines
                .iter()
                .position(|line| line.contains(prefix))
                .unwrap_or_else(|| panic!("no line with {prefix:?} in {lines:#?}"))
        };
        let mut sorted_rust = rust_lines.clone();
        let mut sorted_python = python_lines.clone();
        sorted_rust.sort();
        sorted_python.sort();
        lesson_check::assert_same_as_twin(
            &format!("section {title} of the lesson and its original.py, each sorted,"),
            &sorted_rust.join("\n"),
            &sorted_python.join("\n"),
        );
        assert!(
            position(rust_lines, "cleanup:") < position(rust_lines, "cancel() returned"),
            "{}",
            lesson_check::CHANGED_A_LESSON
        );
        assert!(
            position(python_lines, "cleanup:") > position(python_lines, "cancel() returned"),
            "{}",
            lesson_check::CHANGED_A_LESSON
        );
    }
}
