//! The refund request's card: the one on file, or a new card in the applicant's
//! own name (a Luhn warning needs the clerk's yes).

use super::{Mode, Refund, LUHN};
use crate::desk::{DeskError, NewCard};
use crate::tui::screen::{Action, Cx};
use crate::tui::screens::binding::desk_error;
use crate::tui::widgets::text_field::TextField;
use ratatui::crossterm::event::KeyEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CardFocus {
    Source,
    Number,
    Holder,
}

pub(super) struct CardForm {
    pub new_card: bool,
    pub number: TextField,
    pub holder: TextField,
    pub focus: CardFocus,
    pub luhn_confirmed: bool,
}

impl Refund {
    pub(super) fn request(&mut self, cx: &mut Cx) -> Action {
        let Some(actor) = cx.actor else {
            return Action::None;
        };
        let Mode::Card(form) = &mut self.mode else {
            return Action::None;
        };
        let (number, holder) = (form.number.value(), form.holder.value());
        if form.new_card && (number.is_empty() || holder.trim().is_empty()) {
            form.focus = if number.is_empty() {
                CardFocus::Number
            } else {
                CardFocus::Holder
            };
            self.error = Some(cx.tr("refund_screen.need_card").to_string());
            return Action::None;
        }
        let card = form.new_card.then_some(NewCard {
            number: &number,
            holder: &holder,
            luhn_confirmed: form.luhn_confirmed,
        });
        match cx.desk.request_refund(actor, self.id, card) {
            Ok(row) => {
                self.mode = Mode::View;
                self.error = None;
                self.reload(cx);
                self.ask_confirm(&row, cx)
            }
            Err(DeskError::Refused(p)) if p.code == "card.luhn_unconfirmed" => Action::Confirm {
                question: cx.tr("refund_screen.luhn_question").to_string(),
                tag: LUHN,
            },
            Err(e) => {
                self.error = Some(desk_error(&e, cx));
                Action::None
            }
        }
    }

    pub(super) fn on_card_key(
        &mut self,
        command: Option<&str>,
        key: &KeyEvent,
        cx: &mut Cx,
    ) -> Action {
        let Mode::Card(form) = &mut self.mode else {
            return Action::None;
        };
        let order: &[CardFocus] = if form.new_card {
            &[CardFocus::Source, CardFocus::Number, CardFocus::Holder]
        } else {
            &[CardFocus::Source]
        };
        let at = order.iter().position(|f| *f == form.focus).unwrap_or(0);
        let n = order.len();
        match command {
            Some("refund_card.submit") => return self.request(cx),
            Some("refund_card.cancel") => self.mode = Mode::View,
            Some("refund_card.next") => form.focus = order[(at + 1) % n],
            Some("refund_card.prev") => form.focus = order[(at + n - 1) % n],
            _ if form.focus != CardFocus::Source => {
                let field = match form.focus {
                    CardFocus::Number => &mut form.number,
                    _ => &mut form.holder,
                };
                if field.on_key(key) {
                    form.luhn_confirmed &= form.focus != CardFocus::Number;
                }
            }
            Some("refund_card.toggle") => form.new_card = !form.new_card,
            Some("refund_card.on_file") => form.new_card = false,
            Some("refund_card.new") => form.new_card = true,
            _ => return Action::None,
        }
        self.error = None;
        Action::None
    }
}
