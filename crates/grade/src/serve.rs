//! Network exercises: the student's program is a server, and the grader is its client.
//!
//! [`Exercise::client`](crate::Exercise::client) turns a grader into one for a server. To grade
//! it, [`serve`] picks a free loopback address, starts the program with that address as its
//! argument (`exercise-04a 127.0.0.1:PORT`, `python3 exercise.py 127.0.0.1:PORT`), waits for
//! its first line on stdout (a server says where it listens once it does), runs the client
//! against it, then stops it with SIGINT, as Ctrl-C does. The client drives the order: the
//! server prints its lines as the client's requests arrive, so its output is the same every
//! run. In stdout, the address is written `ADDR`, so that `expected.txt` can say
//! `listening on ADDR`.
//!
//! A server that talks to a real client runs in real time (as the lessons' `--serve` tests
//! run them): a loop time means nothing here, so such graders check the output, the client's
//! verdict and the trace, not the loop time.
//!
//! [`Conn`] is a client's connection: lines out, lines in, each wait bounded by
//! [`ANSWER_WAIT`], each failure a sentence that says who sent what and what came back.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::run::{Ended, Language, Run};

/// A client: talks to the server at the address it is given; `Err` says what went wrong.
pub(crate) type Client = Arc<dyn Fn(SocketAddr) -> Result<(), String> + Send + Sync>;

/// How long a [`Conn`] waits for an answer (or a connection) before it gives up. On loopback
/// an answer takes well under a millisecond; three seconds leaves room for a busy machine.
pub const ANSWER_WAIT: Duration = Duration::from_secs(3);

/// After SIGINT, how long the server has to end before it is killed.
const GRACE: Duration = Duration::from_secs(2);

/// Starts the server `command` on a free loopback address, runs `client` against it once it
/// has printed its first line, stops it, and reads its run. `deadline` bounds the wait for the
/// first line and for the client; `keep` how much of each output is kept.
pub(crate) fn serve(
    language: Language,
    mut command: Command,
    client: &Client,
    deadline: Duration,
    keep: usize,
) -> io::Result<Run> {
    let addr = lesson_check::free_addr();
    let mut child = command
        .arg(addr.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let (stdout, lines) = read(child.stdout.take().expect("stdout is piped"), keep);
    let (stderr, _) = read(child.stderr.take().expect("stderr is piped"), keep);

    let verdict = match lines.recv_timeout(deadline) {
        Ok(()) => {
            // Listening: talk to it, on a thread, so that a client stuck on a socket cannot
            // hold the grader (stopping the server below closes its sockets).
            let (done, result) = mpsc::channel();
            let client = client.clone();
            thread::spawn(move || {
                let _ = done.send(client(addr));
            });
            match result.recv_timeout(deadline) {
                Ok(verdict) => verdict,
                Err(RecvTimeoutError::Timeout) => Err(format!(
                    "the client was still talking to the server after {} s of real time",
                    deadline.as_secs()
                )),
                Err(RecvTimeoutError::Disconnected) => {
                    Err("the grader's client panicked: a bug in the grader, not yours".into())
                }
            }
        }
        Err(_) => Err(format!(
            "the server printed no first line within {} s, so the client never talked to it: \
             a server prints where it listens (listening on ADDR) once it listens",
            deadline.as_secs()
        )),
    };
    // A server serves until it is stopped: one that exited already ended by itself. (One
    // that closed the client's connection as it exited gets a moment to be gone.)
    if child.try_wait()?.is_none() {
        thread::sleep(Duration::from_millis(50));
    }
    let ended = match child.try_wait()? {
        Some(status) => Ended::Exited(status),
        None => Ended::Stopped(stop(&mut child)),
    };
    let stdout = stdout.take().replace(&addr.to_string(), "ADDR");
    let mut run = Run::parse(language, stdout, stderr.take(), ended);
    run.client = Some(verdict);
    Ok(run)
}

/// Stops the server as Ctrl-C does (SIGINT), or kills it if it is still there after
/// [`GRACE`]. Returns how it ended.
fn stop(child: &mut Child) -> ExitStatus {
    // std sends only SIGKILL; `kill` sends SIGINT. The child is not reaped yet, so its pid
    // cannot have been reused.
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let until = Instant::now() + GRACE;
    while Instant::now() < until {
        if let Ok(Some(status)) = child.try_wait() {
            return status;
        }
        thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    child.wait().expect("could not wait for the server")
}

/// What a child wrote to one pipe, read line by line on a thread of its own (and kept up to a
/// limit). Taking it waits until the pipe is closed, for at most a second.
struct Pipe {
    text: Arc<Mutex<String>>,
    closed: Receiver<()>,
}

impl Pipe {
    fn take(&self) -> String {
        let _ = self.closed.recv_timeout(Duration::from_secs(1));
        std::mem::take(&mut *self.text.lock().unwrap())
    }
}

/// Reads `pipe` on a thread; the receiver hears of each whole line.
fn read(pipe: impl Read + Send + 'static, keep: usize) -> (Pipe, Receiver<()>) {
    let text = Arc::new(Mutex::new(String::new()));
    let (line, lines) = mpsc::channel();
    let (closed, closes) = mpsc::channel();
    let kept = text.clone();
    thread::spawn(move || {
        let mut pipe = BufReader::new(pipe);
        let mut bytes = Vec::new();
        while let Ok(1..) = pipe.read_until(b'\n', &mut bytes) {
            let mut kept = kept.lock().unwrap();
            if kept.len() < keep {
                kept.push_str(&String::from_utf8_lossy(&bytes));
            }
            drop(kept);
            bytes.clear();
            let _ = line.send(());
        }
        let _ = closed.send(());
    });
    (
        Pipe {
            text,
            closed: closes,
        },
        lines,
    )
}

/// A grader's connection to the server, line by line. Each method's error is a sentence that
/// names the client (`ant`), says what it did and what came back; add why that is wrong with
/// `map_err`.
///
/// ```no_run
/// # fn client(addr: std::net::SocketAddr) -> Result<(), String> {
/// use grade::Conn;
///
/// let mut ant = Conn::open(addr, "ant")?;
/// ant.send("hello\n")?;
/// ant.expect("hello")?; // the next line, without its line end
/// ant.finish()?; // "that is all": the server sees the end of file
/// ant.expect_closed()?; // and closes its side
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Conn {
    name: String,
    stream: BufReader<TcpStream>,
}

impl Conn {
    /// Connects to `addr`; `name` names this client in messages.
    pub fn open(addr: SocketAddr, name: &str) -> Result<Conn, String> {
        let stream = TcpStream::connect_timeout(&addr, ANSWER_WAIT)
            .map_err(|e| format!("{name} could not connect to the server: {e}"))?;
        // Each `send` leaves at once, as a piece of its own.
        let _ = stream.set_nodelay(true);
        let _ = stream.set_read_timeout(Some(ANSWER_WAIT));
        Ok(Conn {
            name: name.to_string(),
            stream: BufReader::new(stream),
        })
    }

    /// Sends `text` as it is (add the `\n` of a line yourself: a piece of a line is fine).
    pub fn send(&mut self, text: &str) -> Result<(), String> {
        let stream = self.stream.get_mut();
        (stream
            .write_all(text.as_bytes())
            .and_then(|()| stream.flush()))
        .map_err(|e| {
            format!(
                "{} could not send {text:?}: {e} (had the server closed the connection?)",
                self.name
            )
        })
    }

    /// Says "that is all" (a TCP FIN): the server's next read sees the end of file.
    pub fn finish(&mut self) -> Result<(), String> {
        (self.stream.get_ref().shutdown(Shutdown::Write))
            .map_err(|e| format!("{} could not close its side: {e}", self.name))
    }

    /// The next line the server sends, without its line end; `None` if the server closed the
    /// connection (or reset it). Waits at most [`ANSWER_WAIT`].
    pub fn line(&mut self) -> Result<Option<String>, String> {
        let mut bytes = Vec::new();
        match self.stream.read_until(b'\n', &mut bytes) {
            Ok(0) => Ok(None),
            Ok(_) if !bytes.ends_with(b"\n") => Err(format!(
                "{} got {:?} and then the end of the connection, in the middle of a line",
                self.name,
                String::from_utf8_lossy(&bytes)
            )),
            Ok(_) => {
                let line = String::from_utf8_lossy(&bytes);
                Ok(Some(line.trim_end_matches(['\n', '\r']).to_string()))
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                let got = String::from_utf8_lossy(&bytes);
                Err(format!(
                    "{} waited {} s and got no line back{}",
                    self.name,
                    ANSWER_WAIT.as_secs(),
                    match got.is_empty() {
                        true => String::new(),
                        false => format!(" (only {got:?}, with no line end)"),
                    }
                ))
            }
            // A reset is the server closing without reading everything: closed all the same.
            Err(_) => Ok(None),
        }
    }

    /// The next `n` bytes (a body whose length a header gave), as text.
    pub fn bytes(&mut self, n: usize) -> Result<String, String> {
        let mut bytes = vec![0; n];
        match self.stream.read_exact(&mut bytes) {
            Ok(()) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
            Err(e) => Err(format!(
                "{} expected {n} bytes and got fewer: {e}",
                self.name
            )),
        }
    }

    /// The next line must be `want` (without its line end).
    pub fn expect(&mut self, want: &str) -> Result<(), String> {
        match self.line()? {
            Some(line) if line == want => Ok(()),
            Some(line) => Err(format!("{} expected {want:?} and got {line:?}", self.name)),
            None => Err(format!(
                "{} expected {want:?}, but the server closed the connection",
                self.name
            )),
        }
    }

    /// The server must close the connection now, with nothing more to send.
    pub fn expect_closed(&mut self) -> Result<(), String> {
        match self.line() {
            Ok(None) => Ok(()),
            Ok(Some(line)) => Err(format!(
                "{} expected the server to close the connection, and got {line:?}",
                self.name
            )),
            Err(_) => Err(format!(
                "{} waited {} s for the server to close the connection, and it stayed open",
                self.name,
                ANSWER_WAIT.as_secs()
            )),
        }
    }
}
