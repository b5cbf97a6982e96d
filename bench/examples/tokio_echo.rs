//! An echo server on tokio (`current_thread`), the peer that `bench/idle_memory.py` measures
//! next to the lessons' servers:
//!
//! ```console
//! $ cargo build -p aio-bench --release --example tokio_echo
//! $ ./target/release/examples/tokio_echo 127.0.0.1:8888
//! ```
//!
//! Written as a tokio user would: a task per connection, reading into a 4 KiB buffer that
//! lives in the task (asyncio's `reader.read(4096)` loop, for the same comparison).

use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8888".into());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&addr).await?;
        println!("Serving on {}", listener.local_addr()?);
        loop {
            let (mut stream, _) = listener.accept().await?;
            stream.set_nodelay(true)?;
            tokio::spawn(async move {
                let mut buf = [0; 4096];
                loop {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            if stream.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                        }
                    }
                }
            });
        }
    })
}
