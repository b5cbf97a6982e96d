//! Debug mode (`AIO_DEBUG=1`, asyncio's `loop.set_debug(True)`): report polls that block the loop.
//!
//! A task that runs for a long time without reaching an `.await` that is pending (a blocking
//! call, a long computation) freezes every other task. In debug mode the loop times each poll
//! and prints a warning to stderr, naming the task, when one takes longer than the threshold.
//! When debug mode is off, the loop does not read the clock at all.
//!
//! Threads. asyncio's debug mode also refuses loop-only calls made from another thread
//! ("Non-thread-safe operation invoked on an event loop other than the current one"). Here
//! that needs no debug mode: loop-only functions (`spawn`, `call_soon`, `sleep`, `now` …) find
//! the loop in a thread-local, so on another thread they find none and always panic, naming
//! the thread and the thread-safe way (`runtime::outside_the_loop`); and the loop's objects
//! (`Queue`, `Event`, `Promise`, `Task` …) are not `Send`, so the compiler keeps them on its
//! thread. Wakers are `Send + Sync` by contract, and may be called from anywhere. What debug
//! mode adds: a task that another thread started through a `LoopHandle` or a `LoopCallback`
//! is named after that thread ("call_soon_threadsafe from thread sensor"), so a report of a
//! slow poll says where the work came from (without debug mode, no thread name is looked up).

use std::time::Duration;

use crate::task::Header;

// ANCHOR: check
/// Reports a task's poll that took `took` if that exceeds `threshold`.
pub(crate) fn check_poll(header: &Header, took: Duration, threshold: Duration) {
    if took > threshold {
        report(&header.describe(), took);
    }
}

/// Reports a poll of the future given to `run` that took `took` if that exceeds `threshold`.
pub(crate) fn check_main_poll(took: Duration, threshold: Duration) {
    if took > threshold {
        report("the main future (given to aio::run)", took);
    }
}
// ANCHOR_END: check

fn report(who: &str, took: Duration) {
    crate::trace::stderr_line(format_args!(
        "aio debug: {who} blocked the loop for {} ms in one poll.\n  \
         No other task could run meanwhile: move blocking work to aio::to_thread \
         (or aio::run_in_executor), or .await between steps.",
        took.as_millis()
    ));
}
