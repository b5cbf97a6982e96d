//! The lesson prints exactly what the book shows.

#[test]
fn output_matches_snapshot() {
    let output = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-18"), &[]);
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!("lesson-18", output);
    });
}

/// The lines of `rust` from the one that starts with `first` up to (not including) the first
/// one after it that contains `stop`.
fn section<'a>(rust: &'a str, first: &str, stop: &str) -> Vec<&'a str> {
    let lines = rust.lines().skip_while(|line| !line.starts_with(first));
    let mut taken: Vec<&str> = Vec::new();
    for line in lines {
        if !taken.is_empty() && line.contains(stop) {
            break;
        }
        taken.push(line);
    }
    taken
}

/// The generator-based loop in Python prints what steps 2 and 3 print: the same turns, in the
/// same order, at the same virtual times.
#[test]
fn the_generator_loop_prints_what_steps_2_and_3_print() {
    let rust = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-18"), &[]);
    let mut expected = section(&rust, "2. ", "main: woken twice");
    expected.extend(section(&rust, "3. ", "polls in"));
    assert_eq!(expected.len(), 14, "the Rust output changed shape:\n{rust}");

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/generators.py");
    let Some(output) = lesson_check::python3([script]) else {
        return;
    };
    let python = lesson_check::stdout_of(script, output);
    lesson_check::assert_same_as_twin(
        "steps 2 and 3 of the lesson and generators.py",
        &(expected.join("\n") + "\n"),
        &python,
    );
}
