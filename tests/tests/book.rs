//! The book shows only what is compiled and tested.
//!
//! mdBook exits successfully when an `{{#include}}` names a missing file or anchor, so these
//! checks do it instead: every include resolves, every lesson has a chapter in `SUMMARY.md`,
//! every output a chapter shows is a snapshot that a test asserts, and every included listing
//! has a caption naming its file.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use workspace_checks::{files_with_extension, read, root};

/// An `{{#include path:selector}}` found in a chapter.
#[derive(Debug)]
struct Include {
    chapter: PathBuf,
    /// The included file, resolved against the chapter's folder.
    file: PathBuf,
    /// What follows the path: an anchor name, a line range, or nothing.
    selector: Option<String>,
}

fn includes(chapter: &Path) -> Vec<Include> {
    includes_in(chapter, &read(chapter))
}

/// The includes in `text`, a chapter's whole text or one of its lines.
fn includes_in(chapter: &Path, text: &str) -> Vec<Include> {
    let mut found = Vec::new();
    for directive in ["{{#include ", "{{#rustdoc_include "] {
        for (start, _) in text.match_indices(directive) {
            let rest = &text[start + directive.len()..];
            let end = rest.find("}}").expect("an include is closed with }}");
            let target = rest[..end].trim();
            let (path, selector) = match target.split_once(':') {
                Some((path, selector)) => (path, Some(selector.to_string())),
                None => (target, None),
            };
            found.push(Include {
                chapter: chapter.to_path_buf(),
                file: chapter.parent().unwrap().join(path),
                selector,
            });
        }
    }
    found
}

fn all_includes() -> Vec<Include> {
    files_with_extension(&root().join("book/src"), "md")
        .iter()
        .flat_map(|chapter| includes(chapter))
        .collect()
}

fn is_line_range(selector: &str) -> bool {
    selector.chars().all(|c| c.is_ascii_digit() || c == ':')
}

#[test]
fn every_include_names_an_existing_file_and_anchor() {
    let mut problems = Vec::new();
    for include in all_includes() {
        let Ok(text) = fs::read_to_string(&include.file) else {
            problems.push(format!(
                "{}: no file {}",
                include.chapter.display(),
                include.file.display()
            ));
            continue;
        };
        match include.selector.as_deref() {
            None => {}
            Some(range) if is_line_range(range) => {
                let first: usize = range.split(':').next().unwrap().parse().unwrap_or(1);
                if first > text.lines().count() {
                    problems.push(format!(
                        "{}: {} has fewer than {first} lines",
                        include.chapter.display(),
                        include.file.display()
                    ));
                }
            }
            Some(anchor) => {
                // `// ANCHOR: name` in code; `<!-- ANCHOR: name -->` in markdown.
                let has = |marker: &str| {
                    text.lines().any(|line| {
                        line.split(marker).nth(1).is_some_and(|rest| {
                            rest.trim().trim_end_matches("-->").trim_end() == anchor
                        })
                    })
                };
                if !has("ANCHOR:") || !has("ANCHOR_END:") {
                    problems.push(format!(
                        "{}: {} has no anchor `{anchor}` (ANCHOR: {anchor} ... ANCHOR_END: {anchor})",
                        include.chapter.display(),
                        include.file.display()
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "broken includes:\n{}",
        problems.join("\n")
    );
}

/// The lesson folders, like `lessons/01-hello-sleep`.
fn lessons() -> Vec<PathBuf> {
    let mut lessons: Vec<PathBuf> = fs::read_dir(root().join("lessons"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("Cargo.toml").exists())
        .collect();
    lessons.sort();
    lessons
}

#[test]
fn every_lesson_is_a_package_named_after_its_number() {
    for lesson in lessons() {
        let folder = lesson.file_name().unwrap().to_str().unwrap();
        let number = &folder[..2];
        assert!(
            number.chars().all(|c| c.is_ascii_digit()) && folder.as_bytes()[2] == b'-',
            "lesson folder {folder} should be NN-topic"
        );
        let manifest = read(lesson.join("Cargo.toml"));
        assert!(
            manifest.contains(&format!("name = \"lesson-{number}\"")),
            "{folder}/Cargo.toml should name the package lesson-{number}"
        );
    }
}

#[test]
fn every_lesson_has_a_chapter_in_the_summary() {
    let summary = read(root().join("book/src/SUMMARY.md"));
    for lesson in lessons() {
        let folder = lesson.file_name().unwrap().to_str().unwrap();
        let chapter = format!("lessons/{folder}.md");
        assert!(
            root().join("book/src").join(&chapter).exists(),
            "lesson {folder} has no chapter book/src/{chapter}"
        );
        assert!(
            summary.contains(&format!("({chapter})")),
            "book/src/SUMMARY.md does not list {chapter}"
        );
    }
}

#[test]
fn every_lesson_chapter_includes_its_code_and_tested_output() {
    for lesson in lessons() {
        let folder = lesson.file_name().unwrap().to_str().unwrap();
        let chapter = root().join(format!("book/src/lessons/{folder}.md"));
        if !chapter.exists() {
            continue; // Reported by every_lesson_has_a_chapter_in_the_summary.
        }
        let found = includes(&chapter);
        let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        let code = canonical(&lesson.join("src"));
        let snapshots = canonical(&lesson.join("tests/snapshots"));
        assert!(
            found.iter().any(|i| canonical(&i.file).starts_with(&code)),
            "{folder}: the chapter includes none of the lesson's code"
        );
        assert!(
            found
                .iter()
                .any(|i| canonical(&i.file).starts_with(&snapshots)),
            "{folder}: the chapter shows no snapshot-tested output"
        );
    }
}

#[test]
fn every_included_output_is_a_snapshot_a_test_asserts() {
    for include in all_includes() {
        if include.file.extension().is_none_or(|e| e != "snap") {
            continue;
        }
        let text = read(&include.file);
        let header: Vec<&str> = text.lines().take(3).collect();
        assert!(
            header.len() == 3
                && header[0] == "---"
                && header[1].starts_with("source:")
                && header[2] == "---",
            "{}: expected a three-line header (use omit_expression)",
            include.file.display()
        );
        assert_eq!(
            include.selector.as_deref(),
            Some("4:"),
            "{}: include {} from line 4, after the snapshot header",
            include.chapter.display(),
            include.file.display()
        );
        // `output__lesson-01.snap` is written by an assert_snapshot!("lesson-01", ...) in
        // `tests/output.rs` beside the `snapshots` folder.
        let stem = include.file.file_stem().unwrap().to_str().unwrap();
        let (test_file, name) = stem
            .split_once("__")
            .unwrap_or_else(|| panic!("{stem}: not a named insta snapshot"));
        let test_source = include
            .file
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .join(format!("{test_file}.rs"));
        let source = read(&test_source);
        assert!(
            source.contains(&format!("assert_snapshot!(\"{name}\"")),
            "{}: no test in {} asserts snapshot \"{name}\"",
            include.file.display(),
            test_source.display()
        );
    }
}

/// What opens a listing's caption: the whole caption is one line,
/// `<div class="listing-caption">lessons/03-tasks/src/main.rs</div>`, then a blank line, then
/// the listing's fence. Its text (tags left out) ends with the included file's path from the
/// repository's root; what comes before it says more (`output of <code>cargo run -p
/// lesson-03</code>, as tested in lessons/...snap`).
const CAPTION: &str = "<div class=\"listing-caption\">";

/// `path` without its `.` and `..` parts, as text from the repository's root.
fn from_root(path: &Path) -> String {
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::CurDir => {}
            other => parts.push(other.as_os_str()),
        }
    }
    let path: PathBuf = parts.iter().collect();
    path.strip_prefix(root())
        .unwrap_or(&path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// A caption line's text, its tags left out, or None for a line that is no caption.
fn caption_text(line: &str) -> Option<String> {
    let inner = line.trim().strip_prefix(CAPTION)?.strip_suffix("</div>")?;
    let mut text = String::new();
    let mut in_tag = false;
    for c in inner.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    Some(text.trim().to_string())
}

/// What is wrong with the captions of one chapter's included listings, one line each.
fn caption_problems(chapter: &Path, text: &str) -> Vec<String> {
    let name = from_root(chapter);
    let lines: Vec<&str> = text.lines().collect();
    let mut problems = Vec::new();
    let mut claimed = BTreeSet::new(); // the caption lines that sit above an included listing
    let mut fence: Option<(usize, usize)> = None; // (line, backticks) of the open listing
    for (i, line) in lines.iter().enumerate() {
        let ticks = line.trim_start().chars().take_while(|&c| c == '`').count();
        match fence {
            None if ticks >= 3 => {
                fence = Some((i, ticks));
                continue;
            }
            Some((_, open)) if ticks >= open && line.trim().len() == ticks => {
                fence = None;
                continue;
            }
            _ => {}
        }
        let Some((open, _)) = fence else { continue };
        for include in includes_in(chapter, line) {
            let file = from_root(&include.file);
            let at = format!("{name}:{}", i + 1);
            let caption = (open >= 2 && lines[open - 1].trim().is_empty())
                .then(|| caption_text(lines[open - 2]))
                .flatten();
            let Some(caption) = caption else {
                problems.push(format!(
                    "{at}: the listing of {file} has no caption; above its ``` line put\n    \
                     {CAPTION}{file}</div>\n  and a blank line"
                ));
                continue;
            };
            claimed.insert(open - 2);
            let named = caption.split_whitespace().last().unwrap_or("");
            if named != file {
                problems.push(format!(
                    "{at}: the listing of {file} has the caption \"{caption}\", which names {named:?}"
                ));
            }
            // `cargo run -p lesson-03` above the output of lesson 03, not another lesson's.
            for (start, _) in caption.match_indices("lesson-") {
                let number = caption[start + "lesson-".len()..].get(..2).unwrap_or("");
                if number.chars().all(|c| c.is_ascii_digit())
                    && !file.starts_with(&format!("lessons/{number}-"))
                {
                    problems.push(format!(
                        "{at}: the caption \"{caption}\" names lesson-{number} above {file}"
                    ));
                }
            }
        }
    }
    for (i, line) in lines.iter().enumerate() {
        if caption_text(line).is_some() && !claimed.contains(&i) {
            problems.push(format!(
                "{name}:{}: a caption with no included listing below it (one blank line, then the ``` line)",
                i + 1
            ));
        }
    }
    problems
}

#[test]
fn every_included_listing_has_a_caption_naming_its_file() {
    let mut problems = Vec::new();
    let mut listings = 0;
    for chapter in files_with_extension(&root().join("book/src"), "md") {
        let text = read(&chapter);
        listings += text.matches(CAPTION).count();
        problems.extend(caption_problems(&chapter, &text));
    }
    assert!(
        problems.is_empty(),
        "listings without the right caption:\n{}",
        problems.join("\n")
    );
    assert!(
        listings > 100,
        "only {listings} captions found: is CAPTION right?"
    );
}

/// The check itself, on chapters made to fail: each way a caption can be wrong is reported.
#[test]
fn a_missing_or_wrong_caption_is_reported() {
    let chapter = root().join("book/src/lessons/03-tasks.md");
    let listing = "```rust\n{{#include ../../../lessons/03-tasks/src/main.rs:spawn}}\n```\n";
    let caption = |text: &str| format!("<div class=\"listing-caption\">{text}</div>\n\n");
    let check = |text: &str| caption_problems(&chapter, text);

    let right = caption("lessons/03-tasks/src/main.rs") + listing;
    assert_eq!(check(&right), Vec::<String>::new());
    let output = caption(
        "output of <code>cargo run -p lesson-03</code>, as tested in \
         lessons/03-tasks/tests/snapshots/output__lesson-03.snap",
    ) + "```text\n{{#include ../../../lessons/03-tasks/tests/snapshots/output__lesson-03.snap:4:}}\n```\n";
    assert_eq!(check(&output), Vec::<String>::new());

    let wrong = [
        (listing.to_string(), "has no caption"),
        (
            caption("lessons/03-tasks/src/main.rs")
                .trim_end()
                .to_string()
                + "\n"
                + listing,
            "has no caption",
        ),
        (
            caption("lessons/04-streams/src/main.rs") + listing,
            "which names \"lessons/04-streams/src/main.rs\"",
        ),
        (
            output.replace("lesson-03</code>", "lesson-04</code>"),
            "names lesson-04 above lessons/03-tasks",
        ),
        (
            caption("lessons/03-tasks/src/main.rs") + "Text.\n",
            "a caption with no included listing below it",
        ),
    ];
    for (text, expected) in wrong {
        let problems = check(&text);
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{text}\nshould be reported with \"{expected}\", got {problems:#?}"
        );
    }
}
