//! The OS edges: what the loop hands to the operating system's threads.
//!
//! `pool` is the bounded pool of threads behind `run_in_executor` and `to_thread`; `signal`
//! turns Ctrl-C and SIGTERM into futures, woken through the reactor; `process` starts child
//! programs whose pipes and exits the reactor watches (`process/exit.rs`: a pidfd on Linux,
//! a waiting thread elsewhere).

pub(crate) mod pool;
pub mod process;
pub mod signal;
