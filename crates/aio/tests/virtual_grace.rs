//! In virtual time the loop jumps its clock over waits that only timers fill, but first listens
//! briefly to the sockets that tasks wait on. After it has sent something, it listens longer:
//! the bytes may still be crossing the kernel's loopback to a peer of the same loop, and a
//! jump past them would skip a reply that is on its way (a chat lesson's idle limit firing
//! before the message that would have reset it).

use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Runs a server-side reader that waits for a peer that never writes, optionally sends to that
/// peer first, then sleeps an hour; returns the loop's trace lines about parking.
fn parks(send_first: bool) -> Vec<String> {
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    aio::Builder::new()
        .clock(aio::ClockKind::Virtual)
        .trace_to(move |line| sink.lock().unwrap().push(line.to_string()))
        .run(async move {
            let listener = aio::TcpListener::bind("127.0.0.1:0").unwrap();
            // The kernel completes the handshake from its backlog: no need to accept first.
            let peer = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
            let (stream, _) = listener.accept().await.unwrap();
            if send_first {
                stream.write(b"hello").await.unwrap();
            }
            let reader = aio::spawn(async move {
                let mut buf = [0; 16];
                let _ = stream.read(&mut buf).await;
            });
            aio::sleep(Duration::from_secs(3600)).await;
            reader.cancel();
            drop(peer);
        });
    let lines = lines.lock().unwrap();
    lines
        .iter()
        .filter(|line| line.contains(" park ") || line.contains(" jump "))
        .cloned()
        .collect()
}

#[test]
fn without_a_send_the_loop_listens_a_millisecond_before_it_jumps() {
    let parks = parks(false);
    assert!(
        parks
            .iter()
            .any(|l| l.ends_with("park   for at most 0.001s")),
        "{parks:#?}"
    );
    assert!(!parks.iter().any(|l| l.contains("0.200s")), "{parks:#?}");
}

#[test]
fn after_a_send_the_loop_listens_longer_before_it_jumps() {
    let parks = parks(true);
    assert!(
        parks
            .iter()
            .any(|l| l.ends_with("park   for at most 0.200s")),
        "{parks:#?}"
    );
    // Once: the next wait, with nothing sent since, is short again.
    assert_eq!(
        parks.iter().filter(|l| l.contains("0.200s")).count(),
        1,
        "{parks:#?}"
    );
}
