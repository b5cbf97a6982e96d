//! What the student has solved: the last grade of each exercise, remembered until its files
//! (or the graders) change, so that `cargo course` does not rebuild and rerun every exercise.

use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use grade::Language;

/// How an exercise stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Its files, as they are, passed.
    Solved,
    /// Its files, as they are, failed.
    Failed,
    /// Not graded since its files last changed.
    NotGraded,
}

impl Status {
    /// ✓, ✗ or ·.
    pub fn mark(self) -> &'static str {
        match self {
            Status::Solved => "✓",
            Status::Failed => "✗",
            Status::NotGraded => "·",
        }
    }
}

/// The last grades, one small file per exercise and language in `target/course/`.
#[derive(Debug)]
pub struct State {
    dir: PathBuf,
}

impl State {
    /// The state beside this program's binary: `<target>/course/`, in the target directory
    /// cargo built `course` in (so `CARGO_TARGET_DIR` is respected, and `cargo clean` forgets).
    pub fn new() -> State {
        let exe = std::env::current_exe().unwrap_or_default();
        let target = exe
            .parent()
            .and_then(Path::parent)
            .unwrap_or(Path::new("target"));
        State {
            dir: target.join("course"),
        }
    }

    /// How the exercise in `dir` stands in `language`.
    pub fn status(&self, id: &str, dir: &Path, language: Language) -> Status {
        let said = fs::read_to_string(self.file(id, language)).unwrap_or_default();
        let fingerprint = fingerprint(dir, language);
        match said.split_once(' ') {
            Some(("pass", seen)) if seen == fingerprint => Status::Solved,
            Some(("fail", seen)) if seen == fingerprint => Status::Failed,
            _ => Status::NotGraded,
        }
    }

    /// Remembers a grade of the exercise in `dir`, as its files are now.
    pub fn record(&self, id: &str, dir: &Path, language: Language, passed: bool) {
        let grade = if passed { "pass" } else { "fail" };
        let line = format!("{grade} {}", fingerprint(dir, language));
        // Nothing is lost if it cannot be written: the exercise is graded again next time.
        let _ = fs::create_dir_all(&self.dir);
        let _ = fs::write(self.file(id, language), line);
    }

    fn file(&self, id: &str, language: Language) -> PathBuf {
        let language = match language {
            Language::Rust => "rust",
            Language::Python => "python",
        };
        self.dir.join(format!("{id}-{language}"))
    }
}

impl Default for State {
    fn default() -> Self {
        State::new()
    }
}

/// A hash of what decides a grade: the exercise's files that the student edits (not its
/// solution, and for each language only its own program), and the graders themselves, which
/// are compiled into this binary.
fn fingerprint(dir: &Path, language: Language) -> String {
    let mut hasher = DefaultHasher::new();
    graders().hash(&mut hasher);
    for file in files(dir) {
        let is_python = file.extension().is_some_and(|e| e == "py");
        if is_python != (language == Language::Python) && !file.ends_with("expected.txt") {
            continue;
        }
        file.hash(&mut hasher);
        fs::read(&file).unwrap_or_default().hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}

/// A hash of this program's own binary, read once.
fn graders() -> u64 {
    static GRADERS: OnceLock<u64> = OnceLock::new();
    *GRADERS.get_or_init(|| {
        let mut hasher = DefaultHasher::new();
        let exe = std::env::current_exe().and_then(fs::read);
        exe.unwrap_or_default().hash(&mut hasher);
        hasher.finish()
    })
}

/// The files of the exercise in `dir` that a student may edit, sorted: all but the solution.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if name == "solution" || name == "target" || name == "__pycache__" {
                continue;
            }
            if path.is_dir() {
                folders.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}
