//! Drawing the form: the frame of every page, and one section's fields with
//! their messages and hints.

use super::fields::{is_unfinished, problem_for, FieldId, Section, ALL_FIELDS, REVIEW, SECTIONS};
use super::review::id_hint;
use super::text::wrap_at_most;
use super::ApplicationFormScreen;
use crate::tui::screen::Cx;
use crate::tui::theme::Meaning;
use crate::tui::widgets::width::{fit, width};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

impl ApplicationFormScreen {
    pub(super) fn draw(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let [steps, status, body, message] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
        ])
        .areas(area);
        let (_, complete) = cx.desk.check_form(&self.inputs.form(), true);
        frame.render_widget(
            Paragraph::new(self.stepper(cx, &complete, steps.width)),
            steps,
        );
        frame.render_widget(Paragraph::new(self.status_line(cx)), status);
        let section = SECTIONS[self.section];
        let block = Block::default()
            .borders(Borders::TOP)
            .border_style(cx.theme.style(Meaning::Border))
            .title(Span::styled(
                format!(" {} ", cx.tr(section.title())),
                cx.theme.style(Meaning::Heading),
            ));
        let inner = block.inner(body);
        frame.render_widget(block, body);
        let inner = Rect {
            x: inner.x + 1,
            width: inner.width.saturating_sub(2),
            ..inner
        };
        if self.section == REVIEW {
            self.draw_review(frame, inner, cx, &complete);
        } else {
            self.draw_section(frame, inner, cx);
        }
        let note = match &self.problem {
            Some(p) => Some((Meaning::Error, p.clone())),
            None if self.section != REVIEW => None,
            None if complete.is_ok() => {
                Some((Meaning::Success, cx.tr("appform.ready").to_string()))
            }
            None => Some((
                Meaning::Warning,
                cx.t.f(
                    "appform.fix_first",
                    &[("n", &complete.errors.len().to_string())],
                ),
            )),
        };
        if let Some((m, text)) = note {
            frame.render_widget(
                Paragraph::new(Span::styled(
                    format!(" {}{text}", cx.theme.marker(m)),
                    cx.theme.style(m),
                )),
                message,
            );
        }
    }

    pub(super) fn label_width(cx: &Cx) -> u16 {
        let widest = ALL_FIELDS
            .iter()
            .map(|f| width(cx.tr(f.label())))
            .chain(std::iter::once(width(cx.tr("appform.pickup_point"))))
            .max()
            .unwrap_or(10);
        u16::try_from(widest + 1).unwrap_or(20).clamp(8, 24)
    }

    fn draw_section(&self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let section = SECTIONS[self.section];
        let bottom = area.y + area.height;
        let mut y = area.y;
        if section == Section::Terms {
            let version = &cx.desk.policy.rules.terms_version;
            let text = cx.t.f("appform.terms_text", &[("version", version)]);
            let lines: Vec<Line> = wrap_at_most(&text, usize::from(area.width), 0, 3)
                .into_iter()
                .map(Line::from)
                .collect();
            let rows = u16::try_from(lines.len() + 1).unwrap_or(0).min(area.height);
            frame.render_widget(
                Paragraph::new(lines),
                Rect::new(area.x, y, area.width, rows),
            );
            y += rows;
        }
        let label_w = Self::label_width(cx);
        let value_w = area.width.saturating_sub(label_w + 3);
        for (i, field) in section.fields().iter().enumerate() {
            let focused = i == self.focus;
            let message = self.message(*field, focused, cx);
            // A long message may take a second line rather than be cut.
            let message_rows = match &message {
                Some((m, text)) => {
                    message_lines(cx.theme.marker(*m), text, value_w, 2).len() as u16
                }
                None => 1,
            };
            let height = self.field_height(*field, cx) + message_rows;
            if y + height > bottom {
                break;
            }
            let area = Rect::new(area.x, y, area.width, height);
            self.draw_field(frame, area, *field, focused, label_w, message, cx);
            y += height;
        }
        if section == Section::Device && y < bottom {
            let line = Line::from(vec![
                Span::raw("  "),
                Span::styled(
                    fit(cx.tr("appform.pickup_point"), usize::from(label_w)),
                    cx.theme.style(Meaning::Heading),
                ),
                Span::raw(format!(" {}", self.point)),
            ]);
            frame.render_widget(Paragraph::new(line), Rect::new(area.x, y, area.width, 1));
        }
    }

    /// Rows above the message: the value, and a model's list of choices.
    fn field_height(&self, field: FieldId, cx: &Cx) -> u16 {
        match field {
            FieldId::Model => 1 + u16::try_from(cx.desk.policy.models.len()).unwrap_or(0),
            _ => 1,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn draw_field(
        &self,
        frame: &mut Frame,
        area: Rect,
        field: FieldId,
        focused: bool,
        label_w: u16,
        message: Option<(Meaning, String)>,
        cx: &Cx,
    ) {
        let theme = cx.theme;
        let marker = if focused {
            theme.marker(Meaning::Focus)
        } else {
            "  "
        };
        let label_style = theme.style(if focused {
            Meaning::Focus
        } else {
            Meaning::Heading
        });
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(marker, theme.style(Meaning::Focus)),
                Span::styled(fit(cx.tr(field.label()), usize::from(label_w)), label_style),
            ])),
            Rect::new(area.x, area.y, (label_w + 2).min(area.width), 1),
        );
        let value_x = area.x + label_w + 3;
        let value_w = (area.x + area.width).saturating_sub(value_x);
        let hint = self.hint(field, focused, cx);
        let used = if let Some(input) = self.inputs.input(field) {
            let shown = u16::try_from(width(&input.display().0)).unwrap_or(u16::MAX);
            let input_w = if hint.is_some() {
                shown.saturating_add(2).max(22)
            } else {
                value_w
            }
            .min(value_w);
            input.render(
                frame,
                Rect::new(value_x, area.y, input_w, 1),
                focused,
                theme,
            );
            input_w
        } else {
            let choice = self.choice_line(field, focused, cx);
            let used = u16::try_from(choice.width()).unwrap_or(0).min(value_w);
            frame.render_widget(
                Paragraph::new(choice),
                Rect::new(value_x, area.y, value_w, 1),
            );
            used
        };
        if let Some(h) = hint {
            let x = value_x + used + 2;
            let w = (area.x + area.width).saturating_sub(x);
            frame.render_widget(
                Paragraph::new(Span::styled(
                    fit(&h, usize::from(w)),
                    theme.style(Meaning::Muted),
                )),
                Rect::new(x, area.y, w, 1),
            );
        }
        if field == FieldId::Model {
            for (i, m) in cx.desk.policy.models.iter().enumerate() {
                let y = area.y + 1 + u16::try_from(i).unwrap_or(0);
                let chosen = m.code == self.inputs.model_code;
                let deposit =
                    cx.t.f("appform.deposit", &[("amount", &m.deposit.to_string())]);
                let text = format!(
                    "{} {}  {}  {deposit}",
                    radio(chosen),
                    fit(&m.code, 8),
                    fit(&m.name, 22)
                );
                let style = theme.style(if chosen && focused {
                    Meaning::Focus
                } else {
                    Meaning::Normal
                });
                frame.render_widget(
                    Paragraph::new(Span::styled(text, style)),
                    Rect::new(value_x, y, value_w, 1),
                );
            }
        }
        if let Some((m, text)) = message {
            let top = area.y + self.field_height(field, cx);
            let rows = (area.y + area.height).saturating_sub(top);
            let lines: Vec<Line> = message_lines(theme.marker(m), &text, value_w, rows)
                .into_iter()
                .map(|l| Line::styled(l, theme.style(m)))
                .collect();
            frame.render_widget(
                Paragraph::new(lines),
                Rect::new(value_x, top, value_w, rows),
            );
        }
    }

    fn choice_line(&self, field: FieldId, focused: bool, cx: &Cx) -> Line<'static> {
        let style = cx.theme.style(if focused {
            Meaning::Focus
        } else {
            Meaning::Normal
        });
        let text = match field {
            FieldId::CardKind => format!(
                "{} {}   {} {}",
                radio(self.inputs.card_kind == "debit"),
                cx.tr("appform.debit"),
                radio(self.inputs.card_kind == "credit"),
                cx.tr("appform.credit")
            ),
            FieldId::Terms => format!(
                "[{}] {}",
                if self.inputs.terms { "x" } else { " " },
                cx.tr(if self.inputs.terms {
                    "appform.agreed"
                } else {
                    "appform.not_agreed"
                })
            ),
            _ => match cx.desk.policy.model(&self.inputs.model_code) {
                Some(m) => format!("{} {}", m.code, m.name),
                None => cx.tr("appform.not_chosen").to_string(),
            },
        };
        Line::from(Span::styled(text, style))
    }

    fn hint(&self, field: FieldId, focused: bool, cx: &Cx) -> Option<String> {
        let value = self.inputs.value(field);
        match field {
            FieldId::IdNumber => id_hint(&value, cx),
            FieldId::IdValidUntil if focused || value.is_empty() => {
                Some(cx.tr("appform.validity_hint").to_string())
            }
            FieldId::CardBank if self.bank_auto.as_deref() == Some(value.as_str()) => {
                Some(cx.tr("appform.from_card").to_string())
            }
            FieldId::CardKind if self.kind_auto => Some(cx.tr("appform.from_card").to_string()),
            FieldId::CardKind | FieldId::Model | FieldId::Terms if focused => {
                Some(cx.tr("appform.choose_hint").to_string())
            }
            _ => None,
        }
    }

    fn message(&self, field: FieldId, focused: bool, cx: &Cx) -> Option<(Meaning, String)> {
        match problem_for(&self.check, field) {
            Some((true, p)) if focused && is_unfinished(p.code) => {
                Some((Meaning::Muted, cx.t.problem(p)))
            }
            Some((true, p)) => Some((Meaning::Error, cx.t.problem(p))),
            Some((false, p)) if p.code == "card.luhn" => {
                Some((Meaning::Warning, cx.tr("appform.luhn_warning").to_string()))
            }
            Some((false, p)) => Some((Meaning::Warning, cx.t.problem(p))),
            None if field == FieldId::CardNumber
                && self.inputs.luhn_confirmed
                && !self.inputs.value(field).is_empty() =>
            {
                Some((
                    Meaning::Success,
                    cx.tr("appform.luhn_confirmed").to_string(),
                ))
            }
            None => None,
        }
    }
}

/// A field's message with its marker, continued under its own text.
fn message_lines(marker: &str, text: &str, cols: u16, max: u16) -> Vec<String> {
    wrap_at_most(
        &format!("{marker}{text}"),
        usize::from(cols),
        width(marker),
        usize::from(max),
    )
}

fn radio(on: bool) -> &'static str {
    if on {
        "(•)"
    } else {
        "( )"
    }
}
