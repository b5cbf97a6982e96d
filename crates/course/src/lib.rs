//! `cargo course`: walks a student through the exercises, rustlings-style, grading each on
//! how it ran in virtual time (the graders are in [`exercises`], built with the `grade` crate).
//!
//! The commands (`cargo course --help` says the same):
//!
//! - `cargo course`: grade the first exercise not solved yet; say what passed, what failed and
//!   what to read; show the progress.
//! - `cargo course list`, `check ID [--python]`, `hint ID`, `watch`.
//! - `cargo course verify [ID…]`, for CI: every starting point fails its grader and every
//!   solution passes, in Rust and in Python.

#![warn(missing_docs, missing_debug_implementations)]

pub mod cargo;
pub mod exercises;
pub mod state;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use grade::{Exercise, Language, Verdict};

use cargo::Messages;
use state::{State, Status};

/// What `cargo course --help` prints.
pub const HELP: &str = "\
cargo course: the course's exercises, graded on how they ran.

Usage:
  cargo course                   grade the first exercise not solved yet, say what to read
  cargo course list              every exercise: ✓ solved, ✗ failed, · not graded as it is
  cargo course check ID          grade one exercise (ID as `list` shows it: 03a)
  cargo course check ID --python grade its asyncio version, exercises/ID-*/exercise.py
  cargo course hint ID           a hint for one exercise
  cargo course watch             grade the current exercise each time you save it (Ctrl-C stops)
  cargo course verify [ID...]    for CI: each starting point fails, each solution passes
                                 (--require-python: a Python program it cannot run fails it)
  cargo course --help            this help

Each exercise is a package in exercises/: its src/main.rs is the starting point, with a
comment at the top that says what to achieve, and expected.txt is the exact output wanted.
Grading builds it (cargo build -p exercise-ID) and runs it in virtual time (AIO_CLOCK=virtual),
where sleeps take no real time and durations are exact, with the loop's trace on (AIO_TRACE=1)
and, for the checks that need it, debug mode (AIO_DEBUG). The trace shows how the program ran:
how long on the loop's clock, how many tasks at once, which were cancelled or left running.
A pass is remembered (in target/course/) until the exercise's files change.
The book's page \"Exercises\" explains each check, and how to write an exercise.
";

/// The workspace's root folder.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The course: the exercises, where they are, and what is solved.
#[derive(Debug)]
pub struct Course {
    root: PathBuf,
    exercises: Vec<Exercise>,
    state: State,
}

impl Default for Course {
    fn default() -> Self {
        Course::new()
    }
}

impl Course {
    /// The course in this workspace.
    pub fn new() -> Course {
        Course {
            root: root(),
            exercises: exercises::all(),
            state: State::new(),
        }
    }

    /// The exercise `id`, or a message that lists the ids.
    fn find(&self, id: &str) -> Result<&Exercise, String> {
        let id = id.trim_start_matches("exercise-");
        (self.exercises.iter()).find(|e| e.id == id).ok_or_else(|| {
            let ids: Vec<&str> = self.exercises.iter().map(|e| e.id).collect();
            format!("no exercise {id:?}: the exercises are {}", ids.join(", "))
        })
    }

    /// The exercise's folder, `exercises/03a-tasks`, relative to the root.
    pub fn folder(&self, exercise: &Exercise) -> PathBuf {
        let prefix = format!("{}-", exercise.id);
        let found = std::fs::read_dir(self.root.join("exercises"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .find(|name| name.starts_with(&prefix));
        Path::new("exercises").join(found.unwrap_or(prefix))
    }

    /// The program a student edits, relative to the root.
    fn program(&self, exercise: &Exercise, language: Language) -> PathBuf {
        match language {
            Language::Rust => self.folder(exercise).join("src/main.rs"),
            Language::Python => self.folder(exercise).join(exercise.python.unwrap_or("")),
        }
    }

    fn status(&self, exercise: &Exercise, language: Language) -> Status {
        let dir = self.root.join(self.folder(exercise));
        self.state.status(exercise.id, &dir, language)
    }

    /// Builds and grades the student's program (the Rust one, or `exercise.py`), prints the
    /// verdict, and remembers it. `None` if it could not be graded (does not compile, or no
    /// Python here), having said why.
    fn grade(&self, exercise: &Exercise, language: Language) -> Option<Verdict> {
        let program = self.program(exercise, language);
        println!("Exercise {} · {}", exercise.id, exercise.title);
        println!("{}\n", program.display());
        let verdict = match language {
            Language::Rust => {
                let built = cargo::build(&self.root, &[exercise.package], false, Messages::Show);
                match built.map(|built| cargo::executable(&built, exercise.package)) {
                    Ok(Some(exe)) => exercise.grade(&exe),
                    Ok(None) => {
                        println!("✗ cargo built no binary {}", exercise.package);
                        return None;
                    }
                    Err(_) => {
                        println!(
                            "✗ it does not compile: cargo's errors are above. Fix them, \
                             then grade it again."
                        );
                        self.footer(exercise, language);
                        self.record(exercise, language, false);
                        return None;
                    }
                }
            }
            Language::Python => match exercise.grade_python(&self.root.join(&program)) {
                Ok(verdict) => verdict,
                Err(skip) => {
                    println!("· cannot grade Python programs here: {skip}");
                    return None;
                }
            },
        };
        print!("{verdict}");
        self.record(exercise, language, verdict.passed());
        Some(verdict)
    }

    fn record(&self, exercise: &Exercise, language: Language, passed: bool) {
        let dir = self.root.join(self.folder(exercise));
        self.state.record(exercise.id, &dir, language, passed);
    }

    /// After a failed grade: the hint and how to go on.
    fn footer(&self, exercise: &Exercise, language: Language) {
        let again = match language {
            Language::Rust => format!(
                "`cargo course check {}` (or `cargo course watch`)",
                exercise.id
            ),
            Language::Python => format!("`cargo course check {} --python`", exercise.id),
        };
        println!(
            "\nStuck? `cargo course hint {}`.\nEdit {}, then {again}.",
            exercise.id,
            self.program(exercise, language).display(),
        );
    }

    /// After a pass: what is next, and `then`, what to do with it.
    fn next_after(&self, exercise: &Exercise, then: &str) {
        println!("\nSolved! {} · {}", exercise.id, exercise.title);
        match self.first_unsolved() {
            Some(next) => println!(
                "Next: {} · {}.\nRead the comment at the top of {}, then {then}.",
                next.id,
                next.title,
                self.program(next, Language::Rust).display()
            ),
            None => println!("That was the last one: every exercise is solved."),
        }
    }

    fn first_unsolved(&self) -> Option<&Exercise> {
        (self.exercises.iter()).find(|e| self.status(e, Language::Rust) != Status::Solved)
    }

    /// `Progress: [#####-----] 5/10`.
    fn progress(&self) -> String {
        let total = self.exercises.len();
        let solved = (self.exercises.iter())
            .filter(|e| self.status(e, Language::Rust) == Status::Solved)
            .count();
        let filled = (solved * 10).checked_div(total).unwrap_or(0);
        format!(
            "Progress: [{}{}] {solved}/{total}",
            "#".repeat(filled),
            "-".repeat(10 - filled)
        )
    }

    /// `cargo course`: grades the first exercise not solved yet.
    pub fn next(&self) -> ExitCode {
        let Some(exercise) = self.first_unsolved() else {
            println!(
                "Every exercise is solved. Well done!\n\n{}",
                self.progress()
            );
            return ExitCode::SUCCESS;
        };
        let passed = self
            .grade(exercise, Language::Rust)
            .is_some_and(|v| v.passed());
        if passed {
            self.next_after(exercise, "`cargo course`");
        } else {
            self.footer(exercise, Language::Rust);
        }
        println!("\n{}", self.progress());
        ExitCode::SUCCESS
    }

    /// `cargo course list`.
    pub fn list(&self) -> ExitCode {
        for exercise in &self.exercises {
            let python = match exercise.python {
                Some(_) => format!("python {}", self.status(exercise, Language::Python).mark()),
                None => String::new(),
            };
            println!(
                "{} {}  {:<54} {python}",
                self.status(exercise, Language::Rust).mark(),
                exercise.id,
                exercise.title
            );
        }
        println!(
            "\n✓ solved, ✗ failed, · not graded since it changed\n{}",
            self.progress()
        );
        ExitCode::SUCCESS
    }

    /// `cargo course check ID [--python]`: exits with success if it passes.
    pub fn check(&self, id: &str, language: Language) -> ExitCode {
        let exercise = match self.find(id) {
            Ok(exercise) => exercise,
            Err(message) => return usage_error(&message),
        };
        if language == Language::Python && exercise.python.is_none() {
            return usage_error(&format!("exercise {} has no Python version", exercise.id));
        }
        match self.grade(exercise, language) {
            Some(verdict) if verdict.passed() => {
                self.next_after(exercise, "`cargo course`");
                ExitCode::SUCCESS
            }
            Some(_) => {
                self.footer(exercise, language);
                ExitCode::FAILURE
            }
            None => ExitCode::FAILURE,
        }
    }

    /// `cargo course hint ID`.
    pub fn hint(&self, id: &str) -> ExitCode {
        match self.find(id) {
            Ok(exercise) => {
                println!(
                    "Exercise {} · {}\n\nHint: {}",
                    exercise.id, exercise.title, exercise.hint
                );
                if let Some(chapter) = &exercise.chapter {
                    println!("Read {}: book/src/{}", chapter.title, chapter.page);
                }
                ExitCode::SUCCESS
            }
            Err(message) => usage_error(&message),
        }
    }

    /// `cargo course watch`: grades the current exercise, then again each time its files
    /// change; after a pass, watches the next one.
    pub fn watch(&self) -> ExitCode {
        let Some(mut exercise) = self.first_unsolved() else {
            return self.next();
        };
        loop {
            if std::io::stdout().is_terminal() {
                print!("\x1b[2J\x1b[H"); // Clear the screen, as rustlings does.
            }
            let passed = self
                .grade(exercise, Language::Rust)
                .is_some_and(|v| v.passed());
            if passed {
                self.next_after(exercise, "save it: watch grades it");
                match self.first_unsolved() {
                    Some(next) => exercise = next,
                    None => return ExitCode::SUCCESS,
                }
            } else {
                self.footer(exercise, Language::Rust);
            }
            println!("\n{}", self.progress());
            let folder = self.root.join(self.folder(exercise));
            println!(
                "Watching {}: save a change to grade it again. Ctrl-C to stop.",
                self.folder(exercise).display()
            );
            wait_for_a_change(&folder);
        }
    }

    /// `cargo course verify [ID…]`: every starting point compiles, runs to the end and fails
    /// its grader; every solution passes; in Rust, and in Python where there is a version.
    /// With `require_python`, a Python program that cannot run here is a defect (CI runs
    /// every one); otherwise it is reported and left out.
    pub fn verify(&self, ids: &[String], require_python: bool) -> ExitCode {
        let chosen: Vec<&Exercise> = match ids.is_empty() {
            true => self.exercises.iter().collect(),
            false => match ids.iter().map(|id| self.find(id)).collect() {
                Ok(chosen) => chosen,
                Err(message) => return usage_error(&message),
            },
        };
        let packages: Vec<&str> = chosen.iter().map(|e| e.package).collect();
        let mut verify = Verify {
            require_python,
            ..Verify::default()
        };
        // Every starting point in one build, then every solution: two runs of cargo.
        for solution in [false, true] {
            let built = match cargo::build(&self.root, &packages, solution, Messages::Keep) {
                Ok(built) => built,
                Err(errors) => {
                    let what = if solution {
                        "solutions"
                    } else {
                        "starting points"
                    };
                    println!("✗ the {what} do not compile:\n{errors}");
                    return ExitCode::FAILURE;
                }
            };
            for exercise in &chosen {
                let name = match solution {
                    true => format!("{}-solution", exercise.package),
                    false => exercise.package.to_string(),
                };
                let what = format!(
                    "{} {}",
                    exercise.id,
                    if solution {
                        "solution"
                    } else {
                        "starting point"
                    }
                );
                let verdict = cargo::executable(&built, &name).map(|exe| exercise.grade(&exe));
                verify.judge(&what, Language::Rust, solution, verdict);
            }
        }
        for exercise in chosen.iter().filter(|e| e.python.is_some()) {
            let folder = self.root.join(self.folder(exercise));
            let file = exercise.python.unwrap_or_default();
            for (solution, script) in [
                (false, folder.join(file)),
                (true, folder.join("solution").join(file)),
            ] {
                let what = format!(
                    "{} {} ({})",
                    exercise.id,
                    if solution {
                        "solution"
                    } else {
                        "starting point"
                    },
                    self.relative(&script).display()
                );
                if !script.is_file() {
                    verify.judge(&what, Language::Python, solution, None);
                    continue;
                }
                match exercise.grade_python(&script) {
                    Ok(verdict) => verify.judge(&what, Language::Python, solution, Some(verdict)),
                    Err(skip) => verify.skipped.push(format!("{what}: {skip}")),
                }
            }
        }
        verify.report(chosen.len())
    }

    fn relative<'p>(&self, path: &'p Path) -> &'p Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }
}

/// What `verify` found.
#[derive(Debug, Default)]
struct Verify {
    /// Rust programs graded as they should be.
    rust: usize,
    /// Python programs graded as they should be.
    python: usize,
    /// What is wrong, with the verdict that shows it.
    defects: Vec<String>,
    /// Python programs that could not run here, and why.
    skipped: Vec<String>,
    /// Whether a Python program that could not run is a defect.
    require_python: bool,
}

impl Verify {
    /// A starting point must run to the end and fail some check; a solution must pass.
    fn judge(&mut self, what: &str, language: Language, solution: bool, verdict: Option<Verdict>) {
        let Some(verdict) = verdict else {
            self.defects.push(format!("✗ {what}: not found"));
            return;
        };
        let failed: Vec<&str> = verdict.failures().map(|(check, _)| check).collect();
        let ran = !failed.contains(&"runs to the end");
        let defect = match (solution, verdict.passed()) {
            (true, true) => None,
            (true, false) => Some("the solution fails its grader"),
            (false, true) => Some("the starting point PASSES its grader: the grader cannot fail"),
            (false, false) if !ran => Some("the starting point does not run to the end"),
            (false, false) => None,
        };
        let language_name = match language {
            Language::Rust => "rust",
            Language::Python => "python",
        };
        match defect {
            None => {
                match language {
                    Language::Rust => self.rust += 1,
                    Language::Python => self.python += 1,
                }
                let how = match solution {
                    true => "passes".to_string(),
                    false => format!("fails ({})", failed.join(", ")),
                };
                println!("✓ {language_name:<6} {what}: {how}");
            }
            Some(defect) => {
                println!("✗ {language_name:<6} {what}: {defect}");
                self.defects.push(format!("✗ {what}: {defect}\n{verdict}"));
            }
        }
    }

    fn report(&self, exercises: usize) -> ExitCode {
        let (rust, python) = (self.rust, self.python);
        for skipped in &self.skipped {
            println!("· python {skipped} (not graded)");
        }
        let skips_are_defects = self.require_python && !self.skipped.is_empty();
        if self.defects.is_empty() && !skips_are_defects {
            println!(
                "\nverify: {exercises} exercises, {rust} Rust and {python} Python programs: every \
                 starting point fails its grader and every solution passes{}.",
                match self.skipped.len() {
                    0 => String::new(),
                    n => format!(" ({n} Python programs not graded: see above)"),
                }
            );
            return ExitCode::SUCCESS;
        }
        if skips_are_defects {
            println!(
                "\nverify: {} Python programs not graded, and --require-python is given",
                self.skipped.len()
            );
        }
        if !self.defects.is_empty() {
            println!("\nverify: {} defects:\n", self.defects.len());
            for defect in &self.defects {
                println!("{defect}");
            }
        }
        ExitCode::FAILURE
    }
}

/// Waits until a file in `folder` (but its solution) is saved, created or removed: looks at
/// their modification times and sizes every half second. No dependency, and fast enough to
/// feel instant.
fn wait_for_a_change(folder: &Path) {
    let look = || -> Vec<(PathBuf, Option<SystemTime>, u64)> {
        (state::files(folder).into_iter())
            .map(|file| {
                let meta = std::fs::metadata(&file).ok();
                let modified = meta.as_ref().and_then(|m| m.modified().ok());
                (file, modified, meta.map_or(0, |m| m.len()))
            })
            .collect()
    };
    let before = look();
    while look() == before {
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// A wrong command line: the message, and a status of 2.
pub fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\nFor the commands: cargo course --help");
    ExitCode::from(2)
}
