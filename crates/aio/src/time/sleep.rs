//! [`sleep`]: a future that completes after a while, backed by the loop's timer heap.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use crate::runtime;
use crate::timers::TimerId;

/// Waits for `duration` (asyncio's `await asyncio.sleep(seconds)`).
///
/// Like a coroutine, a `Sleep` does nothing until it is awaited: the clock starts at its first
/// poll, not when `sleep` is called. `sleep(Duration::ZERO)` completes at once without giving
/// other tasks a turn; use [`yield_now`](crate::yield_now) for asyncio's `sleep(0)`.
///
/// Dropping an unfinished `Sleep` removes its timer from the loop.
///
/// # Panics
/// When polled outside [`run`](crate::run).
pub fn sleep(duration: Duration) -> Sleep {
    Sleep {
        wait: Wait::For(duration),
        timer: None,
    }
}

/// Waits until the loop's clock reads `deadline` (asyncio's `loop.call_at`, as a future).
/// Take deadlines from [`now`](crate::now), which follows the virtual clock when it is on.
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep {
        wait: Wait::Until(deadline),
        timer: None,
    }
}

/// The future returned by [`sleep`] and [`sleep_until`].
///
/// Cancel safety: safe. Dropping it removes its timer; nothing else is lost.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` them"]
// ANCHOR: struct
pub struct Sleep {
    /// `For` a duration until the first poll turns it into `Until` a deadline.
    wait: Wait,
    /// The timer registered in the loop's heap, once the first poll found the deadline ahead.
    timer: Option<TimerId>,
}
// ANCHOR_END: struct

#[derive(Debug, Clone, Copy)]
enum Wait {
    /// Not polled yet: the deadline is "this long after the first poll".
    For(Duration),
    /// The deadline, on the loop's clock.
    Until(Instant),
}

impl Sleep {
    /// The instant this sleep ends, once known (after the first poll for [`sleep`]).
    pub fn deadline(&self) -> Option<Instant> {
        match self.wait {
            Wait::For(_) => None,
            Wait::Until(deadline) => Some(deadline),
        }
    }
}

// ANCHOR: poll
impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        runtime::with_core("aio::sleep", |core| {
            let now = core.clock.now();
            let deadline = match this.wait {
                Wait::For(duration) => now + duration,
                Wait::Until(deadline) => deadline,
            };
            this.wait = Wait::Until(deadline);
            let mut timers = core.timers.borrow_mut();
            if now >= deadline {
                if let Some(id) = this.timer.take() {
                    timers.remove(id);
                }
                return Poll::Ready(());
            }
            match this.timer {
                Some(id) => timers.update(id, cx.waker()),
                None => {
                    this.timer = Some(timers.insert(deadline, cx.waker().clone()));
                    drop(timers); // The trace's sink is code of the program's own.
                    core.trace(|t| t.timer(deadline));
                }
            }
            Poll::Pending
        })
    }
}
// ANCHOR_END: poll

// ANCHOR: drop
impl Drop for Sleep {
    fn drop(&mut self) {
        if let Some(id) = self.timer.take() {
            runtime::try_with_core(|core| core.timers.borrow_mut().remove(id));
        }
    }
}
// ANCHOR_END: drop
