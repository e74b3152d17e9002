//! The top of the form: the progress stepper and whether the draft is saved.

use super::fields::{problem_for, Section, SECTIONS};
use super::ApplicationFormScreen;
use crate::domain::application_form::FormCheck;
use crate::tui::screen::Cx;
use crate::tui::theme::Meaning;
use ratatui::text::{Line, Span};

impl ApplicationFormScreen {
    /// `▶ 1 Applicant › ✓ Contact › …`: ✓ done, ✗ has a mistake, the number otherwise.
    pub(super) fn stepper(&self, cx: &Cx, complete: &FormCheck, cols: u16) -> Line<'static> {
        let step = |i: usize, s: &Section, compact: bool| -> Vec<Span<'static>> {
            let has_error = s
                .fields()
                .iter()
                .any(|f| problem_for(&self.check, *f).is_some_and(|(err, _)| err));
            let done = if *s == Section::Review {
                complete.is_ok()
            } else {
                s.fields()
                    .iter()
                    .all(|f| !complete.errors.iter().any(|e| e.field == f.domain()))
            };
            let (mark, m) = if has_error {
                ("✗".to_string(), Meaning::Error)
            } else if done {
                ("✓".to_string(), Meaning::Success)
            } else {
                ((i + 1).to_string(), Meaning::Muted)
            };
            let current = i == self.section;
            let name = if compact && !current {
                String::new()
            } else {
                format!(" {}", cx.tr(s.title()))
            };
            if current {
                vec![Span::styled(
                    format!("{}{mark}{name}", cx.theme.marker(Meaning::Focus)),
                    cx.theme.style(Meaning::Selected),
                )]
            } else {
                vec![Span::styled(format!("{mark}{name}"), cx.theme.style(m))]
            }
        };
        let build = |compact: bool| {
            let mut spans = vec![Span::raw(" ")];
            for (i, s) in SECTIONS.iter().enumerate() {
                if i > 0 {
                    spans.push(Span::styled(" › ", cx.theme.style(Meaning::Muted)));
                }
                spans.extend(step(i, s, compact));
            }
            Line::from(spans)
        };
        let full = build(false);
        if full.width() <= usize::from(cols) {
            full
        } else {
            build(true)
        }
    }

    pub(super) fn status_line(&self, cx: &Cx) -> Line<'static> {
        let mut spans = vec![Span::styled(
            match &self.reference {
                Some(r) => format!(" {r} · {}", cx.tr("state.draft")),
                None => format!(" {}", cx.tr("appform.new_draft")),
            },
            cx.theme.style(Meaning::Heading),
        )];
        if self.dirty {
            spans.push(Span::styled(
                format!(
                    "  {}{}",
                    cx.theme.marker(Meaning::Warning),
                    cx.tr("appform.unsaved")
                ),
                cx.theme.style(Meaning::Warning),
            ));
        } else if self.reference.is_some() {
            spans.push(Span::styled(
                format!(
                    "  {}{}",
                    cx.theme.marker(Meaning::Success),
                    cx.tr("appform.saved_state")
                ),
                cx.theme.style(Meaning::Success),
            ));
        }
        Line::from(spans)
    }
}
