//! The exercises of lesson 22, subprocesses.

use grade::Exercise;

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![stuck_check()]
}

/// Lesson 22: a timeout stops the waiting, not the child process: a stuck child is killed.
fn stuck_check() -> Exercise {
    Exercise::new(
        "22a",
        "exercise-22a",
        "A stuck check stopped, not only given up on",
    )
    .chapter(
        r#"Lesson 22 · Subprocesses, "What to notice""#,
        "lessons/22-subprocesses.md#what-to-notice",
    )
    .hint(
        "When aio::timeout gives up on the report (Err(_elapsed)), call child.kill() before \
         child.wait(). The timeout dropped the readline future, nothing more: the check is \
         still running in its own process, and wait() waits until it ends by itself. kill() \
         sends SIGKILL, and wait() then collects \"killed by signal 9\" at once.",
    )
    .output(expected!("22a-stuck-check"))
    .check("the stuck check is killed", |run| {
        let waited = run
            .stdout
            .lines()
            .any(|line| line.contains("no report within") && line.contains("exit code"));
        if waited {
            return Err(
                "the network check gave no report in time, and yet it ended with an \
                 exit code: the program waited until it ended by itself. A timeout stops the \
                 waiting, not the work: kill() the child, then wait() for it."
                    .to_string(),
            );
        }
        Ok(())
    })
    .no_task_left_running()
}
