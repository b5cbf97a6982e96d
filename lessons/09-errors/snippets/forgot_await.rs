//! A handler that forgets an `.await`. The lesson's tests compile this file with rustc and
//! check that the warning is the one in `forgot_await.stderr`, which the book shows.

/// Saves a record; in a real program this would write to a database.
pub async fn save(record: &str) -> Result<(), String> {
    println!("saving {record}");
    Ok(())
}

// ANCHOR: handler
pub async fn handle(record: &str) {
    save(record); // Forgot `.await`: this only makes a future, and drops it.
    println!("handled {record}");
}
// ANCHOR_END: handler
