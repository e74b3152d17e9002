//! Leaving kiosk mode: a staff member proves who they are with staff number and
//! PIN; anyone else goes back to the kiosk (Esc, or after idle time).

use super::{KioskClock, IDLE_RESET};
use crate::desk::DeskError;
use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::screen::{Action, Cx, Screen};
use crate::tui::theme::Meaning;
use crate::tui::widgets::chrome::centered;
use crate::tui::widgets::text_field::{Grouping, TextField};
use crate::tui::widgets::width::fit;
use crate::tui::widgets::wrap::Wrapped;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;
use std::time::Instant;

pub struct ExitPrompt {
    clock: KioskClock,
    staff_no: TextField,
    pin: TextField,
    pin_focused: bool,
    error: Option<String>,
    last_key: Instant,
}

pub(crate) const KEYS: &[Binding] = &[
    Binding::new(
        Key::plain(KeyCode::Enter),
        "kiosk_exit.submit",
        "kiosk.exit.key_leave",
    ),
    Binding::new(
        Key::plain(KeyCode::Tab),
        "kiosk_exit.next",
        "key.next_field",
    ),
    Binding::new(
        Key::plain(KeyCode::Esc),
        "kiosk_exit.back",
        "kiosk.exit.key_back",
    ),
    Binding::extra(
        Key::plain(KeyCode::BackTab),
        "kiosk_exit.next",
        "key.prev_field",
    ),
];

impl ExitPrompt {
    pub fn new(clock: KioskClock) -> ExitPrompt {
        let now = clock.now();
        ExitPrompt {
            clock,
            staff_no: TextField::new(Grouping::None, 16),
            pin: TextField::secret(12),
            pin_focused: false,
            error: None,
            last_key: now,
        }
    }

    fn submit(&mut self, cx: &mut Cx) -> Action {
        if self.staff_no.is_empty() {
            self.pin_focused = false;
            self.error = Some(cx.tr("login.need_staff").to_string());
            return Action::None;
        }
        let result = cx.desk.login(&self.staff_no.value(), &self.pin.value());
        self.pin.clear();
        match result {
            Ok(actor) => {
                tracing::info!(staff = %actor.staff_no, "kiosk mode left");
                Action::Quit
            }
            Err(DeskError::Refused(p)) => {
                tracing::info!(code = p.code, "kiosk exit refused");
                self.error = Some(cx.t.problem(&p));
                Action::None
            }
            Err(e) => {
                tracing::error!("kiosk exit failed: {e:#}");
                self.error = Some(cx.tr("app.internal_error").to_string());
                Action::None
            }
        }
    }
}

impl Screen for ExitPrompt {
    fn title(&self) -> &'static str {
        "kiosk.exit.title"
    }
    fn bindings(&self) -> Vec<Binding> {
        KEYS.to_vec()
    }
    fn text_focused(&self) -> bool {
        true
    }
    fn is_overlay(&self) -> bool {
        true
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        self.last_key = self.clock.now();
        match lookup(&cx.keys.resolve(KEYS), &key) {
            Some("kiosk_exit.submit") if !self.pin_focused => self.pin_focused = true,
            Some("kiosk_exit.submit") => return self.submit(cx),
            Some("kiosk_exit.next") => self.pin_focused = !self.pin_focused,
            Some("kiosk_exit.back") => return Action::Pop,
            _ => {
                let field = if self.pin_focused {
                    &mut self.pin
                } else {
                    &mut self.staff_no
                };
                if field.on_key(&key) {
                    self.error = None;
                }
            }
        }
        Action::None
    }
    fn on_tick(&mut self, _cx: &mut Cx) -> Action {
        // Nobody finished: the kiosk comes back for the next merchant.
        if self.clock.now().duration_since(self.last_key) >= IDLE_RESET {
            return Action::Pop;
        }
        Action::None
    }
    fn render(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let r = centered(area, 56, 11);
        frame.render_widget(Clear, r);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(cx.theme.style(Meaning::Focus))
            .title(format!(" {} ", cx.tr("kiosk.exit.title")));
        let inner = block.inner(r);
        frame.render_widget(block, r);
        let x = inner.x + 1;
        let w = inner.width.saturating_sub(2);
        frame.render_widget(
            Wrapped::new(cx.tr("kiosk.exit.prompt").to_string()).trim(true),
            Rect::new(x, inner.y, w, 2),
        );
        let label_w = 14u16;
        for (i, (label, field)) in [
            (cx.tr("login.staff_no"), &self.staff_no),
            (cx.tr("login.pin"), &self.pin),
        ]
        .into_iter()
        .enumerate()
        {
            let y = inner.y + 3 + i as u16 * 2;
            let focused = self.pin_focused == (i == 1);
            let marker = if focused {
                cx.theme.marker(Meaning::Focus)
            } else {
                "  "
            };
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled(marker, cx.theme.style(Meaning::Focus)),
                    Span::styled(
                        fit(label, usize::from(label_w)),
                        cx.theme.style(Meaning::Heading),
                    ),
                ])),
                Rect::new(x, y, label_w + 2, 1),
            );
            let fx = x + label_w + 3;
            field.render(
                frame,
                Rect::new(fx, y, w.saturating_sub(label_w + 3).min(16), 1),
                focused,
                cx.theme,
            );
        }
        if let Some(e) = &self.error {
            frame.render_widget(
                Wrapped::new(Span::styled(
                    format!("{}{e}", cx.theme.marker(Meaning::Error)),
                    cx.theme.style(Meaning::Error),
                ))
                .trim(true),
                Rect::new(x, inner.y + 7, w, inner.height.saturating_sub(7)),
            );
        }
    }
}
