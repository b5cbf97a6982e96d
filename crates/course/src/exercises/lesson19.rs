//! The exercises of lesson 19, racing.

use std::time::Duration;

use grade::Exercise;

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![cancel_safe_packer()]
}

/// Lesson 19: a future that holds data across an `.await` loses it when it loses a race;
/// race one step at a time and keep the state outside.
fn cancel_safe_packer() -> Exercise {
    Exercise::new(
        "19a",
        "exercise-19a",
        "A packer that races a status timer without losing orders",
    )
    .chapter(
        r#"Lesson 19 · Racing, "Cancel safety""#,
        "lessons/19-racing.md#cancel-safety",
    )
    .hint(
        "Race async { Some(queue.get().await) } against the status timer instead of \
         take_two: a get that loses the race took nothing. Keep the order taken so far in a \
         `let mut held: Option<Order> = None;` before the loop; when a get wins, either keep \
         the order in held, or pack it with held.take() as a box of two.",
    )
    .output(expected!("19a-cancel-safe-packer"))
    .check("no order lost", |run| {
        let lost: Vec<&str> = (run.stdout.lines())
            .filter_map(|line| line.trim().strip_prefix("lost "))
            .filter_map(|rest| rest.split(':').next())
            .collect();
        let packed = (run.stdout.lines())
            .find_map(|line| line.strip_prefix("orders packed: "))
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse::<usize>().ok());
        match (packed, lost.is_empty()) {
            (Some(6), true) => Ok(()),
            (None, _) => Err(
                "the program no longer prints `orders packed: N of 6`: keep \
                              its last println! as it is."
                    .to_string(),
            ),
            (Some(n), _) => Err(format!(
                "{n} of 6 orders were packed{}. When the status timer wins a race, \
                 aio::race! drops the other future where it waits: take_two, holding its \
                 first order in a local variable while it waits for the second, drops that \
                 order with it. Race a single get (it either finishes with an order or took \
                 nothing), and keep the order waiting for its partner outside the race.",
                if lost.is_empty() {
                    String::new()
                } else {
                    format!(", and these were lost: {}", lost.join(", "))
                }
            )),
        }
    })
    .loop_time(
        Duration::from_millis(1200),
        "the packer took {took} of loop time; with a status line every 0.3 s and four of \
         them, it ends at {expected}.",
    )
    .no_task_left_running()
}
