//! The lesson prints exactly what the book shows, and what its asyncio original prints; and
//! the setting the seed article names does not exist.

use std::process::Command;

#[test]
fn output_matches_snapshot() {
    let output = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-12"), &[]);
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!("lesson-12", output);
    });
}

#[test]
fn output_matches_the_asyncio_original() {
    let rust = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-12"), &[]);
    let original = concat!(env!("CARGO_MANIFEST_DIR"), "/original.py");
    if let Some(python) = lesson_check::run_python(original, &[]) {
        assert_eq!(rust, python);
    }
}

/// The seed tells readers to tune `asyncio.set_limit`. Ask Python itself: there is no such
/// function, nor any other global limit on tasks; `Semaphore` is the tool.
#[test]
fn asyncio_has_no_set_limit() {
    let script = "import asyncio\n\
                  print(hasattr(asyncio, 'set_limit'))\n\
                  print(sorted(n for n in dir(asyncio) if 'limit' in n.lower()))\n\
                  print(hasattr(asyncio, 'Semaphore'))\n";
    let output = match Command::new("python3").args(["-c", script]).output() {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("python3 not found: skipping");
            return;
        }
        Err(e) => panic!("could not start python3: {e}"),
    };
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "False", "asyncio.set_limit exists after all");
    // The only "limit" in asyncio's namespace is the stream buffer's LimitOverrunError.
    assert_eq!(lines[1], "['LimitOverrunError']");
    assert_eq!(lines[2], "True");
}
