//! Streams in asyncio's shape: [`start_server`], [`open_connection`], [`StreamReader`],
//! [`StreamWriter`] and the [`Server`] they run under.
//!
//! A connection is split in two halves that share one [`TcpStream`] (or, for a child process,
//! `aio::process` gives each pipe one half: see `byte_stream`):
//!
//! * the reader keeps a buffer, so that `readline` and `readexactly` can return exactly what
//!   was asked and keep the rest for the next call. The buffer is bounded by a *limit*
//!   (64 KiB by default, as in asyncio): a line longer than that is an error, never an
//!   ever-growing buffer. It holds only bytes not yet returned: reads land in the loop's one
//!   read buffer, and a reader with nothing left to return holds no memory, however many
//!   quiet connections a server keeps.
//! * the writer's `write` never waits; `drain().await` is where a writer waits while the peer
//!   is slower than it (backpressure), see `write_buffer`.
//!
//! ```
//! aio::run(async {
//!     // An echo server: each connection's handler is its own task.
//!     let server = aio::start_server("127.0.0.1:0", |mut reader, writer| async move {
//!         let line = reader.readline().await.unwrap();
//!         writer.write(&line);
//!         writer.drain().await.unwrap();
//!         writer.close();
//!     })
//!     .await
//!     .unwrap();
//!
//!     let (mut reader, writer) = aio::open_connection(server.local_addr()).await.unwrap();
//!     writer.write(b"hello\n");
//!     assert_eq!(reader.readline().await.unwrap(), b"hello\n");
//!     server.close();
//! });
//! ```

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures::Stream;

use crate::byte_stream::ByteStream;
use crate::net::{TcpListener, TcpStream};
use crate::task::{spawn, Task};
use crate::waker_list::WakerList;
use crate::write_buffer::WriteBuffer;

/// asyncio's default limit for the reader's buffer (64 KiB): the longest line `readline`
/// accepts.
pub const DEFAULT_LIMIT: usize = 64 * 1024;

/// How many bytes one read from the socket asks for, for a stream. The reader keeps what it
/// has not returned yet, so this is also how far past its limit a line can go before the
/// reader notices.
const STREAM_READ: usize = 16 * 1024;

/// The size of the loop's read buffer: the most one read brings, and so the most a protocol's
/// `data_received` is given at once (asyncio reads up to 256 KiB).
pub(crate) const LOOP_BUFFER_SIZE: usize = 64 * 1024;

// ANCHOR: loop_buffer
thread_local! {
    /// The loop's read buffer, while no read has it (a loop runs on one thread).
    static LOOP_BUFFER: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// The loop's read buffer, lent to one read and given back when dropped.
///
/// Every connection reads into it when its socket is readable, then keeps only the bytes that
/// came (a stream) or hands them to `data_received` (a protocol). A connection waiting for
/// data holds no read buffer of its own: a thousand quiet connections cost a thousand small
/// structs, not a thousand buffers.
pub(crate) struct LoopBuffer(Vec<u8>);

impl LoopBuffer {
    /// Borrows the loop's buffer; allocates it on the first read (or if it is lent already).
    pub(crate) fn lend() -> LoopBuffer {
        let buf = LOOP_BUFFER.take();
        LoopBuffer(if buf.is_empty() {
            vec![0; LOOP_BUFFER_SIZE]
        } else {
            buf
        })
    }
}

impl Drop for LoopBuffer {
    fn drop(&mut self) {
        let buf = std::mem::take(&mut self.0);
        // While the thread exits the slot may be gone: then the buffer just goes too.
        let _ = LOOP_BUFFER.try_with(|slot| slot.set(buf));
    }
}
// ANCHOR_END: loop_buffer

impl Deref for LoopBuffer {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl DerefMut for LoopBuffer {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.0
    }
}

impl fmt::Debug for LoopBuffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("LoopBuffer").field(&self.0.len()).finish()
    }
}

/// Forgets the task waiting to read a stream when dropped: a read's future, cancelled or not,
/// must not leave its waker in the reactor.
pub(crate) struct ClearReader<'a>(pub(crate) &'a ByteStream);

impl Drop for ClearReader<'_> {
    fn drop(&mut self) {
        self.0.clear_reader();
    }
}

// ANCHOR: errors
/// The end of file came before `readexactly` or `readuntil` had what they asked for
/// (asyncio's `IncompleteReadError`). The bytes that did arrive are in `partial`.
///
/// The read methods return it inside an `io::Error` of kind `UnexpectedEof`;
/// [`IncompleteReadError::from_io`] gets it back out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncompleteReadError {
    /// What was read before the end of file.
    pub partial: Vec<u8>,
    /// How many bytes were asked for (`None` when reading up to a separator).
    pub expected: Option<usize>,
}

/// A line (or the text up to a separator) is longer than the reader's limit
/// (asyncio's `LimitOverrunError`). Returned inside an `io::Error` of kind `InvalidData`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitOverrunError {
    /// How many bytes were buffered without finding the separator.
    pub consumed: usize,
    /// The reader's limit.
    pub limit: usize,
}
// ANCHOR_END: errors

impl IncompleteReadError {
    /// The `IncompleteReadError` inside `error`, if that is what it is.
    pub fn from_io(error: &io::Error) -> Option<&IncompleteReadError> {
        error.get_ref()?.downcast_ref()
    }
}

impl fmt::Display for IncompleteReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.expected {
            Some(n) => write!(
                f,
                "connection closed after {} of {n} expected bytes",
                self.partial.len()
            ),
            None => write!(
                f,
                "connection closed after {} bytes, before the separator",
                self.partial.len()
            ),
        }
    }
}

impl std::error::Error for IncompleteReadError {}

impl From<IncompleteReadError> for io::Error {
    fn from(e: IncompleteReadError) -> io::Error {
        io::Error::new(io::ErrorKind::UnexpectedEof, e)
    }
}

impl LimitOverrunError {
    /// The `LimitOverrunError` inside `error`, if that is what it is.
    pub fn from_io(error: &io::Error) -> Option<&LimitOverrunError> {
        error.get_ref()?.downcast_ref()
    }
}

impl fmt::Display for LimitOverrunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "separator not found in {} bytes, more than the reader's limit of {} \
             (raise it with StreamReader::set_limit)",
            self.consumed, self.limit
        )
    }
}

impl std::error::Error for LimitOverrunError {}

impl From<LimitOverrunError> for io::Error {
    fn from(e: LimitOverrunError) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, e)
    }
}

/// The reading half of a connection, or a child process's stdout or stderr (asyncio's
/// `StreamReader`).
pub struct StreamReader {
    /// The connection, shared with the writer, or the pipe.
    stream: Rc<ByteStream>,
    /// Bytes received, oldest first; the first `consumed` of them were already returned.
    /// Once all are returned it is replaced by an empty vector, which holds no memory: an idle
    /// reader costs nothing here.
    buf: Vec<u8>,
    /// How many bytes at the front of `buf` were returned already. They are dropped all at
    /// once before the next read from the socket: dropping each line as it is returned would
    /// move everything behind it, for every line.
    consumed: usize,
    /// The peer has sent its end of file (a read returned 0).
    eof: bool,
    /// The most a line (or a `readuntil`) may buffer.
    limit: usize,
}

impl fmt::Debug for StreamReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamReader")
            .field("buffered", &self.unread().len())
            .field("eof", &self.eof)
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

impl StreamReader {
    pub(crate) fn new(stream: Rc<ByteStream>) -> StreamReader {
        StreamReader {
            stream,
            buf: Vec::new(),
            consumed: 0,
            eof: false,
            limit: DEFAULT_LIMIT,
        }
    }

    /// Sets the longest line `readline`/`readuntil` accept (asyncio's `limit=` argument).
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
    }

    /// True when the peer has ended its side and every byte has been read.
    pub fn at_eof(&self) -> bool {
        self.eof && self.unread().is_empty()
    }

    /// How many bytes of memory the reader's buffer holds: its capacity, unread bytes and
    /// room alike. 0 once every byte received has been returned, so a connection that waits
    /// for its next message holds no read buffer.
    pub fn buffer_capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// The bytes received and not yet returned.
    fn unread(&self) -> &[u8] {
        &self.buf[self.consumed..]
    }

    /// Returns the first `n` unread bytes (`n` must not be more than there are).
    fn take(&mut self, n: usize) -> Vec<u8> {
        if self.consumed == 0 && n == self.buf.len() {
            // All of it: hand the buffer itself over, without a copy.
            return std::mem::take(&mut self.buf);
        }
        let bytes = self.unread()[..n].to_vec();
        self.consume(n);
        bytes
    }

    /// Counts `n` more bytes as returned; once none is left, gives the buffer's memory back.
    fn consume(&mut self, n: usize) {
        self.consumed += n;
        if self.consumed == self.buf.len() {
            self.buf = Vec::new();
            self.consumed = 0;
        }
    }

    /// Returns every unread byte.
    fn take_rest(&mut self) -> Vec<u8> {
        self.buf.drain(..self.consumed);
        self.consumed = 0;
        std::mem::take(&mut self.buf)
    }

    // ANCHOR: read
    /// Reads up to `n` bytes: what is buffered, or else what one read from the socket brings.
    /// Returns an empty vector at end of file (or when `n` is 0).
    ///
    /// Cancel safety: safe. Bytes that arrive stay in the reader's buffer until a read returns
    /// them: a dropped read loses nothing, and the next read starts where it would have.
    pub async fn read(&mut self, n: usize) -> io::Result<Vec<u8>> {
        if n == 0 {
            return Ok(Vec::new());
        }
        if self.unread().is_empty() && !self.eof {
            self.fill().await?;
        }
        let n = n.min(self.unread().len());
        Ok(self.take(n))
    }
    // ANCHOR_END: read

    /// Reads one line, including its `b'\n'`. At end of file, returns what is left, without a
    /// newline, or an empty vector once nothing is left (asyncio's `readline`).
    ///
    /// A line longer than the limit is an error (a [`LimitOverrunError`]; asyncio's `readline`
    /// raises `ValueError` there, and keeps `LimitOverrunError` for `readuntil`); that line is
    /// discarded, so the next call reads the following one. To read line after line, as
    /// asyncio's `async for line in reader` does, see [`lines`](Self::lines).
    ///
    /// Cancel safety: safe. Bytes that arrive stay in the reader's buffer until a read returns
    /// them: a dropped read loses nothing, and the next read starts where it would have.
    pub async fn readline(&mut self) -> io::Result<Vec<u8>> {
        let result = self.readuntil(b"\n").await;
        self.finish_readline(result)
    }

    /// Turns what `readuntil(b"\n")` returned into what `readline` returns: the rest at end
    /// of file is a last line, not an error; a line over the limit is dropped.
    fn finish_readline(&mut self, result: io::Result<Vec<u8>>) -> io::Result<Vec<u8>> {
        match result {
            Ok(line) => Ok(line),
            Err(e) => {
                if let Some(partial) = IncompleteReadError::from_io(&e) {
                    return Ok(partial.partial.clone());
                }
                if LimitOverrunError::from_io(&e).is_some() {
                    // Like asyncio: drop the long line (up to its newline, if it came).
                    self.consume(match find(self.unread(), b"\n") {
                        Some(end) => end + 1,
                        None => self.unread().len(),
                    });
                }
                Err(e)
            }
        }
    }

    /// Reads up to and including `separator`.
    ///
    /// At end of file before the separator: an [`IncompleteReadError`] holding the rest (which
    /// is consumed). Above the limit: a [`LimitOverrunError`], and the data stays buffered.
    ///
    /// # Panics
    /// If `separator` is empty.
    ///
    /// Cancel safety: safe. Bytes that arrive stay in the reader's buffer until a read returns
    /// them: a dropped read loses nothing, and the next read starts where it would have.
    pub async fn readuntil(&mut self, separator: &[u8]) -> io::Result<Vec<u8>> {
        assert!(
            !separator.is_empty(),
            "readuntil needs a non-empty separator"
        );
        // Where to resume the search: what was searched already cannot hold the separator.
        let mut searched: usize = 0;
        loop {
            if let Some(result) = self.try_readuntil(separator, &mut searched) {
                return result;
            }
            self.fill().await?;
        }
    }

    /// One step of `readuntil` on what is buffered: the answer, or `None` when it needs more
    /// bytes from the socket. `searched` says how much of the buffer an earlier step searched
    /// already (0 at first), so that a line that comes in many pieces is scanned once.
    fn try_readuntil(
        &mut self,
        separator: &[u8],
        searched: &mut usize,
    ) -> Option<io::Result<Vec<u8>>> {
        let from = searched.saturating_sub(separator.len() - 1);
        if let Some(at) = find(&self.unread()[from..], separator) {
            let end = from + at + separator.len();
            if end > self.limit {
                return Some(Err(LimitOverrunError {
                    consumed: end,
                    limit: self.limit,
                }
                .into()));
            }
            return Some(Ok(self.take(end)));
        }
        *searched = self.unread().len();
        if *searched > self.limit {
            return Some(Err(LimitOverrunError {
                consumed: *searched,
                limit: self.limit,
            }
            .into()));
        }
        if self.eof {
            let partial = self.take_rest();
            return Some(Err(IncompleteReadError {
                partial,
                expected: None,
            }
            .into()));
        }
        None
    }

    /// Reads exactly `n` bytes. If the end of file comes first, the error is an
    /// [`IncompleteReadError`] holding the bytes that did arrive (they are consumed).
    ///
    /// Cancel safety: safe. Bytes that arrive stay in the reader's buffer until a read returns
    /// them: a dropped read loses nothing, and the next read starts where it would have.
    pub async fn readexactly(&mut self, n: usize) -> io::Result<Vec<u8>> {
        while self.unread().len() < n {
            if self.eof {
                let partial = self.take_rest();
                return Err(IncompleteReadError {
                    partial,
                    expected: Some(n),
                }
                .into());
            }
            self.fill().await?;
        }
        Ok(self.take(n))
    }

    /// Reads everything until the peer's end of file (asyncio's `read()` / `read(-1)`).
    ///
    /// Only for peers that do end: a request/response peer that waits for an answer never
    /// sends its end of file, and this would wait forever.
    ///
    /// Cancel safety: safe. Bytes that arrive stay in the reader's buffer until a read returns
    /// them: a dropped read loses nothing, and the next read starts where it would have.
    pub async fn read_to_eof(&mut self) -> io::Result<Vec<u8>> {
        while !self.eof {
            self.fill().await?;
        }
        Ok(self.take_rest())
    }

    // ANCHOR: lines_method
    /// The lines still to come, as a [`Stream`] (asyncio's `async for line in reader`).
    ///
    /// Each item is what [`readline`](Self::readline) would return: a line with its `b'\n'`,
    /// or the last bytes before the end of file without one. The stream ends at end of file
    /// (where `readline` would return an empty vector). A line longer than the limit is an
    /// `Err` holding a [`LimitOverrunError`]; that line is dropped and the stream goes on with
    /// the next one, as asyncio's loop would if you caught the `ValueError` and continued.
    /// A failed read (a reset connection) is an `Err` too.
    ///
    /// The stream borrows the reader: once it is dropped, the reader is yours again, with
    /// every byte the stream did not return still buffered.
    ///
    /// ```no_run
    /// use futures::StreamExt; // for `.next()`
    /// # aio::run(async {
    /// let (mut reader, _writer) = aio::open_connection("127.0.0.1:8888").await?;
    /// let mut lines = reader.lines();
    /// while let Some(line) = lines.next().await {
    ///     print!("{}", String::from_utf8_lossy(&line?));
    /// }
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub fn lines(&mut self) -> Lines<'_> {
        Lines {
            reader: self,
            searched: 0,
        }
    }
    // ANCHOR_END: lines_method

    // ANCHOR: fill
    /// One read from the socket into the buffer; sets `eof` on end of file.
    ///
    /// The read lands in the loop's buffer, lent only while the socket is read, and just the
    /// bytes that came are copied into the reader's: a reader that waits holds nothing. (Copied
    /// rather than read in place also means that a read cancelled while it waits, by a timeout
    /// or a cancelled task, leaves nothing behind that could pass for data.)
    async fn fill(&mut self) -> io::Result<()> {
        let stream = self.stream.clone();
        let _clear = ClearReader(&stream); // Cancelled while waiting: forget the task.
        std::future::poll_fn(|cx| self.poll_fill(cx)).await
    }

    /// The poll behind `fill`: `Ready` once one read brought bytes (or the end of file).
    fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut data = LoopBuffer::lend();
        let n = std::task::ready!(self.stream.poll_read(cx, &mut data[..STREAM_READ]))?;
        if n == 0 {
            self.eof = true;
        }
        // Drop what was returned already, moving only the unread rest to the front.
        self.buf.drain(..self.consumed);
        self.consumed = 0;
        self.buf.extend_from_slice(&data[..n]);
        Poll::Ready(Ok(()))
    }
    // ANCHOR_END: fill
}

// ANCHOR: lines
/// The lines of a [`StreamReader`], one by one: the [`Stream`] from
/// [`StreamReader::lines`].
///
/// Cancel safety: dropping the future of `lines.next()` before it completes loses nothing.
/// Bytes already received stay in the reader's buffer, and the next call finds them there.
#[must_use = "streams do nothing unless you poll them, e.g. with `.next().await`"]
pub struct Lines<'a> {
    /// The reader the lines come from.
    reader: &'a mut StreamReader,
    /// How much of the buffer was searched for a newline already, for the line in progress:
    /// a line that comes in a thousand pieces is still scanned once.
    searched: usize,
}

impl Stream for Lines<'_> {
    type Item = io::Result<Vec<u8>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            // A whole line buffered (or an answer at end of file, or an error)? Return it.
            if let Some(result) = this.reader.try_readuntil(b"\n", &mut this.searched) {
                this.searched = 0;
                return Poll::Ready(match this.reader.finish_readline(result) {
                    Ok(line) if line.is_empty() => None, // End of file: the stream ends.
                    other => Some(other),
                });
            }
            // Not yet: read more. `Pending` leaves this task registered with the socket.
            if let Err(e) = std::task::ready!(this.reader.poll_fill(cx)) {
                return Poll::Ready(Some(Err(e)));
            }
        }
    }
}

impl Drop for Lines<'_> {
    fn drop(&mut self) {
        // Do not leave the task's waker with the socket: nobody polls these lines any more.
        self.reader.stream.clear_reader();
    }
}
// ANCHOR_END: lines

impl fmt::Debug for Lines<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lines")
            .field("reader", &self.reader)
            .finish_non_exhaustive()
    }
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The writing half of a connection, or a child process's stdin (asyncio's `StreamWriter`).
pub struct StreamWriter {
    /// The connection's (or pipe's) write buffer; it holds the connection too.
    buffer: Rc<WriteBuffer>,
}

impl fmt::Debug for StreamWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamWriter")
            .field("buffered", &self.buffer.len())
            .field("closing", &self.buffer.is_closing())
            .finish()
    }
}

impl StreamWriter {
    // ANCHOR: write
    /// Queues `data` for sending and returns at once; never waits. Follow a burst of writes
    /// with `drain().await`, so that a slow peer slows the writer down instead of the buffer
    /// growing without end.
    ///
    /// After [`close`](Self::close), or once the connection has failed, the data is dropped
    /// (as asyncio does; `drain` reports a failure).
    ///
    /// # Panics
    /// After [`write_eof`](Self::write_eof).
    #[track_caller]
    pub fn write(&self, data: &[u8]) {
        self.buffer.write(data);
    }

    /// Waits while the write buffer is above its high-water mark (64 KiB by default), until
    /// the loop has sent it down to the low-water mark. Returns at once when it is not full.
    /// An error if the connection failed (for example reset by the peer).
    ///
    /// Cancel safety: safe. The written bytes stay in the write buffer and are still sent.
    pub async fn drain(&self) -> io::Result<()> {
        std::future::poll_fn(|cx| self.buffer.poll_drain(cx)).await
    }
    // ANCHOR_END: write

    /// Sets the high-water mark (and the low one, a quarter of it by default) that `drain`
    /// waits on (asyncio's `transport.set_write_buffer_limits`).
    ///
    /// # Panics
    /// If `low > high`.
    #[track_caller]
    pub fn set_write_buffer_limits(&self, high: usize, low: Option<usize>) {
        self.buffer.set_limits(high, low);
    }

    /// Bytes written but not yet taken by the kernel.
    pub fn write_buffer_size(&self) -> usize {
        self.buffer.len()
    }

    /// Sends the peer an end of file after the buffered bytes; this side can still read.
    pub fn write_eof(&self) {
        self.buffer.write_eof();
    }

    /// Closes the connection once the buffered bytes are sent; returns at once
    /// (`wait_closed().await` waits for it).
    pub fn close(&self) {
        self.buffer.close();
    }

    /// Closes the connection now, dropping whatever is still buffered (asyncio's
    /// `writer.transport.abort()`): for a peer that stopped reading and will not start again.
    pub fn abort(&self) {
        self.buffer.abort();
    }

    /// True once `close` has been called.
    pub fn is_closing(&self) -> bool {
        self.buffer.is_closing()
    }

    /// Waits until `close` has finished: buffer sent (or failed) and connection shut down.
    ///
    /// # Panics
    /// If `close` was not called first: it would wait forever.
    ///
    /// Cancel safety: safe: it only waits; the connection closes anyway.
    pub async fn wait_closed(&self) {
        assert!(
            self.buffer.is_closing(),
            "wait_closed() before close(): call writer.close() first, then await wait_closed()"
        );
        std::future::poll_fn(|cx| self.buffer.poll_closed(cx)).await;
    }

    /// The address of the other end (asyncio's `get_extra_info('peername')`); an error for a
    /// child's stdin, which has none.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.buffer.stream.peer_addr()
    }

    /// The address of this end (asyncio's `get_extra_info('sockname')`); an error for a
    /// child's stdin.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.buffer.stream.local_addr()
    }
}

impl StreamWriter {
    /// The writer of `stream`: a child's stdin.
    pub(crate) fn new(stream: Rc<ByteStream>) -> StreamWriter {
        StreamWriter {
            buffer: WriteBuffer::new(stream),
        }
    }
}

impl Drop for StreamWriter {
    fn drop(&mut self) {
        // Nothing more will be written: send what is left, then the end of file. The reader
        // may still be reading (`let (reader, _) = ...` drops the writer at once); the socket
        // closes when both halves, and the bytes still to send, are gone.
        if !self.buffer.is_closing() {
            self.buffer.write_eof();
        }
    }
}

/// Splits a connection into its two halves.
fn split(stream: TcpStream) -> (StreamReader, StreamWriter) {
    let stream = Rc::new(ByteStream::Tcp(stream));
    let reader = StreamReader::new(stream.clone());
    (reader, StreamWriter::new(stream))
}

/// Connects to `addr` and returns the connection's two halves
/// (asyncio's `open_connection(host, port)`).
///
/// Cancel safety: safe. Dropping it before it connects closes the half-open socket.
pub async fn open_connection(addr: impl ToSocketAddrs) -> io::Result<(StreamReader, StreamWriter)> {
    Ok(split(TcpStream::connect(addr).await?))
}

/// A listening server (asyncio's `Server`), from [`start_server`] or
/// [`create_server`](crate::create_server).
///
/// It accepts connections in a task of its own from the moment it is created, and runs each
/// connection in a task too. Dropping the `Server` handle does not stop it; [`close`](Self::close) does.
pub struct Server {
    /// State shared with the accept task and the connections' tasks.
    shared: Rc<ServerShared>,
}

/// What the server's handle, its accept task and its connection tasks share.
struct ServerShared {
    /// The address the listener is bound to.
    local_addr: SocketAddr,
    /// The accept loop, until `close` cancels it (which closes the listener).
    acceptor: RefCell<Option<Task<()>>>,
    /// Connections being handled right now.
    active: Cell<usize>,
    /// Tasks in `serve_forever` or `wait_closed`, woken when the server closes or a
    /// connection ends.
    waiters: WakerList,
}

impl ServerShared {
    /// True once `close` was called (it took the accept task away).
    fn is_closed(&self) -> bool {
        self.acceptor.borrow().is_none()
    }
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.shared.local_addr)
            .field("active", &self.shared.active.get())
            .field("closed", &self.shared.is_closed())
            .finish()
    }
}

impl Server {
    /// Starts accepting on `listener`: each connection goes to `on_connection` in a new task.
    pub(crate) fn start<C, Fut>(listener: TcpListener, on_connection: C) -> io::Result<Server>
    where
        C: Fn(TcpStream) -> Fut + 'static,
        Fut: Future<Output = ()> + 'static,
    {
        let shared = Rc::new(ServerShared {
            local_addr: listener.local_addr()?,
            acceptor: RefCell::new(None),
            active: Cell::new(0),
            waiters: WakerList::default(),
        });
        // The accept task holds the server until `close` cancels it (or the loop ends).
        let server = shared.clone();
        let acceptor = spawn(async move {
            loop {
                let stream = match listener.accept().await {
                    Ok((stream, _peer)) => stream,
                    // The client gave up before we took its connection: take the next one.
                    Err(e) if is_per_connection(&e) => continue,
                    // Out of descriptors or memory: accepting again at once would fail again,
                    // in a busy loop. Wait a second, as asyncio does.
                    Err(e) => {
                        crate::trace::stderr_line(format_args!(
                            "aio: accept failed ({e}); retrying in {ACCEPT_RETRY:?}"
                        ));
                        crate::sleep(ACCEPT_RETRY).await;
                        continue;
                    }
                };
                let connection = on_connection(stream);
                server.active.set(server.active.get() + 1);
                let done = ConnectionDone(server.clone());
                spawn(async move {
                    let _done = done; // Counted out when the handler ends or is cancelled.
                    connection.await;
                });
            }
        });
        *shared.acceptor.borrow_mut() = Some(acceptor);
        Ok(Server { shared })
    }

    /// The address the server listens on, with the real port if it was bound to port 0.
    pub fn local_addr(&self) -> SocketAddr {
        self.shared.local_addr
    }

    /// Stops accepting and closes the listening socket. Connections already accepted go on.
    pub fn close(&self) {
        let Some(acceptor) = self.shared.acceptor.borrow_mut().take() else {
            return; // Closed already.
        };
        acceptor.cancel(); // Drops the listener: deregistered, then closed.
        self.shared.waiters.wake_all();
    }

    /// True until `close` is called.
    pub fn is_serving(&self) -> bool {
        !self.shared.is_closed()
    }

    /// How many connections are being handled right now.
    pub fn active_connections(&self) -> usize {
        self.shared.active.get()
    }

    /// Serves until [`close`](Self::close) is called (from a handler or another task).
    /// Cancel the task that awaits it to stop waiting without closing.
    ///
    /// Cancel safety: safe: it only waits; dropping it does not close the server.
    pub async fn serve_forever(&self) {
        std::future::poll_fn(|cx| {
            if self.shared.is_closed() {
                return Poll::Ready(());
            }
            self.shared.waiters.register(cx.waker());
            Poll::Pending
        })
        .await
    }

    /// Waits until the server is closed and every connection's handler has finished
    /// (asyncio 3.12's `wait_closed`).
    ///
    /// Cancel safety: safe: it only waits; the server and its handlers go on.
    pub async fn wait_closed(&self) {
        std::future::poll_fn(|cx| {
            if self.shared.is_closed() && self.shared.active.get() == 0 {
                return Poll::Ready(());
            }
            self.shared.waiters.register(cx.waker());
            Poll::Pending
        })
        .await
    }
}

/// How long a server waits before accepting again after a failure that is not one
/// connection's (asyncio's `ACCEPT_RETRY_DELAY`).
const ACCEPT_RETRY: std::time::Duration = std::time::Duration::from_secs(1);

/// True for `accept` errors that concern one connection only.
fn is_per_connection(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
            | io::ErrorKind::PermissionDenied
    )
}

/// Counts a connection out of its server when dropped.
struct ConnectionDone(Rc<ServerShared>);

impl Drop for ConnectionDone {
    fn drop(&mut self) {
        self.0.active.set(self.0.active.get() - 1);
        self.0.waiters.wake_all();
    }
}

// ANCHOR: start_server
/// Listens on `addr` and calls `handler(reader, writer)` for each connection, in a task of
/// its own (asyncio's `start_server(client_connected_cb, host, port)`).
///
/// The server starts accepting at once; keep the returned [`Server`] to learn its address,
/// close it, or wait on it.
///
/// Cancel safety: safe. It completes in its first poll (binding does not wait).
pub async fn start_server<H, Fut>(addr: impl ToSocketAddrs, handler: H) -> io::Result<Server>
where
    H: Fn(StreamReader, StreamWriter) -> Fut + 'static,
    Fut: Future<Output = ()> + 'static,
{
    let listener = TcpListener::bind(addr)?;
    Server::start(listener, move |stream| {
        let (reader, writer) = split(stream);
        handler(reader, writer)
    })
}
// ANCHOR_END: start_server
