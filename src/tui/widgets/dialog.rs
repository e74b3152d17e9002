//! A yes/no question over the screen that asked it; the answer goes back with its tag.

use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::screen::{Action, Cx, Screen};
use crate::tui::theme::Meaning;
use crate::tui::widgets::chrome::centered;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

pub struct Confirm {
    pub question: String,
    pub tag: &'static str,
}

const KEYS: &[Binding] = &[
    Binding::new(Key::plain(KeyCode::Enter), "confirm.yes", "key.yes"),
    Binding::new(Key::ch('y'), "confirm.yes", "key.yes"),
    Binding::new(Key::ch('n'), "confirm.no", "key.no"),
    Binding::new(Key::plain(KeyCode::Esc), "confirm.no", "key.no"),
];

impl Screen for Confirm {
    fn title(&self) -> &'static str {
        "confirm.title"
    }
    fn bindings(&self) -> Vec<Binding> {
        KEYS.to_vec()
    }
    fn is_overlay(&self) -> bool {
        true
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        match lookup(&cx.keys.resolve(KEYS), &key) {
            Some("confirm.yes") => Action::Answer {
                tag: self.tag,
                yes: true,
            },
            Some("confirm.no") => Action::Answer {
                tag: self.tag,
                yes: false,
            },
            _ => Action::None,
        }
    }
    fn render(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let r = centered(area, 60, 7);
        crate::tui::widgets::chrome::clear_over(frame, r);
        let lines = vec![
            Line::from(self.question.clone()),
            Line::default(),
            Line::styled(
                cx.tr("confirm.hint").to_string(),
                cx.theme.style(Meaning::Muted),
            ),
        ];
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(cx.theme.style(Meaning::Focus))
            .title(format!(" {} ", cx.tr("confirm.title")));
        frame.render_widget(
            Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
            r,
        );
    }
}
