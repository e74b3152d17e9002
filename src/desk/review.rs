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
    actor.require(crate::domain::permission::UseCase::Approve)?;
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
    actor.require(crate::domain::permission::UseCase::Reject)?;
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
        let sms = super::messages::application_rejected(&app.reference(), &reason);
        crate::store::outbox::enqueue(
            tx,
            &app.form.phone,
            sms.template,
            &sms.body,
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
