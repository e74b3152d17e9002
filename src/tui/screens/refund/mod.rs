//! The deposit's way back: whether it can be refunded (every unmet condition in
//! plain words), the request to the card on file or a new own-name card, the
//! confirmation with the merchant that fixes the window, failures, and the
//! supervisor's breach and forfeit.

mod card;
mod view;

use super::binding::desk_error;
use super::fees::Fees;
use crate::desk::ApplicationView;
use crate::domain::bank_card::BankCard;
use crate::domain::eligibility::Eligibility;
use crate::store::refund::RefundRow;
use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::screen::{Action, Cx, Notice, Screen};
use crate::tui::widgets::text_field::{Grouping, TextField, CARD_GROUPS};
use card::{CardFocus, CardForm};
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::Frame;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReasonKind {
    Breach,
    Clear,
    Forfeit,
}

enum Mode {
    View,
    Card(CardForm),
    Reason(ReasonKind, TextField),
}

pub struct Refund {
    id: i64,
    view: ApplicationView,
    eligibility: Option<Eligibility>,
    refunds: Vec<RefundRow>,
    mode: Mode,
    error: Option<String>,
    supervisor: bool,
    /// The refund waiting for the merchant's yes.
    pending: Option<i64>,
}

pub(crate) const VIEW_KEYS: &[Binding] = &[
    Binding::new(Key::ch('r'), "refund.request", "refund_screen.key_request"),
    Binding::new(Key::ch('c'), "refund.confirm", "refund_screen.key_confirm"),
    Binding::new(Key::ch('f'), "refund.fees", "refund_screen.key_fees"),
    Binding::new(Key::ch('b'), "refund.breach", "refund_screen.key_breach"),
    Binding::new(Key::ch('x'), "refund.forfeit", "refund_screen.key_forfeit"),
    Binding::extra(Key::ch('u'), "refund.clear", "refund_screen.key_clear"),
    Binding::new(Key::plain(KeyCode::Esc), "refund.back", "key.back"),
];

pub(crate) const CARD_KEYS: &[Binding] = &[
    Binding::new(
        Key::plain(KeyCode::Enter),
        "refund_card.submit",
        "refund_screen.key_send_request",
    ),
    Binding::new(
        Key::plain(KeyCode::Tab),
        "refund_card.next",
        "key.next_field",
    ),
    Binding::new(
        Key::plain(KeyCode::Esc),
        "refund_card.cancel",
        "refund_screen.key_cancel",
    ),
    Binding::extra(
        Key::plain(KeyCode::BackTab),
        "refund_card.prev",
        "key.prev_field",
    ),
    Binding::extra(
        Key::plain(KeyCode::Left),
        "refund_card.toggle",
        "refund_screen.key_toggle",
    ),
    Binding::extra(
        Key::plain(KeyCode::Right),
        "refund_card.toggle",
        "refund_screen.key_toggle",
    ),
    Binding::extra(
        Key::ch('1'),
        "refund_card.on_file",
        "refund_screen.card_on_file",
    ),
    Binding::extra(Key::ch('2'), "refund_card.new", "refund_screen.card_new"),
];

pub(crate) const REASON_KEYS: &[Binding] = &[
    Binding::new(
        Key::plain(KeyCode::Enter),
        "refund_reason.submit",
        "refund_screen.key_record",
    ),
    Binding::new(
        Key::plain(KeyCode::Esc),
        "refund_reason.cancel",
        "refund_screen.key_cancel",
    ),
];

const LUHN: &str = "refund.luhn";
const CONFIRM: &str = "refund.confirm";
const REASON: &str = "refund.reason";

/// 6 + 4 digits of a card number; the rest as stars.
fn masked_card(number: &str) -> String {
    BankCard::parse(number, &Default::default())
        .map(|c| c.card.masked())
        .unwrap_or_else(|_| "*".repeat(number.chars().count().min(19)))
}

impl Refund {
    pub fn new(id: i64, cx: &mut Cx) -> Result<Refund, String> {
        let view = cx.desk.application(id).map_err(|e| e.to_string())?;
        let mut screen = Refund {
            id,
            view,
            eligibility: None,
            refunds: Vec::new(),
            mode: Mode::View,
            error: None,
            supervisor: cx.actor.is_some_and(|a| a.is_supervisor()),
            pending: None,
        };
        screen.reload(cx);
        Ok(screen)
    }

    /// For `next_step`: an activated terminal's next step is its deposit.
    pub fn open(id: i64, cx: &mut Cx) -> Option<Box<dyn Screen>> {
        Refund::new(id, cx).ok().map(|s| Box::new(s) as _)
    }

    fn reload(&mut self, cx: &mut Cx) {
        // Eligibility first: it may move the deposit between held and refundable.
        self.eligibility = match self.deposit_state() {
            Some("held" | "eligible") | None => cx.desk.eligibility(self.id).ok(),
            _ => None,
        };
        if let Ok(v) = cx.desk.application(self.id) {
            self.view = v;
        }
        self.refunds = cx.desk.refunds_of_application(self.id).unwrap_or_default();
    }

    fn deposit_state(&self) -> Option<&str> {
        self.view.deposit.as_ref().map(|d| d.state.as_str())
    }

    fn requested(&self) -> Option<&RefundRow> {
        self.refunds.iter().rev().find(|r| r.state == "requested")
    }

    fn available(&self, id: &str) -> bool {
        let d = self.deposit_state();
        match id {
            "refund.request" => matches!(d, Some("eligible" | "refund_failed")),
            "refund.confirm" => self.requested().is_some(),
            "refund.fees" => self.view.state == "activated",
            "refund.breach" | "refund.clear" => self.supervisor && d.is_some(),
            "refund.forfeit" => {
                self.supervisor && matches!(d, Some("held" | "eligible" | "refund_failed"))
            }
            _ => true,
        }
    }

    fn table(&self) -> Vec<Binding> {
        match self.mode {
            Mode::View => VIEW_KEYS
                .iter()
                .filter(|b| self.available(b.id))
                .copied()
                .collect(),
            Mode::Card(_) => CARD_KEYS.to_vec(),
            Mode::Reason(..) => REASON_KEYS.to_vec(),
        }
    }

    /// Ask the merchant: one refund, this amount, to this card.
    fn ask_confirm(&mut self, row: &RefundRow, cx: &Cx) -> Action {
        self.pending = Some(row.id);
        Action::Confirm {
            question: cx.t.f(
                "refund_screen.confirm_question",
                &[
                    ("count", "1"),
                    ("amount", &row.amount.to_string()),
                    ("card", &masked_card(&row.card_number)),
                    ("holder", &row.card_holder),
                ],
            ),
            tag: CONFIRM,
        }
    }

    fn confirm(&mut self, cx: &mut Cx) -> Action {
        let (Some(actor), Some(rid)) = (cx.actor, self.pending.take()) else {
            return Action::None;
        };
        let done = cx.desk.confirm_refund(actor, rid);
        self.reload(cx);
        match done {
            Ok(c) => {
                let fmt = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
                Action::Notice(Notice::Info(cx.t.f(
                    "refund_screen.confirmed",
                    &[
                        ("reference", &c.refund.reference),
                        ("earliest", &fmt(c.window.earliest)),
                        ("latest", &fmt(c.window.latest)),
                    ],
                )))
            }
            Err(e) => {
                self.error = Some(desk_error(&e, cx));
                Action::None
            }
        }
    }

    fn record_reason(&mut self, cx: &mut Cx) -> Action {
        let Mode::Reason(kind, field) = &self.mode else {
            return Action::None;
        };
        let (kind, reason) = (*kind, field.value());
        let Some(actor) = cx.actor else {
            return Action::None;
        };
        let done = match kind {
            ReasonKind::Breach => cx.desk.record_breach(actor, self.id, &reason),
            ReasonKind::Clear => cx.desk.clear_breaches(actor, self.id, &reason).map(|_| ()),
            ReasonKind::Forfeit => cx.desk.forfeit(actor, self.id, &reason),
        };
        match done {
            Ok(()) => {
                self.mode = Mode::View;
                self.error = None;
                self.reload(cx);
                Action::Notice(Notice::Info(cx.tr("refund_screen.recorded").to_string()))
            }
            Err(e) => {
                self.error = Some(desk_error(&e, cx));
                Action::None
            }
        }
    }

    fn ask_reason(&mut self, cx: &Cx) -> Action {
        let Mode::Reason(kind, field) = &self.mode else {
            return Action::None;
        };
        if field.value().trim().chars().count() < 2 {
            self.error = Some(cx.tr("refund_screen.need_reason").to_string());
            return Action::None;
        }
        let key = match kind {
            ReasonKind::Breach => "refund_screen.breach_question",
            ReasonKind::Clear => "refund_screen.clear_question",
            ReasonKind::Forfeit => "refund_screen.forfeit_question",
        };
        let amount = self
            .view
            .deposit
            .as_ref()
            .map(|d| d.amount.to_string())
            .unwrap_or_default();
        Action::Confirm {
            question: cx.t.f(
                key,
                &[
                    ("reference", &self.view.reference),
                    ("amount", &amount),
                    ("reason", field.value().trim()),
                ],
            ),
            tag: REASON,
        }
    }

    fn on_view_key(&mut self, command: Option<&str>, cx: &mut Cx) -> Action {
        let reason = |kind| Mode::Reason(kind, TextField::new(Grouping::None, 200));
        match command {
            Some("refund.back") => return Action::Pop,
            Some("refund.request") => {
                self.mode = Mode::Card(CardForm {
                    new_card: self.deposit_state() == Some("refund_failed"),
                    number: TextField::new(CARD_GROUPS, 19),
                    holder: TextField::new(Grouping::None, 40),
                    focus: CardFocus::Source,
                    luhn_confirmed: false,
                });
            }
            Some("refund.confirm") => {
                if let Some(row) = self.requested().cloned() {
                    return self.ask_confirm(&row, cx);
                }
            }
            Some("refund.fees") => {
                return match Fees::new(self.id, cx) {
                    Ok(s) => Action::Push(Box::new(s)),
                    Err(e) => Action::Notice(Notice::Error(e)),
                }
            }
            Some("refund.breach") => self.mode = reason(ReasonKind::Breach),
            Some("refund.clear") => self.mode = reason(ReasonKind::Clear),
            Some("refund.forfeit") => self.mode = reason(ReasonKind::Forfeit),
            _ => {}
        }
        Action::None
    }
}

impl Screen for Refund {
    fn title(&self) -> &'static str {
        "refund_screen.title"
    }
    fn bindings(&self) -> Vec<Binding> {
        self.table()
    }
    fn text_focused(&self) -> bool {
        match &self.mode {
            Mode::View => false,
            Mode::Card(f) => f.focus != CardFocus::Source,
            Mode::Reason(..) => true,
        }
    }
    fn on_resume(&mut self, cx: &mut Cx) {
        self.reload(cx);
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        let command = lookup(&cx.keys.resolve(&self.table()), &key);
        match &mut self.mode {
            Mode::View => self.on_view_key(command, cx),
            Mode::Card(_) => self.on_card_key(command, &key, cx),
            Mode::Reason(_, field) => match command {
                Some("refund_reason.submit") => self.ask_reason(cx),
                Some("refund_reason.cancel") => {
                    self.mode = Mode::View;
                    self.error = None;
                    Action::None
                }
                _ => {
                    field.on_key(&key);
                    Action::None
                }
            },
        }
    }
    fn on_paste(&mut self, text: &str, _cx: &mut Cx) -> Action {
        match &mut self.mode {
            Mode::Card(f) if f.focus == CardFocus::Number => f.number.insert(text.trim()),
            Mode::Card(f) if f.focus == CardFocus::Holder => f.holder.insert(text.trim()),
            Mode::Reason(_, field) => field.insert(text.trim()),
            _ => {}
        }
        Action::None
    }
    fn on_answer(&mut self, tag: &'static str, yes: bool, cx: &mut Cx) -> Action {
        match (tag, yes) {
            (LUHN, true) => {
                if let Mode::Card(f) = &mut self.mode {
                    f.luhn_confirmed = true;
                }
                self.request(cx)
            }
            (CONFIRM, true) => self.confirm(cx),
            (CONFIRM, false) => {
                self.pending = None;
                Action::Notice(Notice::Info(
                    cx.tr("refund_screen.not_confirmed").to_string(),
                ))
            }
            (REASON, true) => self.record_reason(cx),
            _ => Action::None,
        }
    }
    fn render(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        view::render(self, frame, area, cx);
    }
}
