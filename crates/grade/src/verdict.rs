//! What a grader says: each check passed, failed (with a message that teaches), or was not
//! checked; and which chapter to read.

use std::fmt;

use similar::{ChangeTag, TextDiff};

use crate::Language;

/// Where to read about an exercise: a section of a book chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    /// How to name it: `Lesson 03 · Tasks, "In Rust"`.
    pub title: &'static str,
    /// Its page under `book/src`, with the section's anchor: `lessons/03-tasks.md#in-rust`.
    pub page: &'static str,
}

/// How one check went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    /// The run passed it.
    Pass,
    /// The run failed it: what was seen, what was expected, what to do.
    Fail(String),
    /// It could not look: why (say, a check that reads aio's trace, on a Python program).
    NotChecked(String),
}

/// One check's name and how it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// "output", "loop time", …
    pub check: String,
    /// How it went.
    pub mark: Mark,
}

/// A grader's verdict on one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Which program was graded.
    pub language: Language,
    /// Every check, in the grader's order.
    pub outcomes: Vec<Outcome>,
    /// What to read when a check fails.
    pub chapter: Option<Chapter>,
}

impl Verdict {
    /// Whether every check that looked passed (and at least one looked).
    pub fn passed(&self) -> bool {
        let mut looked = (self.outcomes.iter())
            .filter(|o| !matches!(o.mark, Mark::NotChecked(_)))
            .peekable();
        looked.peek().is_some() && looked.all(|o| o.mark == Mark::Pass)
    }

    /// The checks that failed, with their messages.
    pub fn failures(&self) -> impl Iterator<Item = (&str, &str)> {
        self.outcomes.iter().filter_map(|o| match &o.mark {
            Mark::Fail(message) => Some((o.check.as_str(), message.as_str())),
            _ => None,
        })
    }
}

/// How wide the verdict's text is, so that it reads well in a terminal (and in the book).
const WIDTH: usize = 88;

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for outcome in &self.outcomes {
            match &outcome.mark {
                Mark::Pass => writeln!(f, "✓ {}", outcome.check)?,
                Mark::Fail(message) => {
                    let text = format!("✗ {}: {message}", outcome.check);
                    write!(f, "{}", wrap(&text, "    "))?;
                }
                Mark::NotChecked(why) => {
                    let text = format!("· {}: not checked: {why}", outcome.check);
                    write!(f, "{}", wrap(&text, "    "))?;
                }
            }
        }
        if let Some(chapter) = self.chapter.as_ref().filter(|_| !self.passed()) {
            let text = format!("Read {}: book/src/{}", chapter.title, chapter.page);
            write!(f, "\n{}", wrap(&text, "    "))?;
        }
        Ok(())
    }
}

/// `text` wrapped at [`WIDTH`] columns, every line but the first indented by `indent`. Lines
/// that start with two spaces (a diff, an excerpt of output) are kept as they are.
pub(crate) fn wrap(text: &str, indent: &str) -> String {
    let mut out = String::new();
    for (n, paragraph) in text.lines().enumerate() {
        let first = if n == 0 { "" } else { indent };
        if paragraph.starts_with("  ") {
            out.push_str(&format!("{first}{paragraph}\n"));
            continue;
        }
        let mut line = first.to_string();
        for word in words(paragraph) {
            let fresh = line.trim().is_empty();
            if !fresh && line.chars().count() + 1 + word.chars().count() > WIDTH {
                out.push_str(line.trim_end());
                out.push('\n');
                line = indent.to_string();
            } else if !fresh {
                line.push(' ');
            }
            line.push_str(&word);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The words of `paragraph`, keeping a unit with its number ("6.0 s" is one word).
fn words(paragraph: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in paragraph.split(' ') {
        let unit = word.starts_with('s') && word.trim_end_matches([',', '.', ';', ')']) == "s";
        match words.last_mut() {
            Some(number) if unit && number.ends_with(|c: char| c.is_ascii_digit()) => {
                number.push(' ');
                number.push_str(word);
            }
            _ => words.push(word.to_string()),
        }
    }
    words
}

/// How many lines of context the output diff keeps around each change.
const CONTEXT: usize = 2;

/// Compares the output a program printed with the expected one: `Ok` if they are the same
/// text, or the message with a line diff (`-` expected, `+` printed).
pub(crate) fn compare_output(expected: &str, printed: &str) -> Result<(), String> {
    if expected == printed {
        return Ok(());
    }
    if expected.trim_end_matches('\n') == printed.trim_end_matches('\n') {
        return Err(
            "the lines are right, but not the line ending at the end of the output: end \
             every line with a newline (println!, print), and print no empty line after."
                .to_string(),
        );
    }
    let diff = TextDiff::from_lines(expected, printed);
    let mut shown = String::new();
    for (i, group) in diff.grouped_ops(CONTEXT).iter().enumerate() {
        if i > 0 {
            shown.push_str("  …\n");
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let sign = match change.tag() {
                    ChangeTag::Equal => ' ',
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                };
                let line = change.value().trim_end_matches('\n');
                shown.push_str(&format!("  {sign} {line}\n"));
            }
        }
    }
    let (missing, extra) = diff.ops().iter().fold((0, 0), |(m, e), op| {
        let (old, new) = (op.old_range().len(), op.new_range().len());
        match op.tag() {
            similar::DiffTag::Equal => (m, e),
            _ => (m + old, e + new),
        }
    });
    // The first line that differs, spelled out: often all a student needs.
    let (want, got): (Vec<&str>, Vec<&str>) =
        (expected.lines().collect(), printed.lines().collect());
    let n = (0..want.len().max(got.len()))
        .find(|&n| want.get(n) != got.get(n))
        .unwrap_or(0);
    let line = |lines: &[&str]| match lines.get(n) {
        Some(line) => format!("{line:?}"),
        None => "nothing".to_string(),
    };
    Err(format!(
        "it printed something else than expected.txt. Line {}: expected {}, printed {}. In \
         all, {missing} expected {} not printed, {extra} printed {} not expected:\n  \
         (- expected, + printed)\n{}",
        n + 1,
        line(&want),
        line(&got),
        lines(missing),
        lines(extra),
        shown.trim_end_matches('\n')
    ))
}

fn lines(n: usize) -> &'static str {
    if n == 1 {
        "line"
    } else {
        "lines"
    }
}
