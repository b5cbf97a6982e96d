//! Lesson 22: subprocesses.
//!
//! `cargo run -p lesson-22` starts workers, each a copy of this program (`--worker N`, a
//! plain blocking program), and talks to them through pipes: jobs go in on their stdin, one
//! line each, and answers come back on their stdout. First one worker, whose lines are printed
//! as they come; then five at once, round by round, each answer awaited for at most a second:
//! one worker fails and exits, a slow one is killed. Last, every worker's exit status.
//!
//! The workers run in real time, also under `AIO_CLOCK=virtual`, and the output never depends
//! on which of them is faster: the parent prints one worker's lines in the order they come, and
//! five workers' answers in worker order, each round once all its answers are in.

use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::ExitCode;
use std::time::Duration;

use aio::process::{Child, Command, ExitStatus, Stdio};
use aio::{StreamReader, StreamWriter};
use futures::StreamExt;

/// How many rounds of jobs the five workers get.
const ROUNDS: usize = 3;

/// The jobs of the five workers, round by round: how long each takes, in tenths of a second.
/// Worker 3 cannot do a job of negative length, and worker 5's second job takes a minute.
const JOBS: [[i64; ROUNDS]; 5] = [[1, 2, 1], [2, 1, 3], [1, -1, 1], [3, 1, 2], [2, 600, 1]];

/// How long the parent waits for each answer.
const ANSWER_WITHIN: Duration = Duration::from_secs(1);

// ANCHOR: worker
/// `--worker N`: a plain blocking program. It says "ready", then does each job line of its
/// stdin ("job 2 3": job 2 takes 0.3 s) and answers with a line, until its stdin ends.
fn worker(n: u32) -> ExitCode {
    use std::io::{BufRead, Write};
    let mut out = std::io::stdout(); // Line-buffered: each answer goes out at its newline.
    if writeln!(out, "ready").is_err() {
        return ExitCode::FAILURE;
    }
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let mut words = line.split_whitespace().skip(1);
        let (Some(job), Some(Ok(tenths))) = (words.next(), words.next().map(str::parse::<i64>))
        else {
            eprintln!("worker {n}: cannot read the job line {line:?}");
            return ExitCode::from(2);
        };
        if tenths < 0 {
            eprintln!("worker {n}: job {job} has a negative length ({tenths} tenths)");
            return ExitCode::from(2);
        }
        std::thread::sleep(Duration::from_millis(100 * tenths as u64));
        if writeln!(out, "job {job} done").is_err() {
            return ExitCode::FAILURE; // The parent is gone.
        }
    }
    ExitCode::SUCCESS // End of file: no more jobs.
}
// ANCHOR_END: worker

// ANCHOR: start
/// A worker process and the parent's ends of its pipes.
struct Worker {
    /// Its number, 1 to 5.
    n: usize,
    /// The process: its id, its exit, and its stderr (read at the end).
    child: Child,
    /// Where its jobs go.
    stdin: StreamWriter,
    /// Where its answers come from.
    stdout: StreamReader,
    /// It gets no more jobs: it closed its stdout, or was killed.
    gone: bool,
}

/// Starts this program again as worker `n`, with its stdin, stdout and stderr piped
/// (asyncio's `create_subprocess_exec(sys.executable, __file__, "--worker", n, stdin=PIPE, ...)`).
fn start_worker(n: usize) -> io::Result<Worker> {
    let mut child = Command::new(std::env::current_exe()?)
        .args(["--worker", &n.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true) // If the parent gives up early, its workers go too.
        .spawn()?;
    let stdin = child.stdin.take().expect("stdin is piped");
    let stdout = child.stdout.take().expect("stdout is piped");
    Ok(Worker {
        n,
        child,
        stdin,
        stdout,
        gone: false,
    })
}
// ANCHOR_END: start

/// "exit code 0", or "killed by signal 9".
fn describe(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit code {code}"),
        (None, Some(signal)) => format!("killed by signal {signal}"),
        (None, None) => status.to_string(),
    }
}

// ANCHOR: lines
/// One worker, three jobs: its lines are printed as they come, one every 0.2 s.
async fn one_worker() -> io::Result<()> {
    println!("one worker, its lines as they come:");
    let mut worker = start_worker(1)?;
    for job in 1..=3 {
        worker.stdin.write(format!("job {job} 2\n").as_bytes());
    }
    worker.stdin.write_eof(); // No more jobs: the worker exits after the third.
    let mut lines = worker.stdout.lines();
    while let Some(line) = lines.next().await {
        println!(
            "  worker 1 says: {}",
            String::from_utf8_lossy(&line?).trim_end()
        );
    }
    let status = worker.child.wait().await?;
    println!("  worker 1: {}", describe(status));
    Ok(())
}
// ANCHOR_END: lines

// ANCHOR: ask
/// Gives `worker` its job and waits at most `ANSWER_WITHIN` for the answer. A worker that
/// does not answer in time is killed: the timeout dropped the read, not the worker's work.
async fn ask(worker: &mut Worker, job: usize, tenths: i64) -> (usize, String) {
    worker
        .stdin
        .write(format!("job {job} {tenths}\n").as_bytes());
    let answer = match worker.stdin.drain().await {
        Err(e) => Err(format!("cannot take the job: {e}")),
        Ok(()) => match aio::timeout(ANSWER_WITHIN, worker.stdout.readline()).await {
            Ok(Ok(line)) if !line.is_empty() => Ok(String::from_utf8_lossy(&line).into()),
            Ok(Ok(_)) => Err("closed its stdout without an answer".into()),
            Ok(Err(e)) => Err(format!("cannot be read: {e}")),
            Err(_elapsed) => {
                let _ = worker.child.kill(); // SIGKILL; `wait` collects it below.
                let within = ANSWER_WITHIN.as_secs_f64();
                Err(format!("no answer within {within:.1}s: killed"))
            }
        },
    };
    worker.gone = answer.is_err();
    (worker.n, answer.unwrap_or_else(|why| why).trim_end().into())
}
// ANCHOR_END: ask

// ANCHOR: rounds
/// Five workers at once, three rounds of jobs; then their exit statuses.
async fn five_workers() -> io::Result<()> {
    let within = ANSWER_WITHIN.as_secs_f64();
    println!("five workers, three rounds, {within:.1}s for each answer:");
    let mut workers = (1..=JOBS.len())
        .map(start_worker)
        .collect::<io::Result<Vec<_>>>()?;
    // Wait until every worker has started (no time limit: starting is not the job).
    let ready = aio::gather(workers.iter_mut().map(|w| w.stdout.readline())).await;
    let ready = ready
        .into_iter()
        .filter(|line| matches!(line, Ok(l) if l == b"ready\n"));
    println!("  {} workers ready", ready.count());

    for round in 1..=ROUNDS {
        println!("round {round}");
        // Every worker still there gets its job at once; they work in parallel.
        let asks = workers
            .iter_mut()
            .filter(|w| !w.gone)
            .map(|w| ask(w, round, JOBS[w.n - 1][round - 1]));
        // `gather` returns the answers in worker order, whichever came first.
        for (n, answer) in aio::gather(asks).await {
            println!("  worker {n}: {answer}");
        }
    }
    // ANCHOR_END: rounds

    // ANCHOR: statuses
    println!("exit statuses:");
    for mut worker in workers {
        drop(worker.stdin); // End of file: a worker still there finishes and exits.
        let status = worker.child.wait().await?;
        let stderr = match worker.child.stderr.as_mut() {
            Some(stderr) => stderr.read_to_eof().await?,
            None => Vec::new(),
        };
        let stderr = String::from_utf8_lossy(&stderr);
        let said = match stderr.trim_end() {
            "" => String::new(),
            text => format!("; stderr: {text}"),
        };
        println!("  worker {}: {}{said}", worker.n, describe(status));
    }
    Ok(())
}
// ANCHOR_END: statuses

// ANCHOR: main
fn main() -> ExitCode {
    let mut args = USAGE.parse(); // `--help` says what the lesson does
    let worker_number: Option<u32> = args.value("--worker"); // Hidden: how workers start.
    args.finish();
    if let Some(n) = worker_number {
        return worker(n);
    }
    USAGE.exit(aio::run(async {
        one_worker().await?;
        println!();
        five_workers().await
    }))
}
// ANCHOR_END: main

/// The command line: `--help` prints the description in Cargo.toml; there are no options to
/// give (`--worker N` is how the lesson starts its workers).
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
