//! The OS edges: what the loop hands to the operating system's threads.
//!
//! `pool` is the bounded pool of threads behind `run_in_executor` and `to_thread`.

pub(crate) mod pool;
