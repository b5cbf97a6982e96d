//! Building exercises with cargo, and finding the binaries it built.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What to do with cargo's messages (warnings, errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Messages {
    /// Straight to the terminal, in colour, as `cargo build` shows them: for a student.
    Show,
    /// Kept, and returned on failure: for `verify`'s report.
    Keep,
}

/// Builds `packages` in the workspace at `root` (with each one's `solution` feature if
/// `solution`) and returns the executables cargo built. `Err` holds cargo's messages (empty
/// if they were shown).
///
/// Runs `cargo build -q`: cargo finds the target directory (`CARGO_TARGET_DIR`, a config's
/// `build.target-dir`, or `target/`) and says where each binary went, in its JSON messages.
pub fn build(
    root: &Path,
    packages: &[&str],
    solution: bool,
    messages: Messages,
) -> Result<Vec<PathBuf>, String> {
    // `cargo course` runs under `cargo run`, which says which cargo it is.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .args(["build", "-q", "--message-format=json-render-diagnostics"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    for package in packages {
        command.args(["-p", package]);
    }
    if solution {
        let features: Vec<String> = packages.iter().map(|p| format!("{p}/solution")).collect();
        command.args(["--features", &features.join(",")]);
    }
    command.stderr(match messages {
        Messages::Show => Stdio::inherit(),
        Messages::Keep => Stdio::piped(),
    });
    let output = command
        .output()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let json = String::from_utf8_lossy(&output.stdout);
    Ok((json.lines())
        .filter_map(|line| json_string(line, "\"executable\":"))
        .map(PathBuf::from)
        .collect())
}

/// The executable named `name` among `built`.
pub fn executable(built: &[PathBuf], name: &str) -> Option<PathBuf> {
    (built.iter())
        .find(|path| path.file_stem().is_some_and(|stem| stem == name))
        .cloned()
}

/// The string after `key` in a line of JSON (`"executable":"/x/y"` gives `/x/y`), if it is
/// a string (not `null`). Cargo's JSON escapes only `"`, `\` and control characters.
fn json_string(line: &str, key: &str) -> Option<String> {
    let rest = &line[line.find(key)? + key.len()..];
    let mut chars = rest.strip_prefix('"')?.chars();
    let mut text = String::new();
    loop {
        match chars.next()? {
            '"' => return Some(text),
            '\\' => match chars.next()? {
                'n' => text.push('\n'),
                't' => text.push('\t'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    text.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => text.push(other), // `\"`, `\\`, `\/`
            },
            c => text.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_executable_is_read_from_cargos_json() {
        let line = r#"{"reason":"compiler-artifact","target":{"name":"exercise-03a"},"executable":"/t/a \"b\"\\c\u00e9/exercise-03a","fresh":true}"#;
        assert_eq!(
            json_string(line, "\"executable\":").as_deref(),
            Some("/t/a \"b\"\\cé/exercise-03a")
        );
        let library = r#"{"reason":"compiler-artifact","executable":null}"#;
        assert_eq!(json_string(library, "\"executable\":"), None);
        let built = [
            PathBuf::from("/t/exercise-03a"),
            "/t/exercise-03a-solution".into(),
        ];
        assert_eq!(
            executable(&built, "exercise-03a-solution"),
            Some(PathBuf::from("/t/exercise-03a-solution"))
        );
    }
}
