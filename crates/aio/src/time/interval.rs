//! [`interval`]: a timer that ticks every `period`, as a [`Stream`].
//!
//! asyncio has no interval timer; a Python program writes a loop around `asyncio.sleep` or an
//! async generator:
//!
//! ```python
//! async def ticks(period):
//!     loop = asyncio.get_running_loop()
//!     at = loop.time()
//!     while True:
//!         yield at
//!         at += period
//!         await asyncio.sleep(at - loop.time())
//! ```
//!
//! `aio::interval(period)` is that generator as a `Stream`: the ticks are due at `start`,
//! `start + period`, `start + 2 × period`, … on the loop's clock, where `start` is the first
//! poll. Unlike `sleep(period)` in a loop, the work done between ticks does not make them
//! drift later and later.
//!
//! # Missed ticks are skipped
//!
//! When the consumer comes back later than a whole period (its work between two ticks took
//! longer than the period), the ticks it missed are *skipped*: the next `next()` returns at
//! once with the latest tick that is due, the older ones are counted in
//! [`Interval::missed`], and the ticks after it stay on the original grid. This is tokio's
//! `MissedTickBehavior::Skip`, not its default `Burst` (which returns every missed tick at
//! once, one after another), and not what the Python generator above does either: there,
//! `at - loop.time()` turns negative, `sleep` returns at once, and the missed ticks come out
//! as a burst. A late consumer (a status line every second, a heartbeat) wants one fresh tick,
//! not a row of stale ones that make it later still; lesson 20's `original.py` writes the
//! skipping generator out.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::Stream;

use crate::sleep::{sleep_until, Sleep};

// ANCHOR: interval
/// Ticks every `period` on the loop's clock, the first tick at once (at the first poll).
/// Each item is the instant the tick was due. Missed ticks are skipped (see the module's doc).
///
/// # Panics
/// If `period` is zero; when polled outside [`run`](crate::run).
pub fn interval(period: Duration) -> Interval {
    assert!(!period.is_zero(), "aio::interval needs a period above zero");
    Interval {
        period,
        next: None,
        sleep: None,
        missed: 0,
    }
}

/// The stream returned by [`interval`]. It never ends.
///
/// Cancel safety: dropping the future of `interval.next()` before it completes loses no tick:
/// the tick stays due, and the next call returns it (at once, if it is due by then).
#[must_use = "streams do nothing unless you poll them, e.g. with `.next().await`"]
pub struct Interval {
    /// The time between two ticks.
    period: Duration,
    /// When the next tick is due; `None` until the first poll, which starts the grid.
    next: Option<Instant>,
    /// The timer for `next`, once a poll found it still ahead.
    sleep: Option<Sleep>,
    /// How many ticks were skipped because the consumer came back too late.
    missed: u64,
}

impl Stream for Interval {
    type Item = Instant;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Instant>> {
        let now = crate::now();
        let due = *self.next.get_or_insert(now);
        if now < due {
            // Not yet: wait on the loop's timer heap for `due`.
            let sleep = self.sleep.get_or_insert_with(|| sleep_until(due));
            std::task::ready!(Pin::new(sleep).poll(cx));
        }
        self.sleep = None;
        // Come back late? Skip to the latest tick that is due, and count the ones before it.
        let late = (crate::now() - due).as_nanos() / self.period.as_nanos();
        let late = u32::try_from(late).expect("fewer than 2^32 missed ticks");
        self.missed += u64::from(late);
        let tick = due + self.period * late;
        self.next = Some(tick + self.period);
        Poll::Ready(Some(tick))
    }
}
// ANCHOR_END: interval

impl Interval {
    /// The time between two ticks.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// How many ticks were skipped so far because the consumer came back more than a period
    /// late.
    pub fn missed(&self) -> u64 {
        self.missed
    }
}

impl fmt::Debug for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Interval")
            .field("period", &self.period)
            .field("next", &self.next)
            .field("missed", &self.missed)
            .finish()
    }
}
