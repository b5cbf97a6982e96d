//! A loop that always has a task ready still hears its sockets, and checks them only when
//! there are sockets to check.

use std::future::poll_fn;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;

#[test]
fn a_busy_loop_still_hears_its_sockets() {
    aio::Builder::new().run(async {
        let (ours, mut theirs) = UnixStream::pair().unwrap();
        ours.set_nonblocking(true).unwrap();
        let ours = aio::Registered::new(ours).unwrap();
        let reader = aio::spawn(async move {
            let mut buf = [0; 4];
            poll_fn(|cx| ours.poll_read_with(cx, |s| (&*s).read(&mut buf))).await
        });
        // A task that is always ready: the loop never has a reason to park.
        let spinner = aio::spawn(async {
            loop {
                aio::yield_now().await;
            }
        });
        aio::yield_now().await; // The reader runs, finds nothing, and waits for the socket.
        assert!(!reader.is_finished());

        theirs.write_all(b"ping").unwrap();
        let mut turns = 0;
        while !reader.is_finished() && turns < 10_000 {
            aio::yield_now().await;
            turns += 1;
        }
        assert!(
            reader.is_finished(),
            "the socket became readable, but a busy loop never looked"
        );
        assert_eq!(reader.await.unwrap().unwrap(), 4);
        spinner.cancel();
    });
}
