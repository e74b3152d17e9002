//! The kiosk's prompt: mobile number and the last 6 characters of the ID number,
//! with the "no record found" message or the lock-out countdown.

use super::{Focus, Kiosk};
use crate::tui::screen::Cx;
use crate::tui::theme::Meaning;
use crate::tui::widgets::chrome::centered;
use crate::tui::widgets::width::fit;
use crate::tui::widgets::wrap::{marked, wrap};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

const LABEL: usize = 16;

pub(super) fn render(k: &Kiosk, frame: &mut Frame, area: Rect, cx: &Cx) {
    let box_w = area.width.saturating_sub(4).min(66);
    let w = box_w.saturating_sub(4);
    let cols = usize::from(w);
    let intro: Vec<Line> = wrap(cx.tr("kiosk.intro"), cols, 0)
        .into_iter()
        .map(Line::from)
        .collect();
    let intro_h = (intro.len() as u16).min(3);
    let locked = k.locked_for();
    let mut note: Vec<Line> = Vec::new();
    if let Some(secs) = locked {
        let text = cx.t.f("kiosk.locked", &[("seconds", &secs.to_string())]);
        note.extend(marked(cx.theme, Meaning::Warning, &text, w));
    } else if let Some((is_error, text)) = &k.message {
        let m = if *is_error {
            Meaning::Error
        } else {
            Meaning::Normal
        };
        note.extend(marked(cx.theme, m, text, w));
    }
    note.push(Line::default());
    note.push(Line::styled(
        cx.tr("kiosk.questions").to_string(),
        cx.theme.style(Meaning::Muted),
    ));
    let r = centered(area, box_w, 2 + intro_h + 1 + 6 + note.len() as u16);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(cx.theme.style(Meaning::Border))
        .title(format!(" {} ", cx.tr("kiosk.title")));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let x = inner.x + 1;
    let mut y = inner.y;
    frame.render_widget(Paragraph::new(intro), Rect::new(x, y, w, intro_h));
    y += intro_h + 1;

    for (focus, label, field, hint) in [
        (Focus::Phone, "kiosk.phone", &k.phone, "kiosk.phone_hint"),
        (
            Focus::IdLast6,
            "kiosk.id_last6",
            &k.id_last6,
            "kiosk.id_hint",
        ),
    ] {
        let focused = k.focus == focus && locked.is_none();
        let marker = if focused {
            cx.theme.marker(Meaning::Focus)
        } else {
            "  "
        };
        let m = if focused {
            Meaning::Focus
        } else {
            Meaning::Heading
        };
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(marker, cx.theme.style(Meaning::Focus)),
                Span::styled(fit(cx.tr(label), LABEL), cx.theme.style(m)),
            ])),
            Rect::new(x, y, w.min(LABEL as u16 + 2), 1),
        );
        let fx = x + LABEL as u16 + 3;
        let fw = w.saturating_sub(LABEL as u16 + 3).min(16);
        field.render(frame, Rect::new(fx, y, fw, 1), focused, cx.theme);
        frame.render_widget(
            Paragraph::new(Span::styled(
                cx.tr(hint).to_string(),
                cx.theme.style(Meaning::Muted),
            )),
            Rect::new(fx, y + 1, w.saturating_sub(LABEL as u16 + 3), 1),
        );
        y += 3;
    }

    let bottom = inner.y + inner.height;
    frame.render_widget(
        Paragraph::new(note),
        Rect::new(x, y, w, bottom.saturating_sub(y)),
    );
}
