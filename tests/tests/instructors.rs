//! The course plan in "For instructors" (`book/src/instructors.md`) gives every lesson and
//! every exercise a place, in both of its plans: a lesson or exercise added later fails here
//! until it has one.

use std::fs;
use workspace_checks::root;

/// The folders under `dir` that hold a package, by name, sorted.
fn packages(dir: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Cargo.toml").exists())
        .map(|p| p.file_name().unwrap().to_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

/// The text of the section that starts with `heading`, up to the next heading of its level or
/// higher.
fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let start = text
        .find(heading)
        .unwrap_or_else(|| panic!("book/src/instructors.md has no `{heading}`"));
    let level = heading.chars().take_while(|c| *c == '#').count();
    let rest = &text[start + heading.len()..];
    let end = rest
        .lines()
        .filter(|line| {
            let hashes = line.chars().take_while(|c| *c == '#').count();
            hashes > 0 && hashes <= level && line[hashes..].starts_with(' ')
        })
        .map(|line| rest.find(line).unwrap())
        .next()
        .unwrap_or(rest.len());
    &rest[..end]
}

/// Cell `n` of each table row in `text` (headers and separators included; they match nothing).
fn column(text: &str, n: usize) -> Vec<String> {
    text.lines()
        .filter(|l| l.trim_start().starts_with('|'))
        .filter_map(|l| {
            l.trim()
                .trim_matches('|')
                .split('|')
                .nth(n)
                .map(String::from)
        })
        .collect()
}

/// The words of `cells`: `03a, 03b (03c)` gives 03a, 03b, 03c.
fn words(cells: &[String]) -> Vec<String> {
    cells
        .iter()
        .flat_map(|c| c.split(|ch: char| !ch.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn every_lesson_and_exercise_has_a_place_in_the_course_plan() {
    let text = fs::read_to_string(root().join("book/src/instructors.md")).unwrap();
    let weekly = section(&text, "### Nine weekly meetings");
    let workshop = section(&text, "### A three-day workshop");
    let mut problems = Vec::new();

    let lessons = packages("lessons");
    assert!(lessons.len() >= 20, "{lessons:?}");
    let workshop_lessons = words(&column(workshop, 1));
    for folder in &lessons {
        if !weekly.contains(&format!("(lessons/{folder}.md)")) {
            problems.push(format!(
                "lesson {folder}: no link to lessons/{folder}.md in the weekly plan"
            ));
        }
        let number = &folder[..2];
        if !workshop_lessons.iter().any(|w| w == number) {
            problems.push(format!(
                "lesson {folder}: not in the workshop plan (as {number})"
            ));
        }
    }

    let exercises = packages("exercises");
    assert!(exercises.len() >= 20, "{exercises:?}");
    let in_weekly = words(&column(weekly, 2));
    let in_workshop = words(&column(workshop, 2));
    for folder in &exercises {
        let id = folder.split('-').next().unwrap();
        for (plan, ids) in [("weekly", &in_weekly), ("workshop", &in_workshop)] {
            if !ids.iter().any(|w| w == id) {
                problems.push(format!(
                    "exercise {id} ({folder}): not in the {plan} plan's exercises column"
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "book/src/instructors.md, \"A course plan\":\n{}",
        problems.join("\n")
    );
}
