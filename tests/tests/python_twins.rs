//! No check against Python is skipped in silence.
//!
//! Each lesson test that runs Python skips quietly when it cannot run here (its note is in the
//! test's captured output, which a passing test never shows). This test finds those tests in
//! the source, asks which of them cannot run here and why, and says so in one line of plain
//! `cargo test` output, written past libtest's capture:
//!
//! ```text
//! python twins: 24 of 24 comparisons skipped: no python3 on PATH (the twins need Python 3.10 or newer; see README, 'Python')
//! ```
//!
//! A test runs Python when its body calls one of [`PYTHON_HELPERS`]; it runs the Python files
//! its body names (its lesson's `original.py` through [`ORIGINAL_HELPERS`], or a string ending
//! in `.py`), whose `# Needs Python X.Y` lines decide whether it can run, as they do when it runs.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use lesson_check::{skip_reason, Skip};
use workspace_checks::root;

/// The lesson-check helpers that run Python: a test that calls one compares with Python.
const PYTHON_HELPERS: [&str; 5] = [
    "python3",
    "python3_command",
    "run_python",
    "run_original",
    "assert_same_output_as_original",
];

/// The helpers that run the lesson's own `original.py`.
const ORIGINAL_HELPERS: [&str; 2] = ["run_original", "assert_same_output_as_original"];

/// Rust source with its comments and the text of its string and char literals blanked out,
/// so that braces and names inside them are not code; and the text of its string literals,
/// each with where it starts in the blanked code.
struct Code {
    code: String,
    strings: Vec<(usize, String)>,
}

impl Code {
    fn new(source: &str) -> Code {
        let chars: Vec<char> = source.chars().collect();
        let mut code = String::new();
        let mut strings = Vec::new();
        let mut i = 0;
        let is_ident = |c: char| c.is_alphanumeric() || c == '_';
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            let after_ident = i > 0 && is_ident(chars[i - 1]);
            if c == '/' && next == Some('/') {
                // Up to the newline, which stays.
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            } else if c == '/' && next == Some('*') {
                let mut depth = 0;
                while i < chars.len() {
                    if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                        depth += 1;
                        i += 2;
                    } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        if chars[i] == '\n' {
                            code.push('\n');
                        }
                        i += 1;
                    }
                }
                code.push(' ');
                continue;
            } else if c == '"'
                || (!after_ident && (c == 'r' || c == 'b') && starts_raw(&chars[i..]))
            {
                // A string: "…" with escapes, or r"…", r#"…"#, b"…", br#"…"#.
                let mut j = i;
                if chars[j] == 'b' {
                    j += 1;
                }
                let raw = chars[j] == 'r';
                if raw {
                    j += 1;
                }
                let hashes = chars[j..].iter().take_while(|&&c| c == '#').count();
                j += hashes + 1;
                let start = j;
                let end = loop {
                    if j >= chars.len() {
                        break j;
                    }
                    if !raw && chars[j] == '\\' {
                        j += 2;
                        continue;
                    }
                    let closes = chars.get(j + 1..j + 1 + hashes);
                    if chars[j] == '"' && closes.is_some_and(|h| h.iter().all(|&c| c == '#')) {
                        break j;
                    }
                    j += 1;
                };
                let text: String = chars[start..end.min(chars.len())].iter().collect();
                code.push_str("\"\"");
                // Keep the line count, for line numbers in messages.
                code.extend(text.matches('\n').map(|_| '\n'));
                strings.push((code.len() - 2 - text.matches('\n').count(), text));
                i = end + 1 + hashes;
                continue;
            } else if c == '\'' && next == Some('\\') {
                // An escaped char literal: '\n', '\'', '\u{7b}'. Past the escaped char, to the end.
                i += 3;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                code.push_str("' '");
            } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
                code.push_str("' '");
                i += 2;
            } else {
                code.push(c);
            }
            i += 1;
        }
        Code { code, strings }
    }

    /// Where `name(` is called (its byte offsets), `name` standing alone as an identifier.
    fn calls(&self, name: &str) -> Vec<usize> {
        let bytes = self.code.as_bytes();
        self.code
            .match_indices(name)
            .map(|(at, _)| at)
            .filter(|&at| {
                let before = at.checked_sub(1).map(|b| bytes[b]);
                let alone = !before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
                let rest = self.code[at + name.len()..].trim_start();
                alone && rest.starts_with('(')
            })
            .collect()
    }
}

/// Whether `chars` starts a raw or byte string: `r"`, `r#`, `b"`, `br"`, `br#`.
fn starts_raw(chars: &[char]) -> bool {
    let rest = match chars {
        ['b', 'r', rest @ ..] | ['r', rest @ ..] => rest,
        ['b', '"', ..] => return true,
        _ => return false,
    };
    let hashes = rest.iter().take_while(|&&c| c == '#').count();
    rest.get(hashes) == Some(&'"')
}

/// A test function that runs Python.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Comparison {
    /// "path/to/tests/output.rs: test_name"
    test: String,
    /// The Python files it runs.
    scripts: Vec<PathBuf>,
}

/// The tests in `source` (the file `file` of the package in `package`) that call a Python
/// helper, with the Python files each runs. An error names each call to a Python helper outside
/// a test function, which this count cannot see through.
fn comparisons_in(source: &str, file: &str, package: &Path) -> Result<Vec<Comparison>, String> {
    let code = Code::new(source);
    // Each test function: (name, where its body starts and ends, whether it is ignored).
    let mut tests = Vec::new();
    for (at, _) in code.code.match_indices("#[test]") {
        let rest = &code.code[at..];
        let fn_at = rest.find("fn ").ok_or("#[test] without fn")?;
        let ignored = rest[..fn_at].contains("#[ignore");
        let name = rest[fn_at + 3..]
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .next()
            .unwrap_or_default()
            .to_string();
        let open = at + rest.find('{').ok_or("a test without a body")?;
        let mut depth = 0;
        let mut close = open;
        for (offset, c) in code.code[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                close = open + offset;
                break;
            }
        }
        tests.push((name, open..close, ignored));
    }
    let mut outside = Vec::new();
    for helper in PYTHON_HELPERS {
        for at in code.calls(helper) {
            if !tests.iter().any(|(_, body, _)| body.contains(&at)) {
                let line = code.code[..at].matches('\n').count() + 1;
                outside.push(format!("{file}:{line}: {helper}("));
            }
        }
    }
    if !outside.is_empty() {
        return Err(format!(
            "Python helpers called outside a #[test] function, where this count cannot see \
             which tests run them; call them in the test itself:\n{}",
            outside.join("\n")
        ));
    }
    let mut found = Vec::new();
    for (name, body, ignored) in tests {
        let calls = |helpers: &[&str]| {
            helpers
                .iter()
                .any(|h| code.calls(h).iter().any(|at| body.contains(at)))
        };
        if ignored || !calls(&PYTHON_HELPERS) {
            continue;
        }
        let mut scripts = BTreeSet::new();
        if calls(&ORIGINAL_HELPERS) {
            scripts.insert(package.join("original.py"));
        }
        for (_, text) in code.strings.iter().filter(|(at, _)| body.contains(at)) {
            if let Some(name) = text
                .strip_suffix(".py")
                .map(|_| text.rsplit('/').next().unwrap())
            {
                scripts.extend(files_named(package, name));
            }
        }
        found.push(Comparison {
            test: format!("{file}: {name}"),
            scripts: scripts.into_iter().collect(),
        });
    }
    Ok(found)
}

/// The files called `name` under `dir`.
fn files_named(dir: &Path, name: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.map(Result::unwrap) {
        let path = entry.path();
        if path.is_dir() && path.file_name() != Some("target".as_ref()) {
            found.extend(files_named(&path, name));
        } else if path.file_name() == Some(name.as_ref()) {
            found.push(path);
        }
    }
    found
}

/// The `.rs` files under `dir`, recursively.
fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.map(Result::unwrap) {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension() == Some("rs".as_ref()) {
            found.push(path);
        }
    }
}

/// Every test in the workspace that runs Python: in the lessons' tests, the crates' and these.
fn all_comparisons() -> Vec<Comparison> {
    let root = root();
    let mut packages = Vec::new();
    for group in ["lessons", "crates"] {
        for entry in std::fs::read_dir(root.join(group)).unwrap() {
            packages.push(entry.unwrap().path());
        }
    }
    packages.push(root.join("tests"));
    packages.sort();
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for package in packages {
        let mut files = Vec::new();
        rust_files(&package.join("tests"), &mut files);
        files.sort();
        for file in files {
            let source = std::fs::read_to_string(&file).unwrap();
            let name = file.strip_prefix(&root).unwrap().display().to_string();
            match comparisons_in(&source, &name, &package) {
                Ok(comparisons) => found.extend(comparisons),
                Err(e) => errors.push(e),
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    found
}

/// Why `comparison` is skipped here, as the helper that runs it decides.
fn skipped(comparison: &Comparison) -> Option<Skip> {
    let skip = skip_reason(None).or_else(|| {
        comparison
            .scripts
            .iter()
            .find_map(|script| skip_reason(Some(script)))
    })?;
    Some(match skip {
        Skip::NeedsNewer {
            script,
            needs,
            have,
        } => Skip::NeedsNewer {
            script: script.strip_prefix(root()).unwrap_or(&script).to_path_buf(),
            needs,
            have,
        },
        other => other,
    })
}

/// The one line that says how many of `total` comparisons were skipped, and why.
fn skip_line(total: usize, skips: &[Skip]) -> String {
    let mut reasons = Vec::new();
    for skip in skips {
        let reason = skip.to_string();
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    format!(
        "python twins: {} of {total} comparisons skipped: {}",
        skips.len(),
        reasons.join("; ")
    )
}

#[test]
fn comparisons_that_cannot_run_here_are_counted_in_plain_sight() {
    let comparisons = all_comparisons();
    let skips: Vec<Skip> = comparisons.iter().filter_map(skipped).collect();
    eprintln!("{} tests compare with Python:", comparisons.len());
    for comparison in &comparisons {
        eprintln!("  {}", comparison.test);
    }
    if !skips.is_empty() {
        // Past libtest's capture, which takes only what print!/eprint! write.
        let line = skip_line(comparisons.len(), &skips);
        std::io::stderr()
            .write_all(format!("{line}\n").as_bytes())
            .unwrap();
    }
}

#[test]
fn every_original_py_is_compared_by_a_test() {
    let comparisons = all_comparisons();
    let run: BTreeSet<&PathBuf> = comparisons.iter().flat_map(|c| &c.scripts).collect();
    for lesson in std::fs::read_dir(root().join("lessons")).unwrap() {
        let original = lesson.unwrap().path().join("original.py");
        if original.exists() {
            assert!(
                run.contains(&original),
                "no test runs {}",
                original.display()
            );
        }
    }
    assert!(comparisons.len() >= 20, "{comparisons:#?}");
}

#[test]
fn every_needs_python_line_is_where_it_is_read() {
    let mut scripts = Vec::new();
    for lesson in std::fs::read_dir(root().join("lessons")).unwrap() {
        scripts.extend(files_named_py(&lesson.unwrap().path()));
    }
    scripts.push(PathBuf::from(lesson_check::python_runner()));
    assert!(scripts.len() >= 15, "{scripts:?}");
    for script in scripts {
        let text = std::fs::read_to_string(&script).unwrap();
        let mentions = text
            .lines()
            .filter(|line| line.trim_start().starts_with("# Needs Python"))
            .count();
        let declared = lesson_check::parse_needs(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", script.display()));
        assert_eq!(
            mentions,
            usize::from(declared.is_some()),
            "{}: a \"# Needs Python\" line is read only among the comments at the top",
            script.display()
        );
    }
}

/// The `.py` files under `dir`.
fn files_named_py(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_named_py(&path));
        } else if path.extension() == Some("py".as_ref()) {
            found.push(path);
        }
    }
    found
}

#[test]
fn lesson_08s_twin_needs_python_3_11_and_says_why() {
    let original = root().join("lessons/08-timeouts-and-cancellation/original.py");
    let needs = lesson_check::needs_python(&original).expect("a # Needs Python line");
    assert_eq!(needs.version, (3, 11));
    assert!(needs.why.contains("TaskGroup"), "{needs:?}");
}

/// A test file with every kind of test the count must tell apart.
const FIXTURE: &str = r####"
//! A doc comment that mentions run_original( is not a call.

fn helper_without_python() -> String {
    let brace = '{';
    let quote = '\'';
    let (open, close) = ('\u{7b}', '}');
    format!("{brace}{quote}{open}{close} python3( in a string is not a call")
}

#[test]
fn compares_with_the_original() {
    lesson_check::assert_same_output_as_original(EXE, env!("CARGO_MANIFEST_DIR"));
}

#[test]
fn asks_python_with_a_script_full_of_braces() {
    let script = r#"
def f():
    return {"a": "}}}"}  # run_python( here is Python, not a call
"#;
    // lesson_check::run_original( in a comment is not a call
    let Some(_) = lesson_check::python3(["-c", script]) else { return };
}

#[test]
fn runs_a_named_script() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/generators.py");
    let Some(_) = lesson_check::python3([script]) else { return };
}

#[test]
fn without_python() {
    let text = "python3_command(\"x\")";
    /* lesson_check::python3(["--version"]); /* nested */ */
    assert!(!helper_without_python().is_empty() && !text.is_empty());
}

#[test]
#[ignore = "run by hand"]
fn ignored_with_python() {
    lesson_check::python3(["--version"]);
}
"####;

#[test]
fn the_count_finds_the_tests_that_call_a_python_helper_and_only_those() {
    let package = root().join("lessons/18-build-an-executor");
    let found = comparisons_in(FIXTURE, "fixture.rs", &package).unwrap();
    assert_eq!(
        found,
        [
            Comparison {
                test: "fixture.rs: compares_with_the_original".into(),
                scripts: vec![package.join("original.py")],
            },
            Comparison {
                test: "fixture.rs: asks_python_with_a_script_full_of_braces".into(),
                scripts: vec![],
            },
            Comparison {
                test: "fixture.rs: runs_a_named_script".into(),
                scripts: vec![package.join("generators.py")],
            },
        ]
    );
}

#[test]
fn a_python_helper_called_outside_a_test_is_refused() {
    let source = "fn run() -> Option<String> {\n    lesson_check::run_original(DIR)\n}\n\n\
                  #[test]\nfn uses_it() {\n    run();\n}\n";
    let error = comparisons_in(source, "f.rs", Path::new("/nowhere")).unwrap_err();
    assert!(error.ends_with("\nf.rs:2: run_original("), "{error}");
}

#[test]
fn the_skip_line_says_how_many_and_why_once_per_reason() {
    let have = lesson_check::Version {
        major: 3,
        minor: 10,
        patch: 14,
    };
    let needs = |script: &str| Skip::NeedsNewer {
        script: script.into(),
        needs: lesson_check::Needs {
            version: (3, 11),
            why: "asyncio.TaskGroup".into(),
        },
        have,
    };
    assert_eq!(
        skip_line(24, &vec![Skip::NoPython; 24]),
        "python twins: 24 of 24 comparisons skipped: no python3 on PATH \
         (the twins need Python 3.10 or newer; see README, 'Python')"
    );
    assert_eq!(
        skip_line(24, &vec![Skip::SkipTwins; 24]),
        "python twins: 24 of 24 comparisons skipped: SKIP_TWINS is set"
    );
    let old = lesson_check::Version {
        major: 3,
        minor: 9,
        patch: 18,
    };
    assert_eq!(
        skip_line(24, &vec![Skip::TooOld(old); 24]),
        "python twins: 24 of 24 comparisons skipped: python3 is 3.9.18 \
         (the twins need Python 3.10 or newer; see README, 'Python')"
    );
    assert_eq!(
        skip_line(
            24,
            &[
                needs("a/original.py"),
                needs("a/original.py"),
                needs("b.py")
            ]
        ),
        "python twins: 3 of 24 comparisons skipped: python3 is 3.10.14, and a/original.py \
         needs Python 3.11 (asyncio.TaskGroup); python3 is 3.10.14, and b.py needs Python \
         3.11 (asyncio.TaskGroup)"
    );
}
