//! A hand-written future whose type is not `#[must_use]`, forgotten as `save` is in
//! `forgot_await.rs`. The lesson's tests compile this file with rustc and check that rustc
//! says nothing about it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

// ANCHOR: unmarked
/// Saves a record: the same work as `save`, as a future written by hand, and not marked
/// `#[must_use]`.
pub struct Save(pub &'static str);

impl Future for Save {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        println!("saving {}", self.0);
        Poll::Ready(())
    }
}

pub async fn handle() {
    Save("r1"); // Forgot `.await`, and rustc does not say a word.
    println!("handled r1");
}
// ANCHOR_END: unmarked
