//! The book's pictures, in `book/src/timelines/`: which program each is drawn from, and what
//! of its trace it shows. `cargo run -p timeline -- --regenerate` remakes them all from fresh
//! runs; the test `tests/pictures.rs` fails when one no longer matches.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Options;

/// Where the pictures go, from the workspace's root.
pub const DIR: &str = "book/src/timelines";

/// The command that remakes them.
pub const REGENERATE: &str = "cargo run -p timeline -- --regenerate";

/// The program a picture is drawn from.
#[derive(Debug, Clone, Copy)]
pub enum Program {
    /// A lesson's binary on the virtual clock, where its trace is exact: the picture is drawn
    /// from a fresh run.
    Lesson {
        /// The package, `lesson-03`.
        package: &'static str,
        /// Its arguments.
        args: &'static [&'static str],
    },
    /// A lesson whose picture needs the real clock (a blocking call takes no time on the
    /// virtual one). Its times differ a little from run to run, so the trace of one run is
    /// kept in [`DIR`] under this name, and the picture is drawn from it.
    RealClock {
        /// The package.
        package: &'static str,
        /// The file, in [`DIR`], that keeps the trace.
        trace: &'static str,
    },
    /// A lesson's Python twin under `run_virtual.py`: the script, from the root.
    Twin {
        /// `lessons/03-tasks/original.py`.
        script: &'static str,
    },
}

/// One picture of the book.
#[derive(Debug, Clone, Copy)]
pub struct Picture {
    /// Its file in [`DIR`].
    pub file: &'static str,
    /// What it is drawn from.
    pub program: Program,
    /// Which run of the program (see [`Options::run`]).
    pub run: Option<usize>,
    /// The window of time shown, in ms on the run's clock (see [`Options::from`]).
    pub from: Option<u64>,
    /// Its end.
    pub to: Option<u64>,
    /// Only these rows (see [`Options::only`]).
    pub only: &'static [&'static str],
    /// Its title.
    pub title: &'static str,
}

/// A whole lesson on the virtual clock; the other fields are chosen with `..`.
const fn lesson(file: &'static str, package: &'static str, title: &'static str) -> Picture {
    Picture {
        file,
        program: Program::Lesson { package, args: &[] },
        run: None,
        from: None,
        to: None,
        only: &[],
        title,
    }
}

/// The same picture drawn from the Python twin `script`, into `file`, titled `title`.
const fn twin(
    picture: Picture,
    file: &'static str,
    script: &'static str,
    title: &'static str,
) -> Picture {
    Picture {
        file,
        program: Program::Twin { script },
        title,
        ..picture
    }
}

const L01: Picture = Picture {
    run: Some(2),
    ..lesson(
        "01-hello-sleep.svg",
        "lesson-01",
        "aio: in a row, then as two tasks",
    )
};
const L03: Picture = Picture {
    run: Some(1),
    from: Some(2000),
    to: Some(11_000),
    ..lesson(
        "03-tasks.svg",
        "lesson-03",
        "aio: three downloads in a row, then as tasks",
    )
};
const L06: Picture = lesson(
    "06-gather-vs-wait.svg",
    "lesson-06",
    "aio: gather, wait, the fastest mirror, wait with a timeout",
);
const L07: Picture = Picture {
    program: Program::RealClock {
        package: "lesson-07",
        trace: "07-blocking-offload.trace",
    },
    only: &["main", "#1", "#2"],
    ..lesson(
        "07-blocking-offload.svg",
        "lesson-07",
        "aio, real clock: a blocking call in main, then in run_in_executor",
    )
};
const L08: Picture = Picture {
    from: Some(1200),
    to: Some(2200),
    ..lesson(
        "08-timeouts-and-cancellation.svg",
        "lesson-08",
        "aio: a 1 s time limit on a task, then cancel",
    )
};
const L12: Picture = Picture {
    run: Some(1),
    from: Some(1000),
    ..lesson(
        "12-limits.svg",
        "lesson-12",
        "aio: ten downloads, three permits",
    )
};
const L13: Picture = lesson(
    "13-queues.svg",
    "lesson-13",
    "aio: main puts jobs in a queue of 2, three workers take them",
);
const L17: Picture = Picture {
    run: Some(1),
    ..lesson(
        "17-pipeline.svg",
        "lesson-17",
        "aio: read (#1), transform (#2), write (#3), joined by queues of 2",
    )
};
const L19: Picture = Picture {
    to: Some(470),
    ..lesson(
        "19-racing.svg",
        "lesson-19",
        "aio: race, then as_completed with a timeout",
    )
};

/// Every picture of the book.
pub const PICTURES: &[Picture] = &[
    L01,
    twin(
        L01,
        "01-hello-sleep-py.svg",
        "lessons/01-hello-sleep/original.py",
        "asyncio: original.py",
    ),
    L03,
    twin(
        L03,
        "03-tasks-py.svg",
        "lessons/03-tasks/original.py",
        "asyncio: original.py",
    ),
    L06,
    twin(
        L06,
        "06-gather-vs-wait-py.svg",
        "lessons/06-gather-vs-wait/original.py",
        "asyncio: original.py",
    ),
    L07,
    L08,
    twin(
        L08,
        "08-timeouts-and-cancellation-py.svg",
        "lessons/08-timeouts-and-cancellation/original.py",
        "asyncio: wait_for, which cancels the task itself",
    ),
    L12,
    twin(
        L12,
        "12-limits-py.svg",
        "lessons/12-limits/original.py",
        "asyncio: original.py",
    ),
    L13,
    twin(
        L13,
        "13-queues-py.svg",
        "lessons/13-queues/original.py",
        "asyncio: original.py",
    ),
    L17,
    L19,
    twin(
        L19,
        "19-racing-py.svg",
        "lessons/19-racing/original.py",
        "asyncio: original.py",
    ),
];

impl Picture {
    /// What to draw of the trace.
    pub fn options(&self) -> Options {
        Options {
            run: self.run,
            from: self.from,
            to: self.to,
            only: self.only.iter().map(|s| s.to_string()).collect(),
            title: self.title.to_string(),
        }
    }

    /// The picture, from the program's stderr.
    pub fn draw(&self, trace: &str) -> Result<String, String> {
        crate::draw(trace, &self.options())
    }

    /// The command that runs the lesson, given the built executables (see [`executables`]).
    /// For a twin, see [`python_args`].
    pub fn lesson_command(&self, exes: &HashMap<String, PathBuf>) -> Result<Command, String> {
        let (package, args) = match self.program {
            Program::Lesson { package, args } => (package, args),
            Program::RealClock { package, .. } => (package, &[][..]),
            Program::Twin { .. } => return Err(format!("{} is drawn from a twin", self.file)),
        };
        let exe = exes
            .get(package)
            .ok_or(format!("{package} was not built"))?;
        let mut command = Command::new(exe);
        command.args(args);
        Ok(command)
    }

    /// Sets `command` (made by [`Picture::lesson_command`], or `python3` with
    /// [`python_args`]) to run with trace on, from the workspace's `root`, so that the trace
    /// names files as the workspace does.
    pub fn trace_on(&self, command: &mut Command, root: &Path) {
        command
            .current_dir(root)
            .env("AIO_TRACE", "1")
            .env("RUN_VIRTUAL_TRACE", "1")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env_remove("AIO_DEBUG")
            .env_remove("RUN_VIRTUAL_REPORT");
        match self.program {
            Program::RealClock { .. } => command.env_remove("AIO_CLOCK"),
            _ => command.env("AIO_CLOCK", "virtual"),
        };
    }
}

/// The workspace's root.
pub fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .nth(2)
        .unwrap_or(manifest)
        .to_path_buf()
}

/// `cargo build` of every lesson a picture is drawn from, saying where it put each binary.
pub fn build_command(root: &Path) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .args(["build", "--quiet", "--message-format=json"]);
    for picture in PICTURES {
        if let Program::Lesson { package, .. } | Program::RealClock { package, .. } =
            picture.program
        {
            command.args(["-p", package]);
        }
    }
    command
}

/// The binaries that `cargo build --message-format=json` printed (its stdout), by name.
pub fn executables(json: &str) -> HashMap<String, PathBuf> {
    let mut found = HashMap::new();
    for line in json.lines() {
        let Some((_, rest)) = line.split_once(r#""executable":""#) else {
            continue;
        };
        let path = PathBuf::from(rest.split('"').next().unwrap_or_default());
        if let Some(name) = path.file_stem().and_then(|name| name.to_str()) {
            found.insert(name.to_string(), path.clone());
        }
    }
    found
}

/// The arguments of `python3` that run the twin `script` under the virtual-time loop.
pub fn python_args(root: &Path, script: &str) -> [PathBuf; 2] {
    [
        root.join("crates/lesson-check/py/run_virtual.py"),
        root.join(script),
    ]
}
