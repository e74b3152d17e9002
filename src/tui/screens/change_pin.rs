//! Change my own PIN: the current one, the new one twice. Opened from home (F9).

use crate::desk::DeskError;
use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::screen::{Action, Cx, Notice, Screen};
use crate::tui::theme::Meaning;
use crate::tui::widgets::chrome::centered;
use crate::tui::widgets::field_list::{Field, FieldList};
use crate::tui::widgets::text_field::TextField;
use crate::tui::widgets::wrap::Wrapped;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders};
use ratatui::Frame;

const CURRENT: usize = 0;
const NEW: usize = 1;
const AGAIN: usize = 2;

pub struct ChangePin {
    form: FieldList,
    error: Option<String>,
}

pub(crate) const KEYS: &[Binding] = &[
    Binding::new(
        Key::plain(KeyCode::Enter),
        "change_pin.enter",
        "change_pin.enter_key",
    ),
    Binding::new(
        Key::plain(KeyCode::Tab),
        "change_pin.next",
        "key.next_field",
    ),
    Binding::extra(
        Key::plain(KeyCode::BackTab),
        "change_pin.prev",
        "key.prev_field",
    ),
    Binding::new(Key::plain(KeyCode::Esc), "change_pin.back", "key.back"),
];

impl ChangePin {
    pub fn new() -> ChangePin {
        ChangePin {
            form: FieldList::new(vec![
                Field::new("change_pin.current", TextField::secret(12)),
                Field::new("change_pin.new", TextField::secret(12)),
                Field::new("change_pin.again", TextField::secret(12)),
            ]),
            error: None,
        }
    }

    /// Typed PINs never stay in memory after an attempt.
    fn clear(&mut self) {
        for f in &mut self.form.fields {
            f.input.clear();
        }
    }

    fn fail(&mut self, focus: usize, message: String) -> Action {
        self.clear();
        self.form.focus = focus;
        self.error = Some(message);
        Action::None
    }

    fn save(&mut self, cx: &mut Cx) -> Action {
        let Some(actor) = cx.actor.cloned() else {
            return Action::Logout;
        };
        let (current, new) = (self.form.value(CURRENT), self.form.value(NEW));
        if new != self.form.value(AGAIN) {
            return self.fail(NEW, cx.tr("change_pin.differ").to_string());
        }
        let result = cx.desk.change_pin(&actor, &current, &new);
        match result {
            Ok(()) => {
                self.clear();
                Action::PopWith(Notice::Info(cx.tr("change_pin.done").to_string()))
            }
            // The fifth wrong PIN locked the account: the session ends here.
            Err(DeskError::Refused(p)) if p.code == "login.locked" => {
                tracing::info!(code = p.code, "PIN change refused");
                Action::Logout
            }
            Err(DeskError::Refused(p)) => {
                tracing::info!(code = p.code, "PIN change refused");
                let focus = if p.code == "pin.wrong_current" {
                    CURRENT
                } else {
                    NEW
                };
                self.fail(focus, cx.t.problem(&p))
            }
            Err(e) => {
                tracing::error!("PIN change failed: {e:#}");
                self.fail(CURRENT, cx.tr("app.internal_error").to_string())
            }
        }
    }
}

impl Default for ChangePin {
    fn default() -> Self {
        ChangePin::new()
    }
}

impl Screen for ChangePin {
    fn title(&self) -> &'static str {
        "change_pin.title"
    }

    fn bindings(&self) -> Vec<Binding> {
        KEYS.to_vec()
    }

    fn text_focused(&self) -> bool {
        true
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        match lookup(&cx.keys.resolve(KEYS), &key) {
            Some("change_pin.back") => {
                self.clear();
                return Action::Pop;
            }
            Some("change_pin.enter") if self.form.focus == AGAIN => return self.save(cx),
            Some("change_pin.enter") => {
                self.form.focus += 1;
                return Action::None;
            }
            _ => {}
        }
        self.error = None;
        self.form.on_key(&key);
        Action::None
    }

    fn on_paste(&mut self, text: &str, _cx: &mut Cx) -> Action {
        self.form.paste(text.trim());
        Action::None
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let r = centered(area, 64, 14);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(cx.theme.style(Meaning::Border))
            .title(format!(" {} ", cx.tr("change_pin.title")));
        let inner = block.inner(r);
        frame.render_widget(block, r);
        let who = cx
            .actor
            .map(|a| format!("{} ({})", a.name, a.staff_no))
            .unwrap_or_default();
        frame.render_widget(
            Wrapped::new(Span::styled(
                cx.t.f("change_pin.intro", &[("who", &who)]),
                cx.theme.style(Meaning::Muted),
            ))
            .trim(true),
            Rect::new(inner.x + 1, inner.y, inner.width.saturating_sub(2), 2),
        );
        let body = Rect::new(
            inner.x + 1,
            inner.y + 3,
            inner.width.saturating_sub(2),
            inner.height.saturating_sub(6),
        );
        self.form.render(frame, body, cx, 18);
        if let Some(e) = &self.error {
            frame.render_widget(
                Wrapped::new(Span::styled(
                    format!("{}{e}", cx.theme.marker(Meaning::Error)),
                    cx.theme.style(Meaning::Error),
                ))
                .trim(true),
                Rect::new(
                    inner.x + 1,
                    inner.y + inner.height.saturating_sub(2),
                    inner.width.saturating_sub(2),
                    2,
                ),
            );
        }
    }
}
