//! How the loop learns that a child process has exited, without a thread per child where the
//! platform allows.
//!
//! * **Linux: a pidfd.** `pidfd_open(2)` (Linux 5.3) gives a descriptor for the child that
//!   becomes readable when it exits. It is registered with the reactor like a socket: a task
//!   that waits for the child waits for that edge, and the loop's one `epoll_wait` covers it
//!   with everything else. When it fires, `waitpid(pid, WNOHANG)` collects the status (std's
//!   `Child::try_wait`), which also frees the kernel's entry for the child (no zombie). No
//!   thread, no signal handler; this is what asyncio does on Linux too
//!   (`PidfdChildWatcher`, the default since Python 3.12 where the kernel has pidfds).
//! * **Elsewhere (macOS, the BSDs), or a kernel without pidfds: a thread per waited child.**
//!   The first wait starts a thread that blocks in `waitid(P_PID, pid, WEXITED | WNOWAIT)`:
//!   it returns when the child exits, *without* collecting its status. The thread then wakes
//!   the task, whose `try_wait` on the loop thread collects it. asyncio's default on those
//!   systems is the same (`ThreadedChildWatcher`). The cost: one thread, with its stack, for
//!   as long as a waited child runs. It is not the blocking pool's, so waiting children never
//!   starve `run_in_executor`, and `run` does not wait for it when it returns: a child that
//!   never exits keeps its thread, blocked, until the program ends. (kqueue could watch
//!   processes without a thread, `EVFILT_PROC`, but `polling` offers that only through an
//!   `unsafe` call.) With the `portable` feature this path is used on Linux too, to test it.
//!
//! Why `WNOWAIT`: the status is collected by the loop thread alone. A child whose status
//! was collected is gone, and its process id may soon belong to another process; signalling
//! that id would hit a stranger. As long as only the `Child` collects, `Child::kill` knows
//! whether the id is still its child's.

use std::io;
#[cfg(all(target_os = "linux", not(feature = "portable")))]
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

#[cfg(all(target_os = "linux", not(feature = "portable")))]
use crate::reactor::Registered;

/// How one child's exit is noticed.
#[derive(Debug)]
pub(super) enum Exit {
    /// Linux: the child's pidfd, registered with the reactor; readable once the child exited.
    #[cfg(all(target_os = "linux", not(feature = "portable")))]
    Pidfd(Registered<OwnedFd>),
    /// Elsewhere: a thread that waits for the exit, started by the first wait.
    Thread {
        /// The child's process id (not yet collected, so still the child's).
        pid: u32,
        /// The thread's report, once it is started.
        watch: Option<Arc<Watch>>,
    },
}

impl Exit {
    /// How the exit of the child `pid`, just spawned and not yet collected, will be noticed.
    ///
    /// # Panics
    /// Outside [`run`](crate::run).
    #[track_caller]
    pub(super) fn new(pid: u32) -> Exit {
        #[cfg(all(target_os = "linux", not(feature = "portable")))]
        if let Some(pidfd) = pidfd(pid) {
            return Exit::Pidfd(pidfd);
        }
        Exit::Thread { pid, watch: None }
    }

    /// Ready with what `collect` returns once it finds the child exited; otherwise arranges
    /// for the task to be woken when the child exits. `collect` is a non-blocking
    /// `waitpid(pid, WNOHANG)`: `Ok(None)` while the child runs.
    pub(super) fn poll_exit<R>(
        &mut self,
        cx: &mut Context<'_>,
        mut collect: impl FnMut() -> io::Result<Option<R>>,
    ) -> Poll<io::Result<R>> {
        match self {
            #[cfg(all(target_os = "linux", not(feature = "portable")))]
            Exit::Pidfd(pidfd) => pidfd.poll_read_with(cx, |_| match collect()? {
                Some(status) => Ok(status),
                // Still running: wait for the pidfd's edge (the reactor stores the waker).
                None => Err(io::ErrorKind::WouldBlock.into()),
            }),
            Exit::Thread { pid, watch } => {
                if let Some(status) = collect()? {
                    return Poll::Ready(Ok(status));
                }
                let watch = match watch {
                    Some(watch) => watch,
                    slot @ None => slot.insert(Watch::start(*pid)?),
                };
                watch.register(cx.waker());
                // The thread may have seen the exit before the waker was stored: look again.
                if watch.exited.load(Ordering::Acquire) {
                    return Poll::Ready(collect()?.ok_or_else(|| {
                        io::Error::other("the child exited, but its status could not be collected")
                    }));
                }
                Poll::Pending
            }
        }
    }

    /// Forgets the task waiting for the exit (its future was dropped).
    pub(super) fn clear_waiter(&self) {
        match self {
            #[cfg(all(target_os = "linux", not(feature = "portable")))]
            Exit::Pidfd(pidfd) => pidfd.clear_reader(),
            Exit::Thread { watch, .. } => {
                if let Some(watch) = watch {
                    drop(watch.waker.lock().unwrap_or_else(|e| e.into_inner()).take());
                }
            }
        }
    }
}

/// The child's pidfd, registered with the running loop, or `None` where the kernel has none
/// (before Linux 5.3) or refuses it (a seccomp filter): then a thread waits instead.
#[cfg(all(target_os = "linux", not(feature = "portable")))]
#[track_caller]
fn pidfd(pid: u32) -> Option<Registered<OwnedFd>> {
    use rustix::process::{pidfd_open, Pid, PidfdFlags};
    let pid = Pid::from_raw(i32::try_from(pid).ok()?)?;
    // The child is not collected yet, so `pid` is still its own: the pidfd names the child.
    let fd = pidfd_open(pid, PidfdFlags::empty()).ok()?;
    Registered::new(fd).ok()
}

/// What the waiting thread reports, shared with the loop thread.
#[derive(Debug)]
pub(super) struct Watch {
    /// The thread saw the child exit (or `waitid` failed: collecting will tell why).
    exited: AtomicBool,
    /// The task to wake then, if one waits.
    waker: Mutex<Option<Waker>>,
}

impl Watch {
    /// Starts the thread that waits for the exit of `pid`.
    fn start(pid: u32) -> io::Result<Arc<Watch>> {
        let watch = Arc::new(Watch {
            exited: AtomicBool::new(false),
            waker: Mutex::new(None),
        });
        let report = watch.clone();
        std::thread::Builder::new()
            .name(format!("aio-wait-{pid}"))
            .spawn(move || {
                wait_without_collecting(pid);
                report.exited.store(true, Ordering::Release);
                // Take the waker out before waking: no lock held while the task is woken.
                let waker = report
                    .waker
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .take();
                if let Some(waker) = waker {
                    waker.wake();
                }
            })?;
        Ok(watch)
    }

    /// Stores the task to wake, unless the one stored already wakes the same task.
    fn register(&self, waker: &Waker) {
        let mut slot = self.waker.lock().unwrap_or_else(|e| e.into_inner());
        match &*slot {
            Some(old) if old.will_wake(waker) => {}
            _ => *slot = Some(waker.clone()),
        }
    }
}

/// Blocks until the child `pid` has exited, leaving it to be collected (`WNOWAIT`).
fn wait_without_collecting(pid: u32) {
    use rustix::process::{waitid, Pid, WaitId, WaitIdOptions};
    let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) else {
        return;
    };
    loop {
        match waitid(
            WaitId::Pid(pid),
            WaitIdOptions::EXITED | WaitIdOptions::NOWAIT,
        ) {
            Err(rustix::io::Errno::INTR) => continue,
            // Exited, or an error (ECHILD: already collected): either way, the task's next
            // `try_wait` says which.
            _ => return,
        }
    }
}
