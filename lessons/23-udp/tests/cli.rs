//! The command line: `--help` says what the lesson does and runs nothing; a wrong argument
//! is an error that shows the usage (exit status 2), never a panic.

use lesson_args::testing::{assert_help, assert_usage_error};

const EXE: &str = env!("CARGO_BIN_EXE_lesson-23");

#[test]
fn help_says_what_the_lesson_does_and_runs_nothing() {
    assert_help(
        EXE,
        env!("CARGO_PKG_DESCRIPTION"),
        "== one socket, many peers, whole datagrams ==",
    );
}

#[test]
fn a_wrong_argument_is_an_error_with_the_usage() {
    assert_usage_error(EXE, &["--bogus"], "unknown option '--bogus'");
    assert_usage_error(EXE, &["extra"], "unexpected argument 'extra'");
}
