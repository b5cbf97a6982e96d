//! The lesson prints exactly what the book shows, and what its asyncio original prints.

#[test]
fn output_matches_snapshot() {
    let output = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-06"), &[]);
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!("lesson-06", output);
    });
}

#[test]
fn output_matches_the_asyncio_original() {
    lesson_check::assert_same_output_as_original(
        env!("CARGO_BIN_EXE_lesson-06"),
        env!("CARGO_MANIFEST_DIR"),
    );
}

/// The chapter says that `asyncio.wait` refuses bare coroutines since Python 3.11, as the
/// article's `asyncio.wait([coroutine1(), ...])` passes them. Checked with the python3 here:
/// from 3.11 it refuses them; before, it accepts them (with a DeprecationWarning).
#[test]
fn asyncio_wait_refuses_bare_coroutines_since_python_3_11() {
    let script = r#"
import asyncio, sys
async def coroutine1():
    return 1
async def main():
    try:
        await asyncio.wait([coroutine1()])
        print("accepted")
    except TypeError as e:
        print(f"TypeError: {e}")
print("3.11 or newer:", sys.version_info >= (3, 11))
asyncio.run(main())
"#;
    let Some(output) = lesson_check::python3(["-c", script]) else {
        return;
    };
    let stdout = lesson_check::stdout_of("python3", output);
    let expected = if stdout.starts_with("3.11 or newer: True\n") {
        "TypeError: Passing coroutines is forbidden, use tasks explicitly."
    } else {
        "accepted"
    };
    assert_eq!(stdout.lines().nth(1), Some(expected), "{stdout}");
}
