//! Helpers shared by the runtime's integration tests.

// Each test file uses its own subset of these.
#![allow(dead_code)]

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

/// Runs `future` on a new loop in virtual time: sleeps end at once, durations are exact.
pub fn run_virtual<F: Future>(future: F) -> F::Output {
    aio::Builder::new()
        .clock(aio::ClockKind::Virtual)
        .run(future)
}

/// `n` milliseconds.
pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Sets its flag when dropped: shows that (and when) a future was cancelled.
pub struct DropFlag(pub Rc<Cell<bool>>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.set(true);
    }
}
