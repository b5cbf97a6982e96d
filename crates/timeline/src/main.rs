//! `cargo run -p timeline -- --help`: draws a trace as an SVG timeline; `--regenerate` and
//! `--check` remake the book's pictures.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use timeline::book::{self, Program, PICTURES};
use timeline::Options;

const HELP: &str = "\
Draws a loop's trace as an SVG timeline: a row per task, time across; when each task runs
(is polled), sleeps on a timer of its own, and waits; when its timer fired; how it ended.

Usage: timeline [OPTIONS] [TRACE]        read TRACE (or stdin), write the SVG to stdout
       timeline --regenerate             remake the book's pictures (book/src/timelines/)
       timeline --check                  say which of them no longer match a fresh run

Make a trace with AIO_TRACE=1 on stderr (AIO_CLOCK=virtual makes it exact), for example
       AIO_CLOCK=virtual AIO_TRACE=1 cargo run -q -p lesson-03 2> trace.txt
       cargo run -q -p timeline -- trace.txt --run 1 --from 8 --to 11 > tasks.svg
or for a Python twin, RUN_VIRTUAL_TRACE=1 python3 crates/lesson-check/py/run_virtual.py FILE.py

Options:
  --run N        which run to draw (1 for the first `start` line); needed if there are several
  --from SECS    start the picture at this time on the run's clock (like 8 or 1.25)
  --to SECS      end it at this time
  --only NAME    draw only the rows NAME names: main, a task's number (#2) or name
                 (worker, main.rs:63); may be repeated
  --title TEXT   a title above the picture
  -o FILE        write the SVG to FILE instead of stdout
  -h, --help     print this help
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("-h" | "--help") => {
            print!("{HELP}");
            Ok(())
        }
        Some("--regenerate") if args.len() == 1 => regenerate(true),
        Some("--check") if args.len() == 1 => regenerate(false),
        _ => draw(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("timeline: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Draws one trace, as the options say.
fn draw(args: &[String]) -> Result<(), String> {
    let mut options = Options::default();
    let (mut input, mut output) = (None, None);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or(format!("{arg} needs a value (see --help)"))
        };
        match arg.as_str() {
            "--run" => options.run = Some(value()?.parse().map_err(|_| "--run takes a number")?),
            "--from" => options.from = Some(millis(value()?)?),
            "--to" => options.to = Some(millis(value()?)?),
            "--only" => options.only.push(value()?.clone()),
            "--title" => options.title = value()?.clone(),
            "-o" => output = Some(value()?.clone()),
            a if a.starts_with('-') && a != "-" => {
                return Err(format!("unknown option {a} (see --help)"))
            }
            file if input.is_none() => input = Some(file.to_string()),
            extra => return Err(format!("one trace at a time: {extra}?")),
        }
    }
    let text = match input.as_deref() {
        None | Some("-") => {
            let mut text = String::new();
            (std::io::stdin().read_to_string(&mut text)).map_err(|e| format!("stdin: {e}"))?;
            text
        }
        Some(file) => std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?,
    };
    let svg = timeline::draw(&text, &options)?;
    match output {
        Some(file) => std::fs::write(&file, svg).map_err(|e| format!("{file}: {e}")),
        None => {
            print!("{svg}");
            Ok(())
        }
    }
}

/// `1.25` (seconds) as 1250 ms.
fn millis(secs: &str) -> Result<u64, String> {
    let bad = || format!("{secs:?} is not a time in seconds (like 8 or 1.25)");
    let (whole, frac) = secs.split_once('.').unwrap_or((secs, ""));
    if frac.len() > 3 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let whole: u64 = whole.parse().map_err(|_| bad())?;
    let frac: u64 = format!("{frac:0<3}").parse().map_err(|_| bad())?;
    Ok(whole * 1000 + frac)
}

/// Runs every program the book's pictures come from, and writes (`write`) or compares the
/// pictures.
fn regenerate(write: bool) -> Result<(), String> {
    let root = book::root();
    let build = output(book::build_command(&root))?;
    let exes = book::executables(&build);
    let mut stale = Vec::new();
    for picture in PICTURES {
        let mut command = match picture.program {
            Program::Twin { script } => {
                let mut command = Command::new("python3");
                command.args(book::python_args(&root, script));
                command
            }
            _ => picture.lesson_command(&exes)?,
        };
        picture.trace_on(&mut command, &root);
        let mut trace = output_stderr(command)?;
        if let Program::RealClock { trace: file, .. } = picture.program {
            // The trace of today's run is kept only when the picture is remade: the picture
            // is drawn from the kept one.
            let path = root.join(book::DIR).join(file);
            if write {
                let lines: String = (trace.lines())
                    .filter(|line| line.starts_with("aio trace: "))
                    .map(|line| format!("{line}\n"))
                    .collect();
                std::fs::write(&path, &lines).map_err(|e| format!("{}: {e}", path.display()))?;
            }
            trace =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        let svg = picture
            .draw(&trace)
            .map_err(|e| format!("{}: {e}", picture.file))?;
        let path = root.join(book::DIR).join(picture.file);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(svg.as_str()) {
            continue;
        }
        if write {
            std::fs::write(&path, svg).map_err(|e| format!("{}: {e}", path.display()))?;
            eprintln!("wrote {}", shown(&root, &path));
        } else {
            stale.push(shown(&root, &path));
        }
    }
    match stale.is_empty() {
        true => Ok(()),
        false => Err(format!(
            "these pictures no longer match a fresh run: {}\nremake them with: {}",
            stale.join(", "),
            book::REGENERATE
        )),
    }
}

fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .map_or(path.into(), PathBuf::from)
        .display()
        .to_string()
}

/// What `command` printed on stdout; an error if it failed.
fn output(mut command: Command) -> Result<String, String> {
    let out = command.output().map_err(|e| format!("{command:?}: {e}"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(format!("{command:?} failed ({}):\n{stderr}", out.status));
    }
    String::from_utf8(out.stdout).map_err(|e| e.to_string())
}

/// What `command` printed on stderr (the trace); an error if it failed.
fn output_stderr(mut command: Command) -> Result<String, String> {
    let out = command.output().map_err(|e| format!("{command:?}: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        return Err(format!("{command:?} failed ({}):\n{stderr}", out.status));
    }
    Ok(stderr)
}
