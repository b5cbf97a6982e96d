//! Exercise 05a, solved: `partial` keeps the bytes of the line not finished yet; each piece
//! is added to it, and every whole line it then holds is taken out and answered. After
//! `quit`, the transport is closing, and what follows is not answered.

use std::net::SocketAddr;

use aio::{Protocol, Transport};

struct Shout {
    transport: Option<Transport>,
    /// The start of a line whose newline has not arrived yet.
    partial: Vec<u8>,
}

impl Shout {
    fn answer(&self, line: &str) {
        println!("said {line:?}");
        let transport = self.transport.as_ref().expect("connection_made came first");
        if line == "quit" {
            transport.write(b"bye\n");
            transport.close();
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
        self.partial.extend_from_slice(data);
        while let Some(end) = self.partial.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.partial.drain(..=end).collect();
            if self.transport.as_ref().is_some_and(Transport::is_closing) {
                return; // After quit: nothing more to say.
            }
            self.answer(String::from_utf8_lossy(&line).trim_end());
        }
    }
}

async fn serve(addr: SocketAddr) -> Result<(), String> {
    let server = aio::create_server(addr, || Shout {
        transport: None,
        partial: Vec::new(),
    })
    .await
    .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    println!("listening on {}", server.local_addr());
    server.serve_forever().await;
    Ok(())
}

fn main() -> std::process::ExitCode {
    let mut args = USAGE.parse();
    let addr = args.word("ADDR").unwrap_or(([127, 0, 0, 1], 8888).into());
    args.finish();
    USAGE.exit(aio::run(serve(addr)))
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[(
        "[ADDR]",
        "listen on ADDR (HOST:PORT, default 127.0.0.1:8888)",
    )],
};
