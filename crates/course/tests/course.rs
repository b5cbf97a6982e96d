//! `cargo course` as a student runs it, and the exercises as an instructor lays them out.
//!
//! The tests that grade run the `course` binary, which runs cargo to build an exercise (cargo
//! waits for the build directory's lock if another build holds it). They grade exercises 01a
//! and 03a only: `cargo course verify` in CI (`.ci/exercises.sh`) grades every exercise.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use course::{exercises, root, Course};

/// Builds may have to compile aio first (say, after `cargo test --features aio/portable`,
/// whose aio is not the one an exercise uses): minutes on a loaded 2-core machine, not hours.
const BUILD_AND_GRADE: Duration = Duration::from_secs(600);

fn course(args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_course"));
    command.args(args);
    lesson_check::run_with_deadline(&mut command, BUILD_AND_GRADE).expect("course starts")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// How mdBook makes a heading's anchor: `## What to notice` is `#what-to-notice`.
fn anchor(heading: &str) -> String {
    let text = heading.trim_start_matches('#').trim().to_lowercase();
    let kept: String = (text.chars())
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .collect();
    kept.replace(' ', "-")
}

#[test]
fn every_exercise_has_its_package_its_files_and_a_chapter_that_exists() {
    let course = Course::new();
    let root = root();
    let mut folders = Vec::new();
    for exercise in exercises::all() {
        let folder = root.join(course.folder(&exercise));
        folders.push(folder.clone());
        let id = exercise.id;
        let manifest = fs::read_to_string(folder.join("Cargo.toml"))
            .unwrap_or_else(|e| panic!("{id}: {}: {e}", folder.display()));
        assert_eq!(exercise.package, format!("exercise-{id}"));
        for line in [
            format!("name = \"exercise-{id}\""),
            format!("name = \"exercise-{id}-solution\""),
            "required-features = [\"solution\"]".to_string(),
        ] {
            assert!(manifest.contains(&line), "{id}: Cargo.toml has no {line}");
        }
        for file in ["src/main.rs", "solution/main.rs", "expected.txt"] {
            assert!(folder.join(file).is_file(), "{id}: no {file}");
        }
        if let Some(python) = exercise.python {
            assert!(folder.join(python).is_file(), "{id}: no {python}");
            let solution = Path::new("solution").join(python);
            assert!(folder.join(&solution).is_file(), "{id}: no {solution:?}");
        }
        assert!(!exercise.hint.is_empty(), "{id}: no hint");
        let chapter = exercise
            .chapter
            .unwrap_or_else(|| panic!("{id}: no chapter"));
        let (page, section) = chapter.page.split_once('#').expect("page#section");
        let text = fs::read_to_string(root.join("book/src").join(page))
            .unwrap_or_else(|e| panic!("{id}: book/src/{page}: {e}"));
        assert!(
            (text.lines())
                .filter(|line| line.starts_with('#'))
                .any(|heading| anchor(heading) == section),
            "{id}: book/src/{page} has no heading whose anchor is #{section}"
        );
    }
    // And every exercise package is in the list.
    for entry in fs::read_dir(root.join("exercises")).unwrap() {
        let path = entry.unwrap().path();
        if path.join("Cargo.toml").exists() {
            assert!(folders.contains(&path), "{} has no grader", path.display());
        }
    }
}

/// What `cargo course check 03a` says about the starting point: the book shows it.
#[test]
fn the_starting_point_of_03a_fails_with_messages_that_teach() {
    let output = course(&["check", "03a"]);
    assert_eq!(output.status.code(), Some(1), "a failure exits with 1");
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!("check-03a", stdout(&output));
    });
}

/// Verify, on the two exercises whose starting points fail the checks that read aio's trace
/// and debug mode: a change in either format would make these checks pass, and show here.
#[test]
fn verify_grades_the_starting_point_and_the_solution() {
    let output = course(&["verify", "01a", "03a"]);
    let said = stdout(&output);
    assert!(output.status.success(), "{said}");
    for line in [
        "✓ rust   01a starting point: fails (output, loop time, no slow poll)",
        "✓ rust   03a starting point: fails (output, loop time, tasks in flight)",
        "✓ rust   01a solution: passes",
        "✓ rust   03a solution: passes",
    ] {
        assert!(said.contains(line), "{said}");
    }
    assert!(
        said.contains("every starting point fails its grader and every solution passes"),
        "{said}"
    );
}

#[test]
fn help_hint_and_list_need_no_build() {
    let help = course(&["--help"]);
    assert!(help.status.success());
    assert_eq!(stdout(&help), course::HELP);
    let hint = stdout(&course(&["hint", "03a"]));
    assert!(hint.contains("aio::spawn each download first"), "{hint}");
    assert!(
        hint.contains("book/src/lessons/03-tasks.md#in-rust"),
        "{hint}"
    );
    let list = stdout(&course(&["list"]));
    for exercise in exercises::all() {
        assert!(list.contains(exercise.title), "{list}");
    }
    assert!(list.contains("Progress: ["), "{list}");
    // A wrong command line is an error that points to --help.
    let wrong = course(&["hint", "99z"]);
    assert_eq!(wrong.status.code(), Some(2));
    let said = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        said.contains("no exercise \"99z\": the exercises are 01a, 02a, 03a"),
        "{said}"
    );
    assert!(said.contains("cargo course --help"), "{said}");
}
