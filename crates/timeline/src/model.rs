//! The model of a picture: one [`Row`] per task, each a list of [`Span`]s of time in one
//! [`State`], and [`Mark`]s at instants.
//!
//! [`build`] reads one run's events in order. A poll lasts from its `poll` line to the next
//! line that the loop writes between polls (anything but `spawn`, `timer` and the `cancel` of
//! another task). Between two polls a task waits; the wait is drawn as asleep when the task's
//! own timer woke it: a timer the task set, due during the wait, and a `fire` line after its
//! due time. A task cancelled while one of its timers is pending was asleep too.

use std::collections::HashMap;

use crate::trace::{Event, What, Who};

/// What a task is doing during a span of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Being polled: its code runs, and the loop runs nothing else.
    Running,
    /// Asleep on a timer of its own.
    Asleep,
    /// Alive and not running: waiting for another task, a socket, a thread, or its turn.
    Waiting,
}

/// A span of time, in milliseconds on the loop's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Where it starts.
    pub from: u64,
    /// Where it ends (equal to `from` for a poll that took no time on the clock).
    pub to: u64,
    /// What the task does meanwhile.
    pub state: State,
}

/// Something that happened at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// The loop fired a timer of this task's, which woke it.
    TimerFired,
    /// The task finished.
    Done,
    /// The task was cancelled (by `cancel`, or because its run ended).
    Cancelled,
    /// The poller woke for a ready socket (on the loop's row).
    Socket,
    /// A waker on another thread (a blocking job that finished) woke the poller (loop's row).
    Thread,
}

/// One task (or the main future, or the loop itself) across the picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// What the picture calls it: `main`, `#2 main.rs:28`, `#3 mirror-eu`.
    pub label: String,
    /// Its spans of time, in order.
    pub spans: Vec<Span>,
    /// Its marks, in order: `(ms, mark)`.
    pub marks: Vec<(u64, Mark)>,
}

/// A whole picture's content: the rows and the time they cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// The first instant shown (ms).
    pub from: u64,
    /// The last instant shown (ms).
    pub to: u64,
    /// The loop's own row (socket and thread wakes), if anything woke the poller.
    pub lp: Option<Row>,
    /// The main future first, then the tasks in spawn order.
    pub rows: Vec<Row>,
}

/// A row while it is being built.
struct Life {
    row: Row,
    /// Alive: spawned (or polled, for the main future) and not yet ended.
    alive: bool,
    /// Since when it has been waiting (the end of its last poll, or its spawn).
    idle_since: u64,
    /// The due times of the timers it set that have not fired yet.
    timers: Vec<u64>,
    /// The due time of its timer that fired since its last poll, if one did.
    woken_by: Option<u64>,
}

impl Life {
    fn new(label: String, at: u64) -> Life {
        let row = Row {
            label,
            spans: Vec::new(),
            marks: Vec::new(),
        };
        Life {
            row,
            alive: true,
            idle_since: at,
            timers: Vec::new(),
            woken_by: None,
        }
    }

    /// The wait since its last poll ends at `at`, with a poll or (`ended`) with the task's
    /// end: asleep up to its timer's due time if that timer woke it (then waiting for its
    /// turn, if the loop was late), or all along if it ended with a timer pending; else
    /// waiting.
    fn end_wait(&mut self, at: u64, ended: bool) {
        let from = self.idle_since;
        let pending = self.timers.iter().any(|&due| due >= at);
        let asleep_until = match self.woken_by.take() {
            Some(due) => due.clamp(from, at),
            None if ended && pending => at,
            None => from,
        };
        self.span(from, asleep_until, State::Asleep);
        self.span(asleep_until, at, State::Waiting);
        self.timers.retain(|&due| due > at);
    }

    /// asyncio cancels a task by throwing `CancelledError` into it, in one last poll that
    /// ends at `at`: the wait before that poll was cut short, as aio's cancel cuts it short
    /// by dropping the task, and was asleep if a timer of the task's was pending.
    fn cut_short(&mut self, at: u64) {
        let pending = self.timers.iter().any(|&due| due >= at);
        if let [.., wait, poll] = &mut self.row.spans[..] {
            let last_poll = poll.state == State::Running && poll.to == at;
            if pending && last_poll && wait.state == State::Waiting && wait.to == poll.from {
                wait.state = State::Asleep;
            }
        }
    }

    fn span(&mut self, from: u64, to: u64, state: State) {
        if to > from || (state == State::Running && to == from) {
            self.row.spans.push(Span { from, to, state });
        }
    }

    fn end(&mut self, at: u64, mark: Mark) {
        self.alive = false;
        self.row.marks.push((at, mark));
    }
}

/// The timeline of one run's events (see [`runs`]).
pub fn build(events: &[Event]) -> Timeline {
    let mut lives: Vec<Life> = Vec::new();
    // Where each task's (and the main future's) row is in `lives`.
    let mut index: HashMap<Option<u32>, usize> = HashMap::new();
    let mut lp = Life::new("loop".to_string(), 0);
    // The row being polled, and since when.
    let mut polling: Option<(usize, u64)> = None;
    let key = |who: &Who| match who {
        Who::Main => None,
        Who::Task(task) => Some(task.number),
    };
    for event in events {
        let at = event.at;
        // Every line but these ends the poll in progress.
        let within_poll = match &event.what {
            What::Spawn(_) | What::Timer { .. } => true,
            What::Cancel(who) => polling.map(|(i, _)| i) != index.get(&key(who)).copied(),
            _ => false,
        };
        if !within_poll {
            if let Some((i, since)) = polling.take() {
                lives[i].span(since, at, State::Running);
                lives[i].idle_since = at;
            }
        }
        match &event.what {
            What::Start => {}
            What::Spawn(task) => {
                index.insert(Some(task.number), lives.len());
                let label = format!("#{} {}", task.number, task.name);
                lives.push(Life::new(label, at));
            }
            What::Poll(who) => {
                let i = *index.entry(key(who)).or_insert_with(|| {
                    let label = match who {
                        Who::Main => "main".to_string(),
                        Who::Task(task) => format!("#{} {}", task.number, task.name),
                    };
                    lives.push(Life::new(label, at));
                    lives.len() - 1
                });
                lives[i].end_wait(at, false);
                polling = Some((i, at));
            }
            What::Timer { due } => {
                if let Some((i, _)) = polling {
                    lives[i].timers.push(*due);
                }
            }
            What::Fire => {
                for life in lives.iter_mut().filter(|life| life.alive) {
                    let due = life.timers.iter().copied().filter(|&due| due <= at).max();
                    if let Some(due) = due {
                        life.timers.retain(|&d| d > at);
                        life.woken_by = Some(due);
                        life.row.marks.push((at, Mark::TimerFired));
                    }
                }
            }
            What::Done(who) | What::Cancel(who) => {
                let Some(&i) = index.get(&key(who)) else {
                    continue;
                };
                let mark = match &event.what {
                    What::Done(_) => Mark::Done,
                    _ => Mark::Cancelled,
                };
                if mark == Mark::Cancelled {
                    lives[i].cut_short(at);
                }
                lives[i].end_wait(at, true);
                lives[i].end(at, mark);
            }
            What::Socket => lp.row.marks.push((at, Mark::Socket)),
            What::Thread => lp.row.marks.push((at, Mark::Thread)),
            What::Idle => {}
            What::End => {
                for life in lives.iter_mut().filter(|life| life.alive) {
                    life.end_wait(at, true);
                    life.end(at, Mark::Cancelled);
                }
            }
        }
    }
    let last = events.last().map_or(0, |event| event.at);
    for life in lives.iter_mut().filter(|life| life.alive) {
        life.end_wait(last, false); // A trace cut short: what came next is not known.
    }
    let first = events.first().map_or(0, |event| event.at);
    let lp = (!lp.row.marks.is_empty()).then_some(lp.row);
    let rows = lives.into_iter().map(|life| life.row).collect();
    Timeline {
        from: first,
        to: last,
        lp,
        rows,
    }
}

/// The runs of a trace: each starts at a `start` line (a program may call `run` more than
/// once, and each run's clock starts at 0).
pub fn runs(events: &[Event]) -> Vec<&[Event]> {
    let mut runs = Vec::new();
    let mut start = 0;
    for (i, event) in events.iter().enumerate() {
        if event.what == What::Start && i > start {
            runs.push(&events[start..i]);
            start = i;
        }
    }
    if start < events.len() {
        runs.push(&events[start..]);
    }
    runs
}

impl Timeline {
    /// Only the time from `from` to `to` (ms): spans are cut to it, and rows with nothing
    /// strictly inside it (a task that ended at `from`, or was spawned at `to`) are left out.
    pub fn window(mut self, from: Option<u64>, to: Option<u64>) -> Timeline {
        let (whole_from, whole_to) = (self.from, self.to);
        self.from = from.unwrap_or(self.from);
        self.to = to.unwrap_or(self.to).max(self.from);
        let (from, to) = (self.from, self.to);
        // At the very start or end of the run, an instant on the edge is inside.
        let inside = |t: u64| (from < t || from == whole_from) && (t < to || to == whole_to);
        let shown = |row: &Row| {
            (row.spans.iter()).any(|s| s.from < to && s.to > from || inside(s.from))
                || row.marks.iter().any(|&(at, _)| inside(at))
        };
        let cut = |row: &mut Row| {
            row.spans.retain(|span| span.to >= from && span.from <= to);
            for span in &mut row.spans {
                span.from = span.from.max(from);
                span.to = span.to.min(to);
            }
            // A wait cut to nothing is not drawn; a poll of no time on the clock is.
            row.spans
                .retain(|s| s.to > s.from || s.state == State::Running);
            // A mark at `from` belongs to what came before (a timer that ended the wait
            // before it); one at `to`, to the window (a task that ends there).
            row.marks.retain(|&(at, _)| inside(at) || at == to);
        };
        self.rows.retain(shown);
        self.rows.iter_mut().for_each(cut);
        if let Some(lp) = &mut self.lp {
            cut(lp);
        }
        self.lp = self.lp.filter(|lp| !lp.marks.is_empty());
        self
    }

    /// Only the rows that one of `names` names (all of them if there is none): `main`, a
    /// task's number (`#2`) or a task's name (`worker`, `main.rs:63`).
    pub fn only(mut self, names: &[String]) -> Timeline {
        let named = |row: &Row, name: &str| {
            let (number, task) = row.label.split_once(' ').unwrap_or((&row.label, ""));
            [row.label.as_str(), number, task].contains(&name)
        };
        if !names.is_empty() {
            self.rows
                .retain(|row| names.iter().any(|name| named(row, name)));
        }
        self
    }
}
