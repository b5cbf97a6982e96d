//! [`fs`](crate::fs): regular files, read and written on the blocking pool (what `aiofiles`
//! does for asyncio).
//!
//! A socket can be *not ready*: no data has arrived yet, so the loop registers it with the
//! poller and waits. A regular file is never "not ready" in that sense: the kernel always says
//! it is readable, and then the read itself blocks while the disk works. Linux's epoll refuses
//! to register a regular file at all (`EPERM`). So the only way to keep the loop free while a
//! file is read is to read it on another thread, which is all these helpers do.

use std::io;
use std::path::Path;

use crate::pool::to_thread;

/// Reads a whole file as UTF-8 text on the blocking pool (`std::fs::read_to_string`, offloaded).
///
/// Cancel safety: not safe: dropping it abandons the job (see [`Blocking`](crate::Blocking));
/// what was read is lost.
pub async fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    let path = path.as_ref().to_path_buf();
    to_thread(move || std::fs::read_to_string(path)).await
}

/// Reads a whole file's bytes on the blocking pool (`std::fs::read`, offloaded).
///
/// Cancel safety: not safe: dropping it abandons the job (see [`Blocking`](crate::Blocking));
/// what was read is lost.
pub async fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    let path = path.as_ref().to_path_buf();
    to_thread(move || std::fs::read(path)).await
}

/// Writes `contents` to a file, replacing it, on the blocking pool (`std::fs::write`, offloaded).
///
/// Cancel safety: not safe: dropping it abandons the job (see [`Blocking`](crate::Blocking)); a
/// write that has started still runs to its end, so the file may or may not be written.
pub async fn write(path: impl AsRef<Path>, contents: impl Into<Vec<u8>>) -> io::Result<()> {
    let (path, contents) = (path.as_ref().to_path_buf(), contents.into());
    to_thread(move || std::fs::write(path, contents)).await
}
