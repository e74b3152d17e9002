//! The verification checklist, the one-time phone code, verification and the contract.

use super::apply::{load, transition};
use super::auth::Actor;
use super::error::{refuse, DeskError, DeskResult};
use super::{audit, Ctx, Desk};
use crate::domain::application_form::{parse_validity, IdValidity};
use crate::domain::checklist::ChecklistItem;
use crate::domain::lifecycle::{ApplicationEvent, ApplicationState};
use crate::domain::permission::UseCase;
use crate::domain::person_name::PersonName;
use crate::domain::problem::Problem;
use crate::domain::resident_id::{capacity_on, Capacity, ResidentId};
use crate::store;
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rusqlite::Connection;

pub const CODE_MINUTES: i64 = 10;
pub const CODE_ATTEMPTS: i64 = 5;

fn open_for_checks(state: ApplicationState) -> DeskResult<()> {
    match state {
        ApplicationState::Submitted | ApplicationState::Approved => Ok(()),
        s => Err(Problem::new(
            "checklist.state",
            format!("The checklist is done while an application is submitted or approved; this one is {s}."),
        )
        .with_key("state", format!("state.{}", s.as_str()))
        .into()),
    }
}

/// Record one item. A pass is accepted only when what it claims is true of the
/// application; a failure (with a note) can always be recorded.
pub(crate) fn record_check(
    tx: &Connection,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    item: ChecklistItem,
    passed: bool,
    note: Option<&str>,
) -> DeskResult<()> {
    actor.require(UseCase::RecordCheck)?;
    let app = load(tx, id)?;
    open_for_checks(app.state)?;
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if !passed && note.is_none() {
        return refuse("checklist.note", "Say what failed in a note.");
    }
    if passed {
        check_pass(ctx, actor, &app, item, note)?;
    }
    let outcome = if passed { "passed" } else { "failed" };
    let before = store::checklist::record(
        tx,
        id,
        item.as_str(),
        outcome,
        note,
        actor.staff_id,
        &ctx.stamp(),
    )?;
    audit(
        tx,
        ctx,
        Some(actor),
        "application",
        id,
        &format!("check {}", item.as_str()),
        before.as_deref(),
        Some(outcome),
        note,
    )
}

fn check_pass(
    ctx: &Ctx,
    actor: &Actor,
    app: &store::application::ApplicationRow,
    item: ChecklistItem,
    note: Option<&str>,
) -> DeskResult<()> {
    let f = &app.form;
    match item {
        ChecklistItem::IdDocument => {
            ResidentId::parse(&f.id_number, ctx.today())?;
            match parse_validity(&f.id_valid_until)? {
                IdValidity::LongTerm => Ok(()),
                IdValidity::Until(d) if d >= ctx.today() => Ok(()),
                IdValidity::Until(d) => Err(Problem::new(
                    "id_validity.expired",
                    format!("The ID card expired on {d}."),
                )
                .with("date", d)
                .into()),
            }
        }
        ChecklistItem::IdPhotos => match note {
            Some(_) => Ok(()),
            None => refuse(
                "checklist.photo_ref",
                "Record where the ID photos are kept (the photo reference).",
            ),
        },
        ChecklistItem::FaceCheck => Ok(()),
        ChecklistItem::Capacity => {
            let rid = ResidentId::parse(&f.id_number, ctx.today())?;
            match capacity_on(&rid, ctx.today()) {
                Capacity::Adult => Ok(()),
                Capacity::NeedsSupervisor => {
                    actor.require(crate::domain::permission::UseCase::AdmitSixteenSeventeen)?;
                    match note {
                        Some(n) if n.chars().count() >= 4 => Ok(()),
                        _ => refuse(
                            "checklist.capacity_reason",
                            "Record why this 16–17 year old lives on their own income (the reason for the decision).",
                        ),
                    }
                }
                Capacity::Minor => Err(Problem::new(
                    "checklist.minor",
                    format!(
                        "The applicant is {}: under 16 cannot hold a terminal.",
                        rid.age_on(ctx.today())
                    ),
                )
                .with("age", rid.age_on(ctx.today()))
                .into()),
            }
        }
        ChecklistItem::PhoneCode => refuse(
            "checklist.phone_code",
            "The phone is confirmed by the one-time code the merchant receives, not by hand.",
        ),
        ChecklistItem::CardOwnName => {
            let own = PersonName::parse(&f.full_name)
                .map(|n| n.matches(&f.card_holder))
                .unwrap_or(false);
            if own {
                Ok(())
            } else {
                refuse(
                    "card.not_own_name",
                    "The card must be in the applicant's own name.",
                )
            }
        }
        ChecklistItem::Terms => {
            if f.terms_agreed {
                Ok(())
            } else {
                refuse("form.terms", "The applicant has not agreed to the terms.")
            }
        }
    }
}

/// Send a fresh one-time code to the application's phone, through the outbox.
pub(crate) fn send_phone_code(
    tx: &Connection,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    code: &str,
) -> DeskResult<()> {
    actor.require(UseCase::PhoneCode)?;
    let app = load(tx, id)?;
    open_for_checks(app.state)?;
    let expires = crate::store::instant(ctx.now + Duration::minutes(CODE_MINUTES));
    store::checklist::insert_code(tx, id, code, &ctx.stamp(), &expires)?;
    let sms = super::messages::phone_code(code);
    store::outbox::enqueue(
        tx,
        &app.form.phone,
        sms.template,
        &sms.body,
        Some(id),
        &ctx.stamp(),
    )?;
    audit(
        tx,
        ctx,
        Some(actor),
        "application",
        id,
        "send phone code",
        None,
        None,
        None,
    )
}

pub(crate) fn confirm_phone_code(
    tx: &Connection,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    typed: &str,
) -> DeskResult<Result<(), Problem>> {
    actor.require(UseCase::PhoneCode)?;
    let app = load(tx, id)?;
    open_for_checks(app.state)?;
    let Some(code) = store::checklist::latest_code(tx, id)? else {
        return refuse(
            "phone_code.none",
            "No code has been sent yet; send one first.",
        );
    };
    let expires: DateTime<Utc> = DateTime::parse_from_rfc3339(&code.expires_at)
        .map_err(|e| DeskError::Internal(e.into()))?
        .with_timezone(&Utc);
    if code.used || code.attempts >= CODE_ATTEMPTS || ctx.now > expires {
        return Ok(Err(Problem::new(
            "phone_code.expired",
            "This code is no longer valid; send a new one.",
        )));
    }
    if typed.trim() != code.code {
        store::checklist::code_attempt(tx, code.id, None)?;
        let left = CODE_ATTEMPTS - code.attempts - 1;
        return Ok(Err(Problem::new(
            "phone_code.wrong",
            format!("That is not the code that was sent; {left} tries left."),
        )
        .with("left", left)));
    }
    store::checklist::code_attempt(tx, code.id, Some(&ctx.stamp()))?;
    let before = store::checklist::record(
        tx,
        id,
        ChecklistItem::PhoneCode.as_str(),
        "passed",
        None,
        actor.staff_id,
        &ctx.stamp(),
    )?;
    audit(
        tx,
        ctx,
        Some(actor),
        "application",
        id,
        "check phone_code",
        before.as_deref(),
        Some("passed"),
        None,
    )?;
    Ok(Ok(()))
}

pub(crate) fn verify(
    tx: &Connection,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
) -> DeskResult<ApplicationState> {
    actor.require(UseCase::Verify)?;
    let app = load(tx, id)?;
    crate::domain::lifecycle::application_next(app.state, ApplicationEvent::Verify)?;
    let done = store::checklist::list(tx, id)?;
    let missing: Vec<&ChecklistItem> = ChecklistItem::ALL
        .iter()
        .filter(|item| {
            !done
                .iter()
                .any(|r| r.item == item.as_str() && r.outcome == "passed")
        })
        .collect();
    if !missing.is_empty() {
        let labels: Vec<&str> = missing.iter().map(|item| item.label()).collect();
        let keys = missing
            .iter()
            .map(|item| format!("verify.item.{}", item.as_str()))
            .collect();
        return Err(Problem::new(
            "checklist.incomplete",
            format!("Not verified yet; still to do: {}.", labels.join("; ")),
        )
        .with_keys("items", keys)
        .into());
    }
    transition(tx, ctx, actor, &app, ApplicationEvent::Verify, None)
}

pub(crate) fn sign_contract(
    tx: &Connection,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    typed_name: &str,
) -> DeskResult<ApplicationState> {
    actor.require(UseCase::SignContract)?;
    let app = load(tx, id)?;
    crate::domain::lifecycle::application_next(app.state, ApplicationEvent::SignContract)?;
    let name = PersonName::parse(&app.form.full_name)?;
    if !name.matches(typed_name) {
        return refuse(
            "contract.signature",
            "The typed signature does not match the applicant's full name; the applicant types their own full name.",
        );
    }
    store::checklist::insert_contract(
        tx,
        id,
        &ctx.policy.rules.contract_version,
        name.as_str(),
        actor.staff_id,
        &ctx.stamp(),
    )?;
    transition(tx, ctx, actor, &app, ApplicationEvent::SignContract, None)
}

impl Desk {
    pub fn record_check(
        &mut self,
        actor: &Actor,
        id: i64,
        item: ChecklistItem,
        passed: bool,
        note: Option<&str>,
    ) -> DeskResult<()> {
        self.run(|tx, ctx| record_check(tx, ctx, actor, id, item, passed, note))
    }

    pub fn send_phone_code(&mut self, actor: &Actor, id: i64) -> DeskResult<()> {
        let code = format!("{:06}", rand::rng().random_range(0..1_000_000));
        self.run(|tx, ctx| send_phone_code(tx, ctx, actor, id, &code))
    }

    /// A wrong code still counts as a try, so the attempt is kept even when refused.
    pub fn confirm_phone_code(&mut self, actor: &Actor, id: i64, code: &str) -> DeskResult<()> {
        self.run(|tx, ctx| confirm_phone_code(tx, ctx, actor, id, code))?
            .map_err(DeskError::Refused)
    }

    pub fn verify(&mut self, actor: &Actor, id: i64) -> DeskResult<ApplicationState> {
        self.run(|tx, ctx| verify(tx, ctx, actor, id))
    }

    pub fn sign_contract(
        &mut self,
        actor: &Actor,
        id: i64,
        typed_name: &str,
    ) -> DeskResult<ApplicationState> {
        self.run(|tx, ctx| sign_contract(tx, ctx, actor, id, typed_name))
    }
}

/// What the ID number says about the applicant, without the number itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Applicant {
    pub birth_date: chrono::NaiveDate,
    pub sex: crate::domain::resident_id::Sex,
    pub age: u32,
    pub capacity: Capacity,
}

/// The latest one-time code's state, never the code itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PhoneCodeStatus {
    pub expires_at: String,
    pub tries_left: i64,
    pub used: bool,
    pub expired: bool,
}

impl Desk {
    /// Age, sex and birth date from the ID number (`None` when it does not parse).
    pub fn applicant_age(&self, id: i64) -> DeskResult<Option<Applicant>> {
        let app = load(&self.conn, id)?;
        let today = self.clock.today();
        Ok(ResidentId::parse(&app.form.id_number, today)
            .ok()
            .map(|rid| Applicant {
                birth_date: rid.birth_date(),
                sex: rid.sex(),
                age: rid.age_on(today),
                capacity: capacity_on(&rid, today),
            }))
    }

    /// Whether a code was sent and how many tries it has left.
    pub fn phone_code_status(&self, id: i64) -> DeskResult<Option<PhoneCodeStatus>> {
        load(&self.conn, id)?;
        let Some(code) = store::checklist::latest_code(&self.conn, id)? else {
            return Ok(None);
        };
        let expired = DateTime::parse_from_rfc3339(&code.expires_at)
            .map(|t| self.clock.now() > t.with_timezone(&Utc))
            .unwrap_or(true);
        Ok(Some(PhoneCodeStatus {
            expires_at: code.expires_at,
            tries_left: (CODE_ATTEMPTS - code.attempts).max(0),
            used: code.used,
            expired,
        }))
    }
}
