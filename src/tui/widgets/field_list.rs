//! A column of labelled text fields with one focus, and a message per field.

use crate::tui::screen::Cx;
use crate::tui::theme::Meaning;
use crate::tui::widgets::text_field::TextField;
use crate::tui::widgets::width::fit;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub struct Field {
    /// i18n key of the label.
    pub label: &'static str,
    pub input: TextField,
    /// Shown under the field: (meaning, already translated text).
    pub message: Option<(Meaning, String)>,
    /// Read-only hint after the value (bank from BIN, age from ID …).
    pub hint: Option<String>,
}

impl Field {
    pub fn new(label: &'static str, input: TextField) -> Field {
        Field {
            label,
            input,
            message: None,
            hint: None,
        }
    }
}

pub struct FieldList {
    pub fields: Vec<Field>,
    pub focus: usize,
}

impl FieldList {
    pub fn new(fields: Vec<Field>) -> FieldList {
        FieldList { fields, focus: 0 }
    }

    pub fn value(&self, i: usize) -> String {
        self.fields
            .get(i)
            .map(|f| f.input.value())
            .unwrap_or_default()
    }

    pub fn focused(&mut self) -> Option<&mut Field> {
        self.fields.get_mut(self.focus)
    }

    /// Moves focus on Tab/↓/↑/Shift-Tab, edits the focused field otherwise.
    /// Returns true when the key was used.
    pub fn on_key(&mut self, key: &KeyEvent) -> bool {
        let n = self.fields.len();
        if n == 0 {
            return false;
        }
        match key.code {
            KeyCode::Tab | KeyCode::Down => {
                self.focus = (self.focus + 1) % n;
                true
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.focus = (self.focus + n - 1) % n;
                true
            }
            _ => self.fields[self.focus].input.on_key(key),
        }
    }

    pub fn paste(&mut self, text: &str) {
        if let Some(f) = self.fields.get_mut(self.focus) {
            f.input.insert(text.trim());
        }
    }

    /// Two lines a field: label + value, then its message. Scrolls to keep focus visible.
    pub fn render(&self, frame: &mut Frame, area: Rect, cx: &Cx, label_width: u16) {
        let per = 2u16;
        let visible = usize::from((area.height / per).max(1));
        let first = self.focus.saturating_sub(visible.saturating_sub(1));
        for (row, (i, f)) in self
            .fields
            .iter()
            .enumerate()
            .skip(first)
            .take(visible)
            .enumerate()
        {
            let y = area.y + row as u16 * per;
            let focused = i == self.focus;
            let marker = if focused {
                cx.theme.marker(Meaning::Focus)
            } else {
                "  "
            };
            let label = fit(cx.tr(f.label), usize::from(label_width));
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled(marker, cx.theme.style(Meaning::Focus)),
                    Span::styled(
                        label,
                        cx.theme.style(if focused {
                            Meaning::Focus
                        } else {
                            Meaning::Heading
                        }),
                    ),
                ])),
                Rect::new(area.x, y, label_width + 2, 1),
            );
            let value_x = area.x + label_width + 3;
            let value_w = area.width.saturating_sub(label_width + 3);
            let hint_w = f
                .hint
                .as_ref()
                .map(|h| crate::tui::widgets::width::width(h) as u16 + 2)
                .unwrap_or(0);
            let input_w = value_w.saturating_sub(hint_w).max(8).min(value_w);
            f.input
                .render(frame, Rect::new(value_x, y, input_w, 1), focused, cx.theme);
            if let Some(h) = &f.hint {
                let hx = value_x + input_w;
                frame.render_widget(
                    Paragraph::new(Span::styled(
                        format!("  {h}"),
                        cx.theme.style(Meaning::Muted),
                    )),
                    Rect::new(hx, y, value_w.saturating_sub(input_w), 1),
                );
            }
            if let Some((m, text)) = &f.message {
                if y + 1 < area.y + area.height {
                    frame.render_widget(
                        Paragraph::new(Span::styled(
                            format!("{}{text}", cx.theme.marker(*m)),
                            cx.theme.style(*m),
                        )),
                        Rect::new(value_x, y + 1, value_w, 1),
                    );
                }
            }
        }
    }
}
