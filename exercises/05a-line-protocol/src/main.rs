//! Exercise 05a: a protocol that answers each line, whatever pieces its bytes arrive in, and
//! closes on quit.
//!
//! The protocol below answers each line in upper case, and `bye` to `quit`, closing the
//! connection. It takes each call of `data_received` for one line. But TCP carries bytes, not
//! lines: a line typed slowly, or sent in two writes, arrives in two pieces (`wor`, then
//! `ld\n`), and two short lines may arrive in one.
//!
//! Goal: answer each whole line, once its newline has arrived. Keep the bytes of the line not
//! finished yet in the protocol (as lesson 05's `ShoutProtocol` does with `partial`), and
//! answer every line that a piece completes. The program must print exactly `expected.txt`,
//! where `ADDR` stands for the address it listens on.
//!
//! `cargo run -p exercise-05a` serves on 127.0.0.1:8888 (or at the address given:
//! `cargo run -p exercise-05a -- 127.0.0.1:9000`); talk to it with `nc 127.0.0.1 8888`.
//! `cargo course check 05a` starts it on a free port; its client sends a line whole, a line in
//! two pieces, two lines in one piece, and `quit` in two pieces, and checks each answer, that
//! the server closes after `bye`, and the output. Stuck? `cargo course hint 05a`; read lesson
//! 05 (`cargo run -p lesson-05`).

use std::net::SocketAddr;

use aio::{Protocol, Transport};

struct Shout {
    transport: Option<Transport>,
}

impl Shout {
    /// Answers one line (without its line end).
    fn answer(&self, line: &str) {
        println!("said {line:?}");
        let transport = self.transport.as_ref().expect("connection_made came first");
        if line == "quit" {
            transport.write(b"bye\n");
            transport.close(); // Sends what is buffered, then closes.
        } else {
            transport.write(format!("{}\n", line.to_uppercase()).as_bytes());
        }
    }
}

impl Protocol for Shout {
    fn connection_made(&mut self, transport: Transport) {
        println!("connected");
        self.transport = Some(transport);
    }

    fn data_received(&mut self, data: &[u8]) {
        // Whatever came is taken for one line.
        let text = String::from_utf8_lossy(data);
        self.answer(text.trim_end());
    }
}

async fn serve(addr: SocketAddr) -> Result<(), String> {
    let server = aio::create_server(addr, || Shout { transport: None })
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    println!("listening on {}", server.local_addr());
    server.serve_forever().await;
    Ok(())
}

fn main() -> std::process::ExitCode {
    let mut args = USAGE.parse(); // `--help` says what the exercise is about.
    let addr = args.word("ADDR").unwrap_or(([127, 0, 0, 1], 8888).into());
    args.finish();
    USAGE.exit(aio::run(serve(addr)))
}

/// The command line: `--help` prints the description in Cargo.toml, and the address.
const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[(
        "[ADDR]",
        "listen on ADDR (HOST:PORT, default 127.0.0.1:8888)",
    )],
};
