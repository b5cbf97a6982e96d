//! The exercises of lesson 23, UDP.

use std::time::Duration;

use grade::Exercise;

/// This lesson's exercises, in order.
pub fn all() -> Vec<Exercise> {
    vec![lost_datagrams()]
}

/// Lesson 23: over UDP a lost datagram is silence; only a timeout notices it, and only a retry
/// makes up for it. Each try needs its own timeout.
fn lost_datagrams() -> Exercise {
    Exercise::new(
        "23a",
        "exercise-23a",
        "A lost UDP request is asked again",
    )
    .chapter(
        r#"Lesson 23 · UDP, "What to notice""#,
        "lessons/23-udp.md#what-to-notice",
    )
    .hint(
        "Make ask a loop: for attempt in 1..=TRIES { send_to the city; if let Ok(received) = \
         aio::timeout(TIMEOUT, socket.recv_from(&mut buf)).await { return the answer } }, \
         printing 'no answer in 1.0s, asking again' after a try that timed out (but the last), \
         and 'no answer after 3 tries, giving up' after the loop. Print 'asking for CITY' once, \
         before the loop. The timeout goes around each receive, not around the whole loop. In \
         Python: the same loop around asyncio.wait_for(replies.get(), TIMEOUT).",
    )
    .output(expected!("23a-lost-datagrams"))
    .loop_time(
        Duration::from_millis(5600),
        "the forecast took {took} of loop time; with up to three tries of 1 s for each city it \
         takes {expected}: 0.1 s for each of the six answers, 1 s for each of the two lost \
         questions, and 3 s for atlantis, which never answers. Less means some city got fewer \
         tries, or its tries shared one timeout; more means a try waited longer than 1 s.",
    )
    .python("exercise.py")
}
