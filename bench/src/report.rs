//! The results as a markdown file (`--markdown FILE`), for the book's chapter "How fast is
//! aio?", which includes its parts by anchor: `machine` (what it ran on, when, how), `table`
//! (the scenarios) and `syscalls` (system calls per echo round trip).
//!
//! The file is written whole by one run; nothing in it is typed by hand.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use crate::machine::{today, Description};
use crate::syscalls::PerRoundTrip;

/// One line of the table: a metric of a scenario, as printed.
pub struct Row {
    pub scenario: &'static str,
    pub metric: &'static str,
    /// The median on each runtime, in the order of the header.
    pub medians: Vec<String>,
    /// aio's ratio to each peer, in the order of the header.
    pub ratios: Vec<String>,
}

/// Everything one run measured.
pub struct Report<'a> {
    /// How to run it again.
    pub command: String,
    pub reps: usize,
    pub runtimes: &'a [&'static str],
    /// The runtimes aio is compared with (the ratio columns), in order.
    pub peers: Vec<&'static str>,
    pub rows: &'a [Row],
    pub load_before: String,
    pub load_after: String,
    /// Cores other processes kept busy on average (if known), and cores this one used.
    pub others: Option<f64>,
    pub own: f64,
    /// System calls per echo round trip, by runtime; `None` when `echo` did not run.
    pub syscalls: Option<Vec<(&'static str, Result<PerRoundTrip, String>)>>,
}

impl Report<'_> {
    pub fn write(&self, path: &Path) -> io::Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, self.markdown())
    }

    fn markdown(&self) -> String {
        let machine = Description::here();
        let mut out = String::new();
        let w = &mut out;
        let _ = writeln!(
            w,
            "<!-- Written by aio-bench (bench/src/report.rs); do not edit by hand. To write it \
             again: {} -->\n",
            self.command
        );

        let _ = writeln!(w, "<!-- ANCHOR: machine -->");
        let _ = writeln!(w, "- **Command**: `{}`", self.command);
        let _ = writeln!(w, "- **Date**: {} (UTC)", today());
        let _ = writeln!(
            w,
            "- **Processor**: {}, {} cores",
            machine.cpu, machine.cores
        );
        let _ = writeln!(w, "- **Kernel**: {}", machine.kernel);
        let _ = writeln!(w, "- **Compiler**: {}, release build", machine.rustc);
        let _ = writeln!(
            w,
            "- **Repetitions**: {} (each runtime once per repetition, starting one further along \
             each time)",
            self.reps
        );
        let _ = writeln!(
            w,
            "- **Load**: {} before the run, {} after",
            self.load_before, self.load_after
        );
        match self.others {
            Some(others) => {
                let _ = writeln!(
                    w,
                    "- **During the run**: other processes kept {others:.2} cores busy on \
                     average; the benchmark used {:.2}",
                    self.own
                );
                if others >= 0.25 {
                    let _ = writeln!(
                        w,
                        "\nThe machine was busy while this ran: other processes kept {others:.2} \
                         of its {} cores busy on average. The ratios pair each repetition's \
                         runtimes, so a change of load touches all of them alike; a wide spread \
                         says how much the load moved.",
                        machine.cores
                    );
                }
            }
            None => {
                let _ = writeln!(
                    w,
                    "- **During the run**: the benchmark used {:.2} cores on average (the load \
                     of other processes is not known here: no /proc/stat)",
                    self.own
                );
            }
        }
        let _ = writeln!(w, "<!-- ANCHOR_END: machine -->\n");

        let _ = writeln!(w, "<!-- ANCHOR: table -->");
        // Scenario and metric share a column, as in the terminal: the table has to fit the
        // book's text column (.ci/book-width.py).
        let mut header = vec!["scenario: metric".to_string()];
        header.extend(self.runtimes.iter().map(|r| r.to_string()));
        header.extend(self.peers.iter().map(|p| format!("aio/{p}")));
        let _ = writeln!(w, "| {} |", header.join(" | "));
        let mut rule = vec!["---"];
        rule.extend(std::iter::repeat_n("--:", header.len() - 1));
        let _ = writeln!(w, "|{}|", rule.join("|"));
        for row in self.rows {
            let mut cells = vec![format!("`{}`: {}", row.scenario, row.metric)];
            cells.extend(row.medians.iter().cloned());
            cells.extend(row.ratios.iter().cloned());
            let _ = writeln!(w, "| {} |", cells.join(" | "));
        }
        let _ = writeln!(w, "<!-- ANCHOR_END: table -->\n");

        let _ = writeln!(w, "<!-- ANCHOR: syscalls -->");
        match &self.syscalls {
            None => {
                let _ = writeln!(w, "System calls were not counted: `echo` did not run.");
            }
            Some(counts) => {
                let _ = writeln!(w, "| runtime | system calls per round trip | by name |");
                let _ = writeln!(w, "|---|--:|---|");
                let mut tools = Vec::new();
                for (runtime, count) in counts {
                    match count {
                        Ok(count) => {
                            let mut names: Vec<String> = count
                                .by_name
                                .iter()
                                .map(|(name, n)| format!("`{name}` {n:.2}"))
                                .collect();
                            let named: f64 = count.by_name.iter().map(|(_, n)| n).sum();
                            if count.total - named >= 0.05 {
                                names.push(format!("other {:.2}", count.total - named));
                            }
                            let _ = writeln!(
                                w,
                                "| {runtime} | {:.2} | {} |",
                                count.total,
                                names.join(", ")
                            );
                            if !tools.contains(&count.tool.name()) {
                                tools.push(count.tool.name());
                            }
                        }
                        Err(why) => {
                            let _ = writeln!(w, "| {runtime} | not measured | {why} |");
                        }
                    }
                }
                if !tools.is_empty() {
                    let _ = writeln!(
                        w,
                        "\nCounted with `{}` on the server's thread, as the difference between \
                         a run of {} and one of {} round trips, divided by {}.",
                        tools.join("` and `"),
                        crate::syscalls::FEW,
                        crate::syscalls::MANY,
                        crate::syscalls::MANY - crate::syscalls::FEW
                    );
                }
                if tools.contains(&crate::syscalls::Tool::Strace.name()) {
                    let _ = writeln!(
                        w,
                        "strace stops the thread at every call, so slowly that a message is                          always waiting by the time the server reads: a runtime that reads                          before it waits (smol) then shows fewer calls than it makes when it                          runs freely. `perf stat` does not have that effect."
                    );
                }
            }
        }
        let _ = writeln!(w, "<!-- ANCHOR_END: syscalls -->");
        out
    }
}
