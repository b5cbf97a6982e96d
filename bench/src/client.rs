//! The echo scenario's client: `aio-bench --echo-client ADDR ROUNDS`, started by the
//! benchmark as a separate process.
//!
//! It is a plain blocking client on std sockets, the same for every runtime, so the only thing
//! that changes from one runtime to the next is the server. Being another process, it stays
//! out of the server's CPU time and allocation counts, and out of `strace -c` run on the
//! benchmark without `-f`, which then counts the server's system calls alone.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Instant;

/// Round trips made before the clock starts: the first ones fault in pages and caches.
pub const WARM_UP: usize = 20;
/// Bytes per message.
pub const MESSAGE: usize = 64;

/// Connects to `addr`, makes `WARM_UP + rounds` round trips one at a time (write 64 bytes,
/// read the 64 bytes echoed), closes, and prints the nanoseconds the last `rounds` took.
pub fn run(addr: &str, rounds: usize) {
    let mut stream = TcpStream::connect(addr).expect("echo client: connect");
    stream.set_nodelay(true).expect("echo client: TCP_NODELAY");
    let mut message = [0u8; MESSAGE];
    let mut reply = [0u8; MESSAGE];
    let mut started = Instant::now();
    for round in 0..WARM_UP + rounds {
        if round == WARM_UP {
            started = Instant::now();
        }
        message.fill(round as u8); // A different message each time: a stale echo shows.
        stream.write_all(&message).expect("echo client: write");
        stream.read_exact(&mut reply).expect("echo client: read");
        assert_eq!(
            message, reply,
            "echo client: the reply differs from the message"
        );
    }
    let elapsed = started.elapsed();
    drop(stream); // The server reads end of file and finishes.
    println!("{}", elapsed.as_nanos());
}
