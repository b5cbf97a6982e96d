//! Async iteration: the `Stream`s `aio` has where asyncio has `async for` — a reader's lines,
//! an interval timer, a queue's items — in virtual time.

use std::cell::Cell;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use aio::sync::{Queue, QueueEmpty};
use futures::{Stream, StreamExt};

mod common;
use common::{ms, run_virtual as run};

/// A server that sends each of `pieces` in a write of its own, `gap` apart, then closes.
async fn server_sending(pieces: &'static [&'static [u8]], gap: Duration) -> aio::Server {
    aio::start_server("127.0.0.1:0", move |_reader, writer| async move {
        for piece in pieces {
            writer.write(piece);
            writer.drain().await.unwrap();
            aio::sleep(gap).await;
        }
        writer.close();
        writer.wait_closed().await;
    })
    .await
    .unwrap()
}

/// Every item of `lines`, as text; errors as `Err(kind)`.
async fn all_lines(lines: aio::Lines<'_>) -> Vec<Result<String, std::io::ErrorKind>> {
    lines
        .map(|line| {
            line.map(|l| String::from_utf8(l).unwrap())
                .map_err(|e| e.kind())
        })
        .collect()
        .await
}

#[test]
fn lines_come_whole_whatever_the_reads_and_end_at_eof() {
    run(async {
        // Lines cut across writes (and so across reads), and a last line with no newline.
        let pieces: &[&[u8]] = &[b"hel", b"lo\nwor", b"ld\nfoo\nbar\n", b"ta", b"il"];
        let server = server_sending(pieces, ms(10)).await;
        let (mut reader, _writer) = aio::open_connection(server.local_addr()).await.unwrap();
        let got = all_lines(reader.lines()).await;
        let want = ["hello\n", "world\n", "foo\n", "bar\n", "tail"];
        assert_eq!(got, want.map(|l| Ok(l.to_string())));
        // Ended at the end of file, and stays ended.
        assert!(reader.at_eof());
        assert!(reader.lines().next().await.is_none());
        server.close();
    });
}

#[test]
fn a_line_over_the_limit_is_an_error_and_the_lines_go_on() {
    run(async {
        let pieces: &[&[u8]] = &[b"short\naaaaaaaaaaaaaaaaaaaaaaaaa\nafter\n"];
        let server = server_sending(pieces, ms(10)).await;
        let (mut reader, _writer) = aio::open_connection(server.local_addr()).await.unwrap();
        reader.set_limit(8);
        let mut lines = reader.lines();
        assert_eq!(lines.next().await.unwrap().unwrap(), b"short\n");
        let error = lines.next().await.unwrap().unwrap_err();
        let overrun = aio::LimitOverrunError::from_io(&error).expect("a LimitOverrunError");
        assert_eq!(overrun.limit, 8);
        // The long line was dropped, as asyncio's readline drops it; the next one comes whole.
        assert_eq!(lines.next().await.unwrap().unwrap(), b"after\n");
        assert!(lines.next().await.is_none());
        server.close();
    });
}

#[test]
fn a_lines_next_cancelled_mid_line_loses_nothing() {
    run(async {
        let pieces: &[&[u8]] = &[b"first half, ", b"second half\n"];
        let server = server_sending(pieces, ms(50)).await;
        let (mut reader, _writer) = aio::open_connection(server.local_addr()).await.unwrap();
        let mut lines = reader.lines();
        // The timeout drops `next()` after the first half came and before the second did.
        assert!(aio::timeout(ms(20), lines.next()).await.is_err());
        let line = lines.next().await.unwrap().unwrap();
        assert_eq!(line, b"first half, second half\n");
        server.close(); // Its accept loop waits on the listener: count only our socket.
        assert!(aio::timeout(ms(10), lines.next()).await.is_err());
        assert_eq!(
            aio::io_waiter_count(),
            Some(1),
            "the pending next() waits on the socket"
        );
        drop(lines);
        assert_eq!(
            aio::io_waiter_count(),
            Some(0),
            "no waker left with the socket"
        );
    });
}

#[test]
fn an_interval_ticks_on_a_grid_that_work_does_not_shift() {
    run(async {
        let start = aio::now();
        let mut ticks = aio::interval(ms(10));
        let mut seen = Vec::new();
        for _ in 0..4 {
            let tick = ticks.next().await.unwrap();
            seen.push((tick - start, aio::now() - start));
            aio::sleep(ms(3)).await; // Work between ticks: less than a period.
        }
        // The first tick at once; then every 10 ms, not every 13.
        let want = [0, 10, 20, 30].map(|t| (ms(t), ms(t)));
        assert_eq!(seen, want);
        assert_eq!(ticks.missed(), 0);
    });
}

#[test]
fn missed_ticks_are_skipped_and_counted() {
    run(async {
        let start = aio::now();
        let mut ticks = aio::interval(ms(10));
        assert_eq!(ticks.next().await.unwrap() - start, ms(0));
        aio::sleep(ms(35)).await; // Late: the ticks due at 10, 20 and 30 ms have passed.
                                  // At once, the latest tick that is due; the two before it are skipped.
        assert_eq!(ticks.next().await.unwrap() - start, ms(30));
        assert_eq!(aio::now() - start, ms(35));
        assert_eq!(ticks.missed(), 2);
        // Back on the grid: the next tick at 40 ms, not at 45.
        assert_eq!(ticks.next().await.unwrap() - start, ms(40));
        assert_eq!(aio::now() - start, ms(40));
        assert_eq!(ticks.missed(), 2);
    });
}

#[test]
fn an_interval_next_cancelled_keeps_its_tick_and_leaves_no_timer() {
    run(async {
        let start = aio::now();
        let mut ticks = aio::interval(ms(10));
        ticks.next().await.unwrap();
        assert!(aio::timeout(ms(4), ticks.next()).await.is_err());
        assert_eq!(ticks.next().await.unwrap() - start, ms(10));
        assert_eq!(ticks.missed(), 0);
        // Dropped while waiting for its tick at 20 ms: its timer goes with it.
        assert!(aio::timeout(ms(4), ticks.next()).await.is_err());
        drop(ticks);
        assert_eq!(aio::timer_count(), Some(0));
    });
}

/// A stream that counts how often it was polled: a busy loop would show up here.
struct CountPolls<S> {
    inner: S,
    polls: Rc<Cell<u32>>,
}

impl<S: Stream + Unpin> Stream for CountPolls<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        self.polls.set(self.polls.get() + 1);
        Pin::new(&mut self.inner).poll_next(cx)
    }
}

#[test]
fn a_queue_stream_gives_items_in_order_woken_once_each() {
    run(async {
        let queue = Queue::unbounded();
        let polls = Rc::new(Cell::new(0));
        let consumer = {
            let stream = CountPolls {
                inner: queue.stream(),
                polls: polls.clone(),
            };
            aio::spawn(async move {
                let start = aio::now();
                let items: Vec<(u32, Duration)> = stream
                    .take(3)
                    .map(|item| (item, aio::now() - start))
                    .collect()
                    .await;
                items
            })
        };
        for item in [7, 8, 9] {
            aio::sleep(ms(10)).await;
            queue.put(item).await;
        }
        let got = consumer.await.unwrap();
        assert_eq!(got, [(7, ms(10)), (8, ms(20)), (9, ms(30))]);
        // Each item: one poll that found the queue empty, one after the put woke it.
        assert_eq!(polls.get(), 6);
        // Items already queued come out in order, without waiting.
        for item in 1..=4 {
            queue.put_nowait(item).unwrap();
        }
        let all: Vec<u32> = queue.stream().take(4).collect().await;
        assert_eq!(all, [1, 2, 3, 4]);
    });
}

#[test]
fn a_queue_stream_next_cancelled_keeps_its_place_and_loses_no_item() {
    run(async {
        let queue = Queue::unbounded();
        let mut stream = queue.stream();
        assert!(aio::timeout(ms(10), stream.next()).await.is_err());
        // The stream is still first in line: the item is promised to it, not to a newcomer.
        queue.put_nowait(5).unwrap();
        assert_eq!(queue.get_nowait(), Err(QueueEmpty));
        assert_eq!(stream.next().await, Some(5));
        // Dropping a stream that waits hands a promised item on to the next getter.
        assert!(aio::timeout(ms(10), stream.next()).await.is_err());
        queue.put_nowait(6).unwrap();
        drop(stream);
        assert_eq!(queue.get_nowait(), Ok(6));
    });
}
