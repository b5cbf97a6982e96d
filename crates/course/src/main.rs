//! `cargo course` (an alias in `.cargo/config.toml` for `cargo run -q -p course --`).
//! `cargo course --help` lists the commands; the library has them.

use std::process::ExitCode;

use course::{usage_error, Course, HELP};
use grade::Language;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    if args.iter().any(|a| *a == "-h" || *a == "--help") || args == ["help"] {
        print!("{HELP}");
        return ExitCode::SUCCESS;
    }
    let course = Course::new();
    match args.as_slice() {
        [] | ["next"] => course.next(),
        ["list"] => course.list(),
        ["check", id] => course.check(id, Language::Rust),
        ["check", id, "--python"] | ["check", "--python", id] => course.check(id, Language::Python),
        ["hint", id] => course.hint(id),
        ["watch"] => course.watch(),
        ["verify", rest @ ..] => {
            let require_python = rest.contains(&"--require-python");
            let ids: Vec<String> = (rest.iter())
                .filter(|a| **a != "--require-python")
                .map(|id| id.to_string())
                .collect();
            course.verify(&ids, require_python)
        }
        _ => usage_error(&format!("cargo course does not know {:?}", args.join(" "))),
    }
}
