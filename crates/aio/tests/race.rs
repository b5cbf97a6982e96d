//! `race`, `race!` and `as_completed`: who wins, losers dropped before the winner is seen, ties
//! to the earlier argument, outputs in completion order, and a wake costs one child poll.

use std::cell::Cell;
use std::rc::Rc;

use aio::sync::Queue;
use aio::Promise;

mod common;
use common::{ms, run_virtual, DropFlag};

#[test]
fn the_first_to_finish_wins_and_the_race_ends_then() {
    let ((index, output), elapsed) = run_virtual(async {
        let start = aio::now();
        let winner = aio::race([30, 10, 20].map(|n| async move {
            aio::sleep(ms(n)).await;
            n
        }))
        .await;
        (winner, aio::now() - start)
    });
    assert_eq!(
        (index, output),
        (1, 10),
        "the 10 ms future, argument 1, wins"
    );
    assert_eq!(elapsed, ms(10), "the race ended with the winner");
}

#[test]
fn losers_are_dropped_before_the_winner_is_returned() {
    run_virtual(async {
        let dropped: Vec<_> = (0..3).map(|_| Rc::new(Cell::new(false))).collect();
        let racers = [(0, 30), (1, 10), (2, 20)].map(|(i, n)| {
            let flag = DropFlag(dropped[i].clone());
            async move {
                let _flag = flag; // Dropped when this future is, finished or not.
                aio::sleep(ms(n)).await;
                n
            }
        });
        let mut race = aio::race(racers);
        let (index, _) = (&mut race).await;
        assert_eq!(index, 1);
        // The `Race` itself is still here: the losers' destructors ran before it returned.
        assert!(
            dropped[0].get() && dropped[2].get(),
            "losers dropped at once"
        );
        assert_eq!(aio::timer_count(), Some(0), "their timers went with them");
        drop(race);
    });
}

#[test]
fn a_tie_goes_to_the_earlier_argument_whatever_woke_first() {
    let index = run_virtual(async {
        let promises: Vec<Promise<&str>> = (0..3).map(|_| Promise::new()).collect();
        let setter = {
            let promises = promises.clone();
            aio::spawn(async move {
                aio::yield_now().await; // Let the race poll everyone once.
                                        // Both set in the same turn, the later argument first.
                promises[2].set_result("two");
                promises[1].set_result("one");
            })
        };
        let (index, output) = aio::race(promises).await;
        setter.await.unwrap();
        assert_eq!(output, Ok(["zero", "one", "two"][index]));
        index
    });
    assert_eq!(index, 1, "woken 2 then 1 in one turn: argument 1 wins");
}

#[test]
fn a_loser_ready_in_the_same_turn_is_not_polled_so_it_takes_nothing() {
    // Two gets on a queue that holds two items: both could finish in the first poll. The
    // second must not be polled once the first has won, or its item would be dropped with it.
    let left = run_virtual(async {
        let queue = Queue::unbounded();
        queue.put_nowait("first item").unwrap();
        queue.put_nowait("second item").unwrap();
        let (index, item) = aio::race([queue.get(), queue.get()]).await;
        assert_eq!((index, item), (0, "first item"));
        queue.qsize()
    });
    assert_eq!(
        left, 1,
        "the loser's get took nothing: the second item is still queued"
    );
}

#[test]
#[should_panic(expected = "aio::race was given no futures")]
fn racing_nothing_panics() {
    drop(aio::race(Vec::<std::future::Ready<()>>::new()));
}

#[test]
fn race_macro_races_futures_of_different_types() {
    #[derive(Debug, PartialEq)]
    enum Step {
        Item(u32),
        Tick,
    }
    let steps = run_virtual(async {
        let queue = Queue::unbounded();
        let mut steps = Vec::new();
        for n in 0..2 {
            if n == 1 {
                queue.put_nowait(7).unwrap();
            }
            let (_, step) = aio::race!(async { Step::Item(queue.get().await) }, async {
                aio::sleep(ms(100)).await;
                Step::Tick
            },)
            .await;
            steps.push(step);
        }
        steps
    });
    assert_eq!(steps, [Step::Tick, Step::Item(7)]);
}

#[test]
fn a_pinned_future_raced_by_reference_survives_lost_races() {
    // The download is raced by `&mut`: losing a race drops the borrow, not the download.
    let (ticks, started) = run_virtual(async {
        let started = Cell::new(0);
        let mut download = std::pin::pin!(async {
            started.set(started.get() + 1);
            aio::sleep(ms(350)).await;
            "file"
        });
        let mut ticks = 0;
        loop {
            let (_, done) = aio::race!(async { Some((&mut download).await) }, async {
                aio::sleep(ms(100)).await;
                None
            })
            .await;
            match done {
                Some(file) => {
                    assert_eq!(file, "file");
                    break;
                }
                None => ticks += 1,
            }
        }
        (ticks, started.get())
    });
    assert_eq!(
        (ticks, started),
        (3, 1),
        "three ticks, one download started once"
    );
}

#[test]
fn as_completed_gives_outputs_in_completion_order_in_virtual_time() {
    let got = run_virtual(async {
        let start = aio::now();
        let mut done = aio::as_completed([30, 10, 40, 20].map(|n| async move {
            aio::sleep(ms(n)).await;
            n
        }));
        assert_eq!(done.len(), 4);
        let mut got = Vec::new();
        while let Some(n) = done.next().await {
            got.push((n, aio::now() - start));
        }
        assert!(done.is_empty());
        got
    });
    assert_eq!(
        got,
        [(10, ms(10)), (20, ms(20)), (30, ms(30)), (40, ms(40))],
        "each output when its future finished"
    );
}

#[test]
fn as_completed_with_a_deadline_loses_nothing_when_next_is_dropped() {
    let (got, left, later) = run_virtual(async {
        let mut done = aio::as_completed([30, 10, 40, 20].map(|n| async move {
            aio::sleep(ms(n)).await;
            n
        }));
        let deadline = aio::now() + ms(25);
        let mut got = Vec::new();
        while let Ok(Some(n)) = aio::timeout_at(deadline, done.next()).await {
            got.push(n);
        }
        let left = done.len();
        // The `next` cut short by the deadline took nothing: the rest still come out.
        let mut later = Vec::new();
        while let Some(n) = done.next().await {
            later.push(n);
        }
        (got, left, later)
    });
    assert_eq!(got, [10, 20]);
    assert_eq!(left, 2);
    assert_eq!(later, [30, 40]);
}

#[test]
fn as_completed_queues_outputs_that_finish_together_in_argument_order() {
    let got = run_virtual(async {
        let promises: Vec<Promise<u32>> = (0..3).map(|_| Promise::new()).collect();
        let mut done = aio::as_completed(promises.clone());
        let setter = aio::spawn(async move {
            aio::yield_now().await;
            promises[2].set_result(2);
            promises[0].set_result(0);
            promises[1].set_result(1);
        });
        let mut got = Vec::new();
        while let Some(n) = done.next().await {
            got.push(n.expect("each promise gets a result"));
        }
        setter.await.unwrap();
        got
    });
    assert_eq!(got, [0, 1, 2]);
}

#[test]
fn as_completed_is_a_stream() {
    use futures::StreamExt;
    let got: Vec<u64> = run_virtual(async {
        aio::as_completed([20, 10].map(|n| async move {
            aio::sleep(ms(n)).await;
            n
        }))
        .collect()
        .await
    });
    assert_eq!(got, [10, 20]);
}

#[test]
fn dropping_as_completed_drops_the_unfinished_futures() {
    run_virtual(async {
        let dropped = Rc::new(Cell::new(false));
        let flag = DropFlag(dropped.clone());
        let mut done = aio::as_completed([
            Box::pin(async { 1_u32 }) as std::pin::Pin<Box<dyn std::future::Future<Output = u32>>>,
            Box::pin(async move {
                let _flag = flag;
                aio::sleep(ms(1000)).await;
                2
            }),
        ]);
        assert_eq!(done.next().await, Some(1));
        assert!(!dropped.get());
        drop(done);
        assert!(dropped.get(), "the unfinished future was dropped with it");
    });
}

/// Racers (or as_completed futures) per complexity test.
const N: usize = if cfg!(miri) { 100 } else { 1_000 };

/// `N` racers: racer `i` waits for `first[i]`, then for `second[i]`. Setting the `first`
/// promises one per turn wakes each racer once without ending the race; a race that re-polled
/// every racer at each wake would make about N²/2 child polls.
fn two_step_racers(
    first: &[Promise<()>],
    second: &[Promise<()>],
) -> Vec<impl std::future::Future<Output = usize>> {
    (0..N)
        .map(|i| {
            let (first, second) = (first[i].clone(), second[i].clone());
            async move {
                first.await.expect("set, not failed");
                second.await.expect("set, not failed");
                i
            }
        })
        .collect()
}

/// Sets each promise in one turn of its own, last first.
async fn set_one_per_turn(promises: &[Promise<()>]) {
    for promise in promises.iter().rev() {
        promise.set_result(());
        aio::yield_now().await;
    }
}

#[test]
fn a_wake_in_a_race_costs_one_child_poll() {
    let (winner, polls) = run_virtual(async {
        let first: Vec<Promise<()>> = (0..N).map(|_| Promise::new()).collect();
        let second: Vec<Promise<()>> = (0..N).map(|_| Promise::new()).collect();
        let before = aio::child_polls();
        let race = aio::spawn(aio::race(two_step_racers(&first, &second)));
        aio::yield_now().await; // The race's first poll: every racer once.
        set_one_per_turn(&first).await; // N wakes, none ends the race.
        second[N / 2].set_result(()); // One more wake, and a winner.
        let (winner, _) = race.await.unwrap();
        (winner, aio::child_polls() - before)
    });
    assert_eq!(winner, N / 2);
    eprintln!("race: {polls} child polls for {N} racers woken one per turn");
    assert!(
        polls <= 3 * N as u64,
        "{polls} child polls for {N} racers: a wake is paying for the racers not woken"
    );
}

#[test]
fn a_wake_in_as_completed_costs_one_child_poll() {
    let (count, polls) = run_virtual(async {
        let first: Vec<Promise<()>> = (0..N).map(|_| Promise::new()).collect();
        let second: Vec<Promise<()>> = (0..N).map(|_| Promise::new()).collect();
        let before = aio::child_polls();
        let collector = aio::spawn(async move {
            let mut done = aio::as_completed(two_step_racers(&first, &second));
            let driver = async {
                aio::yield_now().await;
                set_one_per_turn(&first).await;
                set_one_per_turn(&second).await;
            };
            let (_, count) = aio::gather!(driver, async {
                let mut count = 0;
                while done.next().await.is_some() {
                    count += 1;
                }
                count
            })
            .await;
            count
        });
        let count = collector.await.unwrap();
        (count, aio::child_polls() - before)
    });
    assert_eq!(count, N);
    eprintln!("as_completed: {polls} child polls for {N} futures, woken twice each");
    // gather! polls its two children too: about two polls per turn, 2N turns.
    assert!(
        polls <= 8 * N as u64,
        "{polls} child polls for {N} futures: a wake is paying for the futures not woken"
    );
}
