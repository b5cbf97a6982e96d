//! I/O: sockets and the reactor that tells the loop when they are ready.
//!
//! `reactor` registers sockets with the poller (one backend file per kind of poller under
//! `reactor/`); `net` is TCP on top of it, `pipe` a child process's pipes, and `byte_stream`
//! either of them; `streams` (asyncio's `StreamReader` /
//! `StreamWriter`, with `write_buffer`'s flow control) and `protocol` (asyncio's `Protocol`
//! and `Transport`) are the two ways to use a connection; `fs` reads files through the
//! blocking pool.

pub(crate) mod byte_stream;
pub mod fs;
pub(crate) mod net;
pub(crate) mod pipe;
pub(crate) mod protocol;
pub(crate) mod reactor;
pub(crate) mod streams;
pub(crate) mod write_buffer;
