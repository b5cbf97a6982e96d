//! The corrections in the chapters, the appendix that gathers them, and the list of every
//! claim of the articles are kept in step.
//!
//! - Every box `> **Correction: title.**` in a chapter has an entry `## Title {#id}` in
//!   `appendix-articles.md` whose "In the book" line links to that chapter, and every chapter
//!   an entry links to has a box with that title.
//! - Every claim in `articles.md` that is not correct links to appendix entries, with their
//!   titles as the link text, and each of those entries lists the claim; every claim an entry
//!   lists links back to it. A correct claim links nowhere.
//! - The counts that `articles.md` states are the counts of its rows.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use workspace_checks::read;

fn book() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("book/src")
}

const APPENDIX: &str = "appendix-articles.md";
const CLAIMS: &str = "articles.md";
const VERDICTS: [&str; 4] = ["correct", "wrong", "outdated", "misleading"];

/// A title as compared: the first letter in lower case (a box says "there is no …", its
/// heading "There is no …").
fn key(title: &str) -> String {
    let mut chars = title.trim().chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The chapters: every markdown file under `book/src` but the appendix, the list of claims
/// and the introduction (whose example box has no title), as paths relative to `book/src`.
fn chapters() -> Vec<String> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "md") {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&book(), &mut found);
    let mut chapters: Vec<String> = found
        .iter()
        .map(|path| {
            path.strip_prefix(book())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|path| ![APPENDIX, CLAIMS, "introduction.md"].contains(&path.as_str()))
        .collect();
    chapters.sort();
    chapters
}

/// The titles of the correction boxes in `text`: each block quote that starts with
/// `**Correction: `, its title up to the closing `**`, without its final full stop.
fn boxes(text: &str) -> Vec<String> {
    let mut quotes = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match line.strip_prefix('>') {
            Some(rest) => {
                let quote = current.get_or_insert_with(String::new);
                quote.push(' ');
                quote.push_str(rest.trim());
            }
            None => quotes.extend(current.take()),
        }
    }
    quotes.extend(current);
    quotes
        .iter()
        .filter_map(|quote| {
            let rest = quote.trim().strip_prefix("**Correction: ")?;
            let end = rest
                .find("**")
                .unwrap_or_else(|| panic!("a correction's title is not closed: {quote}"));
            Some(rest[..end].trim().trim_end_matches('.').to_string())
        })
        .collect()
}

/// An entry of the appendix.
#[derive(Debug)]
struct Entry {
    title: String,
    id: String,
    /// The chapters its "In the book" paragraph links to, relative to `book/src`.
    chapters: Vec<String>,
    /// The claims it lists, like "A1.8".
    claims: Vec<String>,
}

/// The targets of the markdown links in `text`: `[text](target)`.
fn link_targets(text: &str) -> Vec<String> {
    text.match_indices("](")
        .filter_map(|(at, _)| {
            let rest = &text[at + 2..];
            Some(rest[..rest.find(')')?].to_string())
        })
        .collect()
}

/// The links in `text` with their text: `[text](target)` as (text, target).
fn links(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let Some(close) = after.find("](") else { break };
        let target_start = &after[close + 2..];
        let Some(end) = target_start.find(')') else {
            break;
        };
        found.push((after[..close].to_string(), target_start[..end].to_string()));
        rest = &target_start[end + 1..];
    }
    found
}

fn entries() -> Vec<Entry> {
    let text = read(book().join(APPENDIX));
    let mut entries = Vec::new();
    for section in text.split("\n## ").skip(1) {
        let (heading, body) = section.split_once('\n').unwrap_or((section, ""));
        let (title, id) = heading
            .trim()
            .strip_suffix('}')
            .and_then(|h| h.rsplit_once(" {#"))
            .unwrap_or_else(|| panic!("{APPENDIX}: the heading `## {heading}` has no {{#id}}"));
        let in_the_book = body
            .split("\n\n")
            .find(|paragraph| paragraph.trim_start().starts_with("**In the book:**"))
            .unwrap_or_else(|| panic!("{APPENDIX}: `{title}` has no \"In the book\" line"));
        let claims = body
            .lines()
            .filter_map(|line| line.strip_prefix("- **"))
            .filter_map(|rest| rest.split_once("**").map(|(id, _)| id.to_string()))
            .collect();
        entries.push(Entry {
            title: title.trim().to_string(),
            id: id.to_string(),
            chapters: link_targets(in_the_book),
            claims,
        });
    }
    entries
}

/// A row of the list of claims.
#[derive(Debug)]
struct Claim {
    id: String,
    verdict: String,
    /// The appendix entries it links to: (link text, entry id).
    corrections: Vec<(String, String)>,
}

fn claims() -> Vec<Claim> {
    let text = read(book().join(CLAIMS));
    let mut claims = Vec::new();
    for line in text.lines().filter(|line| line.starts_with("| A")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        assert_eq!(
            cells.len(),
            4,
            "{CLAIMS}: a row that is not `| id | claim | verdict | corrected in |`:\n{line}"
        );
        let corrections = links(cells[3])
            .into_iter()
            .map(|(text, target)| {
                let id = target
                    .strip_prefix(&format!("{APPENDIX}#"))
                    .unwrap_or_else(|| {
                        panic!(
                            "{CLAIMS}: {} links to {target}, not to an entry of {APPENDIX}",
                            cells[0]
                        )
                    });
                (text, id.to_string())
            })
            .collect();
        claims.push(Claim {
            id: cells[0].to_string(),
            verdict: cells[2].to_string(),
            corrections,
        });
    }
    claims
}

#[test]
fn every_correction_box_has_its_entry_in_the_appendix_and_back() {
    let entries = entries();
    let mut by_title: BTreeMap<String, &Entry> = BTreeMap::new();
    let mut ids = BTreeSet::new();
    let mut problems = Vec::new();
    for entry in &entries {
        if by_title.insert(key(&entry.title), entry).is_some() {
            problems.push(format!(
                "{APPENDIX}: two entries are titled `{}`",
                entry.title
            ));
        }
        if !ids.insert(entry.id.as_str()) {
            problems.push(format!("{APPENDIX}: two entries have the id {}", entry.id));
        }
        if entry.chapters.is_empty() {
            problems.push(format!("{APPENDIX}: `{}` links to no chapter", entry.title));
        }
    }

    let mut boxes_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for chapter in chapters() {
        let titles = boxes(&read(book().join(&chapter)));
        for title in titles {
            match by_title.get(&key(&title)) {
                None => problems.push(format!(
                    "{chapter}: the box `Correction: {title}` has no entry in {APPENDIX}"
                )),
                Some(entry) if !entry.chapters.contains(&chapter) => problems.push(format!(
                    "{APPENDIX}: `{}` does not link to {chapter}, which has its box",
                    entry.title
                )),
                Some(_) => {}
            }
            boxes_of
                .entry(chapter.clone())
                .or_default()
                .insert(key(&title));
        }
    }
    for entry in &entries {
        for chapter in &entry.chapters {
            let has = boxes_of
                .get(chapter)
                .is_some_and(|titles| titles.contains(&key(&entry.title)));
            if !has {
                problems.push(format!(
                    "{APPENDIX}: `{}` links to {chapter}, which has no box `Correction: {}`",
                    entry.title,
                    key(&entry.title)
                ));
            }
        }
    }
    let total: usize = boxes_of.values().map(BTreeSet::len).sum();
    assert!(
        total >= 40,
        "only {total} correction boxes found: is the box format still `> **Correction: title.**`?"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_claim_that_is_not_correct_links_to_the_entry_that_lists_it() {
    let entries = entries();
    let by_id: BTreeMap<&str, &Entry> = entries.iter().map(|e| (e.id.as_str(), e)).collect();
    let claims = claims();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for claim in &claims {
        if !seen.insert(claim.id.as_str()) {
            problems.push(format!("{CLAIMS}: two claims are numbered {}", claim.id));
        }
        if !VERDICTS.contains(&claim.verdict.as_str()) {
            problems.push(format!(
                "{CLAIMS}: {} has the verdict `{}`, not one of {VERDICTS:?}",
                claim.id, claim.verdict
            ));
        }
        let correct = claim.verdict == "correct";
        if correct != claim.corrections.is_empty() {
            problems.push(format!(
                "{CLAIMS}: {} is {} but links to {} correction(s)",
                claim.id,
                claim.verdict,
                claim.corrections.len()
            ));
        }
        for (text, id) in &claim.corrections {
            let Some(entry) = by_id.get(id.as_str()) else {
                problems.push(format!(
                    "{CLAIMS}: {} links to #{id}, which is no entry",
                    claim.id
                ));
                continue;
            };
            if key(text) != key(&entry.title) {
                problems.push(format!(
                    "{CLAIMS}: {} links to #{id} as `{text}`, but the entry is titled `{}`",
                    claim.id, entry.title
                ));
            }
            if !entry.claims.contains(&claim.id) {
                problems.push(format!(
                    "{APPENDIX}: `{}` does not list {}, which links to it",
                    entry.title, claim.id
                ));
            }
        }
    }
    for entry in &entries {
        if entry.claims.is_empty() {
            problems.push(format!("{APPENDIX}: `{}` lists no claim", entry.title));
        }
        for listed in &entry.claims {
            let links_back = claims.iter().any(|claim| {
                &claim.id == listed && claim.corrections.iter().any(|(_, id)| *id == entry.id)
            });
            if !links_back {
                problems.push(format!(
                    "{APPENDIX}: `{}` lists {listed}, which does not link to #{}",
                    entry.title, entry.id
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_counts_of_claims_are_the_counts_of_the_rows() {
    let claims = claims();
    let count = |verdict: &str| claims.iter().filter(|c| c.verdict == verdict).count();
    let correct = count("correct");
    let counted = [
        claims.len(),
        correct,
        claims.len() - correct,
        count("wrong"),
        count("outdated"),
        count("misleading"),
    ];
    let text = read(book().join(CLAIMS));
    let stated = text
        .split_once("<!-- counts -->")
        .and_then(|(_, rest)| rest.split_once("<!-- /counts -->"))
        .map(|(sentence, _)| sentence)
        .unwrap_or_else(|| panic!("{CLAIMS} has no <!-- counts --> … <!-- /counts --> sentence"));
    let numbers: Vec<usize> = stated
        .split(|c: char| !c.is_ascii_digit())
        .filter(|part| !part.is_empty())
        .map(|part| part.parse().unwrap())
        .collect();
    assert_eq!(
        numbers, counted,
        "{CLAIMS} says (total, correct, corrected, wrong, outdated, misleading) = {numbers:?}; \
         its rows count {counted:?}:\n{stated}"
    );
    assert!(claims.len() > 100, "only {} claims found", claims.len());
}
