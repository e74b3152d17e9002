//! A supervisor may see one personal number in full; every look is audited,
//! and the audit row says what was looked at, never the number itself.

use super::apply::load;
use super::auth::Actor;
use super::error::{refuse, DeskResult};
use super::{audit, Desk};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revealable {
    IdNumber,
    CardNumber,
    Phone,
}

impl Revealable {
    pub const ALL: [Revealable; 3] = [
        Revealable::IdNumber,
        Revealable::CardNumber,
        Revealable::Phone,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Revealable::IdNumber => "id_number",
            Revealable::CardNumber => "card_number",
            Revealable::Phone => "phone",
        }
    }
}

impl Desk {
    /// The full value of one masked number, for a supervisor, with an audit entry.
    pub fn reveal(&mut self, actor: &Actor, id: i64, what: Revealable) -> DeskResult<String> {
        actor.require(crate::domain::permission::UseCase::Reveal)?;
        self.run(|tx, ctx| {
            let app = load(tx, id)?;
            let value = match what {
                Revealable::IdNumber => app.form.id_number,
                Revealable::CardNumber => app.form.card_number,
                Revealable::Phone => app.form.phone,
            };
            if value.trim().is_empty() {
                return refuse(
                    "reveal.empty",
                    "Nothing is recorded there yet, so there is nothing to reveal.",
                );
            }
            let action = format!("reveal {}", what.as_str());
            audit(
                tx,
                ctx,
                Some(actor),
                "application",
                id,
                &action,
                None,
                None,
                None,
            )?;
            Ok(value)
        })
    }
}
