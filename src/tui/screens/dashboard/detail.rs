//! The pane beside (or under) the table: the selected deposit's refund —
//! state, amount, reference, window, overdue, failure — and its timeline.

use super::super::{action_label, local_time, masked_phone, reason_label, state_label};
use crate::store::audit::AuditRow;
use crate::store::dashboard::DashboardRow;
use crate::tui::screen::Cx;
use crate::tui::theme::Meaning;
use crate::tui::widgets::width::{clip, fit, width};
use ratatui::text::{Line, Span};

pub fn lines(
    row: Option<&DashboardRow>,
    overdue: bool,
    timeline: &[AuditRow],
    (cols, height): (usize, usize),
    cx: &Cx,
) -> Vec<Line<'static>> {
    let Some(r) = row else {
        return vec![Line::styled(
            cx.tr("dashboard.select_hint").to_string(),
            cx.theme.style(Meaning::Muted),
        )];
    };
    let labels = ["dashboard.refund", "dashboard.window", "dashboard.device"];
    let lw = labels.iter().map(|k| width(cx.tr(k))).max().unwrap_or(0) + 1;
    let label = |k: &str| Span::styled(fit(cx.tr(k), lw), cx.theme.style(Meaning::Heading));
    let mut out = vec![
        Line::from(vec![
            Span::styled(format!("{} ", r.reference), cx.theme.style(Meaning::Title)),
            Span::raw(format!("{} {}", r.full_name, masked_phone(Some(&r.phone)))),
        ]),
        Line::styled(
            format!("{} · {}", cx.tr(&format!("deposit.{}", r.state)), r.amount),
            cx.theme.style(Meaning::Focus),
        ),
        Line::from(vec![
            label("dashboard.refund"),
            Span::raw(r.refund_ref.clone().unwrap_or_else(|| "—".into())),
        ]),
    ];
    let window = match (&r.window_earliest, &r.window_latest) {
        (Some(a), Some(b)) => format!("{a} – {b}"),
        _ => "—".into(),
    };
    out.push(Line::from(vec![
        label("dashboard.window"),
        Span::raw(window),
    ]));
    if overdue {
        let day = r.window_latest.clone().unwrap_or_default();
        out.push(Line::styled(
            format!(
                "{}{}",
                cx.theme.marker(Meaning::Error),
                cx.t.f("dashboard.overdue_since", &[("day", &day)])
            ),
            cx.theme.style(Meaning::Error),
        ));
    }
    if let Some(reason) = &r.failure_reason {
        out.push(Line::styled(
            format!(
                "{}{}",
                cx.theme.marker(Meaning::Error),
                cx.t.f("dashboard.failed", &[("reason", reason)])
            ),
            cx.theme.style(Meaning::Error),
        ));
    }
    out.push(Line::from(vec![
        label("dashboard.device"),
        Span::raw(format!("{} {}", r.model_code, r.serial)),
    ]));
    out.push(Line::styled(
        cx.tr("dashboard.timeline").to_string(),
        cx.theme.style(Meaning::Heading),
    ));
    if timeline.is_empty() {
        out.push(Line::styled(
            cx.tr("dashboard.no_timeline").to_string(),
            cx.theme.style(Meaning::Muted),
        ));
        return out;
    }
    // The latest entries matter most: show the tail that fits.
    let room = height.saturating_sub(out.len()).max(1);
    let skip = timeline.len().saturating_sub(room);
    for a in &timeline[skip..] {
        let moved = match (&a.from_state, &a.to_state) {
            (Some(x), Some(y)) => format!(" {}→{}", state_label(cx, x), state_label(cx, y)),
            (None, Some(y)) => format!(" →{}", state_label(cx, y)),
            _ => String::new(),
        };
        let reason = a
            .reason
            .as_deref()
            .map(|r| format!(" ({})", reason_label(cx, &a.action, r)))
            .unwrap_or_default();
        let when = format!("{} ", local_time(&a.at, false));
        let what = format!("{}{moved}{reason}", action_label(cx, &a.action));
        // A line cut at the pane's edge says so.
        let what = clip(&what, cols.saturating_sub(width(&when) + 5));
        out.push(Line::from(vec![
            Span::styled(when, cx.theme.style(Meaning::Muted)),
            Span::styled(
                format!("{:<5}", a.staff_no.as_deref().unwrap_or("-")),
                cx.theme.style(Meaning::Key),
            ),
            Span::raw(what),
        ]));
    }
    out
}
