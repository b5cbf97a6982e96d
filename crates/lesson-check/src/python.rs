//! The Python twins: a lesson's asyncio original (`original.py`) run under a virtual-time loop,
//! and the other checks that ask Python itself.
//!
//! Every check against Python goes through [`python3_command`] (or the helpers built on it),
//! which decides whether it can run here. It skips, with a note in the test's captured output,
//! when:
//!
//! - `SKIP_TWINS` is set (to anything but `0`): a student who changed a lesson on purpose
//!   skips every comparison with its twin;
//! - there is no `python3` on `PATH`, or it does not run;
//! - `python3` is older than [`MIN_PYTHON`], 3.10;
//! - a script needs a newer Python, which it declares in a line among the comments at its top:
//!   `# Needs Python 3.11: asyncio.TaskGroup` (see [`parse_needs`]).
//!
//! A note in one test's captured output is easy to miss, so the workspace's `tests/` package
//! counts the skipped comparisons and says so in one line of plain `cargo test` output.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use crate::deadline::{run_with_deadline, DEADLINE};
use crate::{run_lesson, stdout_of};

/// The oldest Python the twins run on: 3.10, still the `python3` of many systems (Ubuntu
/// 22.04, for one). A twin that needs a newer one says so in its first lines.
pub const MIN_PYTHON: (u32, u32) = (3, 10);

/// What a failed comparison with a twin tells the student.
pub const CHANGED_A_LESSON: &str = "If you changed the lesson on purpose, run with \
     SKIP_TWINS=1 (or change original.py to match); see README, 'I changed a lesson'.";

/// A Python version, as `sys.version_info` gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// 3
    pub major: u32,
    /// 10 in 3.10.13
    pub minor: u32,
    /// 13 in 3.10.13
    pub patch: u32,
}

impl Version {
    /// Whether this version is at least `major.minor`.
    pub fn at_least(&self, (major, minor): (u32, u32)) -> bool {
        (self.major, self.minor) >= (major, minor)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The `python3` on `PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Python {
    /// There is none.
    Missing,
    /// There is one, but it fails to report its version (a pyenv shim for a version that is
    /// not installed, say): why.
    Broken(String),
    /// It runs, and is this version.
    Found(Version),
}

/// The `python3` on `PATH`, asked once per test process.
pub fn python() -> &'static Python {
    static PYTHON: OnceLock<Python> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let mut command = Command::new("python3");
        command
            .args([
                "-c",
                "import sys; print('%d.%d.%d' % tuple(sys.version_info[:3]))",
            ])
            .env("PYTHONDONTWRITEBYTECODE", "1");
        let output = match run_with_deadline(&mut command, DEADLINE) {
            Ok(output) => output,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Python::Missing,
            Err(e) => return Python::Broken(format!("it cannot start: {e}")),
        };
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let said = stderr.lines().next().unwrap_or("").trim();
            return Python::Broken(format!("{}: {said}", output.status));
        }
        parse_version(stdout.trim())
            .map(Python::Found)
            .unwrap_or_else(|| Python::Broken(format!("it says its version is {stdout:?}")))
    })
}

/// "3.10.13" as a [`Version`].
fn parse_version(text: &str) -> Option<Version> {
    let mut parts = text.split('.').map(|part| part.parse().ok());
    let version = Version {
        major: parts.next()??,
        minor: parts.next()??,
        patch: parts.next()??,
    };
    parts.next().is_none().then_some(version)
}

/// A script's declaration that it needs a Python newer than [`MIN_PYTHON`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Needs {
    /// The oldest Python it runs on: `(3, 11)`.
    pub version: (u32, u32),
    /// What it uses that older ones lack.
    pub why: String,
}

impl fmt::Display for Needs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (major, minor) = self.version;
        write!(f, "Python {major}.{minor} ({})", self.why)
    }
}

/// Reads the `# Needs Python X.Y: why` line among the comment lines at the top of a Python
/// script (before its first line that is not a comment): `Ok(None)` if there is none.
///
/// # Errors
/// A line there that starts with `# Needs Python` but does not read `# Needs Python X.Y: why`.
pub fn parse_needs(script: &str) -> Result<Option<Needs>, String> {
    for line in script.lines().take_while(|line| line.starts_with('#')) {
        let Some(rest) = line.strip_prefix("# Needs Python") else {
            continue;
        };
        let malformed = || format!("{line:?} does not read \"# Needs Python X.Y: why\"");
        let (version, why) = rest.split_once(':').ok_or_else(malformed)?;
        let (major, minor) = version.trim().split_once('.').ok_or_else(malformed)?;
        let version = (
            major.parse().map_err(|_| malformed())?,
            minor.parse().map_err(|_| malformed())?,
        );
        let why = why.trim().to_string();
        if rest.starts_with(' ') && !why.is_empty() {
            return Ok(Some(Needs { version, why }));
        }
        return Err(malformed());
    }
    Ok(None)
}

/// What the Python script at `path` declares it needs (see [`parse_needs`]).
///
/// # Panics
/// If the file cannot be read, or its `# Needs Python` line is malformed.
pub fn needs_python(path: &Path) -> Option<Needs> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("could not read {}: {e}", path.display()));
    parse_needs(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Whether `SKIP_TWINS` is set (to anything but `0` or nothing).
pub fn skip_twins() -> bool {
    skips_twins(std::env::var_os("SKIP_TWINS").as_deref())
}

/// Whether `SKIP_TWINS` set to `value` skips the twins.
fn skips_twins(value: Option<&OsStr>) -> bool {
    value.is_some_and(|value| !value.is_empty() && value != "0")
}

/// Why a check against Python does not run here.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Skip {
    /// `SKIP_TWINS` is set.
    SkipTwins,
    /// No `python3` on `PATH`.
    NoPython,
    /// `python3` does not run: why.
    Broken(String),
    /// `python3` is older than [`MIN_PYTHON`]: this version.
    TooOld(Version),
    /// The script needs more than `python3` is.
    NeedsNewer {
        /// The script.
        script: PathBuf,
        /// What it needs.
        needs: Needs,
        /// What `python3` is.
        have: Version,
    },
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (major, minor) = MIN_PYTHON;
        let need = format!("the twins need Python {major}.{minor} or newer; see README, 'Python'");
        match self {
            Skip::SkipTwins => write!(f, "SKIP_TWINS is set"),
            Skip::NoPython => write!(f, "no python3 on PATH ({need})"),
            Skip::Broken(why) => write!(f, "python3 does not run ({why}; {need})"),
            Skip::TooOld(have) => write!(f, "python3 is {have} ({need})"),
            Skip::NeedsNewer {
                script,
                needs,
                have,
            } => write!(
                f,
                "python3 is {have}, and {} needs {needs}",
                script.display()
            ),
        }
    }
}

/// Why a check that runs `script` (if any) with `python3` would be skipped here, or `None`
/// when it can run.
pub fn skip_reason(script: Option<&Path>) -> Option<Skip> {
    if skip_twins() {
        return Some(Skip::SkipTwins);
    }
    let have = match python() {
        Python::Missing => return Some(Skip::NoPython),
        Python::Broken(why) => return Some(Skip::Broken(why.clone())),
        Python::Found(have) if !have.at_least(MIN_PYTHON) => return Some(Skip::TooOld(*have)),
        Python::Found(have) => *have,
    };
    let script = script?;
    let needs = needs_python(script)?;
    (!have.at_least(needs.version)).then(|| Skip::NeedsNewer {
        script: script.to_path_buf(),
        needs,
        have,
    })
}

/// A `python3` command with `args` (and `PYTHONDONTWRITEBYTECODE=1`, so that no
/// `__pycache__` is left beside the lessons), or `None`, with a note, when checks against
/// Python do not run here (see [`skip_reason`]). An argument that names a `.py` file is a
/// script whose `# Needs Python` line is honoured.
pub fn python3_command(args: impl IntoIterator<Item = impl AsRef<OsStr>>) -> Option<Command> {
    let args: Vec<OsString> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
    let mut scripts = args
        .iter()
        .map(Path::new)
        .filter(|arg| arg.extension() == Some(OsStr::new("py")) && arg.is_file());
    let skip = scripts
        .find_map(|script| skip_reason(Some(script)))
        .or_else(|| skip_reason(None));
    if let Some(skip) = skip {
        eprintln!("skipping this check against Python: {skip}");
        return None;
    }
    let mut command = Command::new("python3");
    command.args(args).env("PYTHONDONTWRITEBYTECODE", "1");
    Some(command)
}

/// Runs `python3` with `args` (see [`python3_command`]) within [`DEADLINE`] and returns its
/// output, or `None` when checks against Python do not run here.
///
/// # Panics
/// If `python3` cannot start, or does not finish within the deadline.
#[track_caller]
pub fn python3(args: impl IntoIterator<Item = impl AsRef<OsStr>>) -> Option<Output> {
    let mut command = python3_command(args)?;
    Some(
        run_with_deadline(&mut command, DEADLINE)
            .unwrap_or_else(|e| panic!("could not start python3: {e}")),
    )
}

/// Where the Python side finds its virtual-time event loop.
pub fn python_runner() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/py/run_virtual.py")
}

/// Runs an asyncio program (`original.py`) under the virtual-time loop and returns its stdout,
/// or `None` when checks against Python do not run here.
///
/// # Panics
/// Showing stdout and stderr, if the program fails or does not finish within [`DEADLINE`].
#[track_caller]
pub fn run_python(script: impl AsRef<Path>, args: &[&str]) -> Option<String> {
    let script = script.as_ref();
    let runner = [OsStr::new(python_runner()), script.as_os_str()];
    let output = python3(runner.into_iter().chain(args.iter().map(OsStr::new)))?;
    Some(stdout_of(&script.display().to_string(), output))
}

/// Runs the lesson's asyncio original, `original.py` in `lesson_dir` (the lesson's
/// `env!("CARGO_MANIFEST_DIR")`), like [`run_python`].
#[track_caller]
pub fn run_original(lesson_dir: &str) -> Option<String> {
    run_python(Path::new(lesson_dir).join("original.py"), &[])
}

/// Checks that the lesson binary `exe` prints exactly what its asyncio original in
/// `lesson_dir` prints, both run in virtual time.
#[track_caller]
pub fn assert_same_output_as_original(exe: &str, lesson_dir: &str) {
    let lesson = run_lesson(exe, &[]);
    if let Some(python) = run_original(lesson_dir) {
        assert_same_as_twin("the lesson and its original.py", &lesson, &python);
    }
}

/// Checks that `lesson` (what the lesson printed, or a part of it) and `python` (what its
/// twin printed) are the same text; `what` names them in the failure, which shows both, where
/// they first differ, and what to do about it ([`CHANGED_A_LESSON`]).
#[track_caller]
pub fn assert_same_as_twin(what: &str, lesson: &str, python: &str) {
    if lesson == python {
        return;
    }
    let (lesson_lines, python_lines): (Vec<&str>, Vec<&str>) =
        (lesson.lines().collect(), python.lines().collect());
    let line =
        |lines: &[&str], n: usize| format!("{:?}", lines.get(n).copied().unwrap_or("(no line)"));
    let where_ = match (0..lesson_lines.len().max(python_lines.len()))
        .find(|&n| lesson_lines.get(n) != python_lines.get(n))
    {
        Some(n) => format!(
            "the first difference is at line {}:\nlesson: {}\nPython: {}",
            n + 1,
            line(&lesson_lines, n),
            line(&python_lines, n),
        ),
        None => "the lines are the same, the line endings are not".to_string(),
    };
    panic!(
        "{what} print different lines; {where_}\n\
         --- lesson\n{lesson}\n\
         --- Python\n{python}\n\
         ---\n{CHANGED_A_LESSON}"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_needs_line_among_the_first_comments_is_read() {
        let script =
            "#!/usr/bin/env python3\n# Needs Python 3.11: asyncio.TaskGroup\n\"\"\"Doc.\"\"\"\n";
        assert_eq!(
            parse_needs(script),
            Ok(Some(Needs {
                version: (3, 11),
                why: "asyncio.TaskGroup".into()
            }))
        );
    }

    #[test]
    fn a_needs_line_below_the_first_code_is_not_a_declaration() {
        assert_eq!(
            parse_needs("import asyncio\n# Needs Python 3.11: x\n"),
            Ok(None)
        );
        assert_eq!(parse_needs("\"\"\"Needs Python 3.11\"\"\"\n"), Ok(None));
    }

    #[test]
    fn a_malformed_needs_line_is_an_error_not_ignored() {
        for bad in [
            "# Needs Python 3.11\n",
            "# Needs Python 3: x\n",
            "# Needs Python three.eleven: x\n",
            "# Needs Python 3.11:\n",
            "# Needs Python3.11: x\n",
        ] {
            assert!(parse_needs(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn skip_twins_is_on_when_set_to_anything_but_0_or_nothing() {
        for on in ["1", "yes", "true"] {
            assert!(skips_twins(Some(OsStr::new(on))), "{on}");
        }
        assert!(!skips_twins(None));
        assert!(!skips_twins(Some(OsStr::new(""))));
        assert!(!skips_twins(Some(OsStr::new("0"))));
    }

    #[test]
    fn versions_compare_by_major_then_minor() {
        let v = parse_version("3.10.13").unwrap();
        assert_eq!(v.to_string(), "3.10.13");
        assert!(v.at_least((3, 10)));
        assert!(v.at_least((3, 9)));
        assert!(!v.at_least((3, 11)));
        assert!(!parse_version("2.7.18").unwrap().at_least(MIN_PYTHON));
        assert_eq!(parse_version("3.10"), None);
        assert_eq!(parse_version("pyenv: python3: command not found"), None);
    }

    #[test]
    fn a_failed_comparison_says_where_and_what_to_do() {
        let failure = std::panic::catch_unwind(|| {
            assert_same_as_twin("lesson and twin", "a\nb\nc\n", "a\nB\nc\n");
        })
        .expect_err("different outputs fail");
        let message = failure.downcast_ref::<String>().unwrap();
        assert!(
            message.contains("first difference is at line 2:\nlesson: \"b\"\nPython: \"B\""),
            "{message}"
        );
        assert!(message.ends_with(CHANGED_A_LESSON), "{message}");
        assert!(CHANGED_A_LESSON.contains("SKIP_TWINS=1"));
        // A line missing at the end is a difference too.
        let failure = std::panic::catch_unwind(|| assert_same_as_twin("x", "a\n", "a\nb\n"))
            .expect_err("a missing line fails");
        let message = failure.downcast_ref::<String>().unwrap();
        assert!(
            message.contains("line 2:\nlesson: \"(no line)\"\nPython: \"b\""),
            "{message}"
        );
        let failure = std::panic::catch_unwind(|| assert_same_as_twin("x", "a\n", "a"))
            .expect_err("a missing final newline fails");
        let message = failure.downcast_ref::<String>().unwrap();
        assert!(message.contains("the line endings are not"), "{message}");
    }
}
