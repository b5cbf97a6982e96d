//! The Linux fast path: sockets registered and waited for with `epoll` calls of our own, on
//! the epoll instance that `polling` owns.
//!
//! `Poller::wait` costs five system calls on Linux where one `epoll_wait` will do, and
//! `polling` neither asks for nor reports `EPOLLRDHUP`, which the short-read rule needs. So this
//! backend registers and waits through `rustix`'s safe epoll calls, and lets `polling` do only
//! what it is best at: waking the loop from another thread (`Poller::notify`).

use std::cell::RefCell;
use std::io;
use std::os::fd::AsFd;
use std::sync::Arc;
use std::time::Duration;

use polling::Poller;
use rustix::buffer::spare_capacity;
use rustix::event::{epoll, Timespec};

use super::Readiness;

/// `EPOLLRDHUP` says when a peer closed, so a short read proves the socket empty.
pub(super) const TELLS_PEER_CLOSED: bool = true;

/// The buffers of one loop's waits, kept between turns to avoid allocating.
pub(super) struct Backend {
    /// The buffer `epoll_wait` fills.
    events: RefCell<Vec<epoll::Event>>,
    /// The buffer of `polling`'s own wait, used only to take in a `notify()`.
    notify_events: RefCell<polling::Events>,
}

impl Backend {
    pub(super) fn new(_poller: &Poller) -> Backend {
        Backend {
            events: RefCell::new(Vec::with_capacity(EVENTS_PER_WAIT)),
            notify_events: RefCell::new(polling::Events::new()),
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
        let mut notified = false;
        for event in events.iter() {
            let (key, flags) = (event.data.u64(), event.flags);
            if key == NOTIFY_KEY {
                notified = true;
                continue;
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
        if notified {
            self.take_notify(poller, ready);
        }
    }
    // ANCHOR_END: wait

    // ANCHOR: take_notify
    /// Another thread called `notify()`. `polling` registers its wake-up descriptor one-shot
    /// and re-arms it inside its own wait, so one `Poller::wait` that does not block takes the
    /// notification in. It may report sockets too; it cannot say whether their peer closed, so
    /// those are marked as if it might have.
    fn take_notify(&self, poller: &Poller, mut ready: impl FnMut(usize, Readiness)) {
        let mut events = self.notify_events.borrow_mut();
        events.clear();
        if let Err(e) = poller.wait(&mut events, Some(Duration::ZERO)) {
            if e.kind() != io::ErrorKind::Interrupted {
                panic!("aio: waiting on the poller failed: {e}");
            }
        }
        for event in events.iter() {
            let readiness = Readiness {
                readable: event.readable,
                writable: event.writable,
                peer_closed: event.readable,
            };
            ready(event.key, readiness);
        }
    }
    // ANCHOR_END: take_notify
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

/// polling's key for its own wake-up descriptor (`Poller::notify`); it refuses it for sockets.
const NOTIFY_KEY: u64 = usize::MAX as u64;

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
