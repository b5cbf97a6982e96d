//! Exercise 22a: a stuck check stopped, not only given up on.
//!
//! Three health checks run at once, each a child process (this program again, with
//! `--check N`). Each should print one line of report and exit; the parent gives each report
//! one second. The network check is stuck: it would take three seconds. The parent's
//! `aio::timeout` fires after one, and it reports "no report within 1.0s"... and then waits
//! for the check's exit status, which comes when the stuck check ends by itself, two seconds
//! later, with exit code 0, as if nothing had been wrong.
//!
//! Goal: a check that gives no report in time is stopped: it ends "killed by signal 9", at
//! once. Print exactly `expected.txt`. `cargo course check 22a` runs the program and checks
//! its output and that no task is left running. Stuck? `cargo course hint 22a`; read lesson 22
//! (`cargo run -p lesson-22`).

use std::os::unix::process::ExitStatusExt;
use std::process::ExitCode;
use std::time::Duration;

use aio::process::{Command, ExitStatus, Stdio};

/// The checks, in order: check 1 is the disk.
const CHECKS: [&str; 3] = ["disk", "memory", "network"];

/// How long the parent waits for a check's report.
const REPORT_WITHIN: Duration = Duration::from_secs(1);

/// `--check N`: one check, a plain blocking program. Its report is one line; its exit code
/// says whether all is well.
fn check(n: usize) -> ExitCode {
    match n {
        1 => {
            println!("disk: 41% used");
            ExitCode::SUCCESS
        }
        2 => {
            println!("memory: 97% used, too much");
            ExitCode::from(1)
        }
        _ => {
            std::thread::sleep(Duration::from_secs(3)); // Stuck on a slow network.
            println!("network: ok");
            ExitCode::SUCCESS
        }
    }
}

/// "exit code 0", or "killed by signal 9".
fn describe(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit code {code}"),
        (None, Some(signal)) => format!("killed by signal {signal}"),
        (None, None) => status.to_string(),
    }
}

/// Runs check `n` and says how it went.
async fn run_check(n: usize) -> String {
    let name = CHECKS[n - 1];
    let started = std::env::current_exe().and_then(|exe| {
        Command::new(exe)
            .args(["--check", &n.to_string()])
            .stdout(Stdio::piped())
            .spawn()
    });
    let mut child = match started {
        Ok(child) => child,
        Err(e) => return format!("check {n} ({name}): cannot start: {e}"),
    };
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let report = aio::timeout(REPORT_WITHIN, stdout.readline()).await;
    let (before, after) = match report {
        Ok(Ok(line)) => {
            let line = String::from_utf8_lossy(&line).trim_end().to_string();
            (String::new(), format!(", said {line:?}"))
        }
        Ok(Err(e)) => (String::new(), format!(", could not be read: {e}")),
        Err(_elapsed) => {
            let within = REPORT_WITHIN.as_secs_f64();
            (format!("no report within {within:.1}s; "), String::new())
        }
    };
    match child.wait().await {
        Ok(status) => format!("check {n} ({name}): {before}{}{after}", describe(status)),
        Err(e) => format!("check {n} ({name}): {before}cannot wait: {e}"),
    }
}

fn main() -> ExitCode {
    let mut args = USAGE.parse(); // `--help` says what the exercise is about.
    let check_number: Option<usize> = args.value("--check"); // How the checks start.
    args.finish();
    if let Some(n) = check_number {
        return check(n);
    }
    aio::run(async {
        let reports = aio::gather((1..=CHECKS.len()).map(run_check)).await;
        for report in reports {
            println!("{report}");
        }
    });
    ExitCode::SUCCESS
}

/// The command line: `--help` prints the description in Cargo.toml; there are no options to
/// give (`--check N` is how the program starts its checks).
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
