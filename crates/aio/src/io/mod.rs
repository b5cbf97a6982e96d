//! I/O: sockets and the reactor that tells the loop when they are ready.
//!
//! `reactor` registers sockets with the poller (one backend file per kind of poller under
//! `reactor/`); `net` is TCP and UDP on top of it (`net/udp.rs`), `pipe` a child process's
//! pipes, and `byte_stream` either a connection or a pipe; `streams` (asyncio's
//! `StreamReader` / `StreamWriter`, with `write_buffer`'s flow control) and `protocol`
//! (asyncio's `Protocol` and `Transport`) are the two ways to use a connection, `datagram`
//! (asyncio's `DatagramProtocol`) the protocol way for UDP; `fs` reads files through the
//! blocking pool.

pub(crate) mod byte_stream;
pub(crate) mod datagram;
pub mod fs;
pub mod net;
pub(crate) mod pipe;
pub(crate) mod protocol;
pub(crate) mod reactor;
pub(crate) mod streams;
pub(crate) mod write_buffer;
