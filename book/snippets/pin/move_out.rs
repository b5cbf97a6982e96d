//! Moving a future out of `pin!` after pinning it: refused.
//! `tests/tests/pin.rs` checks that rustc's error is `move_out.stderr`.
use std::pin::pin;

/// Stands for the chapter's `read_greeting`: a buffer inside the future, borrowed across an
/// `.await`.
pub async fn read_greeting() -> usize {
    let buf = [0u8; 8];
    let borrowed = &buf[..];
    std::future::ready(()).await;
    borrowed.len()
}

// ANCHOR: refused
pub fn move_out() {
    let pinned = pin!(read_greeting());
    let _moved = *pinned; // Take the future back out of its pinned place.
}
// ANCHOR_END: refused
