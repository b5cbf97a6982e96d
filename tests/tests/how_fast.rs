//! The chapter "How fast is aio?" (`book/src/how-fast.md`) shows the benchmark's results from
//! `book/src/bench/results.md`, a file the benchmark writes itself
//! (`cargo run -p aio-bench --release -- --markdown book/src/bench/results.md`). The file is
//! committed, so it can fall behind the benchmark: these checks fail when it no longer has
//! the shape the chapter relies on (what it ran on, a row for every metric of every scenario,
//! the three runtimes, the system calls per echo round trip).

use workspace_checks::read;

const RESULTS: &str = "book/src/bench/results.md";
const RERUN: &str = "write it again: cargo run -p aio-bench --release -- --reps 5 --markdown \
                     book/src/bench/results.md";

/// The lines between `ANCHOR: name` and `ANCHOR_END: name`.
fn anchored<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    let lines: Vec<&str> = text.lines().collect();
    let marker = |line: &str, kind: &str| {
        line.split(kind)
            .nth(1)
            .is_some_and(|rest| rest.trim().trim_end_matches("-->").trim() == name)
    };
    let start = lines
        .iter()
        .position(|l| marker(l, "ANCHOR:"))
        .unwrap_or_else(|| panic!("{RESULTS} has no `ANCHOR: {name}`; {RERUN}"));
    let end = lines
        .iter()
        .position(|l| marker(l, "ANCHOR_END:"))
        .unwrap_or_else(|| panic!("{RESULTS} has no `ANCHOR_END: {name}`; {RERUN}"));
    lines[start + 1..end].to_vec()
}

fn cells(line: &str) -> Vec<String> {
    line.trim()
        .trim_matches('|')
        .split('|')
        .map(|c| c.trim().to_string())
        .collect()
}

/// The string literals in `source` that follow `before` (whitespace between them ignored).
fn literals_after(source: &str, before: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in source.match_indices(before) {
        let rest = source[at + before.len()..].trim_start();
        if let Some(rest) = rest.strip_prefix('"') {
            found.push(rest[..rest.find('"').unwrap()].to_string());
        }
    }
    found
}

/// The scenarios the benchmark has: the names in `SCENARIOS` in bench/src/scenarios.rs.
fn scenarios(source: &str) -> Vec<String> {
    let start = source
        .find("pub const SCENARIOS")
        .expect("bench/src/scenarios.rs defines SCENARIOS");
    let end = start + source[start..].find("];").unwrap();
    literals_after(&source[start..end], "(")
}

/// The metrics the scenarios report: every `metric("name", …)` and every `("name", Unit::…)`.
fn metrics(source: &str) -> Vec<String> {
    let mut names = literals_after(source, "metric(");
    for (at, _) in source.match_indices("\", Unit::") {
        let open = source[..at].rfind('"').unwrap();
        names.push(source[open + 1..at].to_string());
    }
    names.sort();
    names.dedup();
    names
}

#[test]
fn the_source_lists_scenarios_and_metrics() {
    // A guard on the two readers above, so the checks below cannot pass by finding nothing.
    let source = read("bench/src/scenarios.rs");
    let scenarios = scenarios(&source);
    assert!(scenarios.contains(&"echo".to_string()), "{scenarios:?}");
    assert!(scenarios.len() >= 8, "{scenarios:?}");
    let metrics = metrics(&source);
    for expected in ["time per task", "round trip", "bytes per sleeping task"] {
        assert!(metrics.contains(&expected.to_string()), "{metrics:?}");
    }
}

#[test]
fn the_results_say_what_they_ran_on_and_how_to_run_them_again() {
    let text = read(RESULTS);
    let machine = anchored(&text, "machine").join("\n");
    for field in [
        "**Command**: `cargo run -p aio-bench --release -- ",
        "**Date**: ",
        "**Processor**: ",
        "**Kernel**: ",
        "**Compiler**: rustc ",
        "**Repetitions**: ",
        "**Load**: ",
        "**During the run**: ",
    ] {
        assert!(
            machine.contains(field),
            "{RESULTS}: the machine part has no `{field}`; {RERUN}"
        );
    }
    assert!(
        machine.contains("--markdown book/src/bench/results.md"),
        "{RESULTS} was written by a command that does not write it: {RERUN}"
    );
}

#[test]
fn the_results_have_a_row_for_every_metric_and_a_column_for_each_runtime() {
    let text = read(RESULTS);
    let table = anchored(&text, "table");
    let header = cells(table.first().expect("a table"));
    assert_eq!(header[0], "scenario: metric", "{RESULTS}: {RERUN}");
    for column in ["aio", "tokio", "smol", "aio/tokio", "aio/smol"] {
        assert!(
            header.iter().any(|h| h == column),
            "{RESULTS}: the table has no column `{column}` (it has {header:?}); run it with \
             every runtime: {RERUN}"
        );
    }
    let rows: Vec<Vec<String>> = table[2..].iter().map(|l| cells(l)).collect();
    // "`spawn`: time per task" as (scenario, metric).
    let labels: Vec<(String, String)> = rows
        .iter()
        .map(|row| {
            let (scenario, metric) = row[0].split_once(": ").unwrap_or_else(|| {
                panic!("{RESULTS}: a row's first cell is not `scenario`: metric: {row:?}")
            });
            (scenario.trim_matches('`').to_string(), metric.to_string())
        })
        .collect();
    for row in &rows {
        assert_eq!(
            row.len(),
            header.len(),
            "{RESULTS}: a row has {} cells, the header {}: {row:?}",
            row.len(),
            header.len()
        );
    }
    let source = read("bench/src/scenarios.rs");
    for scenario in scenarios(&source) {
        assert!(
            labels.iter().any(|(s, _)| *s == scenario),
            "{RESULTS} has no row for the scenario `{scenario}`: {RERUN}"
        );
    }
    for metric in metrics(&source) {
        assert!(
            labels.iter().any(|(_, m)| *m == metric),
            "{RESULTS} has no row for the metric `{metric}`: {RERUN}"
        );
    }
}

#[test]
fn the_results_count_system_calls_per_echo_round_trip_on_each_runtime() {
    let text = read(RESULTS);
    let part = anchored(&text, "syscalls");
    for runtime in ["aio", "tokio", "smol"] {
        let row = part
            .iter()
            .map(|l| cells(l))
            .find(|c| c[0] == runtime)
            .unwrap_or_else(|| panic!("{RESULTS}: no system calls counted for {runtime}: {RERUN}"));
        assert!(
            row[1].parse::<f64>().is_ok(),
            "{RESULTS}: the system calls of {runtime} were not counted ({row:?}); install \
             perf or strace, and {RERUN}"
        );
    }
}

#[test]
fn the_chapter_shows_each_part_of_the_results() {
    let chapter = read("book/src/how-fast.md");
    for part in ["machine", "table", "syscalls"] {
        assert!(
            chapter.contains(&format!("{{{{#include bench/results.md:{part}}}}}")),
            "book/src/how-fast.md does not include bench/results.md:{part}"
        );
    }
}
