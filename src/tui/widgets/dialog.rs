//! A yes/no question over the screen that asked it; the answer goes back with its tag.

use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::screen::{Action, Cx, Screen};
use crate::tui::theme::Meaning;
use crate::tui::widgets::chrome::centered;
use crate::tui::widgets::wrap::Wrapped;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders};
use ratatui::Frame;

pub struct Confirm {
    pub question: String,
    pub tag: &'static str,
}

pub(crate) const KEYS: &[Binding] = &[
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
        // Wrap by display width: a Chinese question has no spaces to break at.
        let inner_width = 60usize.min(usize::from(area.width)).saturating_sub(2);
        let question = crate::tui::widgets::wrap::wrap(&self.question, inner_width, 0);
        let mut lines: Vec<Line> = question.into_iter().map(Line::from).collect();
        lines.push(Line::default());
        lines.push(Line::styled(
            cx.tr("confirm.hint").to_string(),
            cx.theme.style(Meaning::Muted),
        ));
        let height = (lines.len() as u16 + 2).min(area.height);
        let r = centered(area, 60, height);
        crate::tui::widgets::chrome::clear_over(frame, r);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(cx.theme.style(Meaning::Focus))
            .title(format!(" {} ", cx.tr("confirm.title")));
        frame.render_widget(Wrapped::new(lines).block(block), r);
    }
}
