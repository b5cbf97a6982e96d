//! `run`: the loop starts, finishes, parks instead of spinning, and refuses misuse clearly.

use std::time::Duration;

#[test]
fn run_returns_the_output_of_its_future() {
    assert_eq!(aio::run(async { 6 * 7 }), 42);
}

#[test]
fn loop_parks_instead_of_spinning() {
    // Real time: the loop should block in the poller until the timer is due, not go round.
    let turns = aio::Builder::new().run(async {
        aio::sleep(Duration::from_millis(5)).await;
        aio::loop_turns().unwrap()
    });
    assert!(
        turns <= 4,
        "the loop went round {turns} times for one sleep"
    );
}

#[test]
fn virtual_time_jumps_and_is_exact() {
    let elapsed = aio::Builder::new()
        .clock(aio::ClockKind::Virtual)
        .run(async {
            let start = aio::now();
            aio::sleep(Duration::from_secs(3600)).await;
            aio::now() - start
        });
    assert_eq!(elapsed, Duration::from_secs(3600));
}

#[test]
#[should_panic(expected = "`.await` the future")]
fn run_inside_run_panics_with_advice() {
    aio::run(async {
        aio::run(async {});
    });
}

#[test]
#[should_panic(expected = "aio::sleep was called outside the aio runtime")]
fn sleep_outside_run_panics_with_advice() {
    futures::executor::block_on(aio::sleep(Duration::from_millis(1)));
}

#[test]
#[should_panic(expected = "aio::spawn was called outside the aio runtime")]
fn spawn_outside_run_panics_with_advice() {
    drop(aio::spawn(async {}));
}

#[test]
fn leftover_tasks_are_cancelled_when_run_returns() {
    struct Guard(std::rc::Rc<std::cell::Cell<bool>>);
    impl Drop for Guard {
        fn drop(&mut self) {
            self.0.set(true);
        }
    }
    let dropped = std::rc::Rc::new(std::cell::Cell::new(false));
    let flag = dropped.clone();
    aio::Builder::new()
        .clock(aio::ClockKind::Virtual)
        .run(async move {
            aio::spawn(async move {
                let _guard = Guard(flag);
                aio::sleep(Duration::from_secs(10)).await;
            });
            aio::yield_now().await; // Let the task start and reach its sleep.
        });
    assert!(dropped.get(), "the leftover task's future was not dropped");
}

#[test]
fn a_leftover_tasks_handle_reports_cancelled_after_run_returns() {
    let (sleeper, finished) = aio::Builder::new()
        .clock(aio::ClockKind::Virtual)
        .run(async {
            let sleeper = aio::spawn(async {
                aio::sleep(Duration::from_secs(10)).await;
                "woke"
            });
            let finished = aio::spawn(async { "done" });
            aio::yield_now().await;
            (sleeper, finished)
        });
    assert!(sleeper.is_finished());
    let outcome = futures::executor::block_on(sleeper);
    assert!(outcome.unwrap_err().is_cancelled());
    // A task that finished before `run` returned keeps its output.
    assert_eq!(futures::executor::block_on(finished).unwrap(), "done");
}

#[test]
fn leftover_tasks_are_cancelled_while_the_loop_is_still_installed() {
    // Their destructors may use the runtime: remove timers, or even spawn (which is then
    // cancelled in turn).
    struct SpawnOnDrop(std::rc::Rc<std::cell::Cell<u32>>);
    impl Drop for SpawnOnDrop {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
            if self.0.get() < 3 {
                let again = SpawnOnDrop(self.0.clone());
                drop(aio::spawn(async move {
                    let _again = again;
                    aio::sleep(Duration::from_secs(1)).await;
                }));
            }
        }
    }
    let drops = std::rc::Rc::new(std::cell::Cell::new(0));
    let first = SpawnOnDrop(drops.clone());
    aio::Builder::new()
        .clock(aio::ClockKind::Virtual)
        .run(async move {
            aio::spawn(async move {
                let _first = first;
                aio::sleep(Duration::from_secs(1)).await;
            });
            aio::yield_now().await;
        });
    assert_eq!(drops.get(), 3);
}
