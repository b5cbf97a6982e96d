//! The exercises of lesson 10, an HTTP server.

use std::net::SocketAddr;

use grade::{Conn, Exercise};

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![bad_request()]
}

/// Lesson 10: a request the server cannot read is answered with the status the parser's
/// error calls for, and the connection closed, never dropped in silence.
fn bad_request() -> Exercise {
    Exercise::new(
        "10a",
        "exercise-10a",
        "An HTTP server that answers a bad request with 400, not silence",
    )
    .chapter(
        r#"Lesson 10 · An HTTP server, "In Rust""#,
        "lessons/10-http-server.md#in-rust",
    )
    .hint(
        "In handle, make the Incoming::Bad(error) arm give a response like the Request arm \
         does, instead of breaking: (format!(\"bad request ({error})\"), \
         Response::error(&error)). Response::error answers error.status() (400, 431, ...) \
         with Connection: close, so the loop ends after sending it.",
    )
    .output(expected!("10a-bad-request"))
    .client("each request answered", http_clients)
}

/// Three requests, each on its own connection: a good one, one without `Host`, one whose
/// head is larger than the server's 8 KiB limit.
fn http_clients(addr: SocketAddr) -> Result<(), String> {
    let mut ant = Conn::open(addr, "ant")?;
    ant.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")?;
    ant.expect("HTTP/1.1 200 OK")?;
    let body = read_rest(&mut ant)?;
    if body != "Hello!\n" {
        return Err(format!(
            "ant expected the body \"Hello!\\n\" and got {body:?}"
        ));
    }
    ant.finish()?;
    ant.expect_closed()?;

    let mut bee = Conn::open(addr, "bee")?;
    bee.send("GET / HTTP/1.1\r\n\r\n")?;
    let what = "an HTTP/1.1 request without its Host header";
    answered(&mut bee, what, "400 Bad Request")?;
    let mut cat = Conn::open(addr, "cat")?;
    let big = "a".repeat(9 * 1024);
    cat.send(&format!(
        "GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: {big}\r\n\r\n"
    ))?;
    let what = "a request whose head is 9 KiB, over the 8 KiB limit";
    answered(&mut cat, what, "431 Request Header Fields Too Large")
}

/// The client sent `what`, which the parser refuses: the answer must be `status` ("400 Bad
/// Request"), and then the server must close the connection.
fn answered(conn: &mut Conn, what: &str, status: &str) -> Result<(), String> {
    let code = &status[..3];
    conn.expect(&format!("HTTP/1.1 {status}")).map_err(|e| {
        format!(
            "{e}. It sent {what}, which the parser refuses (Err(error)). The answer is the \
             status that error calls for, error.status() ({code} here), and \
             Response::error(&error) builds it, with Connection: close. A server that drops \
             the connection without a word leaves the client unable to tell a bad request \
             from a crashed server (curl: \"Empty reply from server\")."
        )
    })?;
    read_rest(conn)?;
    conn.expect_closed().map_err(|e| {
        format!(
            "{e}, after the answer to {what}. After a head it cannot read, the server cannot \
             know where a next request would start: it must close the connection once it has \
             answered (Response::error says Connection: close; a response of your own needs \
             .close(), and the loop must end)."
        )
    })
}

/// Reads the rest of a response after its status line: the header lines up to the empty
/// line, then the body, `Content-Length` bytes. Returns the body.
fn read_rest(conn: &mut Conn) -> Result<String, String> {
    let mut length = 0;
    while let Some(line) = conn.line()?.filter(|line| !line.is_empty()) {
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    conn.bytes(length)
}
