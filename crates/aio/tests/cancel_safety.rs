//! Every future `aio` exports says in its rustdoc what dropping it before it completes loses:
//! a line "Cancel safety: ..." (lesson 19 shows why that matters when futures race). This test
//! reads the sources: each `pub struct` that implements `Future` or `Stream`, and each
//! `pub async fn`, must have that line in its doc comment.

use std::fs;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The doc comment above line `at`: the `///` lines, skipping attributes and ANCHOR markers.
fn doc_above(lines: &[&str], at: usize) -> String {
    let mut doc = Vec::new();
    for line in lines[..at].iter().rev().map(|l| l.trim()) {
        if let Some(text) = line.strip_prefix("///") {
            doc.push(text);
        } else if !(line.starts_with("#[") || line.starts_with("// ANCHOR")) {
            break;
        }
    }
    doc.reverse();
    doc.join("\n")
}

/// The name after "Future for " or "Stream for " in an `impl` line, if it is one.
fn implemented_for(line: &str) -> Option<&str> {
    let line = line.trim();
    if !line.starts_with("impl") {
        return None;
    }
    let rest = ["Future for ", "Stream for "]
        .iter()
        .find_map(|t| line.split_once(t).map(|(_, rest)| rest))?;
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    Some(&rest[..end])
}

#[test]
fn every_exported_future_says_what_dropping_it_loses() {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let texts: Vec<(PathBuf, String)> = files
        .into_iter()
        .map(|f| {
            let text = fs::read_to_string(&f).unwrap();
            (f, text)
        })
        .collect();
    // Each `pub struct`'s doc comment, by name, read once.
    let mut struct_docs = std::collections::HashMap::new();
    for (file, text) in &texts {
        let lines: Vec<&str> = text.lines().collect();
        for (at, line) in lines.iter().enumerate() {
            let Some(rest) = line.trim().strip_prefix("pub struct ") else {
                continue;
            };
            let name = rest.split(['<', ' ', ';', '(']).next().unwrap();
            struct_docs.insert(name.to_string(), (file.clone(), doc_above(&lines, at)));
        }
    }
    let mut checked = Vec::new();
    let mut missing = Vec::new();
    for (file, text) in &texts {
        let lines: Vec<&str> = text.lines().collect();
        for line in &lines {
            let Some(name) = implemented_for(line) else {
                continue;
            };
            if let Some((f, doc)) = struct_docs.get(name) {
                checked.push(name.to_string());
                if !doc.contains("Cancel safety:") {
                    missing.push(format!("{name} ({})", f.display()));
                }
            }
        }
        for (at, line) in lines.iter().enumerate() {
            let Some(rest) = line.trim().strip_prefix("pub async fn ") else {
                continue;
            };
            let name = rest.split(['(', '<']).next().unwrap();
            checked.push(name.to_string());
            if !doc_above(&lines, at).contains("Cancel safety:") {
                missing.push(format!("async fn {name} ({}:{})", file.display(), at + 1));
            }
        }
    }
    assert!(
        checked.len() > 30,
        "found only {checked:?}: is the scan broken?"
    );
    assert!(
        missing.is_empty(),
        "these exported futures have no \"Cancel safety:\" line in their rustdoc:\n  {}",
        missing.join("\n  ")
    );
}
