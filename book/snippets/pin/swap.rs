//! `std::mem::swap` through two `Pin<&mut _>` of futures that are not `Unpin`: refused.
//! `tests/tests/pin.rs` checks that rustc's error is `swap.stderr`.
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
pub fn swap() {
    let a = pin!(read_greeting());
    let b = pin!(read_greeting());
    std::mem::swap(&mut *a, &mut *b); // Would move each future into the other's place.
}
// ANCHOR_END: refused
