//! The portable path: `polling`'s own registration and wait, on whatever the platform has
//! (kqueue on macOS and the BSDs; epoll on Linux, where it is used only when the `portable`
//! feature asks for it, to test this path).
//!
//! `polling` does not say whether the peer closed its side, so every event is marked as if it
//! might have: a short read then no longer proves the socket empty, and the next read asks the
//! kernel for its `WouldBlock`. That costs one call per read that the Linux fast path saves.

use std::cell::RefCell;
use std::io;
use std::os::fd::AsFd;
use std::sync::Arc;
use std::time::Duration;

use polling::{Event, PollMode, Poller};

use super::Readiness;

/// `polling` does not say when a peer closed: a short read proves nothing.
pub(super) const TELLS_PEER_CLOSED: bool = false;

/// The buffer of one loop's waits, kept between turns to avoid allocating.
pub(super) struct Backend {
    /// The buffer `Poller::wait` fills.
    events: RefCell<polling::Events>,
}

impl Backend {
    pub(super) fn new(poller: &Poller) -> Backend {
        // Sockets are registered once and never re-armed: that needs edge-triggered events.
        assert!(
            poller.supports_edge(),
            "aio: this platform's poller has no edge-triggered mode, which aio needs \
             (it runs on Linux, macOS and the BSDs)"
        );
        Backend {
            events: RefCell::new(polling::Events::new()),
        }
    }

    // ANCHOR: wait
    /// One `Poller::wait` for at most `timeout`; calls `ready` for each socket it reports. A
    /// `notify()` from another thread ends it; `polling` takes the notification in itself.
    pub(super) fn wait(
        &self,
        poller: &Poller,
        timeout: Option<Duration>,
        mut ready: impl FnMut(usize, Readiness),
    ) {
        let mut events = self.events.borrow_mut();
        events.clear();
        if let Err(e) = poller.wait(&mut events, timeout) {
            if e.kind() != io::ErrorKind::Interrupted {
                panic!("aio: waiting on the poller failed: {e}");
            }
        }
        for event in events.iter() {
            let readiness = Readiness {
                readable: event.readable,
                writable: event.writable,
                // Unknown here: assume the peer may have closed (see the module doc).
                peer_closed: true,
            };
            ready(event.key, readiness);
        }
    }
    // ANCHOR_END: wait
}

/// How another thread wakes the loop: `polling`'s own `notify()` (a kqueue user event).
#[derive(Debug)]
pub(crate) struct Notifier {
    /// The loop's poller.
    poller: Arc<Poller>,
}

impl Notifier {
    pub(super) fn new(poller: &Arc<Poller>) -> io::Result<Notifier> {
        Ok(Notifier {
            poller: poller.clone(),
        })
    }

    /// Ends the loop's current or next wait.
    pub(crate) fn notify(&self) {
        let _ = self.poller.notify();
    }
}

// ANCHOR: register
/// A socket added to the poller under a key, edge-triggered, for reading and writing.
///
/// `polling`'s `add` is `unsafe`: the socket must be deleted from the poller before it is
/// closed. `poll_owned::Owned` keeps that promise by owning the socket (its `Drop` deletes,
/// then closes), so it can offer a safe `add`, and `aio` stays free of `unsafe`.
#[derive(Debug)]
pub(super) struct Io<T: AsFd>(poll_owned::Owned<T>);

impl<T: AsFd + 'static> Io<T> {
    pub(super) fn add(poller: &Arc<Poller>, io: T, key: usize) -> io::Result<Io<T>> {
        let owned = poll_owned::Owned::add(poller, io, Event::all(key), PollMode::Edge)?;
        Ok(Io(owned))
    }
}
// ANCHOR_END: register

impl<T: AsFd> Io<T> {
    pub(super) fn get_ref(&self) -> &T {
        self.0.get_ref()
    }
}
