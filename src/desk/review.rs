//! The supervisor's decision on a submitted application.

use super::apply::{load, required_reason, transition};
use super::auth::Actor;
use super::error::DeskResult;
use super::{Ctx, Desk};
use crate::domain::lifecycle::{ApplicationEvent, ApplicationState};
use rusqlite::Connection;

pub(crate) fn approve(
    tx: &Connection,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    note: Option<&str>,
) -> DeskResult<ApplicationState> {
    actor.require_supervisor("approve an application")?;
    let app = load(tx, id)?;
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    transition(tx, ctx, actor, &app, ApplicationEvent::Approve, note)
}

pub(crate) fn reject(
    tx: &Connection,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    reason: &str,
) -> DeskResult<ApplicationState> {
    actor.require_supervisor("reject an application")?;
    let reason = required_reason(reason, "reject an application")?;
    let app = load(tx, id)?;
    let to = transition(
        tx,
        ctx,
        actor,
        &app,
        ApplicationEvent::Reject,
        Some(&reason),
    )?;
    if !app.form.phone.is_empty() {
        crate::store::outbox::enqueue(
            tx,
            &app.form.phone,
            "application_rejected",
            &format!(
                "【POS服务】您的终端申请 {} 未通过审核：{}。如有疑问请到申请网点咨询。",
                app.reference(),
                reason
            ),
            Some(id),
            &ctx.stamp(),
        )?;
    }
    Ok(to)
}

impl Desk {
    pub fn approve(
        &mut self,
        actor: &Actor,
        id: i64,
        note: Option<&str>,
    ) -> DeskResult<ApplicationState> {
        self.run(|tx, ctx| approve(tx, ctx, actor, id, note))
    }

    pub fn reject(&mut self, actor: &Actor, id: i64, reason: &str) -> DeskResult<ApplicationState> {
        self.run(|tx, ctx| reject(tx, ctx, actor, id, reason))
    }
}
