//! Drawing the checklist: the applicant, the items with who and when, the
//! selected item's hint, note, field and message.

use super::{applicant_text, Checklist, Input};
use crate::domain::checklist::ChecklistItem;
use crate::domain::resident_id::Capacity;
use crate::tui::screen::Cx;
use crate::tui::theme::Meaning;
use crate::tui::widgets::width::{fit, width};
use crate::tui::widgets::wrap::{marked, wrap};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// An item's short name on this screen.
pub(super) fn label(item: ChecklistItem, cx: &Cx) -> String {
    cx.tr(&format!("verify.item.{}", item.as_str())).to_string()
}

/// One column in from the left and right edges.
pub(super) fn inset(r: Rect) -> Rect {
    Rect::new(r.x + 1, r.y, r.width.saturating_sub(2), r.height)
}

impl Checklist {
    pub(super) fn render_head(&self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let v = &self.view;
        let mut lines = vec![Line::from(vec![
            Span::styled(format!("{}  ", v.reference), cx.theme.style(Meaning::Title)),
            Span::styled(
                format!("{}  ", v.form.full_name),
                cx.theme.style(Meaning::Heading),
            ),
            Span::raw(format!("{}  ", v.form.id_number)),
            Span::styled(
                cx.tr(&format!("state.{}", v.state)).to_string(),
                cx.theme.style(Meaning::Focus),
            ),
        ])];
        if let Some(a) = &self.applicant {
            let (m, note) = match a.capacity {
                Capacity::Adult => (Meaning::Muted, String::new()),
                Capacity::NeedsSupervisor => (
                    Meaning::Warning,
                    format!("  {}", cx.tr("verify.capacity_supervised")),
                ),
                Capacity::Minor => (
                    Meaning::Error,
                    format!("  {}", cx.tr("verify.capacity_minor")),
                ),
            };
            lines.push(Line::from(vec![
                Span::styled(applicant_text(a, cx), cx.theme.style(Meaning::Muted)),
                Span::styled(
                    if note.is_empty() {
                        String::new()
                    } else {
                        format!("  {}{}", cx.theme.marker(m), note.trim_start())
                    },
                    cx.theme.style(m),
                ),
            ]));
        }
        frame.render_widget(Paragraph::new(lines), inset(area));
    }

    pub(super) fn render_items(&self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let w = usize::from(area.width);
        let widest = ChecklistItem::ALL
            .into_iter()
            .map(|i| width(&label(i, cx)))
            .chain(std::iter::once(width(cx.tr("verify.col_item"))))
            .max()
            .unwrap_or(30);
        let label_w = (widest + 1).min(w.saturating_sub(36)).max(12);
        let note_w = w.saturating_sub(label_w + 36);
        let muted = cx.theme.style(Meaning::Muted);
        let mut lines = vec![Line::from(Span::styled(
            format!(
                "     {}{}{}{}{}",
                fit(cx.tr("verify.col_item"), label_w + 1),
                fit(cx.tr("verify.col_result"), 9),
                fit(cx.tr("verify.col_by"), 6),
                fit(cx.tr("verify.col_when"), 12),
                if note_w > 8 {
                    fit(cx.tr("verify.col_note"), note_w)
                } else {
                    String::new()
                },
            ),
            muted,
        ))];
        for (i, item) in ChecklistItem::ALL.into_iter().enumerate() {
            let row = self.outcome(item);
            let (m, result) = match row.map(|r| r.outcome.as_str()) {
                Some("passed") => (Meaning::Success, "verify.passed"),
                Some(_) => (Meaning::Error, "verify.failed"),
                None => (Meaning::Muted, "verify.todo"),
            };
            let mark = match m {
                Meaning::Success | Meaning::Error => cx.theme.marker(m),
                _ => "· ",
            };
            let selected = i == self.selected;
            let focus = if selected {
                cx.theme.marker(Meaning::Focus)
            } else {
                "  "
            };
            let base = if selected {
                cx.theme.style(Meaning::Selected)
            } else {
                cx.theme.style(Meaning::Normal)
            };
            let (by, when, note) = match row {
                Some(r) => (
                    r.staff_no.clone(),
                    crate::tui::screens::local_time(&r.recorded_at, false),
                    r.note.clone().unwrap_or_default(),
                ),
                None => Default::default(),
            };
            let mut spans = vec![
                Span::styled(format!(" {focus}"), cx.theme.style(Meaning::Focus)),
                Span::styled(mark.to_string(), cx.theme.style(m)),
                Span::styled(fit(&label(item, cx), label_w + 1), base),
                Span::styled(fit(cx.tr(result), 9), cx.theme.style(m)),
                Span::styled(fit(&by, 6), muted),
                Span::styled(fit(&when, 12), muted),
            ];
            if note_w > 8 {
                spans.push(Span::styled(fit(&note, note_w), muted));
            }
            lines.push(Line::from(spans));
        }
        frame.render_widget(Paragraph::new(lines), area);
    }

    /// The selected item: what to check, its note, the open field and the last message.
    pub(super) fn render_detail(&self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let area = inset(area);
        let item = self.item();
        let cols = usize::from(area.width);
        let mut lines: Vec<Line> = self
            .hint(item, cx)
            .lines()
            .flat_map(|part| wrap(part, cols, 0))
            .map(Line::from)
            .collect();
        if let Some(n) = self.outcome(item).and_then(|r| r.note.clone()) {
            let note = cx.t.f("verify.note_shown", &[("note", &n)]);
            for l in wrap(&note, cols, 2) {
                lines.push(Line::styled(l, cx.theme.style(Meaning::Muted)));
            }
        }
        frame.render_widget(Paragraph::new(lines), Rect { height: 3, ..area });
        let mut y = area.y + 3;
        if let Some(input) = self.input {
            let label = match (input, item) {
                (Input::Code, _) => "verify.code_label",
                (Input::FailNote, _) => "verify.fail_label",
                (Input::PassNote, ChecklistItem::IdPhotos) => "verify.photo_label",
                (Input::PassNote, _) => "verify.decision_label",
            };
            let label = format!("{}{} ", cx.theme.marker(Meaning::Focus), cx.tr(label));
            let lw = (width(&label) as u16).min(area.width);
            frame.render_widget(
                Paragraph::new(Span::styled(label, cx.theme.style(Meaning::Focus))),
                Rect::new(area.x, y, lw, 1),
            );
            self.field.render(
                frame,
                Rect::new(area.x + lw, y, area.width.saturating_sub(lw), 1),
                true,
                cx.theme,
            );
            y += 1;
        }
        if let Some((m, text)) = &self.message {
            let bottom = area.y + area.height;
            frame.render_widget(
                Paragraph::new(marked(cx.theme, *m, text, area.width)),
                Rect::new(area.x, y, area.width, bottom.saturating_sub(y)),
            );
        }
    }

    pub(super) fn hint(&self, item: ChecklistItem, cx: &Cx) -> String {
        let f = &self.view.form;
        match item {
            ChecklistItem::IdDocument => {
                cx.t.f("verify.hint_id_document", &[("until", &f.id_valid_until)])
            }
            ChecklistItem::IdPhotos => cx.tr("verify.hint_id_photos").to_string(),
            ChecklistItem::FaceCheck => cx.tr("verify.hint_face_check").to_string(),
            ChecklistItem::Capacity => {
                let age = self.applicant.as_ref().map(|a| a.age.to_string());
                let key = match self.applicant.as_ref().map(|a| a.capacity) {
                    Some(Capacity::Adult) => "verify.hint_capacity_adult",
                    Some(Capacity::NeedsSupervisor) if Self::is_supervisor(cx) => {
                        "verify.hint_capacity_supervisor"
                    }
                    Some(Capacity::NeedsSupervisor) => "verify.hint_capacity_clerk",
                    Some(Capacity::Minor) => "verify.hint_capacity_minor",
                    None => "verify.hint_capacity_unknown",
                };
                cx.t.f(key, &[("age", &age.unwrap_or_default())])
            }
            ChecklistItem::PhoneCode => {
                let mut s = cx.t.f("verify.hint_phone_code", &[("phone", &f.phone)]);
                if !self.passed(item) {
                    if let Some(c) = &self.code {
                        s.push('\n');
                        s.push_str(&if self.code_live() {
                            cx.t.f(
                                "verify.code_status",
                                &[
                                    (
                                        "until",
                                        &crate::tui::screens::local_time(&c.expires_at, false),
                                    ),
                                    ("n", &c.tries_left.to_string()),
                                ],
                            )
                        } else {
                            cx.tr("verify.code_dead").to_string()
                        });
                    }
                }
                s
            }
            ChecklistItem::CardOwnName => cx.t.f(
                "verify.hint_card_own_name",
                &[("holder", &f.card_holder), ("name", &f.full_name)],
            ),
            ChecklistItem::Terms => cx.t.f(
                "verify.hint_terms",
                &[("version", self.view.terms_version.as_deref().unwrap_or("—"))],
            ),
        }
    }
}
