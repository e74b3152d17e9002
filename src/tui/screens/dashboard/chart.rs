//! Refunds sent to the bank and completed per day over the last 30 days: two
//! bands of bars on one scale, so the two series read apart without colour.

use crate::tui::screen::Cx;
use crate::tui::theme::Meaning;
use crate::tui::widgets::lines::Lines;
use crate::tui::widgets::width::{fit, width};
use chrono::{Days, NaiveDate};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

pub const DAYS: u32 = 30;
const EIGHTHS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Every day of the range, with zeros where the desk reported no activity.
pub fn fill(per_day: &[(String, i64, i64)], today: NaiveDate) -> Vec<(NaiveDate, i64, i64)> {
    (0..DAYS)
        .rev()
        .map(|back| {
            let day = today - Days::new(u64::from(back));
            let key = day.format("%Y-%m-%d").to_string();
            let (sent, done) = per_day
                .iter()
                .find(|(d, _, _)| *d == key)
                .map_or((0, 0), |(_, s, c)| (*s, *c));
            (day, sent, done)
        })
        .collect()
}

/// One band, top row first: each day a bar of `bar` columns in eighths of a row.
fn band(values: &[i64], max: i64, rows: usize, cell: usize, bar: usize) -> Vec<String> {
    (0..rows)
        .map(|r| {
            let from_bottom = (rows - 1 - r) as i64;
            let mut line = String::new();
            for &v in values {
                // Anything above zero shows at least a sliver.
                let level = if v > 0 && max > 0 {
                    ((v * rows as i64 * 8 + max - 1) / max).max(1)
                } else {
                    0
                };
                let fill = (level - from_bottom * 8).clamp(0, 8) as usize;
                line.extend(std::iter::repeat_n(EIGHTHS[fill], bar));
                line.extend(std::iter::repeat_n(' ', cell - bar));
            }
            line
        })
        .collect()
}

pub fn render(frame: &mut Frame, area: Rect, days: &[(NaiveDate, i64, i64)], cx: &Cx) {
    let sent_total: i64 = days.iter().map(|d| d.1).sum();
    let done_total: i64 = days.iter().map(|d| d.2).sum();
    let mut lines = vec![Line::styled(
        cx.tr("dashboard.chart_title").to_string(),
        cx.theme.style(Meaning::Heading),
    )];
    let height = usize::from(area.height);
    let sent_label = format!("{} {sent_total}", cx.tr("dashboard.sent"));
    let done_label = format!("{} {done_total}", cx.tr("dashboard.done"));
    let (sent_label, done_label) = (sent_label.as_str(), done_label.as_str());
    let lw = width(sent_label).max(width(done_label)) + 1;
    let room = usize::from(area.width).saturating_sub(lw);
    if height >= 4 && room > 0 && !days.is_empty() {
        let shown = &days[days.len().saturating_sub(room)..];
        let cell = (room / shown.len()).max(1);
        let bar = if cell >= 3 { cell - 1 } else { cell };
        let rows = (height - 2) / 2;
        let max = shown.iter().map(|d| d.1.max(d.2)).max().unwrap_or(0);
        let series = [
            (
                sent_label,
                Meaning::Focus,
                shown.iter().map(|d| d.1).collect::<Vec<_>>(),
            ),
            (
                done_label,
                Meaning::Success,
                shown.iter().map(|d| d.2).collect(),
            ),
        ];
        for (label, meaning, values) in series {
            for (i, text) in band(&values, max, rows, cell, bar).into_iter().enumerate() {
                let head = if i == 0 { label } else { "" };
                lines.push(Line::from(vec![
                    Span::styled(fit(head, lw), cx.theme.style(Meaning::Muted)),
                    Span::styled(text, cx.theme.style(meaning)),
                ]));
            }
        }
        let first = shown[0].0.format("%m-%d").to_string();
        let last = shown[shown.len() - 1].0.format("%m-%d").to_string();
        let span = cell * shown.len();
        let axis = if span > first.len() + last.len() {
            format!(
                "{first}{}{last}",
                " ".repeat(span - first.len() - last.len())
            )
        } else {
            last
        };
        lines.push(Line::styled(
            format!("{}{axis}", " ".repeat(lw)),
            cx.theme.style(Meaning::Muted),
        ));
    }
    frame.render_widget(Lines(&lines), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_are_filled_with_zero_days() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let days = fill(&[("2026-11-24".into(), 3, 1)], today);
        assert_eq!(days.len(), 30);
        assert_eq!(days[28], (today - Days::new(1), 3, 1));
        assert_eq!(days[29], (today, 0, 0));
        assert_eq!(days[0].0, NaiveDate::from_ymd_opt(2026, 10, 27).unwrap());
    }

    #[test]
    fn bars_scale_to_the_band_and_never_vanish() {
        assert_eq!(band(&[0, 1, 8], 8, 1, 1, 1), [" ▁█"]);
        assert_eq!(band(&[4, 8], 8, 2, 2, 1), ["  █ ", "█ █ "]);
    }
}
