//! Child processes on the loop (asyncio's `create_subprocess_exec`): [`Command`] starts one,
//! [`Child`] talks to it and waits for it.
//!
//! ```
//! use aio::process::{Command, Stdio};
//!
//! aio::run(async {
//!     let mut child = Command::new("cat")
//!         .stdin(Stdio::piped())
//!         .stdout(Stdio::piped())
//!         .spawn()?;
//!     let stdin = child.stdin.take().unwrap();
//!     stdin.write(b"hello\n");
//!     drop(stdin); // Closes the pipe: `cat` reads its end of file, and exits.
//!     let mut stdout = child.stdout.take().unwrap();
//!     assert_eq!(stdout.readline().await?, b"hello\n");
//!     assert_eq!(child.wait().await?.code(), Some(0));
//!     std::io::Result::Ok(())
//! })
//! .unwrap();
//! ```
//!
//! Three things make a child a citizen of the loop:
//!
//! * **Its pipes go through the reactor.** Each of stdin, stdout and stderr that is
//!   [`Stdio::piped()`] becomes a [`StreamWriter`] or a [`StreamReader`] over the parent's end
//!   of the pipe, made non-blocking and registered with the reactor like a socket. So
//!   `readline`, `lines`, `write` and `drain` work on a child as on a connection, and a task
//!   waiting for a child's next line costs the loop nothing until the line comes.
//! * **Its exit wakes the loop.** On Linux through a pidfd registered with the reactor; on
//!   macOS and the BSDs through one thread per waited child (see `process/exit.rs`).
//! * **Virtual time waits for it.** With `AIO_CLOCK=virtual` the clock does not jump while a
//!   child of the loop runs (until its exit status is collected): the child works in real
//!   time, and a timeout around it must not fire before it had the chance to answer. The clock
//!   moves with the wall clock then, as it does while a blocking job runs.
//!
//! Starting a child is std's `Command::spawn` (`fork` and `exec`, or `posix_spawn`): it
//! blocks the loop until the new process has started the program (`exec`), a millisecond or
//! so, as asyncio's does.
//!
//! # Dropping a `Child`
//!
//! asyncio leaves a process whose handle is gone running, and so does `aio` by default (as
//! std and tokio do). It does not leave a zombie where it can help it: a dropped child that
//! is still running is handed to a task of the loop, which collects its exit status when it
//! exits, so that the kernel can forget it (until then, virtual time still waits for it). If
//! the loop ends first, the child is not collected before the program ends (the system
//! collects it then). With
//! [`Command::kill_on_drop(true)`](Command::kill_on_drop) (tokio's name), dropping the
//! `Child` kills the process first: the way to make sure that a cancelled task does not
//! leave its child behind.

mod exit;

use std::cell::Cell;
use std::ffi::OsStr;
use std::fmt;
use std::future::Future;
use std::io;
use std::path::Path;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

pub use std::process::{ExitStatus, Output, Stdio};

use crate::byte_stream::ByteStream;
use crate::pipe::Pipe;
use crate::runtime;
use crate::streams::{StreamReader, StreamWriter};
use exit::Exit;

/// How to start a child process: std's [`Command`](std::process::Command), whose child runs
/// on the loop (asyncio's `create_subprocess_exec(program, *args, stdin=..., ...)`).
///
/// The builder methods are std's; [`spawn`](Self::spawn) returns an `aio` [`Child`].
#[derive(Debug)]
pub struct Command {
    /// std's command: program, arguments, environment, directory, stdio.
    std: std::process::Command,
    /// Kill the child when its `Child` is dropped before it exited.
    kill_on_drop: bool,
}

impl Command {
    /// A command that runs `program` (found on `PATH` if it has no `/`), with no arguments,
    /// this process's environment and directory, and stdin, stdout and stderr inherited.
    pub fn new(program: impl AsRef<OsStr>) -> Command {
        Command::from(std::process::Command::new(program))
    }

    /// Adds an argument.
    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Command {
        self.std.arg(arg);
        self
    }

    /// Adds arguments.
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.std.args(args);
        self
    }

    /// Sets an environment variable for the child.
    pub fn env(&mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> &mut Command {
        self.std.env(key, value);
        self
    }

    /// Removes an environment variable from the child's environment.
    pub fn env_remove(&mut self, key: impl AsRef<OsStr>) -> &mut Command {
        self.std.env_remove(key);
        self
    }

    /// Sets the child's working directory.
    pub fn current_dir(&mut self, dir: impl AsRef<Path>) -> &mut Command {
        self.std.current_dir(dir);
        self
    }

    /// What the child's stdin is: [`Stdio::piped()`] to write to it through
    /// [`Child::stdin`], [`Stdio::null()`], or inherited (the default).
    pub fn stdin(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.std.stdin(cfg);
        self
    }

    /// What the child's stdout is: [`Stdio::piped()`] to read it through [`Child::stdout`].
    pub fn stdout(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.std.stdout(cfg);
        self
    }

    /// What the child's stderr is: [`Stdio::piped()`] to read it through [`Child::stderr`].
    pub fn stderr(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.std.stderr(cfg);
        self
    }

    /// Whether dropping the [`Child`] before its process exited kills the process (`false`
    /// by default: it runs on, and the loop collects it when it exits).
    pub fn kill_on_drop(&mut self, kill: bool) -> &mut Command {
        self.kill_on_drop = kill;
        self
    }

    /// std's command, for what this one does not offer (`env_clear`, `uid`, `process_group`).
    pub fn as_std_mut(&mut self) -> &mut std::process::Command {
        &mut self.std
    }

    // ANCHOR: spawn
    /// Starts the child and returns at once. Its piped stdin, stdout and stderr are in the
    /// returned [`Child`]'s fields, registered with the loop.
    ///
    /// # Panics
    /// Outside [`run`](crate::run).
    #[track_caller]
    pub fn spawn(&mut self) -> io::Result<Child> {
        let children =
            runtime::with_core("aio::process::Command::spawn", |core| core.children.clone());
        let mut std = self.std.spawn()?;
        let (stdin, stdout, stderr) = (std.stdin.take(), std.stdout.take(), std.stderr.take());
        // The child runs from here on. Count it (virtual time waits for it) and watch its
        // exit before anything else can fail: if registering a pipe fails, dropping `child`
        // kills the process and collects it.
        let mut child = Child {
            stdin: None,
            stdout: None,
            stderr: None,
            exit: Exit::new(std.id()),
            running: Some(Running::new(children)),
            kill_on_drop: true, // Until the pipes are set up: a half-made child is killed.
            std,
        };
        if let Some(pipe) = stdin {
            child.stdin = Some(StreamWriter::new(registered(pipe)?));
        }
        if let Some(pipe) = stdout {
            child.stdout = Some(StreamReader::new(registered(pipe)?));
        }
        if let Some(pipe) = stderr {
            child.stderr = Some(StreamReader::new(registered(pipe)?));
        }
        child.kill_on_drop = self.kill_on_drop;
        Ok(child)
    }
    // ANCHOR_END: spawn

    /// Runs the child to its end, with stdin, stdout and stderr as configured (inherited by
    /// default), and returns its exit status.
    ///
    /// Cancel safety: dropping it drops the [`Child`]: the process runs on (and is collected
    /// by the loop when it exits) unless [`kill_on_drop`](Self::kill_on_drop) was set.
    pub async fn status(&mut self) -> io::Result<ExitStatus> {
        self.spawn()?.wait().await
    }

    /// Runs the child to its end with stdout and stderr piped (this sets them so on the
    /// command), and returns its exit status and everything it wrote to them (asyncio's
    /// `communicate()`).
    ///
    /// Cancel safety: not safe: what the child wrote so far is lost. The process runs on (and
    /// is collected by the loop when it exits) unless [`kill_on_drop`](Self::kill_on_drop) was
    /// set.
    pub async fn output(&mut self) -> io::Result<Output> {
        self.std.stdout(Stdio::piped()).stderr(Stdio::piped());
        self.spawn()?.wait_with_output().await
    }
}

/// The parent's end of a pipe to the child, non-blocking and registered with the loop.
#[track_caller]
fn registered(pipe: impl Into<std::os::fd::OwnedFd>) -> io::Result<Rc<ByteStream>> {
    Ok(Rc::new(ByteStream::Pipe(Pipe::new(pipe)?)))
}

impl From<std::process::Command> for Command {
    fn from(std: std::process::Command) -> Command {
        Command {
            std,
            kill_on_drop: false,
        }
    }
}

/// A child process started by [`Command::spawn`] (asyncio's `Process`).
///
/// Dropping it does not stop the process; see [the module doc](self#dropping-a-child).
pub struct Child {
    /// The child's stdin, if it was [`Stdio::piped()`]: write to it, `drain()`, and drop it
    /// (or `write_eof()`) to let the child read its end of file.
    pub stdin: Option<StreamWriter>,
    /// The child's stdout, if it was [`Stdio::piped()`]: `readline()`, `lines()`, ...
    pub stdout: Option<StreamReader>,
    /// The child's stderr, if it was [`Stdio::piped()`].
    pub stderr: Option<StreamReader>,
    /// std's handle: the process id, `waitpid`, `kill`. Its pipes were taken out.
    std: std::process::Child,
    /// How the child's exit wakes the loop.
    exit: Exit,
    /// Counts the child in the loop's running children until its status is collected; `None`
    /// after that (or once handed to the task that collects a dropped child). While it is
    /// `Some`, the process id is still this child's, so signalling it is safe.
    running: Option<Running>,
    /// Kill the process if this handle is dropped before the process exited.
    kill_on_drop: bool,
}

impl fmt::Debug for Child {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Child")
            .field("id", &self.std.id())
            .field("running", &self.running.is_some())
            .field("stdin", &self.stdin)
            .field("stdout", &self.stdout)
            .field("stderr", &self.stderr)
            .finish_non_exhaustive()
    }
}

impl Child {
    /// The child's process id (asyncio's `pid`).
    pub fn id(&self) -> u32 {
        self.std.id()
    }

    /// The exit status if the child has exited (collecting it), `None` while it runs
    /// (asyncio's `returncode`). Never waits.
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        let status = self.std.try_wait()?;
        if status.is_some() {
            self.running = None;
        }
        Ok(status)
    }

    // ANCHOR: wait
    /// Waits for the child to exit and returns its status (asyncio's `wait()`). Without a
    /// thread per child on Linux: the child's pidfd is registered with the reactor.
    ///
    /// It first drops [`stdin`](Self::stdin), as std's and tokio's `wait` do: a child that
    /// reads until its end of file would otherwise wait for the parent while the parent waits
    /// for it (asyncio's `wait` leaves stdin open). Read what you need from stdout before: a
    /// child blocked on a full stdout pipe does not exit either (asyncio's documentation warns
    /// of that one, and points to `communicate()`: here
    /// [`wait_with_output`](Self::wait_with_output)).
    pub fn wait(&mut self) -> Wait<'_> {
        drop(self.stdin.take());
        Wait { child: self }
    }

    /// The poll behind [`wait`](Self::wait).
    fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<ExitStatus>> {
        let std = &mut self.std;
        if self.running.is_none() {
            // Collected already: std keeps the status.
            return Poll::Ready(std.try_wait()?.ok_or_else(|| io::Error::other("no status")));
        }
        let status = std::task::ready!(self.exit.poll_exit(cx, || std.try_wait()))?;
        self.running = None; // Counted out: virtual time may jump again.
        Poll::Ready(Ok(status))
    }
    // ANCHOR_END: wait

    /// Kills the child (`SIGKILL`; asyncio's `kill()`) and returns at once: `wait().await`
    /// then collects its status, whose [`signal()`] is `Some(9)`. Killing a child that has
    /// exited does nothing.
    ///
    /// [`signal()`]: std::os::unix::process::ExitStatusExt::signal
    pub fn kill(&mut self) -> io::Result<()> {
        if self.running.is_none() {
            return Ok(()); // Collected: the id may be someone else's by now.
        }
        self.std.kill()
    }

    /// Asks the child to stop (`SIGTERM`; asyncio's `terminate()`): it may clean up first, or
    /// ignore it. Does nothing once the child has exited.
    pub fn terminate(&mut self) -> io::Result<()> {
        if self.running.is_none() {
            return Ok(());
        }
        use rustix::process::{kill_process, Pid, Signal};
        kill_process(Pid::from_child(&self.std), Signal::TERM)?;
        Ok(())
    }

    /// Reads the child's stdout and stderr to their ends while waiting for it to exit, and
    /// returns all three (asyncio's `communicate()`). Drops stdin first, as
    /// [`wait`](Self::wait) does.
    ///
    /// Cancel safety: not safe: what was read so far is lost with the `Child`, which is
    /// dropped (see [the module doc](self#dropping-a-child)).
    pub async fn wait_with_output(mut self) -> io::Result<Output> {
        drop(self.stdin.take());
        let (mut stdout, mut stderr) = (self.stdout.take(), self.stderr.take());
        let (out, err, status) = crate::gather!(
            read_to_eof(stdout.as_mut()),
            read_to_eof(stderr.as_mut()),
            self.wait()
        )
        .await;
        Ok(Output {
            status: status?,
            stdout: out?,
            stderr: err?,
        })
    }
}

/// Everything `reader` has to give, or nothing if there is no reader.
async fn read_to_eof(reader: Option<&mut StreamReader>) -> io::Result<Vec<u8>> {
    match reader {
        Some(reader) => reader.read_to_eof().await,
        None => Ok(Vec::new()),
    }
}

/// The future returned by [`Child::wait`]. Dropping it forgets the waiting task.
///
/// Cancel safety: safe. The exit status is collected only in the poll that returns it; a
/// child that exits after the future is dropped is collected by the next `wait` or
/// `try_wait`, or by the loop once the `Child` is dropped.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` them"]
pub struct Wait<'a> {
    /// The child waited for.
    child: &'a mut Child,
}

impl Future for Wait<'_> {
    type Output = io::Result<ExitStatus>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut().child.poll_wait(cx)
    }
}

impl Drop for Wait<'_> {
    fn drop(&mut self) {
        self.child.exit.clear_waiter();
    }
}

// ANCHOR: drop
impl Drop for Child {
    fn drop(&mut self) {
        let Some(running) = self.running.take() else {
            return; // Collected already.
        };
        if self.kill_on_drop {
            let _ = self.std.kill();
        }
        if let Ok(Some(_)) = self.std.try_wait() {
            return; // It had exited: collected now.
        }
        // Still running (a killed child takes a moment to die). On the loop that started it,
        // a task collects it when it exits, so that it does not stay a zombie; until then it
        // still counts as running (virtual time waits for it).
        let same_loop = runtime::try_with_core(|core| Rc::ptr_eq(&core.children, &running.0));
        if same_loop != Some(true) {
            return; // That loop has ended: the system collects the child when we exit.
        }
        let pid = self.std.id();
        let mut exit = std::mem::replace(&mut self.exit, Exit::Thread { pid, watch: None });
        crate::spawn_named(format!("aio: collect child {pid}"), async move {
            let _running = running; // Counted out when collected, or when the loop ends.
            let _ = std::future::poll_fn(|cx| exit.poll_exit(cx, || collect_exited(pid))).await;
        });
    }
}
// ANCHOR_END: drop

/// `waitpid(pid, WNOHANG)` for a child whose `std::process::Child` is gone: `Some` once it
/// has exited and is collected.
fn collect_exited(pid: u32) -> io::Result<Option<()>> {
    use rustix::process::{waitpid, Pid, WaitOptions};
    let pid = i32::try_from(pid).ok().and_then(Pid::from_raw);
    let pid = pid.ok_or_else(|| io::Error::other("not a process id"))?;
    Ok(waitpid(Some(pid), WaitOptions::NOHANG)?.map(|_| ()))
}

/// One running child, counted in its loop's `children` while this lives.
struct Running(Rc<Cell<usize>>);

impl Running {
    fn new(children: Rc<Cell<usize>>) -> Running {
        children.set(children.get() + 1);
        Running(children)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}
