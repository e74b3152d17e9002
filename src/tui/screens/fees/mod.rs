//! Fees after activation: what is due, paid and still open, and taking a
//! payment (partial is fine; more than is owed is refused, inline).

mod view;

use super::binding::desk_error;
use crate::desk::{ApplicationView, DeskError, FeeStatus, PAYMENT_METHODS};
use crate::domain::money::Fen;
use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::screen::{Action, Cx, Notice, Screen};
use crate::tui::widgets::text_field::{Grouping, TextField};
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::Frame;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Focus {
    Amount,
    Method,
}

pub struct Fees {
    id: i64,
    view: ApplicationView,
    status: FeeStatus,
    amount: TextField,
    method: Option<usize>,
    focus: Focus,
    error: Option<String>,
    /// The amount waiting for the clerk's yes.
    pending: Option<Fen>,
}

pub(crate) const KEYS: &[Binding] = &[
    Binding::new(
        Key::plain(KeyCode::Enter),
        "fees.take",
        "fees_screen.key_take",
    ),
    Binding::new(Key::plain(KeyCode::Tab), "fees.next", "key.next_field"),
    Binding::new(Key::plain(KeyCode::Esc), "fees.back", "key.back"),
    Binding::extra(Key::plain(KeyCode::BackTab), "fees.next", "key.prev_field"),
    Binding::extra(
        Key::plain(KeyCode::Left),
        "fees.left",
        "handover.method_prev",
    ),
    Binding::extra(
        Key::plain(KeyCode::Right),
        "fees.right",
        "handover.method_next",
    ),
    Binding::extra(Key::ch('1'), "fees.method_1", "handover.method.cash"),
    Binding::extra(Key::ch('2'), "fees.method_2", "handover.method.unionpay"),
    Binding::extra(Key::ch('3'), "fees.method_3", "handover.method.wechat"),
    Binding::extra(Key::ch('4'), "fees.method_4", "handover.method.alipay"),
];

const PAY: &str = "fees.pay";
const LEAVE: &str = "fees.leave";

impl Fees {
    pub fn new(id: i64, cx: &mut Cx) -> Result<Fees, String> {
        let view = cx.desk.application(id).map_err(|e| e.to_string())?;
        let status = cx.desk.fee_status(id).map_err(|e| e.to_string())?;
        Ok(Fees {
            id,
            view,
            status,
            amount: TextField::new(Grouping::None, 16),
            method: None,
            focus: Focus::Amount,
            error: None,
            pending: None,
        })
    }

    fn method_name(&self, cx: &Cx) -> String {
        self.method
            .and_then(|i| PAYMENT_METHODS.get(i))
            .map(|m| cx.tr(&format!("handover.method.{m}")).to_string())
            .unwrap_or_default()
    }

    /// The desk's own refusal, said before asking it (one text for both).
    fn overpay(&self, amount: Fen, cx: &Cx) -> String {
        cx.t.f(
            "problem.payment.overpay",
            &[
                ("amount", &amount.to_string()),
                ("owed", &self.status.outstanding.to_string()),
            ],
        )
    }

    /// Check the amount and the method, then ask before recording.
    fn ask(&mut self, cx: &Cx) -> Action {
        if self.status.outstanding.is_zero() {
            self.error = Some(cx.tr("problem.payment.nothing_due").to_string());
            return Action::None;
        }
        let amount = match Fen::parse(&self.amount.value()) {
            Ok(a) if !a.is_zero() => a,
            Ok(_) => {
                self.focus = Focus::Amount;
                self.error = Some(cx.tr("problem.payment.amount").to_string());
                return Action::None;
            }
            Err(p) => {
                self.focus = Focus::Amount;
                // Says what is wrong (full-width digits, three decimals…).
                self.error = Some(cx.t.problem(&p));
                return Action::None;
            }
        };
        if amount > self.status.outstanding {
            self.focus = Focus::Amount;
            self.error = Some(self.overpay(amount, cx));
            return Action::None;
        }
        if self.method.is_none() {
            self.focus = Focus::Method;
            self.error = Some(cx.tr("fees_screen.need_method").to_string());
            return Action::None;
        }
        let left = self
            .status
            .outstanding
            .checked_sub(amount)
            .unwrap_or(Fen::ZERO);
        self.pending = Some(amount);
        Action::Confirm {
            question: cx.t.f(
                "fees_screen.question",
                &[
                    ("amount", &amount.to_string()),
                    ("method", &self.method_name(cx)),
                    ("reference", &self.view.reference),
                    ("left", &left.to_string()),
                ],
            ),
            tag: PAY,
        }
    }

    fn pay(&mut self, cx: &mut Cx) -> Action {
        let (Some(actor), Some(amount)) = (cx.actor, self.pending.take()) else {
            return Action::None;
        };
        let method = self
            .method
            .and_then(|i| PAYMENT_METHODS.get(i))
            .copied()
            .unwrap_or_default();
        match cx.desk.pay_fees(actor, self.id, amount, method) {
            Ok(status) => {
                self.status = status;
                self.amount.clear();
                self.error = None;
                Action::Notice(Notice::Info(cx.t.f(
                    "fees_screen.paid",
                    &[
                        ("amount", &amount.to_string()),
                        ("method", &self.method_name(cx)),
                        ("left", &self.status.outstanding.to_string()),
                    ],
                )))
            }
            Err(DeskError::Refused(p)) if p.code == "payment.overpay" => {
                self.reload(cx);
                self.error = Some(self.overpay(amount, cx));
                Action::None
            }
            Err(e) => {
                self.error = Some(desk_error(&e, cx));
                Action::None
            }
        }
    }

    fn reload(&mut self, cx: &mut Cx) {
        if let Ok(s) = cx.desk.fee_status(self.id) {
            self.status = s;
        }
        if let Ok(v) = cx.desk.application(self.id) {
            self.view = v;
        }
    }

    fn pick(&mut self, i: usize) {
        if i < PAYMENT_METHODS.len() {
            self.method = Some(i);
            self.error = None;
        }
    }
}

impl Screen for Fees {
    fn title(&self) -> &'static str {
        "fees_screen.title"
    }
    fn bindings(&self) -> Vec<Binding> {
        KEYS.to_vec()
    }
    fn text_focused(&self) -> bool {
        self.focus == Focus::Amount
    }
    fn on_resume(&mut self, cx: &mut Cx) {
        self.reload(cx);
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        let command = lookup(&cx.keys.resolve(KEYS), &key);
        match command {
            Some("fees.take") => return self.ask(cx),
            Some("fees.next") => {
                self.focus = match self.focus {
                    Focus::Amount => Focus::Method,
                    Focus::Method => Focus::Amount,
                };
                return Action::None;
            }
            Some("fees.back") if self.amount.is_empty() => return Action::Pop,
            Some("fees.back") => {
                return Action::Confirm {
                    question: cx.tr("fees_screen.leave_question").to_string(),
                    tag: LEAVE,
                }
            }
            _ => {}
        }
        // The amount field owns printable keys and ←/→ while it has focus.
        if self.focus == Focus::Amount {
            if self.amount.on_key(&key) {
                self.error = None;
            }
            return Action::None;
        }
        let n = PAYMENT_METHODS.len();
        match command {
            Some("fees.left") => self.pick(self.method.map_or(n - 1, |i| (i + n - 1) % n)),
            Some("fees.right") => self.pick(self.method.map_or(0, |i| (i + 1) % n)),
            Some("fees.method_1") => self.pick(0),
            Some("fees.method_2") => self.pick(1),
            Some("fees.method_3") => self.pick(2),
            Some("fees.method_4") => self.pick(3),
            _ => {}
        }
        Action::None
    }
    fn on_paste(&mut self, text: &str, _cx: &mut Cx) -> Action {
        self.focus = Focus::Amount;
        self.error = None;
        self.amount.insert(text.trim());
        Action::None
    }
    fn on_answer(&mut self, tag: &'static str, yes: bool, cx: &mut Cx) -> Action {
        match (tag, yes) {
            (PAY, true) => self.pay(cx),
            (PAY, false) => {
                self.pending = None;
                Action::None
            }
            (LEAVE, true) => Action::Pop,
            _ => Action::None,
        }
    }
    fn render(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        self.draw(frame, area, cx);
    }
}
