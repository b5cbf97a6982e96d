//! The exercises of lesson 25, threads and the loop.

use grade::Exercise;

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![callback_thread()]
}

/// Lesson 25: a library's thread hands readings to the loop; the loop awaits them, unblocked.
fn callback_thread() -> Exercise {
    Exercise::new(
        "25a",
        "exercise-25a",
        "Readings from a callback thread, handed to the loop",
    )
    .chapter(
        r#"Lesson 25 · Threads and the loop, "A callback thread hands readings to the loop""#,
        "lessons/25-threads-and-the-loop.md#a-callback-thread-hands-readings-to-the-loop",
    )
    .hint(
        "Make a queue on the loop, let readings = aio::sync::Queue::new(0), and register a \
         function that fills it: let put = aio::LoopCallback::new(move |reading| \
         readings.put_nowait(reading).unwrap()) (with a clone of the queue). The sensor's \
         callback then calls put.call_soon_threadsafe(reading): put is Send, the queue stays \
         on the loop. The task awaits each one: while let Some(reading) = \
         readings.get().await { .. }. Moving recv() to the blocking pool \
         (aio::to_thread) would unblock the loop too, at the cost of a pool thread per wait.",
    )
    .output(expected!("25a-callback-thread"))
    .no_slow_poll()
}
