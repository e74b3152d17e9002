//! Draft, update, submit and cancel an application.

use super::auth::Actor;
use super::error::{refuse, DeskResult};
use super::{audit, Ctx, Desk};
use crate::domain::application_form::{ApplicationForm, FormCheck, FormRules};
use crate::domain::lifecycle::{application_next, ApplicationEvent, ApplicationState, DeviceState};
use crate::domain::permission::UseCase;
use crate::domain::problem::Problem;
use crate::domain::resident_id::ResidentId;
use crate::store;
use crate::store::application::{reference, ApplicationRow};
use rusqlite::Connection;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Saved {
    pub id: i64,
    pub reference: String,
    pub check: FormCheck,
}

pub(crate) fn load(tx: &Connection, id: i64) -> DeskResult<ApplicationRow> {
    match store::application::get(tx, id)? {
        Some(a) => Ok(a),
        None => Err(Problem::new(
            "application.unknown",
            format!("There is no application {}.", reference(id)),
        )
        .with("reference", reference(id))
        .into()),
    }
}

/// Apply one lifecycle event: the rule decides, the store records, the audit remembers.
pub(crate) fn transition(
    tx: &Connection,
    ctx: &Ctx,
    actor: &Actor,
    app: &ApplicationRow,
    event: ApplicationEvent,
    reason: Option<&str>,
) -> DeskResult<ApplicationState> {
    let to = application_next(app.state, event)?;
    store::application::set_state(tx, app.id, app.state, to, reason, &ctx.stamp())?;
    audit(
        tx,
        ctx,
        Some(actor),
        "application",
        app.id,
        event.as_str(),
        Some(app.state.as_str()),
        Some(to.as_str()),
        reason,
    )?;
    Ok(to)
}

pub(crate) fn required_reason(reason: &str, what: &str) -> DeskResult<String> {
    let r = reason.trim();
    if r.chars().count() < 2 {
        return refuse("reason.missing", format!("Give a reason to {what}."));
    }
    if r.chars().count() > 500 {
        return refuse("reason.too_long", "Keep the reason under 500 characters.");
    }
    Ok(r.to_string())
}

fn rules<'a>(ctx: &'a Ctx) -> FormRules<'a> {
    FormRules {
        today: ctx.today(),
        bins: ctx.bins,
        policy: ctx.policy,
    }
}

pub(crate) fn create_draft(
    tx: &Connection,
    ctx: &Ctx,
    actor: &Actor,
    point_id: i64,
    form: &ApplicationForm,
) -> DeskResult<Saved> {
    actor.require(UseCase::CreateDraft)?;
    let (form, check) = form.normalize(&rules(ctx));
    let terms = form
        .terms_agreed
        .then_some(ctx.policy.rules.terms_version.as_str());
    let id =
        store::application::insert_draft(tx, &form, point_id, actor.staff_id, terms, &ctx.stamp())?;
    audit(
        tx,
        ctx,
        Some(actor),
        "application",
        id,
        "create draft",
        None,
        Some("draft"),
        None,
    )?;
    Ok(Saved {
        id,
        reference: reference(id),
        check,
    })
}

pub(crate) fn submit(
    tx: &Connection,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
) -> DeskResult<ApplicationState> {
    actor.require(UseCase::Submit)?;
    let app = load(tx, id)?;
    application_next(app.state, ApplicationEvent::Submit)?;
    let (form, check) = app.form.check_complete(&rules(ctx));
    if !check.is_ok() {
        let fields = check
            .errors
            .iter()
            .map(|e| format!("field.{}", e.field))
            .collect();
        return Err(Problem::new(
            "application.incomplete",
            format!(
                "{} cannot be submitted yet. {}",
                reference(id),
                check.summary()
            ),
        )
        .with("reference", reference(id))
        .with_keys("fields", fields)
        .into());
    }
    let rid = ResidentId::parse(&form.id_number, ctx.today())?;
    let merchant_id = match store::merchant::by_id_number(tx, rid.as_str())? {
        Some(m) => {
            let same = crate::domain::person_name::PersonName::parse(&m.full_name)
                .map(|n| n.matches(&form.full_name))
                .unwrap_or(false);
            if !same {
                return refuse(
                    "merchant.name_mismatch",
                    "This ID number is on file under a different name; check the ID card.",
                );
            }
            m.id
        }
        None => {
            let birth = rid.birth_date().format("%Y-%m-%d").to_string();
            let sex = match rid.sex() {
                crate::domain::resident_id::Sex::Male => "male",
                crate::domain::resident_id::Sex::Female => "female",
            };
            let mid = store::merchant::insert(
                tx,
                &store::merchant::NewMerchant {
                    id_number: rid.as_str(),
                    full_name: &form.full_name,
                    birth_date: &birth,
                    sex,
                },
                &ctx.stamp(),
            )?;
            audit(
                tx,
                ctx,
                Some(actor),
                "merchant",
                mid,
                "create",
                None,
                None,
                None,
            )?;
            mid
        }
    };
    check_terminal_limit(tx, ctx, merchant_id, id, false)?;
    let terms = ctx.policy.rules.terms_version.as_str();
    store::application::write_form(tx, id, &form, Some(terms), &ctx.stamp())?;
    store::application::set_merchant(tx, id, merchant_id)?;
    transition(tx, ctx, actor, &app, ApplicationEvent::Submit, None)
}

/// The policy's limit on terminals per ID number. At binding only devices count;
/// earlier, the person's other open applications count too, since each will need one.
pub(crate) fn check_terminal_limit(
    tx: &Connection,
    ctx: &Ctx,
    merchant_id: i64,
    application_id: i64,
    binding: bool,
) -> DeskResult<()> {
    let max = i64::from(ctx.policy.rules.max_active_terminals_per_id);
    let held = store::merchant::active_terminals(tx, merchant_id)?;
    let pending = if binding {
        0
    } else {
        store::merchant::open_applications(tx, merchant_id, application_id)?
    };
    if held + pending + 1 > max {
        return Err(Problem::new(
            "policy.terminal_limit",
            format!(
                "This ID number already has {held} terminal(s) and {pending} other open application(s); the limit is {max} per person."
            ),
        )
        .with("held", held)
        .with("pending", pending)
        .with("max", max)
        .into());
    }
    Ok(())
}

pub(crate) fn cancel(
    tx: &Connection,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    reason: &str,
) -> DeskResult<()> {
    actor.require(UseCase::Cancel)?;
    let reason = required_reason(reason, "cancel an application")?;
    let app = load(tx, id)?;
    application_next(app.state, ApplicationEvent::Cancel)?;
    let now = ctx.stamp();
    // A device waiting for this merchant goes back on the shelf.
    if let Some(b) = store::device::active_binding(tx, id)? {
        store::device::end_binding(tx, b.id, "application cancelled", &now)?;
        release_device(tx, ctx, actor, b.device_id, DeviceState::Bound)?;
    }
    if let Some(d) = store::device::reserved_for(tx, id)? {
        release_device(tx, ctx, actor, d.id, DeviceState::Reserved)?;
    }
    transition(
        tx,
        ctx,
        actor,
        &app,
        ApplicationEvent::Cancel,
        Some(&reason),
    )?;
    Ok(())
}

pub(crate) fn release_device(
    tx: &Connection,
    ctx: &Ctx,
    actor: &Actor,
    device_id: i64,
    from: DeviceState,
) -> DeskResult<()> {
    crate::domain::lifecycle::device_can_move(from, DeviceState::InStock)?;
    store::device::set_state(
        tx,
        device_id,
        from,
        DeviceState::InStock,
        None,
        &ctx.stamp(),
    )?;
    audit(
        tx,
        ctx,
        Some(actor),
        "device",
        device_id,
        "release",
        Some(from.as_str()),
        Some("in_stock"),
        None,
    )
}

impl Desk {
    /// Start an application at the actor's pickup point (or `point_code`).
    pub fn create_draft(
        &mut self,
        actor: &Actor,
        point_code: Option<&str>,
        form: &ApplicationForm,
    ) -> DeskResult<Saved> {
        let point_code = point_code.map(|c| c.trim().to_ascii_uppercase());
        self.run(|tx, ctx| {
            let point_id = match &point_code {
                Some(code) => super::setup::point_id(tx, code)?,
                None => actor.point_id.ok_or_else(|| {
                    Problem::new(
                        "application.no_point",
                        "Choose the pickup point for this application.",
                    )
                })?,
            };
            create_draft(tx, ctx, actor, point_id, form)
        })
    }

    /// Save the form of a draft; problems in filled-in fields are reported, not refused.
    pub fn update_draft(
        &mut self,
        actor: &Actor,
        id: i64,
        form: &ApplicationForm,
    ) -> DeskResult<Saved> {
        actor.require(UseCase::UpdateDraft)?;
        self.run(|tx, ctx| {
            let app = load(tx, id)?;
            if app.state != ApplicationState::Draft {
                return Err(Problem::new(
                    "application.not_draft",
                    format!(
                        "{} is {} and can no longer be edited.",
                        reference(id),
                        app.state
                    ),
                )
                .with("reference", reference(id))
                .with_key("state", format!("state.{}", app.state.as_str()))
                .into());
            }
            let (form, check) = form.normalize(&rules(ctx));
            let terms = form
                .terms_agreed
                .then_some(ctx.policy.rules.terms_version.as_str());
            store::application::write_form(tx, id, &form, terms, &ctx.stamp())?;
            audit(
                tx,
                ctx,
                Some(actor),
                "application",
                id,
                "update draft",
                None,
                None,
                None,
            )?;
            Ok(Saved {
                id,
                reference: reference(id),
                check,
            })
        })
    }

    /// Check a form without saving it (the screen's inline validation).
    pub fn check_form(
        &self,
        form: &ApplicationForm,
        complete: bool,
    ) -> (ApplicationForm, FormCheck) {
        let today = self.clock.today();
        let rules = FormRules {
            today,
            bins: &self.bins,
            policy: &self.policy,
        };
        if complete {
            form.check_complete(&rules)
        } else {
            form.normalize(&rules)
        }
    }

    pub fn submit(&mut self, actor: &Actor, id: i64) -> DeskResult<ApplicationState> {
        self.run(|tx, ctx| submit(tx, ctx, actor, id))
    }

    pub fn cancel(&mut self, actor: &Actor, id: i64, reason: &str) -> DeskResult<()> {
        self.run(|tx, ctx| cancel(tx, ctx, actor, id, reason))
    }
}
