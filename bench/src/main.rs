//! `cargo run -p aio-bench --release [-- [--reps N] [--rounds N] [--runtime NAME] [SCENARIO...]]`
//!
//! Runs each scenario on aio, tokio (`current_thread`) and smol (`LocalExecutor`) in the same
//! process, interleaved (aio, tokio, smol, aio, ...) so that a change in the machine's load
//! touches all three alike; prints the median of the repetitions and aio's ratio to each peer.
//! See README.md for what each scenario measures.
//!
//! `aio-bench --echo-client ADDR ROUNDS` is the `echo` scenario's client, which the benchmark
//! starts as a separate process.

mod client;
mod counting;
mod machine;
mod runtimes;
mod scaling;
mod scenarios;

use runtimes::{Aio, Runtime, Smol, Tokio};
use scenarios::{Metric, Unit, ECHO_ROUNDS, SCENARIOS};

#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

const RUNTIMES: [&str; 3] = [Aio::NAME, Tokio::NAME, Smol::NAME];

struct Options {
    reps: usize,
    /// Round trips per repetition of `echo`.
    rounds: usize,
    runtimes: Vec<&'static str>,
    scenarios: Vec<&'static str>,
}

fn usage() -> ! {
    eprintln!("usage: aio-bench [--reps N] [--rounds N] [--runtime aio|tokio|smol] [SCENARIO...]");
    eprintln!("  --rounds N  round trips per repetition of echo (default {ECHO_ROUNDS})");
    eprintln!("scenarios:");
    for (name, about) in SCENARIOS {
        eprintln!("  {name:8} {about}");
    }
    std::process::exit(2);
}

fn parse_options() -> Options {
    let mut options = Options {
        reps: 7,
        rounds: ECHO_ROUNDS,
        runtimes: Vec::new(),
        scenarios: Vec::new(),
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

fn run_once(runtime: &str, scenario: &str, rounds: usize) -> Vec<Metric> {
    match runtime {
        "aio" => scenarios::run::<Aio>(scenario, rounds),
        "tokio" => scenarios::run::<Tokio>(scenario, rounds),
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

/// aio's value over a peer's. A peer value that prints as zero gives no ratio.
fn ratio(ours: f64, theirs: f64, unit: Unit) -> String {
    let zero = if unit == Unit::Count { 0.005 } else { 1e-9 };
    if theirs.abs() < zero {
        if ours.abs() < zero {
            "=".into()
        } else {
            "n/a".into()
        }
    } else {
        format!("{:.2}x", ours / theirs)
    }
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
    let options = parse_options();
    println!(
        "aio-bench: {} repetitions, median shown; ratio = aio / peer (below 1: aio uses less)",
        options.reps
    );
    println!("before: {}", machine::loadavg());
    let meter = machine::LoadMeter::start();

    let name_width = 44;
    print!("{:name_width$}", "scenario: metric");
    for runtime in &options.runtimes {
        print!("{runtime:>11}");
    }
    for peer in options.runtimes.iter().filter(|r| **r != Aio::NAME) {
        if options.runtimes.contains(&Aio::NAME) {
            print!("{:>11}", format!("aio/{peer}"));
        }
    }
    println!();

    for scenario in &options.scenarios {
        // samples[runtime][metric] = one value per repetition.
        let mut samples: Vec<Vec<(Metric, Vec<f64>)>> = vec![Vec::new(); options.runtimes.len()];
        for _ in 0..options.reps {
            for (r, runtime) in options.runtimes.iter().enumerate() {
                let metrics = run_once(runtime, scenario, options.rounds);
                if samples[r].is_empty() {
                    samples[r] = metrics.iter().map(|m| (m.clone(), Vec::new())).collect();
                }
                for (slot, metric) in samples[r].iter_mut().zip(metrics) {
                    slot.1.push(metric.value);
                }
            }
        }
        let medians: Vec<Vec<(Metric, f64)>> = samples
            .into_iter()
            .map(|per_metric| {
                per_metric
                    .into_iter()
                    .map(|(metric, mut values)| {
                        let m = median(&mut values);
                        (metric, m)
                    })
                    .collect()
            })
            .collect();
        let aio = options.runtimes.iter().position(|r| *r == Aio::NAME);
        for (m, (metric, _)) in medians[0].iter().enumerate() {
            let label = format!("{scenario}: {}", metric.name);
            print!("{label:name_width$}");
            for per_runtime in &medians {
                print!("{:>11}", format_value(per_runtime[m].1, metric.unit));
            }
            if let Some(a) = aio {
                for (r, per_runtime) in medians.iter().enumerate() {
                    if r != a {
                        print!(
                            "{:>11}",
                            ratio(medians[a][m].1, per_runtime[m].1, metric.unit)
                        );
                    }
                }
            }
            println!();
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
    println!("after: {}", machine::loadavg());
}
