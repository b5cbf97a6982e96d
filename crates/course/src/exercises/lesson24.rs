//! The exercises of lesson 24, coordinating tasks.

use std::time::Duration;

use grade::{Exercise, Run};

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![lost_payments()]
}

/// The balance in the program's last line, `balance N after …`.
fn final_balance(run: &Run) -> Option<u32> {
    let line = run
        .stdout
        .lines()
        .rev()
        .find(|l| l.starts_with("balance "))?;
    line.split(' ').nth(1)?.parse().ok()
}

/// Lesson 24: a read-await-write on shared state is a critical section; a `Lock` held across
/// the `.await` makes it one, where a `Cell` (or re-reading after the await) does not.
fn lost_payments() -> Exercise {
    Exercise::new(
        "24a",
        "exercise-24a",
        "Payments that are not lost, with a Lock",
    )
    .chapter(
        r#"Lesson 24 · Coordinating tasks, "In Rust""#,
        "lessons/24-coordinating-tasks.md#in-rust",
    )
    .hint(
        "Make the balance an aio::sync::Lock::new(1000) instead of an Rc<Cell>, and pass a \
             clone to each task. In pay, start with let mut guard = balance.lock().await; read \
             *guard, await the fee, write *guard = read + amount - fee: the guard is held across \
             the .await, and dropped at the end of the function, which hands the lock to the \
             next payment. In Python: one asyncio.Lock, and `async with lock:` around the read, \
             the await and the write.",
    )
    .output(expected!("24a-lost-payments"))
    .check("every payment counts", |run| match final_balance(run) {
        Some(1953) => Ok(()),
        Some(1960) => Err(
            "the balance is 1960, not 1953: each payment reads the balance again after the \
                 fee, so no payment is lost, but every fee was computed on the 1000 that all four \
                 read at the start. The read, the await and the write are one step: hold a Lock \
                 from the read to the write."
                .to_string(),
        ),
        Some(n) if n < 1953 => Err(format!(
            "the balance is {n}, not 1953: payments were lost. Each one read the balance, \
                 awaited the bank, and wrote over what the others had written meanwhile. Hold \
                 one shared Lock from the read to the write, across the .await."
        )),
        Some(n) => Err(format!(
            "the balance is {n}, not 1953: each payment must pay the fee of the balance it \
                 found, 1 % rounded down, and write balance + amount - fee."
        )),
        None => Err(
            "the program no longer prints its last line (`balance N after …`): keep \
                 the last println! as it is."
                .to_string(),
        ),
    })
    .loop_time(
        Duration::from_millis(400),
        "the payments took {took} of loop time; one after another, four bank calls of 0.1 s \
             take {expected}. 0.1 s means the payments overlapped: the lock is not held across \
             the bank's .await.",
    )
    .in_flight_at_least(4)
    .python("exercise.py")
}
