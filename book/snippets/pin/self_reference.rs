//! The state of `read_greeting` at its `.await`, written in safe Rust with the real borrow:
//! refused. `tests/tests/pin.rs` checks that rustc's error is `self_reference.stderr`.
#[path = "state_machine.rs"]
mod state_machine;
use state_machine::{read_into, ReadInto};

// ANCHOR: refused
/// `read_greeting` suspended at its `.await`: the buffer, and the read that borrows it.
pub struct Suspended<'a> {
    pub buf: [u8; 8],
    pub reading: ReadInto<'a>, // Meant to point at `buf` above.
}

pub fn suspend<'a>() -> Suspended<'a> {
    let mut buf = [0u8; 8];
    let reading = read_into(&mut buf);
    Suspended { buf, reading } // Copies `buf` into the new value, while `reading` borrows it.
}
// ANCHOR_END: refused
