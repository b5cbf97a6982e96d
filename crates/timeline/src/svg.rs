//! Writing a [`Timeline`] as SVG: labels on the left, time across, a legend below.
//!
//! The picture carries its own background, light or dark as the reader's system prefers
//! (`prefers-color-scheme`), so that its text stays readable on any page, whatever the book's
//! theme; the colours of the bars are mid-tones that read on both. The state is in the shape
//! too, not only the colour: a tall block runs, a middle bar sleeps, a thin line waits.
//! Every number is written with one decimal, so the same timeline gives the same bytes.

use std::fmt::Write;

use crate::model::{Mark, Row, State, Timeline};

/// The picture's width, in pixels.
const WIDTH: f64 = 760.0;
/// The width of the labels' column.
const LABELS: f64 = 150.0;
/// The room right of the time axis.
const RIGHT: f64 = 28.0;
/// The height of one row.
const ROW: f64 = 26.0;
/// The narrowest poll drawn: one that took no time on the clock is still visible.
const MIN_POLL: f64 = 3.0;

/// The colours, on a light background and on a dark one.
const STYLE: &str = "\
.card{fill:#ffffff;stroke:#d0d7de}.text{fill:#1f2328}.grid{stroke:#e6e9ec}.axis{stroke:#8b949e}
.run{fill:#f08c00}.sleep{fill:#3b8ee8}.wait{fill:#8b949e}.done{fill:#2f9e44}
.cancel{stroke:#e03131;stroke-width:2.5;fill:none}.socket{fill:#ae3ec9}.thread{fill:#0ca678}
text{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:12px}
.title{font-weight:bold;font-size:13px}
@media (prefers-color-scheme:dark){.card{fill:#1d2026;stroke:#3d444d}.text{fill:#e6edf3}\
.grid{stroke:#2d333b}.axis{stroke:#768390}}";

/// The picture of `timeline`, titled `title`.
pub fn render(timeline: &Timeline, title: &str) -> String {
    let rows: Vec<&Row> = timeline.lp.iter().chain(&timeline.rows).collect();
    let top = if title.is_empty() { 14.0 } else { 40.0 };
    let axis = top + ROW * rows.len() as f64 + 6.0;
    let loop_marks = timeline.lp.as_ref().map_or(&[][..], |lp| &lp.marks[..]);
    let legend = legend_items(loop_marks);
    let legend_top = axis + 52.0;
    let legend_lines = legend_layout(&legend)
        .last()
        .map_or(1, |&(_, line)| line + 1);
    let height = legend_top + 18.0 * legend_lines as f64 + 6.0;

    let mut svg = String::new();
    let w = &mut svg;
    let _ = writeln!(
        w,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH:.0}" height="{height:.0}" viewBox="0 0 {WIDTH:.0} {height:.0}" role="img">"#
    );
    let _ = writeln!(w, "<title>{}</title>", escape(title));
    let _ = writeln!(w, "<style>{STYLE}</style>");
    let _ = writeln!(
        w,
        r#"<rect class="card" x="0.5" y="0.5" width="{:.1}" height="{:.1}" rx="6"/>"#,
        WIDTH - 1.0,
        height - 1.0
    );
    if !title.is_empty() {
        let _ = writeln!(
            w,
            r#"<text class="text title" x="12" y="24">{}</text>"#,
            escape(title)
        );
    }

    // The grid and the axis.
    let x = |ms: u64| x_of(timeline, ms);
    let step = tick_step(timeline.to - timeline.from);
    let mut tick = 0;
    while timeline.from + tick <= timeline.to {
        let tx = x(timeline.from + tick);
        let _ = writeln!(
            w,
            r#"<line class="grid" x1="{tx:.1}" y1="{:.1}" x2="{tx:.1}" y2="{axis:.1}"/>"#,
            top - 4.0
        );
        let _ = writeln!(
            w,
            r#"<text class="text" x="{tx:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            axis + 16.0,
            seconds(tick, step)
        );
        tick += step;
    }
    let _ = writeln!(
        w,
        r#"<line class="axis" x1="{LABELS:.1}" y1="{axis:.1}" x2="{:.1}" y2="{axis:.1}"/>"#,
        WIDTH - RIGHT
    );
    let caption = match timeline.from {
        0 => "seconds on the loop's clock".to_string(),
        from => format!(
            "seconds on the loop's clock, from t={}.{:03}s",
            from / 1000,
            from % 1000
        ),
    };
    let _ = writeln!(
        w,
        r#"<text class="text" x="{:.1}" y="{:.1}" text-anchor="middle">{caption}</text>"#,
        LABELS + (WIDTH - RIGHT - LABELS) / 2.0,
        axis + 34.0
    );

    // The rows: waits first, then polls over them, then the marks.
    for (i, row) in rows.iter().enumerate() {
        let mid = top + ROW * i as f64 + ROW / 2.0;
        let _ = writeln!(
            w,
            r#"<text class="text" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            LABELS - 10.0,
            mid + 4.0,
            escape(&shorten(&row.label, 22))
        );
        for state in [State::Waiting, State::Asleep, State::Running] {
            for span in row.spans.iter().filter(|span| span.state == state) {
                let (x1, x2) = (x(span.from), x(span.to));
                bar(w, state, x1, (x2 - x1).max(0.0), mid);
            }
        }
        for &(at, mark) in &row.marks {
            draw_mark(w, mark, x(at), mid);
        }
    }

    // The legend.
    for ((item, label), (dx, line)) in legend.iter().zip(legend_layout(&legend)) {
        let (lx, mid) = (12.0 + dx, legend_top + 18.0 * line as f64);
        match item {
            Item::State(state) => bar(w, *state, lx, 16.0, mid),
            Item::Mark(Mark::TimerFired) => draw_mark(w, Mark::TimerFired, lx + 8.0, mid + 11.0),
            Item::Mark(mark @ (Mark::Done | Mark::Cancelled)) => {
                draw_mark(w, *mark, lx - MIN_POLL, mid)
            }
            Item::Mark(mark) => draw_mark(w, *mark, lx + 8.0, mid),
        }
        let _ = writeln!(
            w,
            r#"<text class="text" x="{:.1}" y="{:.1}">{label}</text>"#,
            lx + 22.0,
            mid + 4.0
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// Where `ms` falls across the plot.
fn x_of(timeline: &Timeline, ms: u64) -> f64 {
    let span = (timeline.to - timeline.from).max(1) as f64;
    LABELS + (ms.saturating_sub(timeline.from)) as f64 / span * (WIDTH - LABELS - RIGHT)
}

/// A span in `state` from `x` for `width` pixels, on the row whose middle is `mid`.
fn bar(w: &mut String, state: State, x: f64, width: f64, mid: f64) {
    let (class, height, width) = match state {
        State::Running => ("run", 16.0, width.max(MIN_POLL)),
        State::Asleep => ("sleep", 8.0, width),
        State::Waiting => ("wait", 2.0, width),
    };
    let _ = writeln!(
        w,
        r#"<rect class="{class}" x="{x:.1}" y="{:.1}" width="{width:.1}" height="{height:.1}"/>"#,
        mid - height / 2.0
    );
}

/// `mark` at `x` on the row whose middle is `mid`. The end of a task is drawn just right of
/// its last poll, which is at least [`MIN_POLL`] wide.
fn draw_mark(w: &mut String, mark: Mark, x: f64, mid: f64) {
    let _ = match mark {
        Mark::TimerFired => writeln!(
            w,
            r#"<path class="sleep" d="M{:.1} {:.1}h10l-5 6z"/>"#,
            x - 5.0,
            mid - 14.0
        ),
        Mark::Done => writeln!(
            w,
            r#"<circle class="done" cx="{:.1}" cy="{mid:.1}" r="4.5"/>"#,
            x + MIN_POLL + 5.0
        ),
        Mark::Cancelled => {
            let (cx, r) = (x + MIN_POLL + 6.0, 5.0);
            writeln!(
                w,
                r#"<path class="cancel" d="M{:.1} {:.1}l{:.1} {:.1}m0 -{:.1}l-{:.1} {:.1}"/>"#,
                cx - r,
                mid - r,
                2.0 * r,
                2.0 * r,
                2.0 * r,
                2.0 * r,
                2.0 * r,
            )
        }
        Mark::Socket => writeln!(
            w,
            r#"<rect class="socket" x="{:.1}" y="{:.1}" width="8" height="8"/>"#,
            x - 4.0,
            mid - 4.0
        ),
        Mark::Thread => writeln!(
            w,
            r#"<path class="thread" d="M{x:.1} {:.1}l5 5l-5 5l-5 -5z"/>"#,
            mid - 5.0
        ),
    };
}

/// One entry of the legend.
enum Item {
    State(State),
    Mark(Mark),
}

/// The legend: every state and task mark, and the loop's marks that the picture has.
fn legend_items(loop_marks: &[(u64, Mark)]) -> Vec<(Item, &'static str)> {
    let mut items = vec![
        (Item::State(State::Running), "running (polled)"),
        (Item::State(State::Asleep), "asleep on its timer"),
        (Item::State(State::Waiting), "waiting"),
        (Item::Mark(Mark::TimerFired), "its timer fired"),
        (Item::Mark(Mark::Done), "done"),
        (Item::Mark(Mark::Cancelled), "cancelled"),
    ];
    for (mark, label) in [
        (Mark::Socket, "loop: a socket is ready"),
        (Mark::Thread, "loop: woken by a thread"),
    ] {
        if loop_marks.iter().any(|&(_, m)| m == mark) {
            items.push((Item::Mark(mark), label));
        }
    }
    items
}

/// Where each legend entry goes: its offset from the left, and its line.
fn legend_layout(items: &[(Item, &str)]) -> Vec<(f64, usize)> {
    let (mut dx, mut line) = (0.0, 0);
    let mut places = Vec::new();
    for (_, label) in items {
        let width = 22.0 + 6.8 * label.len() as f64 + 18.0;
        if dx + width > WIDTH - 24.0 {
            (dx, line) = (0.0, line + 1);
        }
        places.push((dx, line));
        dx += width;
    }
    places
}

/// The distance between two ticks: a round number of milliseconds that makes at most 10.
fn tick_step(span: u64) -> u64 {
    let mut step = 1;
    loop {
        for factor in [1, 2, 5] {
            if span / (step * factor) <= 10 {
                return step * factor;
            }
        }
        step *= 10;
    }
}

/// A tick's label: `ms` in seconds, with the decimals that `step` needs.
fn seconds(ms: u64, step: u64) -> String {
    let (whole, frac) = (ms / 1000, ms % 1000);
    match step {
        s if s % 1000 == 0 => format!("{whole}"),
        s if s % 100 == 0 => format!("{whole}.{}", frac / 100),
        s if s % 10 == 0 => format!("{whole}.{:02}", frac / 10),
        _ => format!("{whole}.{frac:03}"),
    }
}

/// `text`, cut to `max` characters with an ellipsis.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{cut}…")
}

fn escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_at_most_ten() {
        assert_eq!(tick_step(3000), 500);
        assert_eq!(tick_step(10_000), 1000);
        assert_eq!(tick_step(1220), 200);
        assert_eq!(tick_step(40), 5);
        assert_eq!(seconds(1500, 500), "1.5");
        assert_eq!(seconds(2000, 1000), "2");
        assert_eq!(seconds(250, 50), "0.25");
    }
}
