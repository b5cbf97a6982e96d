//! What a client that sends its request head one byte at a time costs a server, for heads of
//! 1, 2, 4 and 8 KiB: parsing the whole buffer again after every read (`parse_request` in a
//! loop) against resuming where the last read stopped (`RequestParser`).
//!
//! `cargo run -p http-lite --release --example slow_client`

use std::time::{Duration, Instant};

use http_lite::{parse_request, RequestParser};

/// A request head of exactly `size` bytes made of short header lines.
fn head(size: usize) -> Vec<u8> {
    let mut head = b"GET / HTTP/1.1\r\nHost: example.org\r\n".to_vec();
    while head.len() + 17 + 7 <= size {
        head.extend_from_slice(b"X-Pad: 12345678\r\n");
    }
    let pad = size - head.len() - b"X: \r\n\r\n".len();
    head.extend_from_slice(format!("X: {}\r\n\r\n", "a".repeat(pad)).as_bytes());
    head
}

/// The fastest of a few runs of `f`, which feeds one head a byte at a time.
fn fastest(mut f: impl FnMut()) -> Duration {
    (0..5)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    println!("head     rescanning: time   resuming: time  bytes examined");
    for kib in [1, 2, 4, 8] {
        let head = head(kib * 1024);
        let limit = head.len() + 1;
        let rescanning = fastest(|| {
            for end in 1..=head.len() {
                if parse_request(&head[..end], limit).unwrap().is_some() {
                    break;
                }
            }
        });
        let mut examined = 0;
        let resuming = fastest(|| {
            let mut parser = RequestParser::new(limit);
            for end in 1..=head.len() {
                if parser.parse(&head[..end]).unwrap().is_some() {
                    break;
                }
            }
            examined = parser.bytes_examined();
        });
        println!(
            "{kib} KiB   {:>15.2?}   {:>14.2?}  {examined:>14} ({:.1} per byte)",
            rescanning,
            resuming,
            examined as f64 / head.len() as f64
        );
    }
}
