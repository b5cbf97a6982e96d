//! Combinators: waiting for many futures at once, and the future you set by hand.
//!
//! `gather` and `wait` (asyncio's), `race` (the first to finish wins, the rest are dropped),
//! `as_completed`, `task_group` (asyncio's `TaskGroup`), all of which wake only the child that
//! is ready through `ready_list`; and `promise` (asyncio's `Future`).

pub(crate) mod as_completed;
pub(crate) mod gather;
pub(crate) mod promise;
pub(crate) mod race;
pub(crate) mod ready_list;
pub(crate) mod task_group;
pub(crate) mod wait;
