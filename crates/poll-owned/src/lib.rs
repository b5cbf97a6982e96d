//! A socket added to a [`polling::Poller`], owned by its registration.
//!
//! `polling`'s [`Poller::add`] is `unsafe`: its caller promises to [`delete`](Poller::delete)
//! the source from the poller before the source is closed. On some backends (`poll(2)`, IOCP) a
//! closed descriptor left in the poller would be watched in place of whatever reuses its number.
//!
//! [`Owned`] keeps that promise by construction: it *owns* the source, and its `Drop` deletes
//! the source from the poller before dropping (closing) it. No one can close the source while
//! it is registered, because no one else has it. That makes [`Owned::add`] safe to call, and
//! `aio`, whose portable reactor uses it, free of `unsafe` (`#![forbid(unsafe_code)]`).
//!
//! ```
//! use std::sync::Arc;
//! use polling::{Event, PollMode, Poller};
//!
//! let poller = Arc::new(Poller::new()?);
//! let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
//! listener.set_nonblocking(true)?;
//! let listener = poll_owned::Owned::add(&poller, listener, Event::readable(7), PollMode::Edge)?;
//! println!("listening on {}", listener.get_ref().local_addr()?);
//! drop(listener); // deleted from the poller, then closed
//! # std::io::Result::Ok(())
//! ```

#![warn(missing_docs, missing_debug_implementations)]

use std::io;
use std::os::fd::{AsFd, AsRawFd};
use std::sync::Arc;

use polling::{Event, PollMode, Poller};

/// A source registered with a poller, deleted from it when dropped, then closed.
#[derive(Debug)]
pub struct Owned<T: AsFd> {
    /// The poller the source is registered with.
    poller: Arc<Poller>,
    /// The source; nothing else owns it, so it stays open while registered.
    source: T,
}

impl<T: AsFd> Owned<T> {
    /// Adds `source` to `poller` with `interest` in `mode`, and takes ownership of it.
    ///
    /// `T: 'static` rules out a borrowed source (`&TcpStream`), which its owner could close
    /// while it is still registered, had this `Owned` been leaked with `mem::forget`.
    pub fn add(
        poller: &Arc<Poller>,
        source: T,
        interest: Event,
        mode: PollMode,
    ) -> io::Result<Owned<T>>
    where
        T: 'static,
    {
        // SAFETY: `source` is moved into the returned value, whose `Drop` deletes it from the
        // poller before dropping it. If the value is leaked, so is the source: never closed.
        #[allow(unsafe_code)]
        unsafe {
            poller.add_with_mode(source.as_fd().as_raw_fd(), interest, mode)?;
        }
        Ok(Owned {
            poller: poller.clone(),
            source,
        })
    }

    /// The source.
    pub fn get_ref(&self) -> &T {
        &self.source
    }
}

impl<T: AsFd> Drop for Owned<T> {
    fn drop(&mut self) {
        // Delete before `self.source` is dropped, and so closed.
        let _ = self.poller.delete(self.source.as_fd());
    }
}
