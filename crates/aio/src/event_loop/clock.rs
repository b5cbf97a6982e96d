//! The loop's clock: real time, or virtual time that skips idle waits.
//!
//! Every deadline in `aio` is read from this clock, never from `Instant::now()` directly, so
//! that switching the clock switches the whole runtime at once.
//!
//! * **Real** time is the monotonic system clock. It is what a student sees when running a lesson.
//! * **Virtual** time (`AIO_CLOCK=virtual`) stands still while the loop works and *jumps* to the
//!   next timer's deadline when nothing is ready and nothing real is in flight. A program that
//!   sleeps for an hour finishes at once, and every duration it prints is exact. While the loop
//!   waits for something real (a socket, a job in the blocking pool, a child process that is
//!   still running) the virtual clock moves with the wall clock, so it never jumps past real work.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// Which clock a runtime reads. Chosen once, when [`run`](crate::run) starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClockKind {
    /// The system's monotonic clock.
    #[default]
    Real,
    /// A clock that jumps over idle time filled only by timers (`AIO_CLOCK=virtual`).
    Virtual,
}

// ANCHOR: clock
/// The clock of one running loop.
#[derive(Debug)]
pub(crate) struct Clock {
    /// Real or virtual, chosen when the loop starts.
    kind: ClockKind,
    /// The real instant the loop started; virtual time is measured from here.
    origin: Instant,
    /// Virtual time elapsed since `origin`. Only used by [`ClockKind::Virtual`].
    elapsed: Cell<Duration>,
}
// ANCHOR_END: clock

impl Clock {
    pub(crate) fn new(kind: ClockKind) -> Clock {
        Clock {
            kind,
            origin: Instant::now(),
            elapsed: Cell::new(Duration::ZERO),
        }
    }

    pub(crate) fn is_virtual(&self) -> bool {
        self.kind == ClockKind::Virtual
    }

    // ANCHOR: now
    /// The current time on this loop's clock.
    pub(crate) fn now(&self) -> Instant {
        match self.kind {
            ClockKind::Real => Instant::now(),
            ClockKind::Virtual => self.origin + self.elapsed.get(),
        }
    }

    /// Moves virtual time forward to `deadline` (never backwards). No effect on real time.
    pub(crate) fn jump_to(&self, deadline: Instant) {
        if self.is_virtual() {
            let target = deadline.saturating_duration_since(self.origin);
            if target > self.elapsed.get() {
                self.elapsed.set(target);
            }
        }
    }

    /// Moves virtual time forward by a stretch of real time the loop spent waiting for real work.
    pub(crate) fn advance(&self, by: Duration) {
        if self.is_virtual() {
            self.elapsed.set(self.elapsed.get() + by);
        }
    }
    // ANCHOR_END: now

    /// How far `instant` lies after the loop's start, on this clock (for trace lines).
    pub(crate) fn since_start(&self, instant: Instant) -> Duration {
        instant.saturating_duration_since(self.origin)
    }
}
