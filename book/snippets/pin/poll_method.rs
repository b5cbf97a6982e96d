//! Polling a future through a plain `&mut`: refused, with rustc's hint of `pin!`.
//! `tests/tests/pin.rs` checks that rustc's error is `poll_method.stderr`.
use std::future::Future;
use std::task::Context;

/// Stands for the chapter's `read_greeting`: a buffer inside the future, borrowed across an
/// `.await`.
pub async fn read_greeting() -> usize {
    let buf = [0u8; 8];
    let borrowed = &buf[..];
    std::future::ready(()).await;
    borrowed.len()
}

// ANCHOR: refused
pub fn poll_once(cx: &mut Context<'_>) {
    let mut future = read_greeting();
    let _ = future.poll(cx);
}
// ANCHOR_END: refused
