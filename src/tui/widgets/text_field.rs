//! A one-line text field that knows CJK widths, groups digits for display
//! (ID 6-8-4, card in fours, phone 3-4-4) and puts the real cursor at the caret
//! so an input method's candidate window follows it.

use crate::tui::theme::{Meaning, Theme};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    None,
    /// Groups of these sizes, the last repeating: ID [6, 8, 4], phone [3, 4, 4], card [4].
    Digits(&'static [usize]),
}

pub const ID_GROUPS: Grouping = Grouping::Digits(&[6, 8, 4]);
pub const PHONE_GROUPS: Grouping = Grouping::Digits(&[3, 4, 4]);
pub const CARD_GROUPS: Grouping = Grouping::Digits(&[4]);

#[derive(Debug, Clone)]
pub struct TextField {
    value: Vec<char>,
    cursor: usize,
    pub grouping: Grouping,
    pub max_chars: usize,
    /// Hide what is typed (PINs).
    pub secret: bool,
}

impl TextField {
    pub fn new(grouping: Grouping, max_chars: usize) -> TextField {
        TextField {
            value: Vec::new(),
            cursor: 0,
            grouping,
            max_chars,
            secret: false,
        }
    }

    pub fn secret(max_chars: usize) -> TextField {
        TextField {
            secret: true,
            ..TextField::new(Grouping::None, max_chars)
        }
    }

    pub fn with_value(mut self, v: &str) -> TextField {
        self.set(v);
        self
    }

    pub fn value(&self) -> String {
        self.value.iter().collect()
    }

    pub fn set(&mut self, v: &str) {
        self.value = v
            .chars()
            .filter(|c| !c.is_control())
            .take(self.max_chars)
            .collect();
        self.cursor = self.value.len();
    }

    pub fn clear(&mut self) {
        self.set("");
    }

    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    /// Insert text (typed or pasted); grouped fields drop the spaces the grouping adds.
    pub fn insert(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_control() || (c == ' ' && self.grouping != Grouping::None) {
                continue;
            }
            if self.value.len() >= self.max_chars {
                break;
            }
            self.value.insert(self.cursor, c);
            self.cursor += 1;
        }
    }

    /// Editing keys; returns whether the key was used.
    pub fn on_key(&mut self, e: &KeyEvent) -> bool {
        let ctrl = e.modifiers.contains(KeyModifiers::CONTROL);
        match e.code {
            KeyCode::Char('u') if ctrl => {
                self.value.drain(..self.cursor);
                self.cursor = 0;
            }
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = self.value.len(),
            KeyCode::Char(c) if !ctrl && !e.modifiers.contains(KeyModifiers::ALT) => {
                self.insert(&c.to_string())
            }
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                self.value.remove(self.cursor);
            }
            KeyCode::Delete if self.cursor < self.value.len() => {
                self.value.remove(self.cursor);
            }
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(self.value.len()),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.value.len(),
            KeyCode::Backspace | KeyCode::Delete => {}
            _ => return false,
        }
        true
    }

    /// What is shown, and the display column of the caret.
    pub fn display(&self) -> (String, usize) {
        if self.secret {
            return ("•".repeat(self.value.len()), self.cursor);
        }
        let mut shown = String::new();
        let mut caret = 0;
        let sizes: &[usize] = match self.grouping {
            Grouping::Digits(s) => s,
            Grouping::None => &[],
        };
        let mut group = 0;
        let mut in_group = 0;
        for (i, c) in self.value.iter().enumerate() {
            if !sizes.is_empty() {
                let size = sizes[group.min(sizes.len() - 1)];
                if in_group == size {
                    shown.push(' ');
                    group += 1;
                    in_group = 0;
                }
                in_group += 1;
            }
            if i == self.cursor {
                caret = shown.width();
            }
            shown.push(*c);
        }
        if self.cursor >= self.value.len() {
            caret = shown.width();
        }
        (shown, caret)
    }

    /// Draw in `area`; with focus, place the terminal cursor at the caret.
    pub fn render(&self, frame: &mut Frame, area: Rect, focused: bool, theme: &Theme) {
        let (shown, caret) = self.display();
        let width = usize::from(area.width.max(1));
        // Scroll so the caret stays visible in a narrow box.
        let skip = caret.saturating_sub(width.saturating_sub(1));
        let mut visible = String::new();
        let mut col = 0;
        for ch in shown.chars() {
            let w = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
            if col >= skip && col + w <= skip + width {
                visible.push(ch);
            }
            col += w;
        }
        let style = if focused {
            theme.style(Meaning::Focus)
        } else {
            theme.style(Meaning::Normal)
        };
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(visible, style))),
            area,
        );
        if focused {
            let x = area.x
                + u16::try_from(caret - skip)
                    .unwrap_or(0)
                    .min(area.width.saturating_sub(1));
            frame.set_cursor_position(Position::new(x, area.y));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped_as_typed() {
        let mut f = TextField::new(ID_GROUPS, 18);
        f.insert("11010519491231002X");
        assert_eq!(f.display().0, "110105 19491231 002X");
        let mut p = TextField::new(PHONE_GROUPS, 11);
        p.insert("138 1234 5678");
        assert_eq!(
            p.value(),
            "13812345678",
            "spaces from grouping are not kept"
        );
        assert_eq!(p.display(), ("138 1234 5678".to_string(), 13));
        let mut c = TextField::new(CARD_GROUPS, 19);
        c.insert("6222020000040001232");
        assert_eq!(c.display().0, "6222 0200 0004 0001 232");
    }

    #[test]
    fn the_caret_counts_display_columns() {
        let mut f = TextField::new(Grouping::None, 40);
        f.insert("阿卜杜·热合曼");
        assert_eq!(
            f.display().1,
            13,
            "6 CJK characters are 12 columns, the dot 1"
        );
        f.on_key(&KeyEvent::new(KeyCode::Home, KeyModifiers::NONE));
        f.on_key(&KeyEvent::new(KeyCode::Right, KeyModifiers::NONE));
        assert_eq!(f.display().1, 2);
        f.on_key(&KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
        assert_eq!(f.value(), "卜杜·热合曼");
    }

    #[test]
    fn limits_and_control_characters() {
        let mut f = TextField::new(PHONE_GROUPS, 11);
        f.insert("1381234567899999\u{1b}[31m");
        assert_eq!(f.value().chars().count(), 11);
        let mut s = TextField::secret(6);
        s.insert("1234");
        assert_eq!(s.display().0, "••••");
    }
}
