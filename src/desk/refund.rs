//! Asking for the deposit back and confirming it: the money goes only to a card
//! in the applicant's own name, and confirmation fixes the expected window.

use super::apply::load;
use super::auth::Actor;
use super::eligibility::refresh;
use super::error::{refuse, DeskResult};
use super::{audit, Desk};
use crate::domain::bank_card::BankCard;
use crate::domain::lifecycle::DepositState;
use crate::domain::permission::UseCase;
use crate::domain::person_name::PersonName;
use crate::domain::problem::Problem;
use crate::domain::refund::{deposit_can_move, window, RefundWindow};
use crate::store;
use crate::store::refund::{NewRefund, RefundRow};

/// A different card for the refund (after a failure, or at the merchant's wish).
pub struct NewCard<'a> {
    pub number: &'a str,
    pub holder: &'a str,
    /// The clerk confirmed a Luhn warning with the card in hand.
    pub luhn_confirmed: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Confirmed {
    pub refund: RefundRow,
    pub window: RefundWindow,
}

impl Desk {
    /// Request the refund of an application's deposit, to the card on file or `card`.
    pub fn request_refund(
        &mut self,
        actor: &Actor,
        id: i64,
        card: Option<NewCard>,
    ) -> DeskResult<RefundRow> {
        actor.require(UseCase::RequestRefund)?;
        self.run(|tx, ctx| {
            let app = load(tx, id)?;
            let Some(d) = store::refund::deposit_of_application(tx, id)? else {
                return refuse("deposit.none", "This application has no deposit to refund.");
            };
            let e = refresh(tx, ctx, Some(actor), id)?;
            let d = store::refund::deposit(tx, d.id)?.ok_or_else(|| anyhow::anyhow!("deposit vanished"))?;
            let from = DepositState::parse(&d.state).ok_or_else(|| anyhow::anyhow!("unknown deposit state"))?;
            if from == DepositState::Held {
                let why: Vec<String> = e.unmet.iter().map(|u| u.message.clone()).collect();
                let keys = e.unmet.iter().map(|u| format!("unmet.{}", u.code)).collect();
                return Err(Problem::new(
                    "refund.not_eligible",
                    format!("The deposit cannot be refunded yet: {}", why.join(" ")),
                )
                .with_keys("unmet", keys)
                .into());
            }
            deposit_can_move(from, DepositState::RefundRequested)?;
            if d.amount.is_zero() {
                return refuse("refund.zero", "This deposit is ¥0.00; there is nothing to refund.");
            }
            let applicant = PersonName::parse(&app.form.full_name)?;
            let (number, holder, bank) = match card {
                None => (app.form.card_number.clone(), app.form.card_holder.clone(), Some(app.form.card_bank.clone())),
                Some(c) => {
                    let checked = BankCard::parse(c.number, ctx.bins)?;
                    if !checked.luhn_ok && !c.luhn_confirmed {
                        return refuse("card.luhn_unconfirmed", "The card number fails the Luhn check; confirm it with the card in hand.");
                    }
                    (checked.card.as_str().to_string(), c.holder.trim().to_string(), checked.bank.map(|b| b.bank))
                }
            };
            if !applicant.matches(&holder) {
                return refuse("refund.not_own_name", "A refund goes only to a card in the applicant's own name.");
            }
            let rid = store::refund::insert_refund(
                tx,
                &NewRefund { deposit_id: d.id, amount: d.amount, card_number: &number, card_holder: &holder, card_bank: bank.as_deref(), staff: actor.staff_id },
                &ctx.stamp(),
            )?;
            store::refund::set_deposit_state(tx, d.id, &d.state, "refund_requested", None, Some(rid), &ctx.stamp())?;
            audit(tx, ctx, Some(actor), "deposit", d.id, "request refund", Some(&d.state), Some("refund_requested"), None)?;
            audit(tx, ctx, Some(actor), "refund", rid, "request", None, Some("requested"), None)?;
            Ok(store::refund::refund(tx, rid)?.ok_or_else(|| anyhow::anyhow!("refund vanished"))?)
        })
    }

    /// Confirm with the merchant; fixes the window from the 3rd to the 7th working day.
    pub fn confirm_refund(&mut self, actor: &Actor, refund_id: i64) -> DeskResult<Confirmed> {
        actor.require(UseCase::ConfirmRefund)?;
        let (earliest, latest) = (
            self.policy.rules.refund_window_earliest,
            self.policy.rules.refund_window_latest,
        );
        self.run(|tx, ctx| {
            let Some(r) = store::refund::refund(tx, refund_id)? else {
                let reference = store::refund::refund_reference(refund_id);
                return Err(Problem::new(
                    "refund.unknown",
                    format!("There is no refund {reference}."),
                )
                .with("reference", reference)
                .into());
            };
            if r.state != "requested" {
                return Err(Problem::new(
                    "refund.state",
                    format!(
                        "Refund {} is {}, not waiting for confirmation.",
                        r.reference, r.state
                    ),
                )
                .with("reference", &r.reference)
                .with_key("state", format!("refund_state.{}", r.state))
                .into());
            }
            let d = store::refund::deposit(tx, r.deposit_id)?
                .ok_or_else(|| anyhow::anyhow!("deposit vanished"))?;
            let w = window(ctx.calendar, ctx.today(), earliest, latest);
            let fmt = |x: chrono::NaiveDate| x.format("%Y-%m-%d").to_string();
            store::refund::confirm_refund(
                tx,
                r.id,
                actor.staff_id,
                &ctx.stamp(),
                &fmt(w.earliest),
                &fmt(w.latest),
                w.complete,
            )?;
            store::refund::set_deposit_state(
                tx,
                d.id,
                &d.state,
                "refund_confirmed",
                None,
                None,
                &ctx.stamp(),
            )?;
            let note = (!w.complete)
                .then(|| format!("holiday schedule missing for {:?}", w.missing_years));
            audit(
                tx,
                ctx,
                Some(actor),
                "refund",
                r.id,
                "confirm",
                Some("requested"),
                Some("confirmed"),
                note.as_deref(),
            )?;
            audit(
                tx,
                ctx,
                Some(actor),
                "deposit",
                d.id,
                "confirm refund",
                Some(&d.state),
                Some("refund_confirmed"),
                None,
            )?;
            let refund = store::refund::refund(tx, r.id)?
                .ok_or_else(|| anyhow::anyhow!("refund vanished"))?;
            Ok(Confirmed { refund, window: w })
        })
    }

    pub fn refund_by_reference(&self, reference: &str) -> DeskResult<RefundRow> {
        let r = reference.trim().to_ascii_uppercase();
        store::refund::refund_by_ref(&self.conn, &r)?.ok_or_else(|| {
            Problem::new("refund.unknown", format!("There is no refund {r}."))
                .with("reference", &r)
                .into()
        })
    }
}
