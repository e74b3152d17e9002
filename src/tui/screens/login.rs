//! Staff number + PIN. The same screen, fixed to one person, is the idle lock.

use crate::desk::{Actor, DeskError};
use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::screen::{Action, Cx, Screen};
use crate::tui::theme::Meaning;
use crate::tui::widgets::chrome::centered;
use crate::tui::widgets::text_field::{Grouping, TextField};
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub struct Login {
    staff_no: TextField,
    pin: TextField,
    focus: usize,
    error: Option<String>,
    /// Locked session: only this person's PIN opens it again.
    lock_for: Option<(String, String)>,
    pub hint: Option<String>,
}

pub(crate) const KEYS: &[Binding] = &[
    Binding::new(Key::plain(KeyCode::Enter), "login.submit", "key.login"),
    Binding::new(Key::plain(KeyCode::Tab), "login.next", "key.next_field"),
    Binding::extra(Key::plain(KeyCode::BackTab), "login.prev", "key.prev_field"),
];

pub(crate) const LOCK_KEYS: &[Binding] = &[
    Binding::new(Key::plain(KeyCode::Enter), "login.submit", "key.unlock"),
    Binding::new(Key::plain(KeyCode::Esc), "login.switch", "key.switch_user"),
];

impl Login {
    pub fn new() -> Login {
        Login {
            staff_no: TextField::new(Grouping::None, 16),
            pin: TextField::secret(12),
            focus: 0,
            error: None,
            lock_for: None,
            hint: None,
        }
    }

    pub fn lock(actor: &Actor) -> Login {
        Login {
            staff_no: TextField::new(Grouping::None, 16).with_value(&actor.staff_no),
            focus: 1,
            lock_for: Some((actor.staff_no.clone(), actor.name.clone())),
            ..Login::new()
        }
    }

    fn field(&mut self) -> &mut TextField {
        if self.focus == 0 {
            &mut self.staff_no
        } else {
            &mut self.pin
        }
    }

    fn submit(&mut self, cx: &mut Cx) -> Action {
        if self.staff_no.is_empty() {
            self.focus = 0;
            self.error = Some(cx.tr("login.need_staff").to_string());
            return Action::None;
        }
        let result = cx.desk.login(&self.staff_no.value(), &self.pin.value());
        self.pin.clear();
        match result {
            Ok(actor) => Action::LoggedIn(actor),
            Err(DeskError::Refused(p)) => {
                tracing::info!(code = p.code, "login refused");
                self.error = Some(cx.t.problem(&p));
                Action::None
            }
            Err(e) => {
                tracing::error!("login failed: {e:#}");
                self.error = Some(cx.tr("app.internal_error").to_string());
                Action::None
            }
        }
    }
}

impl Default for Login {
    fn default() -> Self {
        Login::new()
    }
}

impl Screen for Login {
    fn title(&self) -> &'static str {
        if self.lock_for.is_some() {
            "login.lock_title"
        } else {
            "login.title"
        }
    }

    fn bindings(&self) -> Vec<Binding> {
        if self.lock_for.is_some() {
            LOCK_KEYS
        } else {
            KEYS
        }
        .to_vec()
    }

    fn text_focused(&self) -> bool {
        true
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        let table = cx.keys.resolve(&self.bindings());
        match lookup(&table, &key) {
            Some("login.submit") => return self.submit(cx),
            Some("login.next") | Some("login.prev") if self.lock_for.is_none() => {
                self.focus = 1 - self.focus;
                return Action::None;
            }
            Some("login.switch") => return Action::Logout,
            _ => {}
        }
        if key.code == KeyCode::Down || key.code == KeyCode::Up {
            if self.lock_for.is_none() {
                self.focus = 1 - self.focus;
            }
            return Action::None;
        }
        self.error = None;
        self.field().on_key(&key);
        Action::None
    }

    fn on_paste(&mut self, text: &str, _cx: &mut Cx) -> Action {
        self.field().insert(text.trim());
        Action::None
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let r = centered(area, 56, 13);
        let title = match &self.lock_for {
            Some(_) => cx.tr("login.lock_title"),
            None => cx.tr("login.title"),
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(cx.theme.style(Meaning::Border))
            .title(format!(" {title} "));
        let inner = block.inner(r);
        frame.render_widget(block, r);
        let mut lines = Vec::new();
        match &self.lock_for {
            Some((no, name)) => lines.push(Line::from(
                cx.t.f("login.locked_for", &[("staff", no), ("name", name)]),
            )),
            None => lines.push(Line::from(cx.tr("login.prompt").to_string())),
        }
        frame.render_widget(
            crate::tui::widgets::wrap::Wrapped::new(lines).trim(true),
            Rect { height: 2, ..inner },
        );
        let label_w = 12;
        let row = |i: u16| {
            Rect::new(
                inner.x + 1,
                inner.y + 2 + i * 2,
                inner.width.saturating_sub(2),
                1,
            )
        };
        for (i, label) in [cx.tr("login.staff_no"), cx.tr("login.pin")]
            .iter()
            .enumerate()
        {
            let r = row(i as u16);
            let focused = self.focus == i;
            let marker = if focused {
                cx.theme.marker(Meaning::Focus)
            } else {
                "  "
            };
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled(marker, cx.theme.style(Meaning::Focus)),
                    Span::styled(label.to_string(), cx.theme.style(Meaning::Heading)),
                ])),
                Rect::new(r.x, r.y, label_w + 2, 1),
            );
            let field_area = Rect::new(
                r.x + label_w + 3,
                r.y,
                r.width.saturating_sub(label_w + 3),
                1,
            );
            let field = if i == 0 { &self.staff_no } else { &self.pin };
            field.render(frame, field_area, focused, cx.theme);
        }
        let mut foot = Vec::new();
        if let Some(e) = &self.error {
            foot.push(Line::from(Span::styled(
                format!("{}{e}", cx.theme.marker(Meaning::Error)),
                cx.theme.style(Meaning::Error),
            )));
        }
        if let Some(h) = &self.hint {
            foot.push(Line::from(Span::styled(
                h.clone(),
                cx.theme.style(Meaning::Muted),
            )));
        }
        let foot_area = Rect::new(
            inner.x + 1,
            inner.y + 7,
            inner.width.saturating_sub(2),
            inner.height.saturating_sub(7),
        );
        frame.render_widget(
            crate::tui::widgets::wrap::Wrapped::new(foot).trim(true),
            foot_area,
        );
    }
}
