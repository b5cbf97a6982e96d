//! The Pin chapter's compiled listings: an `async fn` that holds a borrow across `.await`, the
//! state machine the compiler makes of it written by hand, and the two ways to pin a future.
//! Standard library only, so that rustc alone can build it.
//! `tests/tests/pin.rs` (package `workspace-checks`) compiles this file and runs them.

use std::future::Future;
use std::pin::{pin, Pin};
use std::task::{Context, Poll};

// ANCHOR: read
/// What a socket read does, in small: the first poll finds nothing and asks to be polled
/// again; the second copies `GREETING` into the caller's buffer. Its state is one flag.
#[derive(Debug, Default)]
pub struct Read {
    yielded: bool,
}

/// What arrives on the "socket".
pub const GREETING: &[u8] = b"hello";

impl Read {
    /// Reads into `buf`, which is lent for this call only (the shape of `poll_read`).
    pub fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<usize> {
        if !self.yielded {
            self.yielded = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        buf[..GREETING.len()].copy_from_slice(GREETING);
        Poll::Ready(GREETING.len())
    }
}

/// The future of `read_into`: it holds the borrowed buffer for as long as it waits.
#[derive(Debug)]
pub struct ReadInto<'a> {
    read: Read,
    buf: &'a mut [u8],
}

/// Reads into `buf` (like `stream.read(&mut buf).await`).
pub fn read_into(buf: &mut [u8]) -> ReadInto<'_> {
    ReadInto {
        read: Read::default(),
        buf,
    }
}

impl Future for ReadInto<'_> {
    type Output = usize;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        let this = &mut *self; // `ReadInto` is `Unpin`: a `&mut` to it is free to take.
        this.read.poll_read(cx, this.buf)
    }
}
// ANCHOR_END: read

// ANCHOR: read_greeting
/// Reads a greeting into a buffer that lives inside this very future.
pub async fn read_greeting() -> String {
    let mut buf = [0u8; 8];
    let n = read_into(&mut buf).await; // Suspended here, twice: the read holds `&mut buf`.
    String::from_utf8_lossy(&buf[..n]).into_owned()
}
// ANCHOR_END: read_greeting

// ANCHOR: enum
/// `read_greeting` written by hand: one variant per place the function can be, holding what
/// is alive there. At the `.await` the compiler's version holds `buf` and the `ReadInto`,
/// whose `&mut [u8]` points at that `buf`, inside the same value. Safe Rust cannot write
/// that, so this version keeps only the read's state, and lends it `buf` at each poll.
#[derive(Debug)]
pub enum ReadGreeting {
    /// Called, not polled yet: no locals yet (it has no arguments).
    Start,
    /// Suspended at the `.await`: every local alive there, and the future it awaits.
    Suspended {
        buf: [u8; 8],
        read: Read, // The compiler's: `reading: ReadInto<'self>`, pointing at `buf`.
    },
    /// Returned.
    Done,
}
// ANCHOR_END: enum

// ANCHOR: poll
impl Future for ReadGreeting {
    type Output = String;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<String> {
        // Every field is `Unpin`, so `ReadGreeting` is: `&mut *self` may be taken freely.
        loop {
            match std::mem::replace(&mut *self, ReadGreeting::Done) {
                ReadGreeting::Start => {
                    let buf = [0u8; 8];
                    let read = Read::default(); // read_into(&mut buf), without the borrow
                    *self = ReadGreeting::Suspended { buf, read };
                }
                ReadGreeting::Suspended { mut buf, mut read } => {
                    let Poll::Ready(n) = read.poll_read(cx, &mut buf) else {
                        *self = ReadGreeting::Suspended { buf, read };
                        return Poll::Pending;
                    };
                    return Poll::Ready(String::from_utf8_lossy(&buf[..n]).into_owned());
                }
                ReadGreeting::Done => panic!("`ReadGreeting` polled after it returned"),
            }
        }
    }
}
// ANCHOR_END: poll

/// Polls `future` until it is ready, with a waker that does nothing (each `Pending` here has
/// already asked to be polled again). Returns the output and how many polls it took.
pub fn poll_to_end<F: Future>(future: Pin<&mut F>) -> (F::Output, u32) {
    let mut future = future;
    let mut cx = Context::from_waker(std::task::Waker::noop());
    let mut polls = 0;
    loop {
        polls += 1;
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return (output, polls);
        }
    }
}

// ANCHOR: box_pin
/// Pins the future on the heap: the `Box` may move, the future inside it does not.
pub fn with_box_pin() -> (String, u32) {
    let mut future: Pin<Box<_>> = Box::pin(read_greeting());
    poll_to_end(future.as_mut())
}
// ANCHOR_END: box_pin

// ANCHOR: pin_macro
/// Pins the future in this stack frame: `pin!` moves it into a place nobody can name, and
/// gives back only a `Pin<&mut _>` to it. No allocation; it cannot leave this function.
pub fn with_pin_macro() -> (String, u32) {
    let future: Pin<&mut _> = pin!(read_greeting());
    poll_to_end(future)
}
// ANCHOR_END: pin_macro

// ANCHOR: unpin_swap
/// An `Unpin` future may be moved even while pinned: `Pin<&mut ReadGreeting>` derefs mutably.
pub fn swap_unpin_futures() -> bool {
    let mut a = pin!(ReadGreeting::Start);
    let mut b = pin!(ReadGreeting::Done);
    std::mem::swap(&mut *a, &mut *b); // Allowed: nothing points into a `ReadGreeting`.
    matches!(*a, ReadGreeting::Done) // `a` now holds what `b` held.
}
// ANCHOR_END: unpin_swap
