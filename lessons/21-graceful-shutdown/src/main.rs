//! Lesson 21: graceful shutdown.
//!
//! A job server: a client sends `JOB SECONDS` (`report 2`), the server works on it for that
//! long (a sleep stands for the work) and says when it is done. On Ctrl-C (SIGINT) it shuts
//! down in four steps: it stops accepting, tells its clients goodbye, lets the jobs in flight
//! finish within a deadline, and cancels the rest; then the program exits with status 0.
//!
//! `cargo run -p lesson-21` runs scripted clients against the server and sends the process a
//! SIGINT itself once two jobs are in flight (`src/script.rs`), so that the whole shutdown
//! shows, the same on every run. `cargo run -p lesson-21 -- --serve [ADDR]` waits for a real
//! Ctrl-C.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::Duration;

use aio::sync::Event;
use aio::{StreamReader, StreamWriter};
use lesson_args::{say, Addr};

mod script;

// ANCHOR: limits
/// After Ctrl-C, how long the jobs in flight have to finish before they are cancelled
/// (`--grace SECS` changes it).
const GRACE: Duration = Duration::from_secs(3);
/// The longest job a client may ask for, in seconds.
const LONGEST_JOB: u64 = 3600;
/// The longest line a client may send, in bytes.
const MAX_LINE: usize = 1024;
/// When a connection ends, how long what is still to be sent has to leave before the server
/// drops it and closes: a client that does not read cannot hold the shutdown up.
const LINGER: Duration = Duration::from_secs(2);
// ANCHOR_END: limits

// ANCHOR: shop
/// What the connections' tasks and the shutdown share.
#[derive(Default)]
struct Shop {
    /// The connected clients, by an id given when each connected.
    clients: RefCell<BTreeMap<u64, Client>>,
    /// The id the next client gets.
    next_id: Cell<u64>,
    /// Set when the shutdown begins: a client waiting for its next job is let go.
    stopping: Event,
    /// Set when the deadline has passed: the jobs still running are cancelled.
    cancelling: Event,
    /// Jobs finished, and jobs cancelled, since the server started.
    finished: Cell<usize>,
    cancelled: Cell<usize>,
}

/// One connected client.
struct Client {
    /// Where its lines go: its task writes to it, and so does the shutdown.
    writer: Rc<StreamWriter>,
    /// The job it waits for, if any.
    job: Option<String>,
}
// ANCHOR_END: shop

impl Shop {
    fn join(&self, writer: Rc<StreamWriter>) -> u64 {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        let client = Client { writer, job: None };
        self.clients.borrow_mut().insert(id, client);
        id
    }

    fn set_job(&self, id: u64, job: Option<&str>) {
        if let Some(client) = self.clients.borrow_mut().get_mut(&id) {
            client.job = job.map(str::to_string);
        }
    }

    fn leave(&self, id: u64) {
        self.clients.borrow_mut().remove(&id);
    }

    /// How many jobs are running now.
    fn jobs_in_flight(&self) -> usize {
        let clients = self.clients.borrow();
        clients.values().filter(|c| c.job.is_some()).count()
    }
}

// ANCHOR: client
/// One connection: jobs one after another until the client leaves or the server stops.
async fn client_connected(shop: Rc<Shop>, mut reader: StreamReader, writer: StreamWriter) {
    reader.set_limit(MAX_LINE);
    let writer = Rc::new(writer);
    let id = shop.join(writer.clone());
    writer.write(b"welcome: send JOB SECONDS, one job at a time\n");
    loop {
        // 1. The next job, unless the shutdown comes first (it also wins a tie: once the
        //    server is stopping, no job starts). The losing future is dropped: cancelled.
        let (_, next) = aio::race!(
            async {
                shop.stopping.wait().await;
                None
            },
            async { Some(reader.readline().await) },
        )
        .await;
        let line = match next {
            Some(Ok(line)) if !line.is_empty() => line,
            // Stopping (the shutdown said goodbye), the client left, or an error.
            _ => break,
        };
        let Some((job, seconds)) = parse_job(&line) else {
            writer.write(b"? send JOB SECONDS, like: report 2\n");
            continue;
        };

        // 2. The work, unless the shutdown's deadline passes first.
        writer.write(format!("working on {job} ({seconds}s)\n").as_bytes());
        shop.set_job(id, Some(&job));
        let (_, done) = aio::race!(
            async {
                aio::sleep(Duration::from_secs(seconds)).await; // The work.
                true
            },
            async {
                shop.cancelling.wait().await;
                false
            },
        )
        .await;
        shop.set_job(id, None);
        if !done {
            shop.cancelled.set(shop.cancelled.get() + 1);
            let line = format!("{job} cancelled: the server is shutting down. goodbye\n");
            writer.write(line.as_bytes());
            break;
        }
        shop.finished.set(shop.finished.get() + 1);
        writer.write(format!("{job} done\n").as_bytes());
        if shop.stopping.is_set() {
            writer.write(b"goodbye\n");
            break;
        }
    }
    shop.leave(id);
    close_soon(&writer).await;
}

/// `report 2` as `("report", 2)`: a name and a number of seconds, up to `LONGEST_JOB`.
fn parse_job(line: &[u8]) -> Option<(String, u64)> {
    let line = std::str::from_utf8(line).ok()?;
    let mut words = line.split_whitespace();
    let (job, seconds) = (words.next()?, words.next()?.parse().ok()?);
    (words.next().is_none() && seconds <= LONGEST_JOB).then(|| (job.to_string(), seconds))
}

/// Closes after what is still to be sent, which has `LINGER` to leave; then drops it and
/// closes at once, for a client that does not read.
async fn close_soon(writer: &StreamWriter) {
    writer.close();
    if aio::timeout(LINGER, writer.wait_closed()).await.is_err() {
        writer.abort();
    }
}
// ANCHOR_END: client

// ANCHOR: serve
/// Serves on `addr` until Ctrl-C, then shuts down gracefully. `listening` is told where the
/// server listens, once it does.
async fn serve(
    addr: &[SocketAddr],
    grace: Duration,
    listening: impl FnOnce(SocketAddr),
) -> Result<Summary, String> {
    // Listen for Ctrl-C first: from here on it means "shut down", not "die".
    let ctrl_c = aio::signal::ctrl_c();
    let shop = Rc::new(Shop::default());
    let handler = {
        let shop = shop.clone();
        move |reader, writer| client_connected(shop.clone(), reader, writer)
    };
    let server = aio::start_server(addr, handler)
        .await
        .map_err(|e| format!("cannot listen: {e}"))?;
    listening(server.local_addr());
    ctrl_c
        .await
        .map_err(|e| format!("cannot listen for Ctrl-C: {e}"))?;
    Ok(shut_down(&server, &shop, grace).await)
}
// ANCHOR_END: serve

// ANCHOR: shut_down
/// The shutdown, once Ctrl-C was pressed.
async fn shut_down(server: &aio::Server, shop: &Shop, grace: Duration) -> Summary {
    let started = aio::now();
    // 1. Stop accepting: the listening socket closes, and a new client is refused.
    server.close();

    // 2. Tell every client: those waiting for their next job goodbye (their tasks end and
    //    close the connection), those with a job in flight that it finishes first.
    let (mut idle, mut busy) = (0, 0);
    for client in shop.clients.borrow().values() {
        let line = match &client.job {
            None => {
                idle += 1;
                "server shutting down: goodbye\n".to_string()
            }
            Some(job) => {
                busy += 1;
                format!("server shutting down: finishing {job} first\n")
            }
        };
        client.writer.write(line.as_bytes());
    }
    shop.stopping.set();
    say!(
        "server: Ctrl-C: stopped accepting, said goodbye to {}, waiting up to {}s for {}",
        count(idle, "idle client"),
        grace.as_secs(),
        count(busy, "job")
    );

    // 3. Let the jobs in flight finish, for `grace` at most. (`wait_closed` waits until every
    //    connection's task has ended.)
    if aio::timeout(grace, server.wait_closed()).await.is_err() {
        // 4. Cancel the rest.
        let left = shop.jobs_in_flight();
        say!("server: deadline: cancelling {}", count(left, "job"));
        shop.cancelling.set();
        server.wait_closed().await;
    }
    Summary {
        took: aio::now() - started,
        finished: shop.finished.get(),
        cancelled: shop.cancelled.get(),
    }
}
// ANCHOR_END: shut_down

/// How the shutdown went.
struct Summary {
    /// From Ctrl-C to the last connection closed.
    took: Duration,
    /// Jobs finished, and cancelled, since the server started.
    finished: usize,
    cancelled: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "server: shut down in {:.1}s: {} finished, {} cancelled",
            self.took.as_secs_f64(),
            count(self.finished, "job"),
            self.cancelled
        )
    }
}

/// `1 job`, `2 jobs`.
fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Without arguments: the scripted demo. `--serve [ADDR] [--grace SECS]`: the server alone,
/// until Ctrl-C.
fn main() -> ExitCode {
    let mut args = USAGE.parse();
    if !args.flag("--serve") {
        args.finish();
        aio::run(script::demo());
        return ExitCode::SUCCESS;
    }
    let grace = args.value("--grace").map_or(GRACE, Duration::from_secs);
    let addr = args
        .word("ADDR")
        .unwrap_or_else(|| Addr::from(SocketAddr::from(([127, 0, 0, 1], 8021))));
    args.finish();
    let done = aio::run(async move {
        let summary = serve(addr.resolved(), grace, |addr| {
            // The first line is for programs (the tests read the address from it).
            say!("listening on {addr}");
            say!("try: nc {} {}, then type: report 5", addr.ip(), addr.port());
            say!("Ctrl-C shuts the server down gracefully; a second Ctrl-C stops it at once");
        })
        .await
        .map_err(|e| format!("{addr}: {e}"))?;
        say!("{summary}");
        Ok::<(), String>(())
    });
    // A shutdown that went as planned exits with status 0; failing to listen, with 1.
    USAGE.exit(done)
}

/// The command line: `--help` prints the description in Cargo.toml and these options.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[
        (
            "--serve [ADDR]",
            "keep the job server up at ADDR (HOST:PORT, default 127.0.0.1:8021) until Ctrl-C",
        ),
        (
            "--grace SECS",
            "with --serve: after Ctrl-C, give the jobs in flight SECS seconds (default 3)",
        ),
    ],
};
