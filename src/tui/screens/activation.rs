//! Record the activation code the terminal shows, or the reference of its
//! first transaction; the device and the application become activated.

use super::binding::{desk_error, error_line, header, label, VALUE_X};
use crate::desk::ApplicationView;
use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::screen::{Action, Cx, Notice, Screen};
use crate::tui::theme::Meaning;
use crate::tui::widgets::text_field::{Grouping, TextField};
use crate::tui::widgets::wrap::Wrapped;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub struct Activation {
    id: i64,
    view: ApplicationView,
    code: TextField,
    error: Option<String>,
}

pub(crate) const KEYS: &[Binding] = &[
    Binding::new(
        Key::plain(KeyCode::Enter),
        "activation.activate",
        "activation.activate",
    ),
    Binding::new(Key::plain(KeyCode::Esc), "activation.back", "key.back"),
];

const LEAVE: &str = "activation.leave";

impl Activation {
    pub fn new(id: i64, cx: &mut Cx) -> Result<Activation, String> {
        let view = cx.desk.application(id).map_err(|e| e.to_string())?;
        Ok(Activation {
            id,
            view,
            code: TextField::new(Grouping::None, 64),
            error: None,
        })
    }

    fn activate(&mut self, cx: &mut Cx) -> Action {
        if self.code.value().trim().is_empty() {
            self.error = Some(cx.tr("activation.need_code").to_string());
            return Action::None;
        }
        let Some(actor) = cx.actor else {
            return Action::Notice(Notice::Error(cx.tr("app.internal_error").to_string()));
        };
        match cx.desk.activate(actor, self.id, &self.code.value()) {
            Ok(()) => Action::PopWith(Notice::Info(cx.t.f(
                "activation.done",
                &[
                    ("serial", self.view.device_serial.as_deref().unwrap_or("")),
                    ("reference", &self.view.reference),
                ],
            ))),
            Err(e) => {
                self.error = Some(desk_error(&e, cx));
                Action::None
            }
        }
    }
}

impl Screen for Activation {
    fn title(&self) -> &'static str {
        "activation.title"
    }
    fn bindings(&self) -> Vec<Binding> {
        KEYS.to_vec()
    }
    fn text_focused(&self) -> bool {
        true
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        match lookup(&cx.keys.resolve(KEYS), &key) {
            Some("activation.activate") => self.activate(cx),
            Some("activation.back") if self.code.is_empty() => Action::Pop,
            Some("activation.back") => Action::Confirm {
                question: cx.tr("activation.leave_question").to_string(),
                tag: LEAVE,
            },
            _ => {
                if self.code.on_key(&key) {
                    self.error = None;
                }
                Action::None
            }
        }
    }
    fn on_paste(&mut self, text: &str, cx: &mut Cx) -> Action {
        self.error = None;
        let first = text.lines().map(str::trim).find(|l| !l.is_empty());
        if let Some(first) = first {
            self.code.insert(first);
            // A scanned code ends with Enter, like a scanned serial.
            if text.contains('\n') || text.contains('\r') {
                return self.activate(cx);
            }
        }
        Action::None
    }
    fn on_answer(&mut self, tag: &'static str, yes: bool, _cx: &mut Cx) -> Action {
        if tag == LEAVE && yes {
            Action::Pop
        } else {
            Action::None
        }
    }
    fn render(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let inner = Rect {
            x: area.x + 1,
            width: area.width.saturating_sub(2),
            ..area
        };
        let row = |y: u16, h: u16| Rect {
            y: inner.y + y.min(inner.height),
            height: h.min(inner.height.saturating_sub(y)),
            ..inner
        };
        let value = |r: Rect| Rect {
            x: r.x + VALUE_X,
            width: r.width.saturating_sub(VALUE_X),
            ..r
        };
        let mut top = header(&self.view, cx);
        top.push(Line::default());
        top.push(Line::from(cx.tr("activation.intro").to_string()));
        frame.render_widget(Wrapped::new(top).trim(true), row(0, 5));
        let serial = self.view.device_serial.clone().unwrap_or_default();
        frame.render_widget(
            Paragraph::new(Line::from(
                [
                    label(cx.tr("activation.device"), false, cx),
                    vec![Span::raw(serial)],
                ]
                .concat(),
            )),
            row(6, 1),
        );
        if let Some(d) = &self.view.deposit {
            frame.render_widget(
                Paragraph::new(Line::from(
                    [
                        label(cx.tr("detail.deposit"), false, cx),
                        vec![Span::raw(format!(
                            "{} · {}",
                            d.amount,
                            cx.tr(&format!("deposit.{}", d.state))
                        ))],
                    ]
                    .concat(),
                )),
                row(7, 1),
            );
        }
        frame.render_widget(
            Paragraph::new(Line::from(label(cx.tr("activation.code"), true, cx))),
            row(9, 1),
        );
        let field = value(row(9, 1));
        self.code.render(
            frame,
            Rect {
                width: field.width.min(40),
                ..field
            },
            true,
            cx.theme,
        );
        frame.render_widget(
            Paragraph::new(Span::styled(
                cx.tr("activation.code_hint").to_string(),
                cx.theme.style(Meaning::Muted),
            )),
            value(row(10, 1)),
        );
        if let Some(e) = &self.error {
            frame.render_widget(
                Wrapped::new(error_line(e, cx)).trim(true),
                value(row(12, 2)),
            );
        }
    }
}
