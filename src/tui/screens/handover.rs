//! Hand the bound device over: the applicant shows their ID card again, and
//! pays the model's deposit by one of the counter's payment methods.

use super::binding::{desk_error, error_line, header, label, VALUE_X};
use crate::desk::{ApplicationView, PAYMENT_METHODS};
use crate::domain::money::Fen;
use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::screen::{Action, Cx, Notice, Screen};
use crate::tui::theme::Meaning;
use crate::tui::widgets::text_field::{TextField, ID_GROUPS};
use crate::tui::widgets::wrap::Wrapped;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Focus {
    IdNumber,
    Method,
}

pub struct HandOver {
    id: i64,
    view: ApplicationView,
    deposit: Option<Fen>,
    id_shown: TextField,
    method: Option<usize>,
    focus: Focus,
    error: Option<String>,
}

pub(crate) const KEYS: &[Binding] = &[
    Binding::new(
        Key::plain(KeyCode::Enter),
        "handover.hand_over",
        "handover.hand_over",
    ),
    Binding::new(Key::plain(KeyCode::Tab), "handover.next", "key.next_field"),
    Binding::new(Key::plain(KeyCode::Esc), "handover.back", "key.back"),
    Binding::extra(
        Key::plain(KeyCode::BackTab),
        "handover.prev",
        "key.prev_field",
    ),
    Binding::extra(
        Key::plain(KeyCode::Left),
        "handover.left",
        "handover.method_prev",
    ),
    Binding::extra(
        Key::plain(KeyCode::Right),
        "handover.right",
        "handover.method_next",
    ),
    Binding::extra(Key::ch('1'), "handover.method_1", "handover.method.cash"),
    Binding::extra(
        Key::ch('2'),
        "handover.method_2",
        "handover.method.unionpay",
    ),
    Binding::extra(Key::ch('3'), "handover.method_3", "handover.method.wechat"),
    Binding::extra(Key::ch('4'), "handover.method_4", "handover.method.alipay"),
];

const CONFIRM: &str = "handover.confirm";
const LEAVE: &str = "handover.leave";

impl HandOver {
    pub fn new(id: i64, cx: &mut Cx) -> Result<HandOver, String> {
        let view = cx.desk.application(id).map_err(|e| e.to_string())?;
        let deposit = cx
            .desk
            .policy
            .model(&view.form.model_code)
            .map(|m| m.deposit);
        Ok(HandOver {
            id,
            view,
            deposit,
            id_shown: TextField::new(ID_GROUPS, 18),
            method: None,
            focus: Focus::IdNumber,
            error: None,
        })
    }

    fn method_name(&self, cx: &Cx) -> String {
        self.method
            .and_then(|i| PAYMENT_METHODS.get(i))
            .map(|m| cx.tr(&format!("handover.method.{m}")).to_string())
            .unwrap_or_default()
    }

    fn amount(&self) -> String {
        self.deposit.map(|d| d.to_string()).unwrap_or_default()
    }

    /// Check what can be checked here, then ask with the amount before recording.
    fn ask(&mut self, cx: &Cx) -> Action {
        if self.id_shown.is_empty() {
            self.focus = Focus::IdNumber;
            self.error = Some(cx.tr("handover.need_id").to_string());
            return Action::None;
        }
        if self.method.is_none() {
            self.focus = Focus::Method;
            self.error = Some(cx.tr("handover.need_method").to_string());
            return Action::None;
        }
        let serial = self.view.device_serial.clone().unwrap_or_default();
        Action::Confirm {
            question: cx.t.f(
                "handover.question",
                &[
                    ("amount", &self.amount()),
                    ("method", &self.method_name(cx)),
                    ("serial", &serial),
                    ("name", &self.view.form.full_name),
                ],
            ),
            tag: CONFIRM,
        }
    }

    fn record(&mut self, cx: &mut Cx) -> Action {
        let Some(actor) = cx.actor else {
            return Action::Notice(Notice::Error(cx.tr("app.internal_error").to_string()));
        };
        let method = self
            .method
            .and_then(|i| PAYMENT_METHODS.get(i))
            .copied()
            .unwrap_or_default();
        match cx
            .desk
            .hand_over(actor, self.id, &self.id_shown.value(), method)
        {
            Ok(done) => Action::PopWith(Notice::Info(cx.t.f(
                "handover.done",
                &[
                    ("name", &self.view.form.full_name),
                    ("amount", &done.deposit.to_string()),
                    ("method", &self.method_name(cx)),
                ],
            ))),
            Err(e) => {
                self.error = Some(desk_error(&e, cx));
                self.focus = Focus::IdNumber;
                Action::None
            }
        }
    }

    fn pick(&mut self, i: usize) {
        if i < PAYMENT_METHODS.len() {
            self.method = Some(i);
            self.error = None;
        }
    }
}

impl Screen for HandOver {
    fn title(&self) -> &'static str {
        "handover.title"
    }
    fn bindings(&self) -> Vec<Binding> {
        KEYS.to_vec()
    }
    fn text_focused(&self) -> bool {
        self.focus == Focus::IdNumber
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        let command = lookup(&cx.keys.resolve(KEYS), &key);
        match command {
            Some("handover.hand_over") => return self.ask(cx),
            Some("handover.next") | Some("handover.prev") => {
                self.focus = match self.focus {
                    Focus::IdNumber => Focus::Method,
                    Focus::Method => Focus::IdNumber,
                };
                return Action::None;
            }
            Some("handover.back") if self.id_shown.is_empty() => return Action::Pop,
            Some("handover.back") => {
                return Action::Confirm {
                    question: cx.tr("handover.leave_question").to_string(),
                    tag: LEAVE,
                }
            }
            _ => {}
        }
        // The ID field owns printable keys and ←/→ while it has focus.
        if self.focus == Focus::IdNumber {
            if self.id_shown.on_key(&key) {
                self.error = None;
            }
            return Action::None;
        }
        let n = PAYMENT_METHODS.len();
        match command {
            Some("handover.left") => self.pick(self.method.map_or(n - 1, |i| (i + n - 1) % n)),
            Some("handover.right") => self.pick(self.method.map_or(0, |i| (i + 1) % n)),
            Some("handover.method_1") => self.pick(0),
            Some("handover.method_2") => self.pick(1),
            Some("handover.method_3") => self.pick(2),
            Some("handover.method_4") => self.pick(3),
            _ => {}
        }
        Action::None
    }
    fn on_paste(&mut self, text: &str, _cx: &mut Cx) -> Action {
        self.focus = Focus::IdNumber;
        self.error = None;
        self.id_shown.insert(text.trim());
        Action::None
    }
    fn on_answer(&mut self, tag: &'static str, yes: bool, cx: &mut Cx) -> Action {
        match (tag, yes) {
            (CONFIRM, true) => self.record(cx),
            (LEAVE, true) => Action::Pop,
            _ => Action::None,
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
        top.push(Line::from(Span::raw(cx.tr("handover.intro").to_string())));
        frame.render_widget(Wrapped::new(top).trim(true), row(0, 5));

        let serial = self.view.device_serial.clone().unwrap_or_default();
        frame.render_widget(
            Paragraph::new(Line::from(
                [
                    label(cx.tr("handover.device"), false, cx),
                    vec![Span::raw(serial)],
                ]
                .concat(),
            )),
            row(6, 1),
        );
        let id_focused = self.focus == Focus::IdNumber;
        frame.render_widget(
            Paragraph::new(Line::from(label(cx.tr("field.id_number"), id_focused, cx))),
            row(8, 1),
        );
        let field = value(row(8, 1));
        self.id_shown.render(
            frame,
            Rect {
                width: field.width.min(24),
                ..field
            },
            id_focused,
            cx.theme,
        );
        frame.render_widget(
            Paragraph::new(Span::styled(
                cx.t.f("handover.id_hint", &[("masked", &self.view.form.id_number)]),
                cx.theme.style(Meaning::Muted),
            )),
            value(row(9, 1)),
        );
        frame.render_widget(
            Paragraph::new(Line::from(
                [
                    label(cx.tr("handover.deposit"), false, cx),
                    vec![Span::styled(
                        self.amount(),
                        cx.theme.style(Meaning::Heading),
                    )],
                ]
                .concat(),
            )),
            row(11, 1),
        );
        let method_focused = self.focus == Focus::Method;
        let mut spans = label(cx.tr("handover.method_label"), method_focused, cx);
        for (i, m) in PAYMENT_METHODS.iter().enumerate() {
            let name = cx.tr(&format!("handover.method.{m}")).to_string();
            let chosen = self.method == Some(i);
            // Brackets mark the choice without colour.
            let text = if chosen {
                format!("[{} {name}]", i + 1)
            } else {
                format!(" {} {name} ", i + 1)
            };
            let style = if chosen {
                Meaning::Selected
            } else {
                Meaning::Normal
            };
            spans.push(Span::styled(text, cx.theme.style(style)));
            spans.push(Span::raw(" "));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), row(13, 1));
        if method_focused {
            frame.render_widget(
                Paragraph::new(Span::styled(
                    cx.tr("handover.method_hint").to_string(),
                    cx.theme.style(Meaning::Muted),
                )),
                value(row(14, 1)),
            );
        }
        if let Some(e) = &self.error {
            frame.render_widget(
                Wrapped::new(error_line(e, cx)).trim(true),
                value(row(16, 2)),
            );
        }
    }
}
