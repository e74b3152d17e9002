//! Whether a deposit may go back, kept in step with its state (held ↔ eligible),
//! breaches of the agreement, and forfeiture.

use super::apply::{load, required_reason};
use super::auth::Actor;
use super::error::{refuse, DeskResult};
use super::fees::{accrue, activated_on, outstanding};
use super::{audit, Ctx, Desk};
use crate::domain::eligibility::{evaluate, Eligibility, Facts};
use crate::domain::lifecycle::DepositState;
use crate::domain::money::Fen;
use crate::domain::refund::deposit_can_move;
use crate::store;
use chrono::Days;
use rusqlite::Connection;

pub(crate) fn facts(tx: &Connection, ctx: &Ctx, app: i64) -> DeskResult<Facts> {
    let a = load(tx, app)?;
    let on = activated_on(tx, app)?;
    let target = ctx
        .policy
        .model(&a.form.model_code)
        .and_then(|m| m.volume_target);
    let volume = match (on, target, store::refund::deposit_of_application(tx, app)?) {
        (Some(on), Some(t), Some(d)) => {
            let last = on
                .checked_add_days(Days::new(u64::from(t.days)))
                .unwrap_or(on);
            store::refund::volume_between(
                tx,
                d.device_id,
                &on.format("%Y-%m-%d").to_string(),
                &last.format("%Y-%m-%d").to_string(),
            )?
        }
        _ => Fen::ZERO,
    };
    Ok(Facts {
        activated_on: on,
        fees_outstanding: outstanding(tx, app)?,
        open_breaches: store::refund::open_breaches(tx, app)?,
        volume_target: target,
        volume_in_window: volume,
    })
}

/// Re-evaluate and move the deposit between held and eligible if that changed.
pub(crate) fn refresh(
    tx: &Connection,
    ctx: &Ctx,
    actor: Option<&Actor>,
    app: i64,
) -> DeskResult<Eligibility> {
    accrue(tx, ctx, app)?;
    let e = evaluate(&facts(tx, ctx, app)?, ctx.today());
    if let Some(d) = store::refund::deposit_of_application(tx, app)? {
        let to = match (d.state.as_str(), e.eligible) {
            ("held", true) => Some(DepositState::Eligible),
            ("eligible", false) => Some(DepositState::Held),
            _ => None,
        };
        if let Some(to) = to {
            store::refund::set_deposit_state(
                tx,
                d.id,
                &d.state,
                to.as_str(),
                None,
                None,
                &ctx.stamp(),
            )?;
            let why = e.unmet.first().map(|u| u.message.as_str());
            audit(
                tx,
                ctx,
                actor,
                "deposit",
                d.id,
                "eligibility",
                Some(&d.state),
                Some(to.as_str()),
                why,
            )?;
        }
    }
    Ok(e)
}

impl Desk {
    /// What still stands between this deposit and its refund, in plain words.
    pub fn eligibility(&mut self, id: i64) -> DeskResult<Eligibility> {
        self.run(|tx, ctx| refresh(tx, ctx, None, id))
    }

    /// Re-evaluate every deposit still held or eligible (fees fall due with time).
    pub fn refresh_all(&mut self) -> DeskResult<usize> {
        self.run(|tx, ctx| {
            let mut moved = 0;
            for app in store::refund::deposits_to_refresh(tx)? {
                let before = store::refund::deposit_of_application(tx, app)?.map(|d| d.state);
                refresh(tx, ctx, None, app)?;
                let after = store::refund::deposit_of_application(tx, app)?.map(|d| d.state);
                moved += usize::from(before != after);
            }
            Ok(moved)
        })
    }

    pub fn record_breach(&mut self, actor: &Actor, id: i64, reason: &str) -> DeskResult<()> {
        actor.require(crate::domain::permission::UseCase::RecordBreach)?;
        let reason = required_reason(reason, "record a breach")?;
        self.run(|tx, ctx| {
            load(tx, id)?;
            let b = store::refund::insert_breach(tx, id, &reason, actor.staff_id, &ctx.stamp())?;
            audit(
                tx,
                ctx,
                Some(actor),
                "application",
                id,
                "record breach",
                None,
                None,
                Some(&crate::domain::audit_reason::breach(b, &reason)),
            )?;
            refresh(tx, ctx, Some(actor), id)?;
            Ok(())
        })
    }

    pub fn clear_breaches(&mut self, actor: &Actor, id: i64, reason: &str) -> DeskResult<usize> {
        actor.require(crate::domain::permission::UseCase::ClearBreach)?;
        let reason = required_reason(reason, "clear a breach")?;
        self.run(|tx, ctx| {
            load(tx, id)?;
            let n = store::refund::clear_breaches(tx, id, &reason, actor.staff_id, &ctx.stamp())?;
            if n == 0 {
                return refuse("breach.none", "No breach is on record for this terminal.");
            }
            audit(
                tx,
                ctx,
                Some(actor),
                "application",
                id,
                "clear breach",
                None,
                None,
                Some(&reason),
            )?;
            refresh(tx, ctx, Some(actor), id)?;
            Ok(n)
        })
    }

    /// Keep the deposit (supervisor, with a reason): the end of its road.
    pub fn forfeit(&mut self, actor: &Actor, id: i64, reason: &str) -> DeskResult<()> {
        actor.require(crate::domain::permission::UseCase::Forfeit)?;
        let reason = required_reason(reason, "forfeit a deposit")?;
        self.run(|tx, ctx| {
            let Some(d) = store::refund::deposit_of_application(tx, id)? else {
                return refuse("deposit.none", "This application has no deposit.");
            };
            let from = DepositState::parse(&d.state)
                .ok_or_else(|| anyhow::anyhow!("unknown deposit state"))?;
            deposit_can_move(from, DepositState::Forfeited)?;
            store::refund::set_deposit_state(
                tx,
                d.id,
                &d.state,
                "forfeited",
                Some(&reason),
                None,
                &ctx.stamp(),
            )?;
            audit(
                tx,
                ctx,
                Some(actor),
                "deposit",
                d.id,
                "forfeit",
                Some(&d.state),
                Some("forfeited"),
                Some(&reason),
            )?;
            Ok(())
        })
    }
}
