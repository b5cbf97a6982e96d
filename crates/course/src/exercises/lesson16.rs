//! The exercises of lesson 16, a chat server.

use std::net::SocketAddr;

use grade::{Conn, Exercise};

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![broadcast()]
}

// ANCHOR: chat
/// Lesson 16: a broadcast goes to every member but the one it is about.
fn broadcast() -> Exercise {
    Exercise::new(
        "16a",
        "exercise-16a",
        "A chat that sends each message to everyone else, not back to its sender",
    )
    .chapter(
        r#"Lesson 16 · A chat server, "In Rust""#,
        "lessons/16-chat.md#in-rust",
    )
    .hint(
        "Give broadcast a third parameter, the id to leave out (except: u64), and iterate \
         over the ids too: for (&id, (_name, writer)) in &room.borrow().members, writing \
         only if id != except. Pass the sender's id for the joined, message and left lines. \
         In Python: skip the writer of the one who speaks.",
    )
    .output(expected!("16a-broadcast"))
    .client("each line sent to the others only", chat_clients)
    .python("exercise.py")
}

/// Joins `name`: the server asks for a name, and greets it.
fn join(addr: SocketAddr, name: &str) -> Result<Conn, String> {
    let mut conn = Conn::open(addr, name)?;
    conn.expect("Welcome! What is your name?")?;
    conn.send(&format!("{name}\n"))?;
    conn.expect(&format!("* Hi {name}!"))?;
    Ok(conn)
}
// ANCHOR_END: chat

/// `ant`, `bee` and `cat` join one after another, `ant` and `bee` each say a line, then each
/// leaves. Each reads every line it is sent, in order: a line it should not have had comes
/// where the next expected one should.
fn chat_clients(addr: SocketAddr) -> Result<(), String> {
    let own = |e: String| {
        format!(
            "{e}. Every line a client receives must be about someone else: who joined, who \
             said what, who left. The sender knows what it said (and that it joined): \
             broadcast to every member except the one the line is about."
        )
    };
    let gone = |e: String| {
        format!("{e}, after it closed its side: take it out of the room, then close its writer.")
    };
    let mut ant = join(addr, "ant")?;
    let mut bee = join(addr, "bee")?;
    ant.expect("* bee joined").map_err(own)?;
    let mut cat = join(addr, "cat")?;
    ant.expect("* cat joined").map_err(own)?;
    bee.expect("* cat joined").map_err(own)?;

    ant.send("hello\n")?;
    bee.expect("<ant> hello").map_err(own)?;
    cat.expect("<ant> hello").map_err(own)?;
    bee.send("hi ant\n")?;
    ant.expect("<bee> hi ant").map_err(own)?;
    cat.expect("<bee> hi ant").map_err(own)?;

    bee.finish()?;
    bee.expect_closed().map_err(gone)?;
    ant.expect("* bee left").map_err(own)?;
    cat.expect("* bee left").map_err(own)?;
    ant.finish()?;
    ant.expect_closed().map_err(gone)?;
    cat.expect("* ant left").map_err(own)?;
    cat.finish()?;
    cat.expect_closed().map_err(gone)
}
