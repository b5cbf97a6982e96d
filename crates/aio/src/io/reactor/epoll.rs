//! The Linux fast path: sockets registered and waited for with `epoll` calls of our own, on
//! the epoll instance that `polling` owns.
//!
//! `Poller::wait` costs five system calls on Linux where one `epoll_wait` will do, and
//! `polling` neither asks for nor reports `EPOLLRDHUP`, which the short-read rule needs. So this
//! backend registers and waits through `rustix`'s safe epoll calls. Other threads wake the loop
//! through an eventfd of its own, registered edge-triggered like a socket (see [`Notifier`]).
//! `epoll_wait` counts its timeout in whole milliseconds; a timerfd in the same set ends waits
//! that are not (see `Backend::wait`).

use std::cell::RefCell;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::Arc;
use std::time::Duration;

use polling::Poller;
use rustix::buffer::spare_capacity;
use rustix::event::{epoll, eventfd, EventfdFlags, Timespec};

use super::Readiness;

/// `EPOLLRDHUP` says when a peer closed, so a short read proves the socket empty.
pub(super) const TELLS_PEER_CLOSED: bool = true;

/// The buffer of one loop's waits, kept between turns to avoid allocating, and its timer.
pub(super) struct Backend {
    /// The buffer `epoll_wait` fills.
    events: RefCell<Vec<epoll::Event>>,
    /// A timerfd in the epoll set, edge-triggered and never read, for timeouts that are not a
    /// whole number of milliseconds. `None` where it could not be made (or under Miri, which
    /// has no timerfd): such waits are then rounded up to the next millisecond.
    timer: Option<OwnedFd>,
}

impl Backend {
    pub(super) fn new(poller: &Poller) -> Backend {
        Backend {
            events: RefCell::new(Vec::with_capacity(EVENTS_PER_WAIT)),
            timer: if cfg!(miri) {
                None
            } else {
                precise_timer(poller).ok()
            },
        }
    }

    // ANCHOR: wait
    /// One `epoll_wait` for at most `timeout`; calls `ready` for each socket it reports.
    pub(super) fn wait(
        &self,
        poller: &Poller,
        timeout: Option<Duration>,
        mut ready: impl FnMut(usize, Readiness),
    ) {
        let mut events = self.events.borrow_mut();
        events.clear();
        // A timer due in 2.5 ms: `epoll_wait` would sleep 3 ms. Arm the timerfd for exactly
        // 2.5 ms (one more system call), and its edge ends the wait on time; the rounded-up
        // timeout stays as a backstop. Whole milliseconds (and no timeout) need no timerfd,
        // so a loop that waits only for sockets still makes one call per wait.
        if let (Some(timer), Some(exact)) = (&self.timer, timeout) {
            if exact.subsec_nanos() % 1_000_000 != 0 {
                arm(timer, exact);
            }
        }
        let timeout = timeout.map(whole_millis);
        match epoll::wait(
            poller.as_fd(),
            spare_capacity(&mut *events),
            timeout.as_ref(),
        ) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => return,
            Err(e) => panic!("aio: waiting on the poller (epoll_wait) failed: {e}"),
        }
        use epoll::EventFlags as F;
        for event in events.iter() {
            let (key, flags) = (event.data.u64(), event.flags);
            if key == WAKE_KEY || key == TIMER_KEY {
                continue; // Another thread woke the loop (the run queue says for whom), or the
                          // timer ended the wait (the loop's timers say whose turn it is).
            }
            // A peer that closed, a hang-up or an error: reads and writes will say which.
            let peer_closed = flags.intersects(F::RDHUP | F::HUP | F::ERR);
            let readiness = Readiness {
                readable: flags.contains(F::IN) || peer_closed,
                writable: flags.contains(F::OUT) || peer_closed,
                peer_closed,
            };
            ready(key as usize, readiness);
        }
    }
    // ANCHOR_END: wait
}

// ANCHOR: register
/// A socket added to the poller under a key, edge-triggered (`ET`), for reading, writing, and
/// the peer closing its side (`RDHUP`). Errors and hang-ups are always reported.
///
/// `rustix` makes this safe: the kernel forgets a descriptor by itself when it is closed, and
/// a late event for a reused key wakes nobody. Still, `Drop` deletes the descriptor from the
/// poller before closing it, so that a `dup` of it could not keep reporting to a key that now
/// belongs to another socket.
#[derive(Debug)]
pub(super) struct Io<T: AsFd> {
    /// The poller the socket is registered with.
    poller: Arc<Poller>,
    /// The socket, closed when dropped (after deleting it from the poller).
    io: T,
}

impl<T: AsFd + 'static> Io<T> {
    pub(super) fn add(poller: &Arc<Poller>, io: T, key: usize) -> io::Result<Io<T>> {
        use epoll::EventFlags as F;
        let flags = F::ET | F::IN | F::OUT | F::RDHUP;
        epoll::add(&**poller, &io, epoll::EventData::new_u64(key as u64), flags)?;
        Ok(Io {
            poller: poller.clone(),
            io,
        })
    }
}
// ANCHOR_END: register

impl<T: AsFd> Io<T> {
    pub(super) fn get_ref(&self) -> &T {
        &self.io
    }
}

// ANCHOR: drop
impl<T: AsFd> Drop for Io<T> {
    fn drop(&mut self) {
        // Delete before `self.io` is dropped (and closes the descriptor): see `Io`.
        let _ = epoll::delete(&*self.poller, self.io.as_fd());
    }
}
// ANCHOR_END: drop

// ANCHOR: notifier
/// How another thread wakes the loop: an eventfd in the loop's epoll set, edge-triggered. A
/// write of 1 adds to its counter and makes a new edge, which ends the loop's `epoll_wait`.
/// Nobody ever reads it: an edge-triggered registration reports every write anyway, so a wake
/// costs the waking thread one `write` and the loop nothing beyond the wait it ends. (`polling`'s
/// own `notify()` registers its eventfd one-shot: taking a wake in costs the loop a
/// `Poller::wait`, five calls, to read the eventfd and re-arm it.)
#[derive(Debug)]
pub(crate) struct Notifier {
    /// The eventfd, non-blocking; its counter only grows (by 1 a wake, so it never fills).
    fd: OwnedFd,
}

impl Notifier {
    pub(super) fn new(poller: &Poller) -> io::Result<Notifier> {
        let fd = eventfd(0, EventfdFlags::CLOEXEC | EventfdFlags::NONBLOCK)?;
        use epoll::EventFlags as F;
        epoll::add(
            poller,
            &fd,
            epoll::EventData::new_u64(WAKE_KEY),
            F::ET | F::IN,
        )?;
        Ok(Notifier { fd })
    }

    /// Ends the loop's current or next wait.
    pub(crate) fn notify(&self) {
        // The counter could only refuse a write after 2^64 - 2 wakes; nothing to handle.
        let _ = rustix::io::write(&self.fd, &1u64.to_ne_bytes());
    }
}
// ANCHOR_END: notifier

/// The key of the loop's own wake-up eventfd. (`polling` reserves `usize::MAX` for its own.)
const WAKE_KEY: u64 = usize::MAX as u64 - 1;

/// The key of the loop's timerfd.
const TIMER_KEY: u64 = usize::MAX as u64 - 2;

/// The timerfd of `Backend::timer`, added to the poller.
fn precise_timer(poller: &Poller) -> io::Result<OwnedFd> {
    use rustix::time::{timerfd_create, TimerfdClockId, TimerfdFlags};
    let timer = timerfd_create(
        TimerfdClockId::Monotonic,
        TimerfdFlags::CLOEXEC | TimerfdFlags::NONBLOCK,
    )?;
    use epoll::EventFlags as F;
    let key = epoll::EventData::new_u64(TIMER_KEY);
    epoll::add(poller, &timer, key, F::ET | F::IN)?;
    Ok(timer)
}

/// Sets the timerfd to expire once, `after` from now (which also clears its count: its next
/// expiry is a new edge).
fn arm(timer: &OwnedFd, after: Duration) {
    use rustix::time::{timerfd_settime, Itimerspec, TimerfdTimerFlags};
    let value = Timespec {
        tv_sec: after.as_secs().min(i64::MAX as u64) as i64,
        tv_nsec: i64::from(after.subsec_nanos()),
    };
    let zero = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    let spec = Itimerspec {
        it_interval: zero,
        it_value: value,
    };
    // Cannot fail for a valid timerfd and value; if it did, the rounded timeout still holds.
    let _ = timerfd_settime(timer, TimerfdTimerFlags::empty(), &spec);
}

/// How many events one `epoll_wait` can report; more wait for the next turn.
const EVENTS_PER_WAIT: usize = 1024;

/// `epoll_wait` counts its timeout in whole milliseconds. Rounding up means the loop never
/// wakes before the timer it waits for is due (at worst it wakes up to 1 ms late).
fn whole_millis(timeout: Duration) -> Timespec {
    let millis = timeout.as_nanos().div_ceil(1_000_000).min(i32::MAX as u128) as i64;
    Timespec {
        tv_sec: millis / 1_000,
        tv_nsec: (millis % 1_000) * 1_000_000,
    }
}
