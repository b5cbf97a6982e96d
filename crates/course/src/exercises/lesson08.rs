//! The exercises of lesson 08, timeouts and cancellation.

use std::time::Duration;

use grade::Exercise;

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![late_task(), slow_server(), cleanup_guard()]
}

/// Lesson 08: a timeout on a lent task handle does not stop the task; `cancel` does.
fn late_task() -> Exercise {
    Exercise::new(
        "08a",
        "exercise-08a",
        "A task that takes too long is cancelled",
    )
    .chapter(
        r#"Lesson 08 · Timeouts and cancellation, "What to notice""#,
        "lessons/08-timeouts-and-cancellation.md#what-to-notice",
    )
    .hint(
        "When the time is up (the Err arm), call report.cancel() before printing: it \
         drops the task's future now, and with it the connection. In Python: \
         report.cancel(), then await report inside try/except asyncio.CancelledError.",
    )
    .output(expected!("08a-timeouts"))
    .cancelled_at_least(1)
    .no_task_left_running()
    .python("exercise.py")
}

/// Lesson 08: `aio::timeout` bounds a wait that might never end, and cancels what it bounds.
fn slow_server() -> Exercise {
    Exercise::new(
        "08b",
        "exercise-08b",
        "A server that does not answer gets a time limit",
    )
    .chapter(
        r#"Lesson 08 · Timeouts and cancellation, "In Rust""#,
        "lessons/08-timeouts-and-cancellation.md#in-rust",
    )
    .hint(
        "Wrap each request: match aio::timeout(Duration::from_secs(2), ask(start, server, \
         answers_after, cents)).await { Ok(cents) => prices.push(cents), Err(_) => \
         println!(..no answer in 2.0s, skipped..) }. timeout drops the request when the time \
         is up. Put the timeout on the future itself, not on a spawned task's handle. In \
         Python: await asyncio.wait_for(ask(...), 2) inside try/except asyncio.TimeoutError.",
    )
    .output(expected!("08b-slow-server"))
    .loop_time(
        Duration::from_millis(2300),
        "the shop took {took} of loop time to show a price; with 2 s for each server it takes \
         {expected}: 0.3 s for the server that answers, then 2 s for the one that never does. \
         Far more means a wait with no limit; less means the limit cut the first server short, \
         or both servers shared one limit instead of getting 2 s each.",
    )
    .no_task_left_running()
    .python("exercise.py")
}

/// Lesson 08: a cancelled future stops at its `.await`; only `Drop` runs after that, so
/// clean-up that must always happen belongs in a guard.
fn cleanup_guard() -> Exercise {
    Exercise::new(
        "08c",
        "exercise-08c",
        "A cancelled download still closes its connection",
    )
    .chapter(
        r#"Lesson 08 · Timeouts and cancellation, "In Rust""#,
        "lessons/08-timeouts-and-cancellation.md#in-rust",
    )
    .hint(
        "Replace fn close(self) with impl Drop for Connection { fn drop(&mut self) { .. } } \
         (the same two lines inside), delete the connection.close() call, and keep the \
         connection in a named variable: let _connection = Connection::open(..); (not \
         let _ = .., which drops it at once). In Python: await inside try, and \
         connection.close() in finally.",
    )
    .output(expected!("08c-cleanup-guard"))
    .check("every connection closed", |run| {
        let closed_at_once = (run.stdout.lines())
            .any(|line| line.starts_with("[0.0s]") && line.ends_with("connection closed"));
        if closed_at_once {
            return Err(
                "a connection was closed at 0.0 s, as soon as it was opened, before \
                 its download ran. `let _ = Connection::open(..)` does that: `_` is not a \
                 variable, so the value is dropped at once. Name it \
                 (`let _connection = ..`): it then lives until the download's future ends, \
                 returned or cancelled."
                    .to_string(),
            );
        }
        let open = (run.stdout.lines())
            .find_map(|line| line.strip_prefix("open connections at the end: "))
            .unwrap_or("?");
        if open == "0" {
            return Ok(());
        }
        Err(format!(
            "the pool ended with {open} connection(s) open: the cancelled download never \
             closed its own. Cancelling drops the download's future at the .await where it \
             waits, so the code after that .await (connection.close()) never runs. Only \
             destructors run: put the closing in `impl Drop for Connection`."
        ))
    })
    .cancelled_at_least(1)
    .python("exercise.py")
}
