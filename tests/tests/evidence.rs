//! What the book says each Python version does is what those Pythons print.
//!
//! Each `book/evidence/NAME.py` prints one row of the table `book/evidence/NAME.md` for the
//! Python that runs it (`python -W default NAME.py`), and a chapter includes the table. The
//! first test reruns every script under `python3` and under every other Python 3 it finds
//! (pyenv's installs, one per minor version, and `python3.N` on `PATH`), and compares what it
//! prints with the committed row for that minor version. A row that no Python here can rerun
//! is named in one line of plain `cargo test` output, and so is a Python the table has no row
//! for. `UPDATE_EVIDENCE=1` writes the rows of the Pythons it ran instead of comparing.
//!
//! The second test compiles the articles' listings, as printed (`book/evidence/listings/`),
//! with `python3`, and compares what the compiler says with `book/evidence/listings.md`.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use lesson_check::{run_with_deadline, DEADLINE};

fn evidence_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("book/evidence")
}

fn updating() -> bool {
    std::env::var_os("UPDATE_EVIDENCE").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Says `line` in plain `cargo test` output, past libtest's capture (which takes only what
/// `print!`/`eprint!` write).
fn say(line: &str) {
    std::io::stderr()
        .write_all(format!("{line}\n").as_bytes())
        .unwrap();
}

/// The per-version scripts: every `NAME.py` in `book/evidence` but `listings.py`.
fn scripts() -> Vec<PathBuf> {
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(evidence_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "py"))
        .filter(|path| path.file_stem().is_some_and(|s| s != "listings"))
        .collect();
    scripts.sort();
    assert!(
        scripts.len() >= 7,
        "the evidence scripts are missing: {scripts:?}"
    );
    scripts
}

/// A Python 3 to rerun the scripts with.
#[derive(Debug)]
struct Interpreter {
    /// How to start it (`python3`, or a path).
    command: OsString,
    /// Its version, "3.12.1".
    version: String,
}

impl Interpreter {
    /// "3.12" of "3.12.1".
    fn minor(&self) -> String {
        minor_of(&self.version)
    }

    fn command(&self, script: &Path) -> Command {
        let mut command = Command::new(&self.command);
        command
            .arg("-W")
            .arg("default")
            .arg(script)
            .env("PYTHONDONTWRITEBYTECODE", "1");
        command
    }
}

/// "3.12" of "3.12.1" (or of "3.12").
fn minor_of(version: &str) -> String {
    version.split('.').take(2).collect::<Vec<_>>().join(".")
}

/// The version `command` reports, if it runs at all.
fn version_of(command: &OsString) -> Option<String> {
    let output = run_with_deadline(
        Command::new(command).args([
            "-c",
            "import sys; print('%d.%d.%d' % tuple(sys.version_info[:3]))",
        ]),
        DEADLINE,
    )
    .ok()?;
    let version = String::from_utf8(output.stdout).ok()?.trim().to_string();
    (output.status.success() && version.starts_with("3.")).then_some(version)
}

/// Where pyenv keeps its Pythons: `$PYENV_ROOT/versions`, else `~/.pyenv/versions`.
fn pyenv_versions() -> Option<PathBuf> {
    let root = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".pyenv")))?;
    Some(root.join("versions"))
}

/// Every Python 3 found besides `python3`: the newest pyenv install of each minor version
/// (plain `3.N.M` folders only), then `python3.N` on `PATH` for each minor version in
/// `wanted` that pyenv does not have. One per minor version.
fn other_pythons(wanted: &[String]) -> Vec<Interpreter> {
    // Keyed by (major, minor), so that 3.9 comes before 3.10.
    let mut found: BTreeMap<(u32, u32), Interpreter> = BTreeMap::new();
    if let Some(Ok(entries)) = pyenv_versions().map(std::fs::read_dir) {
        let mut installs: Vec<PathBuf> = entries.map(|entry| entry.unwrap().path()).collect();
        installs.sort();
        for install in installs {
            let name = install.file_name().unwrap().to_string_lossy().into_owned();
            let plain = name.split('.').count() == 3
                && name
                    .split('.')
                    .all(|p| p.chars().all(|c| c.is_ascii_digit()));
            let python = install.join("bin/python3");
            if !name.starts_with("3.") || !plain || !python.exists() {
                continue;
            }
            let command = python.into_os_string();
            if let Some(version) = version_of(&command) {
                let interpreter = Interpreter { command, version };
                let key = minor_key(&interpreter.minor());
                let newer = found
                    .get(&key)
                    .is_none_or(|known| patch_of(&known.version) < patch_of(&interpreter.version));
                if newer {
                    found.insert(key, interpreter);
                }
            }
        }
    }
    for minor in wanted {
        if found.contains_key(&minor_key(minor)) {
            continue;
        }
        let command = OsString::from(format!("python{minor}"));
        if let Some(version) = version_of(&command) {
            found.insert(minor_key(minor), Interpreter { command, version });
        }
    }
    found.into_values().collect()
}

fn patch_of(version: &str) -> u32 {
    version.rsplit('.').next().unwrap().parse().unwrap_or(0)
}

/// A table's version rows: "3.12" → the whole row, `| 3.12.1 | … |`.
fn version_rows(table: &str) -> BTreeMap<(u32, u32), String> {
    table
        .lines()
        .filter_map(|line| {
            let version = line.strip_prefix("| 3.")?.split(' ').next()?;
            let minor: u32 = version.split('.').next()?.parse().ok()?;
            Some(((3, minor), line.to_string()))
        })
        .collect()
}

/// The cells of a row after the first (the version).
fn results(row: &str) -> &str {
    row.trim_start_matches('|')
        .split_once('|')
        .map_or("", |(_, rest)| rest.trim())
}

fn minor_key(minor: &str) -> (u32, u32) {
    let (major, minor) = minor.split_once('.').unwrap();
    (major.parse().unwrap(), minor.parse().unwrap())
}

/// `table` with its version rows replaced by `rows`, in version order, after its header.
fn with_rows(table: &str, rows: &BTreeMap<(u32, u32), String>) -> String {
    let mut out: Vec<String> = table
        .lines()
        .filter(|line| !line.starts_with("| 3."))
        .map(str::to_string)
        .collect();
    out.extend(rows.values().cloned());
    out.join("\n") + "\n"
}

#[test]
fn every_version_row_is_what_that_python_prints() {
    // `python3` first, through the helper that decides whether checks against Python run here.
    let mut pythons = Vec::new();
    let mut skipped = Vec::new();
    match lesson_check::python3_command(["-c", "pass"]) {
        Some(_) => match lesson_check::python() {
            lesson_check::Python::Found(version) => pythons.push(Interpreter {
                command: "python3".into(),
                version: version.to_string(),
            }),
            other => skipped.push(format!("python3 ({other:?})")),
        },
        None => skipped.push("python3 (see the note above)".to_string()),
    }
    let scripts = scripts();
    let mut tables: Vec<(PathBuf, String)> = scripts
        .iter()
        .map(|script| {
            let table = script.with_extension("md");
            let text = std::fs::read_to_string(&table)
                .unwrap_or_else(|e| panic!("{}: {e}", table.display()));
            (table, text)
        })
        .collect();
    // The minor versions the tables have rows for, each once, in order.
    let wanted: Vec<String> = tables
        .iter()
        .flat_map(|(_, text)| version_rows(text).into_keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|(major, minor)| format!("{major}.{minor}"))
        .collect();
    for other in other_pythons(&wanted) {
        if !pythons.iter().any(|p| p.version == other.version) {
            pythons.push(other);
        }
    }
    assert!(
        !pythons.is_empty() || !skipped.is_empty(),
        "no Python at all, and nothing said why"
    );

    // Every script under every Python, one thread per Python: most of the time is spent
    // starting interpreters.
    let outputs: Vec<Vec<std::process::Output>> = std::thread::scope(|scope| {
        let runs: Vec<_> = pythons
            .iter()
            .map(|python| {
                let scripts = &scripts;
                scope.spawn(move || {
                    scripts
                        .iter()
                        .map(|script| {
                            run_with_deadline(&mut python.command(script), DEADLINE).unwrap_or_else(
                                |e| panic!("could not start {:?}: {e}", python.command),
                            )
                        })
                        .collect()
                })
            })
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).collect()
    });

    let mut problems = Vec::new();
    let mut no_row = Vec::new();
    for (i, (script, (table, text))) in scripts.iter().zip(tables.iter_mut()).enumerate() {
        let mut rows = version_rows(text);
        for (python, outputs) in pythons.iter().zip(&outputs) {
            let output = &outputs[i];
            let stdout = String::from_utf8_lossy(&output.stdout);
            let printed = stdout.trim();
            if !output.status.success() || !printed.starts_with(&format!("| {} |", python.version))
            {
                problems.push(format!(
                    "{} under Python {} ({}) failed or printed no row:\n{printed}\n{}",
                    script.display(),
                    python.version,
                    python.command.to_string_lossy(),
                    String::from_utf8_lossy(&output.stderr)
                ));
                continue;
            }
            let key = minor_key(&python.minor());
            if updating() {
                rows.insert(key, printed.to_string());
                continue;
            }
            match rows.get(&key) {
                None => no_row.push(format!("{} in {}", python.version, table.display())),
                Some(committed) if results(committed) != results(printed) => {
                    problems.push(format!(
                        "{}: Python {} ({}) prints\n  {printed}\nbut the book shows\n  {committed}",
                        table.display(),
                        python.version,
                        python.command.to_string_lossy(),
                    ));
                }
                Some(_) => {}
            }
        }
        if updating() {
            *text = with_rows(text, &rows);
            std::fs::write(&*table, &*text).unwrap();
        }
    }

    let rerun: Vec<&str> = pythons.iter().map(|p| p.version.as_str()).collect();
    eprintln!("evidence rows rerun under Python {}", rerun.join(", "));
    let minors: Vec<String> = pythons.iter().map(Interpreter::minor).collect();
    let mut not_rerun: Vec<&String> = wanted.iter().filter(|m| !minors.contains(m)).collect();
    not_rerun.sort_by_key(|minor| minor_key(minor));
    not_rerun.dedup();
    if !not_rerun.is_empty() || !skipped.is_empty() {
        let names: Vec<String> = not_rerun.iter().map(|m| format!("Python {m}")).collect();
        say(&format!(
            "book evidence: rows not rerun here, for want of {} (looked for python3, in {} and for python3.N on PATH)",
            names.into_iter().chain(skipped).collect::<Vec<_>>().join(", "),
            pyenv_versions().map_or("pyenv's versions".into(), |p| p.display().to_string()),
        ));
    }
    if !no_row.is_empty() {
        no_row.sort();
        no_row.dedup();
        say(&format!(
            "book evidence: no row to compare with for {} (UPDATE_EVIDENCE=1 adds them)",
            no_row.join(", ")
        ));
    }
    assert!(
        problems.is_empty(),
        "{}\n\nIf the book is what should change, rerun with UPDATE_EVIDENCE=1 and update the \
         chapters that describe these tables.",
        problems.join("\n\n")
    );
}

#[test]
fn the_articles_listings_do_not_compile_as_the_book_says() {
    let script = evidence_dir().join("listings.py");
    let Some(mut command) = lesson_check::python3_command([
        OsString::from("-W"),
        "default".into(),
        script.clone().into_os_string(),
    ]) else {
        return;
    };
    let output = run_with_deadline(&mut command, DEADLINE).unwrap();
    let printed = lesson_check::stdout_of("listings.py", output);
    let table_path = evidence_dir().join("listings.md");
    let table = std::fs::read_to_string(&table_path).unwrap();
    let rows = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|line| line.starts_with("| `"))
            .map(str::to_string)
            .collect()
    };
    let listed: Vec<String> = std::fs::read_dir(evidence_dir().join("listings"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(rows(&printed).len(), listed.len(), "one row per listing");
    if updating() {
        let header: Vec<&str> = table.lines().filter(|l| !l.starts_with("| `")).collect();
        std::fs::write(&table_path, header.join("\n") + "\n" + &printed).unwrap();
        return;
    }
    assert_eq!(
        rows(&table),
        rows(&printed),
        "{} is not what python3 says of the listings (UPDATE_EVIDENCE=1 rewrites it)",
        table_path.display()
    );
    // Not one of them is a program that runs as printed: the two that compile do nothing
    // (a fragment, and a function that nobody calls), which the book says.
    let compiling = rows(&table)
        .iter()
        .filter(|row| row.ends_with("| compiles |"))
        .count();
    assert_eq!(compiling, 2, "the book says two listings compile");
}
