//! The supervisor's money to and from the bank: the refund batch export and
//! the settlement import. A clerk is refused before either screen opens (and
//! the desk would refuse them again).

pub(crate) mod export;
pub(crate) mod import;

pub use export::BatchExport;
pub use import::SettlementImport;

use crate::tui::screen::{Action, Cx, Notice};
use crate::tui::theme::Meaning;
use crate::tui::widgets::text_field::TextField;
use crate::tui::widgets::width::width;
use crate::tui::widgets::wrap::wrap;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

fn supervisor(cx: &Cx) -> bool {
    cx.actor.is_some_and(|a| a.is_supervisor())
}

fn refusal(cx: &Cx) -> Action {
    Action::Notice(Notice::Error(cx.tr("bank.supervisor_only").to_string()))
}

pub fn open_export(cx: &mut Cx) -> Action {
    if !supervisor(cx) {
        return refusal(cx);
    }
    Action::Push(Box::new(BatchExport::new(cx)))
}

pub fn open_import(cx: &mut Cx) -> Action {
    if !supervisor(cx) {
        return refusal(cx);
    }
    Action::Push(Box::new(SettlementImport::new()))
}

/// `label [field]` on one row, then a muted hint under it.
fn path_field(frame: &mut Frame, area: Rect, field: &TextField, hint: &str, cx: &Cx) {
    if area.height == 0 {
        return;
    }
    let label = format!(
        " {}{} ",
        cx.theme.marker(Meaning::Focus),
        cx.tr("bank.file")
    );
    let lw = (width(&label) as u16).min(area.width);
    frame.render_widget(
        Paragraph::new(Span::styled(label, cx.theme.style(Meaning::Focus))),
        Rect::new(area.x, area.y, lw, 1),
    );
    field.render(
        frame,
        Rect::new(area.x + lw, area.y, area.width.saturating_sub(lw + 1), 1),
        true,
        cx.theme,
    );
    if area.height > 1 {
        frame.render_widget(
            Paragraph::new(Span::styled(
                hint.to_string(),
                cx.theme.style(Meaning::Muted),
            )),
            Rect::new(area.x + lw, area.y + 1, area.width.saturating_sub(lw), 1),
        );
    }
}

/// Messages wrapped to `cols`, each with its meaning's marker.
fn message_lines(messages: &[(Meaning, String)], cols: u16, cx: &Cx) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for (m, text) in messages {
        let marker = cx.theme.marker(*m);
        for l in wrap(&format!("{marker}{text}"), usize::from(cols), width(marker)) {
            out.push(Line::styled(l, cx.theme.style(*m)));
        }
    }
    out
}
