//! The exercises of lesson 05, protocols.

use std::net::SocketAddr;
use std::thread;
use std::time::Duration;

use grade::{Conn, Exercise};

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![line_protocol()]
}

/// Lesson 05: `data_received` gets bytes as they arrive, not lines; a protocol keeps the
/// unfinished line itself.
fn line_protocol() -> Exercise {
    Exercise::new(
        "05a",
        "exercise-05a",
        "A protocol that answers whole lines, whatever pieces they arrive in",
    )
    .chapter(
        r#"Lesson 05 · Protocols, "What to notice""#,
        "lessons/05-protocols.md#what-to-notice",
    )
    .hint(
        "Add a field `partial: Vec<u8>` to Shout. In data_received, append the data to it, \
         then while it holds a newline (self.partial.iter().position(|&b| b == b'\\n')), \
         drain the line up to and with the newline out of it and answer it. In Python: \
         self.partial += data, then while b\"\\n\" in self.partial: partition it.",
    )
    .output(expected!("05a-line-protocol"))
    .client("each whole line answered", shouting_client)
    .python("exercise.py")
}

/// Sends a line whole, a line in two pieces, two lines in one piece, and `quit` in two pieces.
fn shouting_client(addr: SocketAddr) -> Result<(), String> {
    let pause = Duration::from_millis(100);
    let mut ant = Conn::open(addr, "ant")?;
    ant.send("hello\n")?;
    ant.expect("HELLO")?;
    ant.send("wor")?;
    thread::sleep(pause);
    ant.send("ld\n")?;
    ant.expect("WORLD").map_err(|e| {
        format!(
            "{e}. ant sent one line in two pieces, \"wor\" and, 100 ms later, \"ld\\n\": \
             data_received was called once for each piece, as the bytes arrived. A piece is \
             not a line: keep the bytes before the newline in the protocol (a `partial` \
             buffer) and answer the line once its newline has come."
        )
    })?;
    ant.send("one\ntwo\n")?;
    for want in ["ONE", "TWO"] {
        ant.expect(want).map_err(|e| {
            format!(
                "{e}. ant sent two lines in one piece, \"one\\ntwo\\n\": one call of \
                 data_received may complete several lines; answer each of them."
            )
        })?;
    }
    ant.send("qu")?;
    thread::sleep(pause);
    ant.send("it\n")?;
    ant.expect("bye")?;
    ant.expect_closed().map_err(|e| {
        format!("{e}. After bye, the protocol closes its transport (transport.close()).")
    })
}
