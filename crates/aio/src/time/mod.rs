//! Time: futures that wait on the loop's timer heap.
//!
//! `sleep` (asyncio's `sleep`), `interval` (a stream of ticks) and `timeout` (asyncio's
//! `wait_for` and `timeout`, whose deadline can move).

pub(crate) mod interval;
pub(crate) mod sleep;
pub(crate) mod timeout;
