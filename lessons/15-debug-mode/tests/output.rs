//! The lesson prints exactly what the book shows: its stdout, then debug mode's warnings from
//! stderr, with the measured milliseconds made stable.

use std::process::Command;

/// Runs the lesson in virtual time and returns (stdout, stderr).
fn run() -> (String, String) {
    let output = lesson_check::run(
        Command::new(env!("CARGO_BIN_EXE_lesson-15"))
            .env("AIO_CLOCK", "virtual")
            .env_remove("AIO_DEBUG"),
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        output.status.success(),
        "lesson-15 failed:\n{stdout}\n{stderr}"
    );
    (stdout, stderr)
}

/// "blocked the loop for 301 ms" -> "blocked the loop for 3xx ms": the call sleeps 300 ms, and
/// a busy machine may add a few. Any other figure is left as it is, and fails the snapshot.
fn stable(stderr: &str) -> String {
    let marker = "blocked the loop for ";
    let mut lines = Vec::new();
    for line in stderr.lines() {
        let stable = match line.split_once(marker) {
            Some((before, after)) => {
                let (ms, rest) = after.split_once(" ms").expect("a duration in ms");
                let ms = match ms.parse::<u32>() {
                    Ok(300..=399) => "3xx".to_string(),
                    _ => ms.to_string(),
                };
                format!("{before}{marker}{ms} ms{rest}")
            }
            None => line.to_string(),
        };
        lines.push(stable);
    }
    lines.join("\n")
}

#[test]
fn output_matches_snapshot() {
    let (stdout, stderr) = run();
    let output = format!("{stdout}\n--- stderr ---\n{}\n", stable(&stderr));
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!("lesson-15", output);
    });
}

#[test]
fn debug_mode_names_the_loader_once_and_not_the_fix() {
    let (_, stderr) = run();
    let reports: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("aio debug:"))
        .collect();
    assert_eq!(reports.len(), 1, "{stderr}");
    assert!(
        reports[0].contains("task 'load_settings'"),
        "{}",
        reports[0]
    );
    assert!(
        reports[0].contains("lessons/15-debug-mode/src/main.rs:"),
        "{}",
        reports[0]
    );
}

#[test]
fn stdout_matches_the_asyncio_original() {
    let (rust, _) = run();
    if let Some(python) = lesson_check::run_original(env!("CARGO_MANIFEST_DIR")) {
        lesson_check::assert_same_as_twin(
            "the lesson's stdout and its original.py",
            &rust,
            &python,
        );
    }
}
