//! Exercise 09a, solved: keep every handle, then await each one. Awaiting a task gives two
//! layers: the outer `Result` says whether the task ran to its end (`Err(TaskError)` if it
//! panicked), the inner one is what `notify` returned. No sleep: the last await returns when
//! the slowest notification is done.

use std::time::{Duration, Instant};

/// Who gets the newsletter, and how long the mail server takes for each.
const USERS: [(&str, u64); 4] = [("ada", 100), ("carol", 200), ("dave", 150), ("erin", 300)];

/// "[0.3s]": the time since `start` on the loop's clock.
fn at(start: Instant) -> String {
    format!("[{:.1}s]", (aio::now() - start).as_secs_f64())
}

/// Sends one notification. A full mailbox is an expected failure: an `Err`. A user without an
/// address is a bug: a panic.
async fn notify(user: &'static str, ms: u64) -> Result<(), String> {
    aio::sleep(Duration::from_millis(ms)).await;
    match user {
        "carol" => Err(format!("{user}'s mailbox is full")),
        "dave" => panic!("no address for {user}"),
        _ => Ok(()),
    }
}

async fn newsletter() {
    let start = aio::now();
    let tasks = USERS.map(|(user, ms)| aio::spawn(notify(user, ms)));
    let mut sent = 0;
    for ((user, _), task) in USERS.iter().zip(tasks) {
        match task.await {
            Ok(Ok(())) => {
                sent += 1;
                println!("sent:    {user}");
            }
            Ok(Err(error)) => println!("failed:  {user}: {error}"),
            Err(task_error) => println!("crashed: {user}: {task_error}"),
        }
    }
    println!(
        "{} newsletter: {sent} sent, {} not",
        at(start),
        USERS.len() - sent
    );
}

fn main() {
    USAGE.parse().finish();
    std::panic::set_hook(Box::new(|info| eprintln!("{info}")));
    aio::run(newsletter());
}

const USAGE: lesson_args::Usage = lesson_args::Usage {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    options: &[],
};
