//! The exercises of lesson 04, streams.

use std::thread;
use std::time::Duration;

use grade::{Conn, Exercise};

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![echo_lines()]
}

/// Lesson 04: a line server answers each line as it arrives (`readline`), not at the end of
/// file, and each connection is served on its own while the others wait.
fn echo_lines() -> Exercise {
    Exercise::new(
        "04a",
        "exercise-04a",
        "An echo server that answers each line as it arrives",
    )
    .chapter(
        r#"Lesson 04 · Streams, "What to notice""#,
        "lessons/04-streams.md#what-to-notice",
    )
    .hint(
        "Replace read_to_eof by a loop: let line = reader.readline().await; stop when it is \
         empty (the end of file) or an error; otherwise print it, writer.write(&line) and \
         writer.drain().await. Print `left` and close after the loop. In Python: \
         line = await reader.readline(), the same loop.",
    )
    .output(expected!("04a-echo-lines"))
    .client("each line echoed as it arrives", echo_clients)
    .python("exercise.py")
}

/// `ant` and `bee` each send a line and wait for its echo with their connection open; `bee`
/// while `ant` sits idle. Then each closes its side and waits for the server to close.
fn echo_clients(addr: std::net::SocketAddr) -> Result<(), String> {
    let waiting = |e: String| {
        format!(
            "{e}. The client sent a whole line and waits for its echo with its connection \
             open, as a person typing into nc does. A handler that reads to the end of file \
             (read_to_eof; in Python, reader.read()) answers only once the client has closed \
             its side, and this one never will before it has its answer: read a line at a \
             time with readline() and answer each at once."
        )
    };
    let mut ant = Conn::open(addr, "ant")?;
    ant.send("hello\n")?;
    ant.expect("hello").map_err(waiting)?;
    let mut bee = Conn::open(addr, "bee")?;
    bee.send("bee here\n")?;
    bee.expect("bee here").map_err(|e| {
        format!(
            "{e}, while ant was connected and idle. Each connection's handler is a task of \
             its own: nothing that one client does (or does not do) may hold the others."
        )
    })?;
    // A line in two pieces: readline() waits for its end.
    ant.send("ant ")?;
    thread::sleep(Duration::from_millis(100));
    ant.send("again\n")?;
    ant.expect("ant again").map_err(waiting)?;
    let closing = |e: String| {
        format!(
            "{e}, after it closed its side. At the end of file readline() returns an empty \
             line: leave the loop there, print that the client left, and close the writer."
        )
    };
    bee.finish()?;
    bee.expect_closed().map_err(closing)?;
    ant.finish()?;
    ant.expect_closed().map_err(closing)
}
