//! Which of aio's futures and handles are `Unpin`, as the Pin chapter (`book/src/pin.md`) says:
//! each can be polled through `Pin::new(&mut _)`, stored in a struct and moved between polls,
//! and none needs `pin!` or `Box::pin` before `select`-style code polls it by reference.
//! If a type here stopped being `Unpin`, this file would stop compiling.

use std::marker::PhantomPinned;
use std::time::Duration;

/// Compiles only for `Unpin` types.
fn is_unpin<T: Unpin>(_: &T) {}

/// A future that is not `Unpin`, like every `async fn` and `async` block.
async fn not_unpin() -> PhantomPinned {
    aio::yield_now().await;
    PhantomPinned
}

// ANCHOR: unpin
#[test]
fn the_leaf_futures_and_the_handles_are_unpin() {
    aio::Builder::new()
        .clock(aio::ClockKind::Virtual)
        .run(async {
            // Leaves: a deadline and a timer id, a flag. Nothing points into them.
            is_unpin(&aio::sleep(Duration::from_secs(1)));
            is_unpin(&aio::yield_now());
            // A handle: an id into the loop's task table, where the task's future is boxed,
            // even when the task's future and output are not `Unpin`.
            let task: aio::Task<PhantomPinned> = aio::spawn(not_unpin());
            is_unpin(&task);
            // Combinators that box what they run: `Unpin` whatever they wrap.
            is_unpin(&aio::timeout(Duration::from_secs(1), not_unpin()));
            task.await.unwrap();
        });
}
// ANCHOR_END: unpin
