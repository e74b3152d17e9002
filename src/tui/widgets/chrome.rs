//! The frame around every screen: title bar, status line, footer hints from the
//! key table, the `?` overlay from the same table, and "terminal too small".

use crate::tui::i18n::I18n;
use crate::tui::keymap::Binding;
use crate::tui::screen::Notice;
use crate::tui::theme::{Meaning, Theme};
use crate::tui::widgets::lines::Lines;
use crate::tui::widgets::wrap::Wrapped;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

pub struct Chrome<'a> {
    pub t: &'a I18n,
    pub theme: &'a Theme,
}

/// Title bar, body, status line, footer.
pub fn split(area: Rect) -> [Rect; 4] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area)
}

impl Chrome<'_> {
    pub fn title_bar(&self, frame: &mut Frame, area: Rect, title: &str, who: &str) {
        let left = format!(" posdesk · {title}");
        let pad = usize::from(area.width).saturating_sub(
            crate::tui::widgets::width::width(&left) + crate::tui::widgets::width::width(who) + 1,
        );
        let line = Line::from(vec![
            Span::styled(left, self.theme.style(Meaning::Title)),
            Span::raw(" ".repeat(pad)),
            Span::styled(format!("{who} "), self.theme.style(Meaning::Muted)),
        ]);
        frame.render_widget(Lines(&[line]), area);
    }

    pub fn status(&self, frame: &mut Frame, area: Rect, notice: Option<&Notice>) {
        let line = match notice {
            Some(Notice::Error(m)) => Line::from(Span::styled(
                format!(" {}{m}", self.theme.marker(Meaning::Error)),
                self.theme.style(Meaning::Error),
            )),
            Some(Notice::Info(m)) => Line::from(Span::styled(
                format!(" {}{m}", self.theme.marker(Meaning::Success)),
                self.theme.style(Meaning::Success),
            )),
            None => Line::default(),
        };
        frame.render_widget(Lines(&[line]), area);
    }

    /// The footer: this screen's keys, then help. While a text field owns the
    /// printable keys, `?` is typed into it: help is F1 then.
    pub fn footer(&self, frame: &mut Frame, area: Rect, bindings: &[Binding], typing: bool) {
        let mut spans = vec![Span::raw(" ")];
        let key = if typing {
            crate::tui::keymap::Key::plain(ratatui::crossterm::event::KeyCode::F(1))
        } else {
            crate::tui::keymap::Key::ch('?')
        };
        let help = Binding::new(key, "app.help", "key.help");
        for b in bindings
            .iter()
            .filter(|b| b.footer)
            .chain(std::iter::once(&help))
        {
            spans.push(Span::styled(
                b.key.to_string(),
                self.theme.style(Meaning::Key),
            ));
            spans.push(Span::raw(format!(" {}  ", self.t.t(b.help))));
        }
        frame.render_widget(Lines(&[Line::from(spans)]), area);
    }

    /// The `?` overlay: every binding of the top screen, and the global keys. When
    /// they don't fit in one column they go in two.
    pub fn help_overlay(
        &self,
        frame: &mut Frame,
        area: Rect,
        title: &str,
        bindings: &[Binding],
        typing: bool,
    ) {
        // Esc is not among them: each screen says what Esc does there, and
        // where it does nothing (home, the lock screen) it is not offered.
        let globals: [(String, &str); 2] = [
            (if typing { "F1" } else { "F1 / ?" }.into(), "key.help"),
            ("Ctrl-C".into(), "key.quit"),
        ];
        let mut entries: Vec<(String, String)> = bindings
            .iter()
            .map(|b| (b.key.to_string(), self.t.t(b.help).to_string()))
            .collect();
        for (k, d) in &globals {
            let entry = (k.clone(), self.t.t(d).to_string());
            if !entries.contains(&entry) {
                entries.push(entry);
            }
        }
        let room = usize::from(area.height.saturating_sub(6)).max(1);
        let columns = if entries.len() > room { 2 } else { 1 };
        let rows = entries.len().div_ceil(columns);
        let w = area
            .width
            .saturating_sub(4)
            .min(if columns == 2 { 110 } else { 70 });
        let h = (rows as u16 + 4).min(area.height);
        let r = centered(area, w, h);
        clear_over(frame, r);
        let col_w = usize::from(w.saturating_sub(2)) / columns;
        let mut lines = vec![
            Line::from(Span::styled(
                title.to_string(),
                self.theme.style(Meaning::Heading),
            )),
            Line::default(),
        ];
        for row in 0..rows {
            let mut spans = Vec::new();
            for c in 0..columns {
                if let Some((k, d)) = entries.get(c * rows + row) {
                    let key = crate::tui::widgets::width::fit(&format!(" {k}"), 11);
                    let desc = crate::tui::widgets::width::fit(d, col_w.saturating_sub(12));
                    spans.push(Span::styled(key, self.theme.style(Meaning::Key)));
                    spans.push(Span::raw(format!(" {desc}")));
                }
            }
            lines.push(Line::from(spans));
        }
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(self.theme.style(Meaning::Border))
            .title(format!(" {} ", self.t.t("help.title")));
        frame.render_widget(Paragraph::new(lines).block(block), r);
    }

    pub fn too_small(&self, frame: &mut Frame, area: Rect) {
        let text = self.t.f(
            "app.too_small",
            &[
                ("w", &area.width.to_string()),
                ("h", &area.height.to_string()),
                ("min_w", &MIN_WIDTH.to_string()),
                ("min_h", &MIN_HEIGHT.to_string()),
            ],
        );
        frame.render_widget(Clear, area);
        frame.render_widget(Wrapped::new(text).trim(true), area);
    }
}

/// Blank `r` for something drawn over the screen. A double-width character just
/// left of `r` would cover its left column (and swallow a border), so it goes too.
pub fn clear_over(frame: &mut Frame, r: Rect) {
    frame.render_widget(Clear, r);
    if r.x == 0 {
        return;
    }
    let buf = frame.buffer_mut();
    for y in r.top()..r.bottom().min(buf.area.bottom()) {
        let cell = &mut buf[(r.x - 1, y)];
        if unicode_width::UnicodeWidthStr::width(cell.symbol()) > 1 {
            cell.set_symbol(" ");
        }
    }
}

/// A `w`×`h` box in the middle of `area`, clipped to it.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}
