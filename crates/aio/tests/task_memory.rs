//! Memory per sleeping task, counted in heap bytes by a global allocator: the task's slot in the
//! table, its box, its waker and its timer. The bench compares the same figure with tokio's and
//! smol's (`cargo run -p aio-bench --release -- memory`); this test keeps it from creeping up.
//!
//! One test in this file, on purpose: the allocator counts every thread of the process, and
//! another test running at the same time would be counted too.

use std::alloc::System;
use std::time::Duration;

use cap::Cap;

/// The system allocator, counting the bytes allocated and not yet freed.
#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

/// 2^16 tasks: the task table, the timer heap and the run queue are full to their capacity,
/// with no spare room; the timers' hash map is half full, as it is right after it grows.
const TASKS: usize = 1 << 16;

/// The most bytes a task asleep in `aio::sleep` may hold: 225 B today, all counted (the slot
/// 64 B, its waker 40 B, its box with the future 40 B, the timer's heap entry 24 B and its
/// entry in the timers' map, 50 B half full, and its place in the run queue). One more word
/// in any of them fails the test. The bench measures 247 B per task at 100,000 tasks, against
/// tokio's 266 B and smol's 251 B.
const PER_TASK: usize = 230;

#[test]
fn a_sleeping_task_costs_a_slot_a_box_a_waker_and_a_timer() {
    aio::Builder::new()
        .clock(aio::ClockKind::Virtual)
        .run(async {
            aio::sleep(Duration::from_millis(1)).await; // The timer's tables exist.
            let before = ALLOCATOR.allocated();
            for _ in 0..TASKS {
                drop(aio::spawn(aio::sleep(Duration::from_secs(3600))));
            }
            aio::yield_now().await; // Every task polled once: its timer registered.
            aio::yield_now().await;
            assert_eq!(aio::timer_count(), Some(TASKS));
            let per_task = (ALLOCATOR.allocated() - before) / TASKS;
            assert!(
                per_task <= PER_TASK,
                "a sleeping task holds {per_task} B; at most {PER_TASK} B expected"
            );
            eprintln!("{per_task} B per sleeping task");
        });
}
