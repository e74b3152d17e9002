//! The application form: five sections with a stepper, every field checked as
//! it is typed by the domain's validators, drafts that save themselves, and a
//! review page (personal numbers masked) from which the clerk submits.

mod drafts;
mod fields;
mod header;
mod render;
mod review;
mod text;

use crate::desk::DeskError;
use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::screen::{Action, Cx, Notice, Screen};
use fields::{problem_for, FieldId, Inputs, REVIEW, SECTIONS};
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::Frame;

pub struct ApplicationFormScreen {
    /// The draft, once it has been saved.
    id: Option<i64>,
    reference: Option<String>,
    point: String,
    inputs: Inputs,
    section: usize,
    focus: usize,
    check: crate::domain::application_form::FormCheck,
    /// Changed since the last save.
    dirty: bool,
    /// The bank as last filled in from the card number; a bank the clerk typed
    /// is never overwritten.
    bank_auto: Option<String>,
    kind_auto: bool,
    /// A refusal or failure, shown on the screen until the next change.
    problem: Option<String>,
    scroll: u16,
}

use drafts::ASK_LUHN;

pub(crate) const KEYS: &[Binding] = &[
    Binding::new(Key::ctrl('s'), "appform.save", "key.save"),
    Binding::new(
        Key::plain(KeyCode::PageDown),
        "appform.next_section",
        "appform.key_next_section",
    ),
    Binding::new(Key::f(10), "appform.review", "appform.key_review"),
    Binding::new(Key::f(10), "appform.submit", "appform.key_submit"),
    Binding::new(
        Key::f(4),
        "appform.confirm_card",
        "appform.key_confirm_card",
    ),
    Binding::new(Key::plain(KeyCode::Esc), "appform.back", "key.back"),
    Binding::extra(
        Key::plain(KeyCode::PageUp),
        "appform.prev_section",
        "appform.key_prev_section",
    ),
    Binding::extra(Key::plain(KeyCode::Tab), "appform.next", "key.next_field"),
    Binding::extra(Key::plain(KeyCode::Enter), "appform.next", "key.next_field"),
    Binding::extra(Key::plain(KeyCode::Down), "appform.next", "key.next_field"),
    Binding::extra(
        Key::plain(KeyCode::BackTab),
        "appform.prev",
        "key.prev_field",
    ),
    Binding::extra(Key::plain(KeyCode::Up), "appform.prev", "key.prev_field"),
    Binding::extra(Key::ch(' '), "appform.choose_next", "appform.key_choose"),
    Binding::extra(
        Key::plain(KeyCode::Right),
        "appform.choose_next",
        "appform.key_choose",
    ),
    Binding::extra(
        Key::plain(KeyCode::Left),
        "appform.choose_prev",
        "appform.key_choose_prev",
    ),
];

impl ApplicationFormScreen {
    /// A new application at the actor's pickup point (saved on first need).
    pub fn new(cx: &mut Cx) -> ApplicationFormScreen {
        let point = cx
            .actor
            .and_then(|a| a.point_id)
            .and_then(|p| cx.desk.point_label(p).ok().flatten())
            .unwrap_or_default();
        let mut screen = ApplicationFormScreen {
            id: None,
            reference: None,
            point,
            inputs: Inputs::new(),
            section: 0,
            focus: 0,
            check: Default::default(),
            dirty: false,
            bank_auto: None,
            kind_auto: false,
            problem: None,
            scroll: 0,
        };
        screen.revalidate(cx);
        screen
    }

    /// Go on with a saved draft.
    pub fn resume(id: i64, cx: &mut Cx) -> Result<ApplicationFormScreen, String> {
        let describe = |e: DeskError, cx: &Cx| match e {
            DeskError::Refused(p) => cx.t.problem(&p),
            DeskError::Internal(e) => {
                tracing::error!(error = %e, "loading a draft failed");
                cx.tr("app.internal_error").to_string()
            }
        };
        let form = cx.desk.draft_form(id).map_err(|e| describe(e, cx))?;
        let view = cx.desk.application(id).map_err(|e| describe(e, cx))?;
        let mut screen = ApplicationFormScreen::new(cx);
        screen.id = Some(id);
        screen.reference = Some(view.reference);
        screen.point = view.pickup_point;
        screen.inputs = Inputs::from_form(&form);
        // A bank that the card number would give anyway stays "from the card".
        let mut without = form.clone();
        without.card_bank.clear();
        let from_card = cx.desk.check_form(&without, false).0.card_bank;
        if !from_card.is_empty() && from_card == form.card_bank {
            screen.bank_auto = Some(from_card);
        }
        screen.revalidate(cx);
        screen.dirty = false;
        Ok(screen)
    }

    fn field(&self) -> Option<FieldId> {
        SECTIONS
            .get(self.section)
            .and_then(|s| s.fields().get(self.focus))
            .copied()
    }

    fn on_review(&self) -> bool {
        self.section == REVIEW
    }

    fn luhn_pending(&self) -> bool {
        self.check
            .warnings
            .iter()
            .any(|w| w.problem.code == "card.luhn")
    }

    /// Check what is typed; fill in the bank and card type from the card number
    /// where the clerk has not chosen them.
    fn revalidate(&mut self, cx: &Cx) {
        let mut form = self.inputs.form();
        let typed_bank = form.card_bank.clone();
        let bank_is_auto = typed_bank.is_empty() || self.bank_auto.as_deref() == Some(&typed_bank);
        if bank_is_auto {
            form.card_bank.clear();
        }
        let (normal, check) = cx.desk.check_form(&form, false);
        if bank_is_auto {
            self.inputs.set(FieldId::CardBank, &normal.card_bank);
            self.bank_auto = (!normal.card_bank.is_empty()).then(|| normal.card_bank.clone());
        }
        if self.inputs.card_kind.is_empty() || self.kind_auto {
            let card_ok = problem_for(&check, FieldId::CardNumber).is_none_or(|(err, _)| !err);
            let kind = card_ok
                .then(|| cx.desk.bins.lookup(&normal.card_number))
                .flatten()
                .map(|bin| match bin.kind {
                    crate::domain::bank_card::CardKind::Debit => "debit",
                    crate::domain::bank_card::CardKind::Credit => "credit",
                });
            self.inputs.card_kind = kind.unwrap_or_default().to_string();
            self.kind_auto = kind.is_some();
        }
        self.check = check;
    }

    fn changed(&mut self, cx: &Cx) {
        self.dirty = true;
        self.problem = None;
        self.revalidate(cx);
    }

    fn go_to(&mut self, section: usize, focus: usize, cx: &mut Cx) {
        if section != self.section {
            // The review page says itself what is missing.
            self.problem = None;
            self.autosave(cx);
            self.scroll = 0;
        }
        self.section = section.min(REVIEW);
        self.focus = focus;
    }

    fn next_field(&mut self, cx: &mut Cx) {
        let n = SECTIONS[self.section].fields().len();
        if self.focus + 1 < n {
            self.focus += 1;
        } else if self.section < REVIEW {
            self.go_to(self.section + 1, 0, cx);
        }
    }

    fn prev_field(&mut self, cx: &mut Cx) {
        if self.focus > 0 {
            self.focus -= 1;
        } else if self.section > 0 {
            let prev = self.section - 1;
            let last = SECTIONS[prev].fields().len().saturating_sub(1);
            self.go_to(prev, last, cx);
        }
    }

    fn choose(&mut self, forward: bool, cx: &mut Cx) {
        let cycle = |options: &[String], current: &str| -> String {
            let n = options.len();
            if n == 0 {
                return String::new();
            }
            let next = match options.iter().position(|o| o == current) {
                Some(i) if forward => (i + 1) % n,
                Some(i) => (i + n - 1) % n,
                None if forward => 0,
                None => n - 1,
            };
            options[next].clone()
        };
        match self.field() {
            Some(FieldId::CardKind) => {
                let kinds = ["debit".to_string(), "credit".to_string()];
                self.inputs.card_kind = cycle(&kinds, &self.inputs.card_kind);
                self.kind_auto = false;
            }
            Some(FieldId::Model) => {
                let codes: Vec<String> = cx
                    .desk
                    .policy
                    .models
                    .iter()
                    .map(|m| m.code.clone())
                    .collect();
                self.inputs.model_code = cycle(&codes, &self.inputs.model_code);
            }
            Some(FieldId::Terms) => self.inputs.terms = !self.inputs.terms,
            _ => return,
        }
        self.changed(cx);
    }
}

impl Screen for ApplicationFormScreen {
    fn title(&self) -> &'static str {
        "appform.title"
    }

    /// The one key table, narrowed to what works where the focus is.
    fn bindings(&self) -> Vec<Binding> {
        let review = self.on_review();
        let choosing = self.field().is_some_and(|f| !f.is_text());
        let card = self.field() == Some(FieldId::CardNumber) && self.luhn_pending();
        KEYS.iter()
            .filter(|b| match b.id {
                "appform.review" | "appform.next_section" => !review,
                "appform.submit" => review,
                "appform.confirm_card" => card,
                "appform.choose_next" | "appform.choose_prev" => choosing,
                _ => true,
            })
            .copied()
            .collect()
    }

    fn text_focused(&self) -> bool {
        self.field().is_some_and(FieldId::is_text)
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        let table = cx.keys.resolve(&self.bindings());
        match lookup(&table, &key) {
            Some("appform.save") => {
                if self.id.is_none() && self.inputs.is_empty() {
                    return Action::Notice(Notice::Info(
                        cx.tr("appform.nothing_to_save").to_string(),
                    ));
                }
                return match self.save(cx) {
                    Ok(reference) => Action::Notice(Self::saved_notice(&reference, cx)),
                    Err(_) => Action::None,
                };
            }
            Some("appform.next_section") if self.section < REVIEW => {
                self.go_to(self.section + 1, 0, cx)
            }
            Some("appform.prev_section") if self.section > 0 => self.go_to(self.section - 1, 0, cx),
            Some("appform.review") => self.go_to(REVIEW, 0, cx),
            Some("appform.submit") => return self.submit(cx),
            Some("appform.back") => return self.leave(cx),
            Some("appform.confirm_card") => {
                return Action::Confirm {
                    question: cx.tr("appform.confirm_luhn").to_string(),
                    tag: ASK_LUHN,
                }
            }
            Some("appform.next") if self.on_review() => self.scroll = self.scroll.saturating_add(1),
            Some("appform.prev") if self.on_review() => self.scroll = self.scroll.saturating_sub(1),
            Some("appform.next") => self.next_field(cx),
            Some("appform.prev") => self.prev_field(cx),
            Some("appform.choose_next") => self.choose(true, cx),
            Some("appform.choose_prev") => self.choose(false, cx),
            _ => {
                let Some(field) = self.field() else {
                    return Action::None;
                };
                // An ID's check character is upper case on the card.
                let key = match (field, key.code) {
                    (FieldId::IdNumber, KeyCode::Char('x')) => {
                        KeyEvent::new(KeyCode::Char('X'), key.modifiers)
                    }
                    _ => key,
                };
                let Some(input) = self.inputs.input_mut(field) else {
                    return Action::None;
                };
                let before = input.value();
                input.on_key(&key);
                if input.value() != before {
                    self.after_edit(field, cx);
                }
            }
        }
        Action::None
    }

    fn on_paste(&mut self, text: &str, cx: &mut Cx) -> Action {
        let Some(field) = self.field() else {
            return Action::None;
        };
        let clean = field.clean_paste(text);
        if let Some(input) = self.inputs.input_mut(field) {
            input.insert(&clean);
            self.after_edit(field, cx);
        }
        Action::None
    }

    fn on_answer(&mut self, tag: &'static str, yes: bool, cx: &mut Cx) -> Action {
        self.answer(tag, yes, cx)
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        self.draw(frame, area, cx);
    }
}

impl ApplicationFormScreen {
    fn after_edit(&mut self, field: FieldId, cx: &Cx) {
        if field == FieldId::CardNumber {
            // A confirmation was for the number as it was.
            self.inputs.luhn_confirmed = false;
        }
        if field == FieldId::CardBank && self.inputs.value(FieldId::CardBank).is_empty() {
            self.bank_auto = None;
        }
        self.changed(cx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_bare_letter_is_bound_while_typing() {
        for b in KEYS {
            if b.key.is_printable() {
                assert!(
                    b.id.starts_with("appform.choose"),
                    "{} would fire while typing",
                    b.id
                );
            }
        }
    }
}
