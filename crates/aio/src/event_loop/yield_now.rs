//! [`yield_now`]: give every other ready task one turn (asyncio's `await asyncio.sleep(0)`).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Lets every other ready task run once, then continues.
///
/// The first poll wakes its own task and returns `Pending`, which puts the task at the back of
/// the run queue; the second poll completes. So it yields exactly once.
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future returned by [`yield_now`].
///
/// Cancel safety: safe. Dropping it loses nothing; the task simply does not get its turn.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` them"]
pub struct YieldNow {
    /// Set by the first poll, which woke the task and returned `Pending`.
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
