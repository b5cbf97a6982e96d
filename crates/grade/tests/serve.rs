//! A network exercise's grader: the program is a server, started on a free port, talked to by
//! the grader's client, stopped with SIGINT. The servers here are small asyncio programs (the
//! tests skip, saying so, where Python cannot run).

use std::path::PathBuf;
use std::time::Duration;

use grade::{Conn, Ended, Exercise, Mark, Verdict};

/// An asyncio line server: `listening on ADDR` once it listens, then for each line `got LINE`,
/// and the line back. `BEHAVIOUR` changes it: `silent` answers nothing, `leaves` exits when a
/// line comes, `mute` never prints its first line.
const SERVER: &str = r#"
import asyncio, os, sys

BEHAVIOUR = "{behaviour}"

async def handle(reader, writer):
    while line := await reader.readline():
        print("got", line.decode().strip())
        if BEHAVIOUR == "leaves":
            os._exit(0)
        if BEHAVIOUR != "silent":
            writer.write(line)
            await writer.drain()
    writer.close()

async def main():
    host, port = sys.argv[1].rsplit(":", 1)
    server = await asyncio.start_server(handle, host, int(port))
    if BEHAVIOUR != "mute":
        print("listening on", sys.argv[1])
    await server.serve_forever()

asyncio.run(main())
"#;

/// The grader of an echo server: `ant` says hello, gets it back, and leaves.
fn echo_grader() -> Exercise {
    Exercise::new("x", "x", "x")
        .output("listening on ADDR\ngot hello\n")
        .client("echoes each line", |addr| {
            let mut ant = Conn::open(addr, "ant")?;
            ant.send("hel")?;
            ant.send("lo\n")?;
            ant.expect("hello")?;
            ant.finish()?;
            ant.expect_closed()
        })
        .deadline(Duration::from_secs(5))
}

/// Grades the server with `behaviour` as a Python exercise, or `None` where Python cannot run.
fn grade(behaviour: &str) -> Option<Verdict> {
    let dir = std::env::temp_dir().join(format!("grade-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script: PathBuf = dir.join(format!("{behaviour}.py"));
    std::fs::write(&script, SERVER.replace("{behaviour}", behaviour)).unwrap();
    match echo_grader().grade_python(&script) {
        Ok(verdict) => Some(verdict),
        Err(skip) => {
            eprintln!("skipped: {skip}");
            None
        }
    }
}

fn failure(verdict: &Verdict, check: &str) -> String {
    match verdict.outcomes.iter().find(|o| o.check == check) {
        Some(outcome) => match &outcome.mark {
            Mark::Fail(message) => message.clone(),
            mark => panic!("{check}: {mark:?}\n{verdict}"),
        },
        None => panic!("no check {check}\n{verdict}"),
    }
}

#[test]
fn a_server_that_answers_passes_and_its_address_reads_addr() {
    let Some(verdict) = grade("echo") else { return };
    assert!(verdict.passed(), "{verdict}");
    let names: Vec<&str> = verdict.outcomes.iter().map(|o| o.check.as_str()).collect();
    assert_eq!(names, ["runs to the end", "echoes each line", "output"]);
}

#[test]
fn a_server_that_does_not_answer_fails_the_client_with_what_it_waited_for() {
    let Some(verdict) = grade("silent") else {
        return;
    };
    assert_eq!(
        failure(&verdict, "echoes each line"),
        "ant waited 3 s and got no line back"
    );
    // It ran until the grader stopped it, and printed what it received.
    assert!(!verdict
        .failures()
        .any(|(check, _)| check != "echoes each line"));
}

#[test]
fn a_server_that_exits_by_itself_does_not_run_to_the_end() {
    let Some(verdict) = grade("leaves") else {
        return;
    };
    let message = failure(&verdict, "runs to the end");
    assert!(
        message.starts_with("the server exited by itself (exit status: 0) before it was stopped"),
        "{message}"
    );
    assert_eq!(
        failure(&verdict, "echoes each line"),
        "ant expected \"hello\", but the server closed the connection"
    );
}

#[test]
fn a_server_that_never_says_it_listens_is_stopped_at_the_deadline() {
    let grader = echo_grader().deadline(Duration::from_secs(1));
    let dir = std::env::temp_dir().join(format!("grade-serve-mute-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("mute.py");
    std::fs::write(&script, SERVER.replace("{behaviour}", "mute")).unwrap();
    let command = match grader.python_command(&script) {
        Ok(command) => command,
        Err(skip) => return eprintln!("skipped: {skip}"),
    };
    let run = grader.run(grade::Language::Python, command).unwrap();
    assert!(matches!(run.ended, Ended::Stopped(_)), "{run:?}");
    let verdict = grader.judge(&run);
    let message = failure(&verdict, "echoes each line");
    assert!(
        message.starts_with("the server printed no first line within 1 s"),
        "{message}"
    );
}
