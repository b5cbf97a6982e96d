//! `cargo run -p aio-bench --release [-- [--reps N] [--rounds N] [--runtime NAME] [--syscalls]
//! [--markdown FILE] [SCENARIO...]]`
//!
//! Runs each scenario on aio, tokio (`current_thread`, without and with its I/O driver) and smol
//! (`LocalExecutor`) in the same process, interleaved (each repetition runs every runtime once,
//! starting one further along each time) so that a change in the machine's load touches all
//! alike; prints the median of the repetitions, and aio's ratio to each peer as the median of
//! the per-repetition ratios with their spread (lowest to highest).
//! See README.md for what each scenario measures.
//!
//! `--syscalls` also counts the system calls per `echo` round trip (`syscalls.rs`), and
//! `--markdown FILE` writes everything, with the machine, the date and the command, as a
//! markdown file (`report.rs`): the book's chapter "How fast is aio?" includes one.
//!
//! `aio-bench --echo-client ADDR ROUNDS` is the `echo` scenario's client, which the benchmark
//! starts as a separate process.

mod client;
mod counting;
mod machine;
mod report;
mod runtimes;
mod scaling;
mod scenarios;
mod syscalls;

use std::path::PathBuf;

use runtimes::{Aio, Runtime, Smol, Tokio, TokioIo};
use scenarios::{Metric, Unit, ECHO_ROUNDS, SCENARIOS};

#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

const RUNTIMES: [&str; 4] = [Aio::NAME, Tokio::NAME, TokioIo::NAME, Smol::NAME];

struct Options {
    reps: usize,
    /// Round trips per repetition of `echo`.
    rounds: usize,
    runtimes: Vec<&'static str>,
    scenarios: Vec<&'static str>,
    /// Count the system calls per `echo` round trip.
    syscalls: bool,
    /// Where to write the results as markdown.
    markdown: Option<PathBuf>,
}

fn usage_text() -> String {
    let mut text = format!(
        "usage: aio-bench [--reps N] [--rounds N] [--runtime aio|tokio|tokio+io|smol] [--syscalls]
                 [--markdown FILE] [SCENARIO...]
       aio-bench scaling [--reps N] [SCENARIO...]   the cost per child as children grow
  --reps N         repetitions; each runs every runtime once, in turn (default 7)
  --rounds N       round trips per repetition of echo (default {ECHO_ROUNDS})
  --runtime NAME   only this runtime (repeat for several; default all four)
  --syscalls       also count the system calls per echo round trip (with perf, or strace)
  --markdown FILE  also write the results as markdown to FILE, with the machine, the date
                   and the command, and the system calls per echo round trip (the book
                   includes book/src/bench/results.md)
scenarios (default all):
"
    );
    for (name, about) in SCENARIOS {
        text.push_str(&format!("  {name:8} {about}\n"));
    }
    text
}

fn usage() -> ! {
    eprint!("{}", usage_text());
    std::process::exit(2);
}

fn parse_options() -> Options {
    let mut options = Options {
        reps: 7,
        rounds: ECHO_ROUNDS,
        runtimes: Vec::new(),
        scenarios: Vec::new(),
        syscalls: false,
        markdown: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--reps" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => options.reps = n,
                _ => usage(),
            },
            "--rounds" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => options.rounds = n,
                _ => usage(),
            },
            "--help" | "-h" => {
                print!("{}", usage_text());
                std::process::exit(0);
            }
            "--syscalls" => options.syscalls = true,
            "--markdown" => match args.next() {
                Some(path) => options.markdown = Some(PathBuf::from(path)),
                None => usage(),
            },
            "--runtime" => match args
                .next()
                .and_then(|r| RUNTIMES.into_iter().find(|n| *n == r))
            {
                Some(name) => options.runtimes.push(name),
                None => usage(),
            },
            name => match SCENARIOS.iter().find(|(n, _)| *n == name) {
                Some((name, _)) => options.scenarios.push(name),
                None => usage(),
            },
        }
    }
    if options.runtimes.is_empty() {
        options.runtimes = RUNTIMES.to_vec();
    }
    if options.scenarios.is_empty() {
        options.scenarios = SCENARIOS.iter().map(|(name, _)| *name).collect();
    }
    options
}

/// Scenarios that run in a fresh process each time: resident memory only grows once per
/// process (the allocator keeps what a previous repetition freed), so measuring it twice in
/// one process would find the second runtime's tasks in the first one's pages.
const IN_CHILD: &[&str] = &["memory"];

fn run_once(runtime: &str, scenario: &str, rounds: usize) -> Vec<Metric> {
    if IN_CHILD.contains(&scenario) {
        return scenarios::run_in_child(runtime, scenario);
    }
    run_here(runtime, scenario, rounds)
}

fn run_here(runtime: &str, scenario: &str, rounds: usize) -> Vec<Metric> {
    match runtime {
        "aio" => scenarios::run::<Aio>(scenario, rounds),
        "tokio" => scenarios::run::<Tokio>(scenario, rounds),
        "tokio+io" => scenarios::run::<TokioIo>(scenario, rounds),
        "smol" => scenarios::run::<Smol>(scenario, rounds),
        _ => unreachable!(),
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

fn format_value(value: f64, unit: Unit) -> String {
    match unit {
        Unit::Nanos => format!("{value:.0} ns"),
        Unit::Micros => format!("{value:.1} µs"),
        Unit::Millis => format!("{value:.1} ms"),
        Unit::Count => format!("{value:.2}"),
        Unit::Bytes => format!("{value:.0} B"),
    }
}

/// aio's value over a peer's, or `None` where the peer's figure rounds to zero.
fn ratio(ours: f64, theirs: f64, unit: Unit) -> Option<f64> {
    let zero = if unit == Unit::Count { 0.005 } else { 1e-9 };
    (theirs.abs() >= zero).then(|| ours / theirs)
}

/// The median of the per-repetition ratios and their spread: "0.49 (0.45-0.52)". "=" where
/// both figures round to zero, "n/a" where only the peer's does.
fn format_ratios(ours: &[f64], theirs: &[f64], unit: Unit) -> String {
    let mut ratios: Vec<f64> = (ours.iter().zip(theirs))
        .filter_map(|(&o, &t)| ratio(o, t, unit))
        .collect();
    if ratios.len() < ours.len() {
        let zero = if unit == Unit::Count { 0.005 } else { 1e-9 };
        return if ours.iter().all(|o| o.abs() < zero) {
            "=".into()
        } else {
            "n/a".into()
        };
    }
    let m = median(&mut ratios); // Sorts them, too.
    format!("{m:.2} ({:.2}-{:.2})", ratios[0], ratios[ratios.len() - 1])
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).is_some_and(|arg| arg == "scaling") {
        return scaling::main(&args[2..]); // Its own table: see scaling.rs.
    }
    if let [_, flag, addr, rounds] = &args[..] {
        if flag == "--echo-client" {
            let rounds = rounds.parse().expect("--echo-client ADDR ROUNDS");
            return client::run(addr, rounds);
        }
    }
    if let [_, flag, runtime, scenario] = &args[..] {
        if flag == "--child" {
            // One scenario on one runtime, for `run_in_child`: a metric per line.
            for metric in run_here(runtime, scenario, ECHO_ROUNDS) {
                println!("{}\t{}", metric.name, metric.value);
            }
            return;
        }
    }
    let options = parse_options();
    println!(
        "aio-bench: {} repetitions; figures are medians; aio/peer is the median of the per-repetition \
         ratios (lowest-highest); below 1: aio uses less",
        options.reps
    );
    let load_before = machine::loadavg();
    println!("before: {load_before}");
    let meter = machine::LoadMeter::start();

    let name_width = 44;
    let ratio_width = 18;
    let aio = options.runtimes.iter().position(|r| *r == Aio::NAME);
    let peers: Vec<&'static str> = match aio {
        Some(_) => (options.runtimes.iter().copied())
            .filter(|r| *r != Aio::NAME)
            .collect(),
        None => Vec::new(),
    };
    print!("{:name_width$}", "scenario: metric");
    for runtime in &options.runtimes {
        print!("{runtime:>11}");
    }
    for peer in &peers {
        print!("{:>ratio_width$}", format!("aio/{peer}"));
    }
    println!();

    let n = options.runtimes.len();
    let mut rows = Vec::new();
    for scenario in &options.scenarios {
        // samples[runtime][metric] = one value per repetition.
        let mut samples: Vec<Vec<(Metric, Vec<f64>)>> = vec![Vec::new(); n];
        for rep in 0..options.reps {
            // Each repetition starts with the next runtime, so none always runs first.
            for r in (0..n).map(|k| (rep + k) % n) {
                let metrics = run_once(options.runtimes[r], scenario, options.rounds);
                if samples[r].is_empty() {
                    samples[r] = metrics.iter().map(|m| (m.clone(), Vec::new())).collect();
                }
                for (slot, metric) in samples[r].iter_mut().zip(metrics) {
                    slot.1.push(metric.value);
                }
            }
        }
        for (m, (metric, _)) in samples[0].iter().enumerate() {
            let medians: Vec<String> = (samples.iter())
                .map(|per_runtime| {
                    let mut values = per_runtime[m].1.clone();
                    format_value(median(&mut values), metric.unit)
                })
                .collect();
            let ratios: Vec<String> = match aio {
                Some(a) => (samples.iter().enumerate())
                    .filter(|(r, _)| *r != a)
                    .map(|(_, per_runtime)| {
                        format_ratios(&samples[a][m].1, &per_runtime[m].1, metric.unit)
                    })
                    .collect(),
                None => Vec::new(),
            };
            let label = format!("{scenario}: {}", metric.name);
            print!("{label:name_width$}");
            for value in &medians {
                print!("{value:>11}");
            }
            for ratio in &ratios {
                print!("{ratio:>ratio_width$}");
            }
            println!();
            rows.push(report::Row {
                scenario,
                metric: metric.name,
                medians,
                ratios,
            });
        }
    }

    let (others, own) = meter.finish();
    match others {
        Some(others) => println!(
            "during the run: other processes kept {others:.2} cores busy on average; \
             this one used {own:.2}"
        ),
        None => println!("during the run: this process used {own:.2} cores on average"),
    }
    let load_after = machine::loadavg();
    println!("after: {load_after}");

    // System calls per echo round trip, after the table: counting starts the benchmark again
    // under perf or strace, which would disturb the timings if it ran alongside.
    let count_syscalls =
        (options.syscalls || options.markdown.is_some()) && options.scenarios.contains(&"echo");
    let syscalls = count_syscalls.then(|| {
        println!("system calls per echo round trip (the server's thread):");
        // tokio+io serves `echo` exactly as tokio does (both with the I/O driver).
        (options.runtimes.iter().copied())
            .filter(|r| *r != TokioIo::NAME || !options.runtimes.contains(&Tokio::NAME))
            .map(|runtime| {
                let count = syscalls::per_round_trip(runtime);
                match &count {
                    Ok(count) => {
                        let names: Vec<String> = (count.by_name.iter())
                            .map(|(name, n)| format!("{name} {n:.2}"))
                            .collect();
                        println!(
                            "  {runtime:9} {:6.2}  {} ({})",
                            count.total,
                            names.join(", "),
                            count.tool.name()
                        );
                    }
                    Err(why) => println!("  {runtime:9} not measured: {why}"),
                }
                (runtime, count)
            })
            .collect()
    });

    if let Some(path) = &options.markdown {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let report = report::Report {
            command: format!("cargo run -p aio-bench --release -- {}", args.join(" ")),
            reps: options.reps,
            runtimes: &options.runtimes,
            peers,
            rows: &rows,
            load_before,
            load_after,
            others,
            own,
            syscalls,
        };
        match report.write(path) {
            Ok(()) => println!("wrote {}", path.display()),
            Err(e) => {
                eprintln!("aio-bench: cannot write {}: {e}", path.display());
                std::process::exit(1);
            }
        }
    }
}
