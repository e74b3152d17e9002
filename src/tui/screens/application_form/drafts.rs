//! Saving drafts, submitting, and leaving: the form's calls into the desk.

use super::ApplicationFormScreen;
use crate::desk::DeskError;
use crate::tui::screen::{Action, Cx, Notice};

pub(super) const ASK_SAVE: &str = "appform.ask_save";
pub(super) const ASK_DISCARD: &str = "appform.ask_discard";
pub(super) const ASK_LUHN: &str = "appform.ask_luhn";

impl ApplicationFormScreen {
    /// Save as a draft: created on the first save, updated afterwards.
    pub(super) fn save(&mut self, cx: &mut Cx) -> Result<String, String> {
        let Some(actor) = cx.actor else {
            return Err(cx.tr("app.internal_error").to_string());
        };
        let form = self.inputs.form();
        let result = match self.id {
            None => cx.desk.create_draft(actor, None, &form),
            Some(id) => cx.desk.update_draft(actor, id, &form),
        };
        match result {
            Ok(saved) => {
                tracing::info!(application = saved.id, "draft saved");
                self.id = Some(saved.id);
                self.reference = Some(saved.reference.clone());
                self.dirty = false;
                self.problem = None;
                Ok(saved.reference)
            }
            Err(e) => {
                let message = match e {
                    DeskError::Refused(p) => cx.t.problem(&p),
                    DeskError::Internal(e) => {
                        tracing::error!(error = %e, "saving a draft failed");
                        cx.tr("app.internal_error").to_string()
                    }
                };
                self.problem = Some(message.clone());
                Err(message)
            }
        }
    }

    /// Saves when something changed and there is something to keep.
    pub(super) fn autosave(&mut self, cx: &mut Cx) {
        if self.dirty && (self.id.is_some() || !self.inputs.is_empty()) {
            let _ = self.save(cx);
        }
    }

    pub(super) fn submit(&mut self, cx: &mut Cx) -> Action {
        let (_, complete) = cx.desk.check_form(&self.inputs.form(), true);
        if !complete.is_ok() {
            let n = complete.errors.len().to_string();
            self.problem = Some(cx.t.f("appform.fix_first", &[("n", &n)]));
            return Action::None;
        }
        // Always: what is submitted is exactly what was checked and shown.
        if self.save(cx).is_err() {
            return Action::None;
        }
        let (Some(id), Some(actor)) = (self.id, cx.actor) else {
            return Action::None;
        };
        match cx.desk.submit(actor, id) {
            Ok(_) => {
                let reference = self.reference.clone().unwrap_or_default();
                tracing::info!(application = id, "application submitted");
                Action::PopWith(Notice::Info(
                    cx.t.f("appform.submitted", &[("reference", &reference)]),
                ))
            }
            Err(DeskError::Refused(p)) => {
                tracing::info!(application = id, code = p.code, "submit refused");
                self.problem = Some(cx.t.problem(&p));
                Action::None
            }
            Err(DeskError::Internal(e)) => {
                tracing::error!(error = %e, "submit failed");
                self.problem = Some(cx.tr("app.internal_error").to_string());
                Action::None
            }
        }
    }

    pub(super) fn leave(&mut self, cx: &mut Cx) -> Action {
        if !self.dirty || (self.id.is_none() && self.inputs.is_empty()) {
            return Action::Pop;
        }
        Action::Confirm {
            question: cx.tr("appform.ask_save").to_string(),
            tag: ASK_SAVE,
        }
    }

    pub(super) fn saved_notice(reference: &str, cx: &Cx) -> Notice {
        Notice::Info(cx.t.f("appform.saved", &[("reference", reference)]))
    }

    /// The answers to this screen's questions.
    pub(super) fn answer(&mut self, tag: &'static str, yes: bool, cx: &mut Cx) -> Action {
        match (tag, yes) {
            (ASK_SAVE, true) => match self.save(cx) {
                Ok(reference) => Action::PopWith(Self::saved_notice(&reference, cx)),
                Err(_) => Action::None,
            },
            (ASK_SAVE, false) => Action::Confirm {
                question: cx.tr("appform.ask_discard").to_string(),
                tag: ASK_DISCARD,
            },
            (ASK_DISCARD, true) => Action::Pop,
            (ASK_LUHN, true) => {
                self.inputs.luhn_confirmed = true;
                self.changed(cx);
                Action::None
            }
            _ => Action::None,
        }
    }
}
