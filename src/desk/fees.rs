//! Fees after activation: what is due, what is paid, taking a payment.

use super::apply::load;
use super::auth::Actor;
use super::bind::PAYMENT_METHODS;
use super::error::{refuse, DeskResult};
use super::{audit, Ctx, Desk};
use crate::domain::fees::{allocate, fees_due};
use crate::domain::money::Fen;
use crate::domain::permission::UseCase;
use crate::domain::problem::Problem;
use crate::store;
use crate::store::money::PaidFor;
use crate::store::refund::FeeRow;
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct FeeStatus {
    pub fees: Vec<FeeRow>,
    pub outstanding: Fen,
}

/// The day a terminal was activated, in the counter's calendar.
pub(crate) fn activated_on(tx: &Connection, app: i64) -> DeskResult<Option<NaiveDate>> {
    let Some(b) = store::device::active_binding(tx, app)? else {
        return Ok(None);
    };
    Ok(b.activated_at
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| {
            t.with_timezone(&super::context::china_offset())
                .date_naive()
        }))
}

/// Bring the application's fee rows up to today (idempotent; derived from policy).
pub(crate) fn accrue(tx: &Connection, ctx: &Ctx, app: i64) -> DeskResult<()> {
    let Some(on) = activated_on(tx, app)? else {
        return Ok(());
    };
    let a = load(tx, app)?;
    let Some(model) = ctx.policy.model(&a.form.model_code) else {
        return Ok(());
    };
    let waived = ctx.policy.rules.first_terminal_device_fee_waived && is_first_terminal(tx, app)?;
    for f in fees_due(model, waived, on, ctx.today()) {
        let due = f.due.format("%Y-%m-%d").to_string();
        store::refund::ensure_fee(
            tx,
            app,
            f.kind.as_str(),
            f.period.as_deref(),
            f.amount,
            &due,
            &ctx.stamp(),
        )?;
    }
    Ok(())
}

/// A merchant's first terminal is the first of their applications to be activated.
fn is_first_terminal(tx: &Connection, app: i64) -> DeskResult<bool> {
    Ok(store::refund::activated_before(tx, app)? == 0)
}

pub(crate) fn outstanding(tx: &Connection, app: i64) -> DeskResult<Fen> {
    let mut owed = Fen::ZERO;
    for f in store::refund::fees(tx, app)? {
        let open = f.amount.checked_sub(f.paid).unwrap_or(Fen::ZERO);
        owed = owed
            .checked_add(open)
            .ok_or_else(|| anyhow::anyhow!("fee total overflows"))?;
    }
    Ok(owed)
}

impl Desk {
    pub fn fee_status(&mut self, id: i64) -> DeskResult<FeeStatus> {
        self.run(|tx, ctx| {
            load(tx, id)?;
            accrue(tx, ctx, id)?;
            Ok(FeeStatus {
                fees: store::refund::fees(tx, id)?,
                outstanding: outstanding(tx, id)?,
            })
        })
    }

    /// Take a payment towards the fees due, oldest first. Partial payments are
    /// fine; more than is owed is refused.
    pub fn pay_fees(
        &mut self,
        actor: &Actor,
        id: i64,
        amount: Fen,
        method: &str,
    ) -> DeskResult<FeeStatus> {
        actor.require(UseCase::PayFees)?;
        let method = method.trim().to_ascii_lowercase();
        if !PAYMENT_METHODS.contains(&method.as_str()) {
            return refuse(
                "payment.method",
                format!("Payment method is one of: {}.", PAYMENT_METHODS.join(", ")),
            );
        }
        if amount.fen() <= 0 {
            return refuse("payment.amount", "A payment must be more than ¥0.00.");
        }
        self.run(|tx, ctx| {
            load(tx, id)?;
            accrue(tx, ctx, id)?;
            let fees = store::refund::fees(tx, id)?;
            let open: Vec<(usize, Fen)> = fees
                .iter()
                .enumerate()
                .map(|(i, f)| (i, f.amount.checked_sub(f.paid).unwrap_or(Fen::ZERO)))
                .filter(|(_, o)| !o.is_zero())
                .collect();
            let owed = outstanding(tx, id)?;
            if owed.is_zero() {
                return refuse(
                    "payment.nothing_due",
                    "No fee is due for this terminal; nothing to pay.",
                );
            }
            let parts = allocate(&open, amount).ok_or_else(|| {
                Problem::new(
                    "payment.overpay",
                    format!("{amount} is more than the {owed} owed; take at most {owed}."),
                )
                .with("amount", amount)
                .with("owed", owed)
            })?;
            for (i, part) in parts {
                store::money::insert_payment(
                    tx,
                    id,
                    PaidFor::Fee(fees[i].id),
                    part,
                    &method,
                    actor.staff_id,
                    &ctx.stamp(),
                )?;
            }
            audit(
                tx,
                ctx,
                Some(actor),
                "application",
                id,
                "pay fees",
                None,
                None,
                Some(&crate::domain::audit_reason::paid(amount, &method)),
            )?;
            super::eligibility::refresh(tx, ctx, Some(actor), id)?;
            Ok(FeeStatus {
                fees: store::refund::fees(tx, id)?,
                outstanding: outstanding(tx, id)?,
            })
        })
    }
}
