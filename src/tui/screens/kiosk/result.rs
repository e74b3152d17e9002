//! One merchant's own status: application, device, deposit and refund, what is
//! still missing, and when the money is expected. Masked name only.

use crate::desk::MerchantStatus;
use crate::tui::screen::Cx;
use crate::tui::theme::Meaning;
use crate::tui::widgets::chrome::centered;
use crate::tui::widgets::width::fit;
use crate::tui::widgets::wrap::{marked, wrap};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

const LABEL: usize = 14;

/// An unmet condition in this language: by its code where translated, else
/// the desk's own sentence (which, in English, also carries the amounts).
pub fn unmet_text(code: &str, message: &str, cx: &Cx) -> String {
    let key = format!("unmet.{code}");
    if cx.t.lang == crate::tui::i18n::Lang::ZhCn && cx.t.has(&key) {
        cx.tr(&key).to_string()
    } else {
        message.to_string()
    }
}

/// `key` translated, or the raw state when no translation exists.
fn state_text(prefix: &str, state: &str, cx: &Cx) -> String {
    let key = format!("{prefix}.{state}");
    if cx.t.has(&key) {
        cx.tr(&key).to_string()
    } else {
        state.replace('_', " ")
    }
}

pub(super) fn render(s: &MerchantStatus, frame: &mut Frame, area: Rect, cx: &Cx) {
    let box_w = area.width.saturating_sub(2).min(96);
    let cols = box_w.saturating_sub(4);
    let value_cols = usize::from(cols).saturating_sub(LABEL + 2);
    let h = |k: &str| Span::styled(fit(cx.tr(k), LABEL), cx.theme.style(Meaning::Heading));
    let mut lines = vec![
        Line::from(vec![
            Span::styled(
                cx.t.f("kiosk.hello", &[("name", &s.name_hint)]),
                cx.theme.style(Meaning::Title),
            ),
            Span::styled(format!("  {}", s.reference), cx.theme.style(Meaning::Muted)),
        ]),
        Line::default(),
        Line::from(vec![
            h("kiosk.application"),
            Span::raw("  "),
            Span::raw(state_text("state", &s.application_state, cx)),
        ]),
    ];
    if let Some(d) = &s.device_state {
        lines.push(Line::from(vec![
            h("kiosk.device_label"),
            Span::raw("  "),
            Span::raw(state_text("kiosk.device", d, cx)),
        ]));
    }
    if let (Some(amount), Some(state)) = (s.deposit, &s.deposit_state) {
        lines.push(Line::from(vec![
            h("kiosk.deposit"),
            Span::raw("  "),
            Span::raw(format!("{amount} · {}", state_text("deposit", state, cx))),
        ]));
    }
    if let Some(state) = &s.refund_state {
        lines.push(Line::from(vec![
            h("kiosk.refund_label"),
            Span::raw("  "),
            Span::raw(format!(
                "{} · {}",
                s.refund_reference.clone().unwrap_or_default(),
                state_text("kiosk.refund", state, cx)
            )),
        ]));
    }
    if let (Some(a), Some(b)) = (&s.window_earliest, &s.window_latest) {
        lines.push(Line::from(vec![
            h("kiosk.expected"),
            Span::raw("  "),
            Span::styled(
                cx.t.f("kiosk.window", &[("earliest", a), ("latest", b)]),
                cx.theme.style(Meaning::Heading),
            ),
        ]));
        let mut notes = Vec::new();
        if s.window_complete == Some(false) {
            notes.push((
                Meaning::Warning,
                cx.tr("kiosk.window_incomplete").to_string(),
            ));
        }
        if s.overdue {
            let text =
                cx.t.f("kiosk.overdue", &[("phone", &cx.config.service_phone)]);
            notes.push((Meaning::Error, text));
        }
        for (m, text) in notes {
            for l in marked(cx.theme, m, &text, value_cols as u16) {
                let mut spans = vec![Span::raw(" ".repeat(LABEL + 2))];
                spans.extend(l.spans);
                lines.push(Line::from(spans));
            }
        }
    }
    if let Some(reason) = &s.failure_reason {
        let text = cx.t.f("kiosk.failed", &[("reason", reason)]);
        lines.push(Line::default());
        lines.extend(marked(cx.theme, Meaning::Error, &text, cols));
    }
    lines.push(Line::default());
    if !s.unmet.is_empty() {
        lines.push(Line::styled(
            cx.tr("kiosk.missing").to_string(),
            cx.theme.style(Meaning::Heading),
        ));
        for (code, message) in s.unmet_codes.iter().zip(&s.unmet) {
            let text = format!("• {}", unmet_text(code, message, cx));
            for l in wrap(&text, usize::from(cols), 2) {
                lines.push(Line::from(format!(" {l}")));
            }
        }
        lines.push(Line::default());
    }
    let next_key = match &s.deposit_state {
        Some(d) => format!("kiosk.next_deposit.{d}"),
        None => format!("kiosk.next.{}", s.application_state),
    };
    if cx.t.has(&next_key) {
        let text = cx.t.f(&next_key, &[("phone", &cx.config.service_phone)]);
        lines.extend(
            wrap(&text, usize::from(cols), 0)
                .into_iter()
                .map(Line::from),
        );
    }
    // Sized to what there is to say, so a short answer is not lost in a big box.
    let r = centered(area, box_w, lines.len() as u16 + 4);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(cx.theme.style(Meaning::Border))
        .title(format!(" {} ", cx.tr("kiosk.result_title")));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let body_h = inner.height.saturating_sub(2);
    frame.render_widget(
        Paragraph::new(lines),
        Rect::new(inner.x + 1, inner.y, cols, body_h),
    );
    frame.render_widget(
        Paragraph::new(Line::styled(
            cx.tr("kiosk.result_hint").to_string(),
            cx.theme.style(Meaning::Muted),
        )),
        Rect::new(inner.x + 1, inner.y + body_h + 1, cols, 1),
    );
}
