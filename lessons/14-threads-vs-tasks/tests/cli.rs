//! The command line: `--help` says what the lesson does and runs nothing; a wrong argument
//! is an error that shows the usage (exit status 2), never a panic.

use lesson_args::testing::{assert_help, assert_usage_error, run};

const EXE: &str = env!("CARGO_BIN_EXE_lesson-14");

#[test]
fn help_says_what_the_lesson_does_and_runs_nothing() {
    assert_help(
        EXE,
        env!("CARGO_PKG_DESCRIPTION"),
        "I/O-bound: 500 jobs, each waiting 10 times for 20ms",
    );
}

#[test]
fn a_wrong_argument_is_an_error_with_the_usage() {
    assert_usage_error(EXE, &["--bogus"], "unknown option '--bogus'");
    assert_usage_error(EXE, &["extra"], "unexpected argument 'extra'");
    assert_usage_error(EXE, &["--verbose=yes"], "--verbose takes no value");
    assert_usage_error(EXE, &["--verbose", "extra"], "unexpected argument 'extra'");
}

#[test]
fn verbose_adds_the_raw_figures() {
    let ran = run(EXE, &["--verbose"]);
    assert_eq!(ran.code, Some(0), "{ran:#?}");
    assert!(ran.stdout.contains("(raw: "), "{ran:#?}");
}
