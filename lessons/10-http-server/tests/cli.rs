//! The command line: `--help` says what the lesson does and runs nothing; a wrong argument
//! is an error that shows the usage (exit status 2), never a panic.

use lesson_args::testing::{assert_help, assert_usage_error};

const EXE: &str = env!("CARGO_BIN_EXE_lesson-10");

#[test]
fn help_says_what_the_lesson_does_and_runs_nothing() {
    assert_help(
        EXE,
        env!("CARGO_PKG_DESCRIPTION"),
        "serving on 127.0.0.1 (the OS picked a free port)",
    );
}

#[test]
fn a_wrong_argument_is_an_error_with_the_usage() {
    assert_usage_error(EXE, &["--bogus"], "unknown option '--bogus'");
    assert_usage_error(EXE, &["extra"], "unexpected argument 'extra'");
    assert_usage_error(
        EXE,
        &["--serve", "--port", "x"],
        "invalid value 'x' for --port: invalid digit found in string",
    );
    assert_usage_error(
        EXE,
        &["--serve", "--port", "70000"],
        "invalid value '70000' for --port: number too large to fit in target type",
    );
    assert_usage_error(EXE, &["--serve", "--port"], "--port needs a value");
    assert_usage_error(EXE, &["--port", "8080"], "unexpected option '--port'");
    assert_usage_error(EXE, &["--serve", "extra"], "unexpected argument 'extra'");
}
