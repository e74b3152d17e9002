//! What the refund screen shows: the deposit, why it can or cannot go back yet,
//! every refund attempt with its window, warnings and failures, and the form of
//! the step in hand (card, or a supervisor's reason).

use super::{masked_card, CardFocus, Mode, ReasonKind, Refund};
use crate::domain::lifecycle::DepositState;
use crate::domain::refund::is_overdue;
use crate::tui::screen::Cx;
use crate::tui::screens::binding::{error_line, header, label, VALUE_X};
use crate::tui::screens::kiosk::unmet_text;
use crate::tui::theme::Meaning;
use crate::tui::widgets::wrap::{marked, wrap, Wrapped};
use chrono::{Datelike, NaiveDate};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Lines indented under the value column.
fn indented(lines: Vec<Line<'static>>) -> impl Iterator<Item = Line<'static>> {
    lines.into_iter().map(|l| {
        let mut spans = vec![Span::raw(" ".repeat(usize::from(VALUE_X)))];
        spans.extend(l.spans);
        Line::from(spans)
    })
}

fn info(s: &Refund, cols: u16, cx: &Cx) -> Vec<Line<'static>> {
    let vcols = cols.saturating_sub(VALUE_X);
    let mut out = header(&s.view, cx);
    out.push(Line::default());
    let Some(d) = &s.view.deposit else {
        out.push(Line::styled(
            cx.tr("refund_screen.no_deposit").to_string(),
            cx.theme.style(Meaning::Muted),
        ));
        return out;
    };
    let serial = s.view.device_serial.clone().unwrap_or_default();
    out.push(Line::from(
        [
            label(cx.tr("refund_screen.deposit"), false, cx),
            vec![
                Span::styled(d.amount.to_string(), cx.theme.style(Meaning::Heading)),
                Span::raw(format!(
                    " · {}  {serial}",
                    cx.tr(&format!("deposit.{}", d.state))
                )),
            ],
        ]
        .concat(),
    ));
    if let Some(e) = &s.eligibility {
        let mut lines = Vec::new();
        if e.eligible {
            lines.extend(marked(
                cx.theme,
                Meaning::Success,
                cx.tr("refund_screen.eligible"),
                vcols,
            ));
        }
        for u in &e.unmet {
            let text = unmet_text(u.code, &u.message, cx);
            lines.extend(marked(cx.theme, Meaning::Error, &text, vcols));
        }
        if let (Some(day), false) = (e.volume_deadline, e.eligible) {
            let text =
                cx.t.f("refund_screen.volume_until", &[("date", &day.to_string())]);
            lines.push(Line::styled(text, cx.theme.style(Meaning::Muted)));
        }
        let mut first = true;
        for l in lines {
            if first {
                let mut spans = label(cx.tr("refund_screen.conditions"), false, cx);
                spans.extend(l.spans);
                out.push(Line::from(spans));
                first = false;
            } else {
                out.extend(indented(vec![l]));
            }
        }
    }
    let today = cx.desk.clock.today();
    let state = DepositState::parse(&d.state);
    // Newest first; older attempts matter only for their failure reasons.
    for (i, r) in s.refunds.iter().rev().take(3).enumerate() {
        out.push(Line::default());
        let refund_state = cx.tr(&format!("kiosk.refund.{}", r.state)).to_string();
        out.push(Line::from(
            [
                label(
                    if i == 0 {
                        cx.tr("refund_screen.refund")
                    } else {
                        ""
                    },
                    false,
                    cx,
                ),
                vec![
                    Span::styled(r.reference.clone(), cx.theme.style(Meaning::Title)),
                    Span::raw(format!("  {} · {refund_state}", r.amount)),
                ],
            ]
            .concat(),
        ));
        out.extend(indented(vec![Line::from(format!(
            "→ {} {}",
            masked_card(&r.card_number),
            r.card_holder
        ))]));
        let mut notes = Vec::new();
        if let (Some(a), Some(b)) = (&r.window_earliest, &r.window_latest) {
            let mut spans = label(cx.tr("kiosk.expected"), false, cx);
            spans.push(Span::styled(
                cx.t.f("kiosk.window", &[("earliest", a), ("latest", b)]),
                cx.theme.style(Meaning::Heading),
            ));
            out.push(Line::from(spans));
            if r.window_complete == Some(false) {
                let years = missing_years(a, b, cx);
                let text =
                    cx.t.f("refund_screen.window_incomplete", &[("years", &years)]);
                notes.extend(marked(cx.theme, Meaning::Warning, &text, vcols));
            }
            let late = match (date(b), state) {
                (Some(l), Some(st)) => i == 0 && is_overdue(l, today, st),
                _ => false,
            };
            if late {
                let text = cx.t.f("refund_screen.overdue", &[("latest", b)]);
                notes.extend(marked(cx.theme, Meaning::Error, &text, vcols));
            }
        }
        if let Some(reason) = &r.failure_reason {
            let text = cx.t.f("refund_screen.failed", &[("reason", reason)]);
            notes.extend(marked(cx.theme, Meaning::Error, &text, vcols));
        }
        out.extend(indented(notes));
    }
    out
}

/// The years in a window whose holiday schedule is not loaded.
fn missing_years(earliest: &str, latest: &str, cx: &Cx) -> String {
    let (Some(a), Some(b)) = (date(earliest), date(latest)) else {
        return String::new();
    };
    let years: Vec<String> = (a.year()..=b.year())
        .filter(|y| !cx.desk.calendar.has_year(*y))
        .map(|y| y.to_string())
        .collect();
    years.join(", ")
}

fn form(s: &Refund, cols: u16, cx: &Cx) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    match &s.mode {
        Mode::View => {}
        Mode::Card(f) => {
            let on_file = format!("{} {}", s.view.form.card_number, s.view.form.card_holder);
            let choice = |n: usize, text: String, chosen: bool| {
                let (t, m) = if chosen {
                    (format!("[{n} {text}]"), Meaning::Selected)
                } else {
                    (format!(" {n} {text} "), Meaning::Normal)
                };
                Span::styled(t, cx.theme.style(m))
            };
            let mut spans = label(cx.tr("refund_screen.to"), f.focus == CardFocus::Source, cx);
            spans.push(choice(
                1,
                cx.t.f("refund_screen.card_on_file_is", &[("card", &on_file)]),
                !f.new_card,
            ));
            spans.push(Span::raw(" "));
            spans.push(choice(
                2,
                cx.tr("refund_screen.card_new").to_string(),
                f.new_card,
            ));
            out.push(Line::from(spans));
            let hint = if f.new_card {
                cx.t.f(
                    "refund_screen.holder_hint",
                    &[("name", &s.view.form.full_name)],
                )
            } else {
                cx.tr("refund_screen.choose_hint").to_string()
            };
            out.push(Line::default());
            out.push(Line::default());
            out.extend(indented(vec![Line::styled(
                hint,
                cx.theme.style(Meaning::Muted),
            )]));
        }
        Mode::Reason(kind, _) => {
            let key = match kind {
                ReasonKind::Breach => "refund_screen.breach_reason",
                ReasonKind::Clear => "refund_screen.clear_reason",
                ReasonKind::Forfeit => "refund_screen.forfeit_reason",
            };
            out.push(Line::from(label(cx.tr(key), true, cx)));
        }
    }
    if let Some(e) = &s.error {
        out.extend(
            wrap(e, usize::from(cols.saturating_sub(2)), 2)
                .into_iter()
                .enumerate()
                .map(|(i, l)| {
                    if i == 0 {
                        error_line(&l, cx)
                    } else {
                        Line::from(l)
                    }
                }),
        );
    }
    out
}

pub(super) fn render(s: &Refund, frame: &mut Frame, area: Rect, cx: &Cx) {
    let inner = Rect {
        x: area.x + 1,
        width: area.width.saturating_sub(2),
        ..area
    };
    let bottom = form(s, inner.width, cx);
    let bottom_h = (bottom.len() as u16).min(inner.height / 2);
    let top_h = inner
        .height
        .saturating_sub(bottom_h + u16::from(bottom_h > 0));
    frame.render_widget(
        Wrapped::new(info(s, inner.width, cx)),
        Rect {
            height: top_h,
            ..inner
        },
    );
    let form_area = Rect {
        y: inner.y + inner.height.saturating_sub(bottom_h),
        height: bottom_h,
        ..inner
    };
    frame.render_widget(Paragraph::new(bottom), form_area);
    // The text fields, drawn where the form left room for them.
    let field_at = |row: u16| Rect {
        x: form_area.x + VALUE_X,
        y: form_area.y + row,
        width: form_area.width.saturating_sub(VALUE_X).min(30),
        height: u16::from(row < form_area.height),
    };
    match &s.mode {
        Mode::Card(f) if f.new_card => {
            for (row, key, field, focus) in [
                (1, "refund_screen.card_number", &f.number, CardFocus::Number),
                (2, "refund_screen.holder", &f.holder, CardFocus::Holder),
            ] {
                let at = Rect {
                    x: form_area.x,
                    width: VALUE_X,
                    ..field_at(row)
                };
                frame.render_widget(
                    Paragraph::new(Line::from(label(cx.tr(key), f.focus == focus, cx))),
                    at,
                );
                field.render(frame, field_at(row), f.focus == focus, cx.theme);
            }
        }
        Mode::Reason(_, field) => {
            let r = field_at(0);
            field.render(
                frame,
                Rect {
                    width: form_area.width.saturating_sub(VALUE_X),
                    ..r
                },
                true,
                cx.theme,
            );
        }
        _ => {}
    }
}
