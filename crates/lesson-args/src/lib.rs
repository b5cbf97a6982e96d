//! The lessons' command lines, with the standard library alone.
//!
//! A lesson describes its command line in a [`Usage`] and reads it with [`Usage::parse`]:
//!
//! ```no_run
//! use lesson_args::Usage;
//!
//! const USAGE: Usage = Usage {
//!     name: "lesson-10",
//!     about: "Lesson 10: an HTTP server.",
//!     options: &[
//!         ("--serve", "keep the server running"),
//!         ("--port N", "with --serve: listen on port N (default 8080)"),
//!     ],
//! };
//!
//! let mut args = USAGE.parse();
//! let serve = args.flag("--serve");
//! let port: u16 = args.value("--port").unwrap_or(8080);
//! args.finish();
//! ```
//!
//! * `-h` or `--help` prints the help (what the lesson does, its options, the runtime's
//!   switches) on stdout and exits with status 0, before the lesson runs anything.
//! * A wrong argument (an unknown option, a missing or bad value, a word nobody asked for)
//!   prints one `error:` line and the usage on stderr and exits with status 2, the usual
//!   status for a command-line mistake. Nothing panics.
//!
//! Options are taken out by name, in any order on the command line; plain words
//! ([`Args::word`], [`Args::words`]) are what is left once the options are taken, so take
//! the options first. [`Args::finish`] refuses whatever nobody took. `--name=value` works like
//! `--name value`, and every argument after `--` is a plain word, even one that starts with `-`.
//!
//! For the servers: an [`Addr`] is an `ADDR` on the command line (a host name is looked up
//! once, and one that does not resolve is a usage error), and [`say!`] prints a line for the
//! person watching the server without ever failing the server.

#![warn(missing_docs)]

use std::fmt::Display;
use std::io::Write;
use std::net::{SocketAddr, ToSocketAddrs};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};

/// What a lesson's `--help` prints, and what its parser accepts.
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    /// The program's name, `lesson-NN`.
    pub name: &'static str,
    /// What the lesson does, in a sentence: the first line of the help.
    pub about: &'static str,
    /// The options and what each does, as `("--port N", "listen on port N")`; the help adds
    /// `-h, --help`.
    pub options: &'static [(&'static str, &'static str)],
}

/// The runtime's switches, which every lesson obeys (the README has the details).
const SWITCHES: &[(&str, &str)] = &[
    (
        "AIO_CLOCK=virtual",
        "virtual time: sleeps end at once, durations are exact",
    ),
    (
        "AIO_DEBUG=1",
        "warn on stderr when a task blocks the loop over 100 ms",
    ),
    ("AIO_TRACE=1", "one line on stderr per event of the loop"),
    (
        "AIO_BLOCKING_THREADS=n",
        "at most n threads in the blocking pool",
    ),
];

impl Usage {
    /// How a program that ran ends: `Ok` is success; an error (a server that cannot listen, a
    /// client that cannot connect) is one line on stderr that says why, and the status of a
    /// failure. Never a panic and its backtrace.
    pub fn exit(&self, done: Result<(), impl Display>) -> std::process::ExitCode {
        match done {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(why) => {
                let _ = writeln!(std::io::stderr(), "{}: {why}", self.name);
                std::process::ExitCode::FAILURE
            }
        }
    }

    /// Reads the program's arguments. On `-h` or `--help`, prints the help and exits (0); on
    /// an argument that is not UTF-8, fails (exit 2).
    pub fn parse(&self) -> Args<'_> {
        let words = std::env::args_os().skip(1).map(|word| {
            word.into_string()
                .unwrap_or_else(|word| self.fail(format_args!("{word:?} is not UTF-8")))
        });
        match Args::new(self, words.collect()) {
            Some(args) => args,
            None => {
                // A closed stdout (`lesson-10 --help | head -1`) is no reason to panic.
                let mut stdout = std::io::stdout().lock();
                let _ = stdout.write_all(self.help().as_bytes());
                let _ = stdout.flush();
                std::process::exit(0)
            }
        }
    }

    /// The whole help: what the lesson does, the usage, the switches.
    pub fn help(&self) -> String {
        format!(
            "{}\n\n{}\nSwitches (environment variables, see README.md):\n{}",
            self.about,
            self.usage(),
            table(SWITCHES)
        )
    }

    /// How to run the program, and its options.
    pub fn usage(&self) -> String {
        let help = [("-h, --help", "print this help and exit")];
        let options: Vec<_> = self.options.iter().chain(&help).copied().collect();
        format!(
            "Usage: {name} [OPTIONS]\n       cargo run -p {name} -- [OPTIONS]\n\nOptions:\n{}",
            table(&options),
            name = self.name
        )
    }

    /// Prints `error: {error}` and the usage on stderr, and exits with status 2.
    pub fn fail(&self, error: impl Display) -> ! {
        let mut stderr = std::io::stderr().lock();
        let _ = write!(
            stderr,
            "error: {error}\n\n{}\nFor more, add --help.\n",
            self.usage()
        );
        let _ = stderr.flush();
        std::process::exit(2)
    }

    /// Whether `arg` (`--port` or `--port=80`) names one of the options.
    fn knows(&self, arg: &str) -> bool {
        let name = arg.split('=').next().unwrap_or(arg);
        self.options
            .iter()
            .any(|(spec, _)| spec.split([' ', '=']).next() == Some(name))
    }
}

/// Two columns, the left one padded to its widest entry.
fn table(rows: &[(&str, &str)]) -> String {
    let width = rows.iter().map(|(left, _)| left.len()).max().unwrap_or(0);
    rows.iter()
        .map(|(left, right)| format!("  {left:<width$}  {right}\n"))
        .collect()
}

/// `-p`, `--port`, `--port=80`: anything that starts with `-` but `-` alone.
fn is_option(arg: &str) -> bool {
    arg.len() > 1 && arg.starts_with('-')
}

/// The value in `--port=80`, if `arg` is `name=` something.
fn inline_value<'s>(arg: &'s str, name: &str) -> Option<&'s str> {
    arg.strip_prefix(name)?.strip_prefix('=')
}

/// The arguments of a program, taken out one option at a time. See the [crate] docs.
#[derive(Debug)]
#[must_use = "call `finish` to refuse the arguments nobody took"]
pub struct Args<'u> {
    usage: &'u Usage,
    /// The arguments before `--` that nobody took yet, in order.
    before: Vec<String>,
    /// The arguments after `--`: plain words, whatever they look like.
    after: Vec<String>,
}

impl<'u> Args<'u> {
    /// The arguments `words` (without the program's name), or `None` when they ask for help.
    fn new(usage: &'u Usage, mut words: Vec<String>) -> Option<Args<'u>> {
        let after = match words.iter().position(|word| word == "--") {
            Some(i) => {
                let after = words.split_off(i + 1);
                words.pop(); // the `--` itself
                after
            }
            None => Vec::new(),
        };
        if words.iter().any(|word| word == "-h" || word == "--help") {
            return None;
        }
        Some(Args {
            usage,
            before: words,
            after,
        })
    }

    /// Whether the option `name` (say `--serve`) was given. Fails if it was given a value.
    pub fn flag(&mut self, name: &str) -> bool {
        self.try_flag(name).unwrap_or_else(|e| self.usage.fail(e))
    }

    /// The value of the option `name` (say `--port`, given as `--port 80` or `--port=80`),
    /// or `None` if it is not there. Fails if the value is missing or does not parse as a
    /// `T`. Given twice, the last one counts.
    pub fn value<T>(&mut self, name: &str) -> Option<T>
    where
        T: FromStr,
        T::Err: Display,
    {
        self.try_value(name).unwrap_or_else(|e| self.usage.fail(e))
    }

    /// The first plain word left (one that is not an option), if any, as a `T`. Fails if it
    /// does not parse; `what` names it in the error (say `ADDR`).
    pub fn word<T>(&mut self, what: &str) -> Option<T>
    where
        T: FromStr,
        T::Err: Display,
    {
        self.try_word(what).unwrap_or_else(|e| self.usage.fail(e))
    }

    /// Every plain word left, in order.
    pub fn words(&mut self) -> Vec<String> {
        let mut words = Vec::new();
        while let Some(word) = self.take_word() {
            words.push(word);
        }
        words
    }

    /// Fails on the first argument that nobody took: an unknown option, an option that does
    /// not go with the others, or an extra word.
    pub fn finish(self) {
        if let Err(e) = self.try_finish() {
            self.usage.fail(e)
        }
    }

    fn try_flag(&mut self, name: &str) -> Result<bool, String> {
        if self
            .before
            .iter()
            .any(|arg| inline_value(arg, name).is_some())
        {
            return Err(format!("{name} takes no value"));
        }
        let count = self.before.len();
        self.before.retain(|arg| arg != name);
        Ok(self.before.len() < count)
    }

    fn try_value<T>(&mut self, name: &str) -> Result<Option<T>, String>
    where
        T: FromStr,
        T::Err: Display,
    {
        let mut text = None;
        while let Some(i) = self
            .before
            .iter()
            .position(|arg| arg == name || inline_value(arg, name).is_some())
        {
            let arg = self.before.remove(i);
            text = Some(match inline_value(&arg, name) {
                Some(value) => value.to_string(),
                None if i < self.before.len() => self.before.remove(i),
                None => return Err(format!("{name} needs a value")),
            });
        }
        match text {
            None => Ok(None),
            Some(text) => match text.parse() {
                Ok(value) => Ok(Some(value)),
                Err(e) => Err(format!("invalid value '{text}' for {name}: {e}")),
            },
        }
    }

    fn take_word(&mut self) -> Option<String> {
        match self.before.iter().position(|arg| !is_option(arg)) {
            Some(i) => Some(self.before.remove(i)),
            None if self.after.is_empty() => None,
            None => Some(self.after.remove(0)),
        }
    }

    fn try_word<T>(&mut self, what: &str) -> Result<Option<T>, String>
    where
        T: FromStr,
        T::Err: Display,
    {
        match self.take_word() {
            None => Ok(None),
            Some(word) => match word.parse() {
                Ok(value) => Ok(Some(value)),
                Err(e) => Err(format!("invalid {what} '{word}': {e}")),
            },
        }
    }

    fn try_finish(&self) -> Result<(), String> {
        match self.before.first().or(self.after.first()) {
            None => Ok(()),
            Some(arg) if self.before.is_empty() || !is_option(arg) => {
                Err(format!("unexpected argument '{arg}'"))
            }
            Some(arg) if self.usage.knows(arg) => Err(format!("unexpected option '{arg}'")),
            Some(arg) => Err(format!("unknown option '{arg}'")),
        }
    }
}

/// An address from the command line: `127.0.0.1:8888`, `[::1]:8888`, or a host name and a
/// port, `localhost:8888`, which is looked up once, when the command line is read. A name
/// that does not resolve is a mistake on the command line, reported with the usage: take it
/// with [`Args::word`] or [`Args::value`].
#[derive(Debug)]
pub struct Addr {
    /// As it was given, for messages.
    given: String,
    /// What it stands for (a name may stand for several addresses, tried in turn).
    resolved: Vec<SocketAddr>,
}

impl Addr {
    /// The addresses it stands for, to listen on or connect to (the first that works).
    pub fn resolved(&self) -> &[SocketAddr] {
        &self.resolved
    }
}

/// One address, shown as itself: a default such as `127.0.0.1:8888`.
impl From<SocketAddr> for Addr {
    fn from(addr: SocketAddr) -> Addr {
        Addr {
            given: addr.to_string(),
            resolved: vec![addr],
        }
    }
}

impl FromStr for Addr {
    type Err = String;

    fn from_str(given: &str) -> Result<Addr, String> {
        let resolved = match given.parse::<SocketAddr>() {
            Ok(addr) => vec![addr],
            Err(not_an_ip) => {
                // HOST:PORT, or not an address at all (said as std says it).
                let syntax = || not_an_ip.to_string();
                let (host, port) = given.rsplit_once(':').ok_or_else(syntax)?;
                if host.is_empty() || host.contains(':') {
                    return Err(syntax()); // An IPv6 address needs its brackets: [::1]:8888.
                }
                let port: u16 = port.parse().map_err(|_| syntax())?;
                let found = (host, port)
                    .to_socket_addrs()
                    .map_err(|e| format!("cannot resolve {host}: {e}"))?;
                let found: Vec<SocketAddr> = found.collect();
                if found.is_empty() {
                    return Err(format!("cannot resolve {host}: no address"));
                }
                found
            }
        };
        Ok(Addr {
            given: given.into(),
            resolved,
        })
    }
}

impl Display for Addr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.given)
    }
}

// ANCHOR: say
/// Prints a line for the person watching the server, like `println!`; never fails the server.
///
/// `println!` panics when stdout is gone: after `--serve | head -1` the pipe is closed, and
/// the next write fails (EPIPE). In a connection's task, that panic would end the connection.
/// The log is for whoever watches the server; the clients must not pay for it. So when stdout
/// is gone the server keeps serving and stops logging, and says so once on stderr.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::log_line(env!("CARGO_PKG_NAME"), format_args!($($arg)*))
    };
}

/// What [`say!`] does in the program `name`: writes one line on stdout, or nothing once
/// stdout is gone.
#[doc(hidden)]
pub fn log_line(name: &str, line: std::fmt::Arguments) {
    static STDOUT_GONE: AtomicBool = AtomicBool::new(false);
    if STDOUT_GONE.load(Ordering::Relaxed) {
        return;
    }
    if let Err(e) = writeln!(std::io::stdout().lock(), "{line}") {
        STDOUT_GONE.store(true, Ordering::Relaxed);
        let _ = writeln!(
            std::io::stderr(),
            "{name}: stdout is gone ({e}); serving on, without a log"
        );
    }
}
// ANCHOR_END: say

/// For the lessons' command-line tests: run a lesson with a deadline, check its `--help` and
/// its errors.
#[doc(hidden)]
pub mod testing {
    use std::io::Read;
    use std::path::Path;
    use std::process::{Command, Stdio};
    use std::thread;
    use std::time::{Duration, Instant};

    /// How long a lesson may take to answer its command line before the test gives up.
    pub const DEADLINE: Duration = Duration::from_secs(60);

    /// What a finished program printed, and its exit code.
    #[derive(Debug)]
    pub struct Ran {
        /// The exit code; `None` if a signal ended it.
        pub code: Option<i32>,
        /// Its standard output.
        pub stdout: String,
        /// Its standard error.
        pub stderr: String,
    }

    /// Runs `exe` with `args` in virtual time (so that a demo that runs by mistake ends soon)
    /// and waits at most [`DEADLINE`] for it; past that, kills it and panics with what it
    /// printed.
    #[track_caller]
    pub fn run(exe: &str, args: &[&str]) -> Ran {
        let mut child = Command::new(exe)
            .args(args)
            .env("AIO_CLOCK", "virtual")
            .env_remove("AIO_DEBUG")
            .env_remove("AIO_TRACE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {exe}: {e}"));
        // Read both pipes while waiting, so that a full pipe never stalls the program.
        let stdout = read_all(child.stdout.take());
        let stderr = read_all(child.stderr.take());
        let start = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if start.elapsed() < DEADLINE => thread::sleep(Duration::from_millis(20)),
                Ok(None) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break None;
                }
                Err(e) => panic!("could not wait for {exe}: {e}"),
            }
        };
        let stdout = stdout.join().unwrap_or_default();
        let stderr = stderr.join().unwrap_or_default();
        match status {
            Some(status) => Ran {
                code: status.code(),
                stdout,
                stderr,
            },
            None => panic!(
                "{exe} {args:?} still ran after {DEADLINE:?}, so it was killed.\n\
                 --- stdout\n{stdout}--- stderr\n{stderr}"
            ),
        }
    }

    fn read_all(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    }

    /// `lesson-NN`, from the path of the lesson's binary.
    fn name_of(exe: &str) -> String {
        let stem = Path::new(exe).file_stem().and_then(|stem| stem.to_str());
        stem.unwrap_or(exe).to_string()
    }

    /// Checks that `--help` and `-h` print `about` as the first line and the usage, exit with
    /// status 0 and do not run the demo, whose first line is `demo_first_line`.
    #[track_caller]
    pub fn assert_help(exe: &str, about: &str, demo_first_line: &str) {
        let usage = format!("Usage: {} [OPTIONS]", name_of(exe));
        for flag in ["--help", "-h"] {
            let ran = run(exe, &[flag]);
            let shown = format!("{flag}: {ran:#?}");
            assert_eq!(ran.code, Some(0), "{shown}");
            assert_eq!(ran.stdout.lines().next(), Some(about), "{shown}");
            assert!(ran.stdout.contains(&usage), "no {usage:?} in {shown}");
            assert!(ran.stdout.contains("AIO_CLOCK=virtual"), "{shown}");
            assert!(
                !ran.stdout.contains(demo_first_line),
                "the demo ran: {shown}"
            );
            assert_eq!(ran.stderr, "", "{shown}");
        }
    }

    /// Checks that `args` make `exe` print `error: {error}` and the usage on stderr, nothing
    /// on stdout, and exit with status 2, without a panic.
    #[track_caller]
    pub fn assert_usage_error(exe: &str, args: &[&str], error: &str) {
        let ran = run(exe, args);
        let shown = format!("{args:?}: {ran:#?}");
        assert!(!ran.stderr.contains("panicked"), "{shown}");
        assert_eq!(ran.code, Some(2), "{shown}");
        let expected = format!("error: {error}");
        assert_eq!(
            ran.stderr.lines().next(),
            Some(expected.as_str()),
            "{shown}"
        );
        let usage = format!("Usage: {} [OPTIONS]", name_of(exe));
        assert!(ran.stderr.contains(&usage), "no {usage:?} in {shown}");
        assert_eq!(ran.stdout, "", "{shown}");
    }

    /// Checks that a run failed with one line on stderr that starts with `start`, exit status
    /// 1, and no panic: a server on a busy port, a client where nothing listens.
    #[track_caller]
    pub fn assert_failed_with(ran: &Ran, start: &str) {
        let shown = format!("{ran:#?}");
        assert_eq!(ran.code, Some(1), "{shown}");
        assert!(ran.stderr.starts_with(start), "{shown}");
        assert_eq!(ran.stderr.lines().count(), 1, "{shown}");
        assert!(!ran.stderr.contains("panicked"), "{shown}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const USAGE: Usage = Usage {
        name: "lesson-99",
        about: "Lesson 99: a test.",
        options: &[
            ("--serve", "serve"),
            ("--port N", "port"),
            ("--connect ADDR [LINE...]", "connect"),
        ],
    };

    fn args(words: &[&str]) -> Option<Args<'static>> {
        Args::new(&USAGE, words.iter().map(|w| w.to_string()).collect())
    }

    #[test]
    fn help_anywhere_before_the_double_dash() {
        assert!(args(&["--help"]).is_none());
        assert!(args(&["--serve", "-h"]).is_none());
        assert!(args(&["--", "--help"]).is_some());
    }

    #[test]
    fn flags_values_and_words_in_any_order() {
        let mut a = args(&["one", "--port", "80", "--serve", "two"]).unwrap();
        assert_eq!(a.try_value::<u16>("--port"), Ok(Some(80)));
        assert_eq!(a.try_flag("--serve"), Ok(true));
        assert_eq!(a.try_flag("--verbose"), Ok(false));
        assert_eq!(a.words(), ["one", "two"]);
        assert_eq!(a.try_finish(), Ok(()));
    }

    #[test]
    fn inline_values_and_the_double_dash() {
        let mut a = args(&["--port=81", "--", "--not-an-option", "-"]).unwrap();
        assert_eq!(a.try_value::<u16>("--port"), Ok(Some(81)));
        assert_eq!(a.words(), ["--not-an-option", "-"]);
        assert_eq!(a.try_finish(), Ok(()));
    }

    #[test]
    fn a_word_parses() {
        let mut a = args(&["127.0.0.1:0", "rest"]).unwrap();
        let addr = a.try_word::<std::net::SocketAddr>("ADDR");
        assert_eq!(addr, Ok(Some(([127, 0, 0, 1], 0).into())));
        let e = a.try_word::<std::net::SocketAddr>("ADDR").unwrap_err();
        assert_eq!(e, "invalid ADDR 'rest': invalid socket address syntax");
        assert_eq!(a.try_word::<String>("LINE"), Ok(None));
    }

    #[test]
    fn the_last_value_counts() {
        let mut a = args(&["--port", "1", "--port=2"]).unwrap();
        assert_eq!(a.try_value::<u16>("--port"), Ok(Some(2)));
        assert_eq!(a.try_finish(), Ok(()));
    }

    #[test]
    fn wrong_values() {
        let mut a = args(&["--port", "x"]).unwrap();
        let e = a.try_value::<u16>("--port").unwrap_err();
        assert_eq!(
            e,
            "invalid value 'x' for --port: invalid digit found in string"
        );
        let mut a = args(&["--port"]).unwrap();
        let e = a.try_value::<u16>("--port").unwrap_err();
        assert_eq!(e, "--port needs a value");
        let mut a = args(&["--serve=yes"]).unwrap();
        assert_eq!(a.try_flag("--serve").unwrap_err(), "--serve takes no value");
    }

    #[test]
    fn what_nobody_took() {
        let left = |words: &[&str]| args(words).unwrap().try_finish().unwrap_err();
        assert_eq!(left(&["--bogus"]), "unknown option '--bogus'");
        assert_eq!(left(&["-x"]), "unknown option '-x'");
        assert_eq!(left(&["--port", "80"]), "unexpected option '--port'");
        assert_eq!(left(&["--port=80"]), "unexpected option '--port=80'");
        assert_eq!(left(&["extra"]), "unexpected argument 'extra'");
        assert_eq!(left(&["--", "--bogus"]), "unexpected argument '--bogus'");
    }

    #[test]
    fn help_lists_the_options_and_switches() {
        let help = USAGE.help();
        assert!(help.starts_with("Lesson 99: a test.\n\nUsage: lesson-99 [OPTIONS]\n"));
        assert!(help.contains("\n  --connect ADDR [LINE...]  connect\n"));
        assert!(help.contains("\n  -h, --help                print this help and exit\n"));
        assert!(help.contains("\n  AIO_CLOCK=virtual "));
    }

    #[test]
    fn an_addr_is_an_ip_address_and_port_or_a_host_name_and_port() {
        let ip: Addr = "127.0.0.1:8888".parse().unwrap();
        assert_eq!(ip.resolved(), [SocketAddr::from(([127, 0, 0, 1], 8888))]);
        assert_eq!(ip.to_string(), "127.0.0.1:8888");
        let v6: Addr = "[::1]:8888".parse().unwrap();
        assert_eq!(v6.resolved().len(), 1);
        let name: Addr = "localhost:8888".parse().unwrap();
        assert_eq!(name.to_string(), "localhost:8888");
        assert!(name.resolved().iter().all(|a| a.port() == 8888));
        for wrong in ["8888", ":8888", "::1:8888", "localhost:port"] {
            let error = wrong.parse::<Addr>().unwrap_err();
            assert_eq!(error, "invalid socket address syntax", "{wrong}");
        }
        let default = Addr::from(SocketAddr::from(([127, 0, 0, 1], 8888)));
        assert_eq!(default.to_string(), "127.0.0.1:8888");
    }
}
