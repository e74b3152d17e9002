//! `posdesk app …`: each subcommand is one desk use case, so a script can take
//! a merchant from application to activated terminal.

use super::Session;
use crate::desk::Desk;
use crate::domain::application_form::{field_label, ApplicationForm, FormCheck};
use crate::domain::checklist::ChecklistItem;
use crate::store::application::parse_reference;
use clap::{Args, Subcommand};

#[derive(Args, Debug, Default)]
pub struct FormArgs {
    /// Applicant's full name as on the ID card.
    #[arg(long)]
    pub name: Option<String>,
    /// Resident ID number (18 characters).
    #[arg(long = "id")]
    pub id_number: Option<String>,
    /// ID card end date (YYYY-MM-DD) or long-term.
    #[arg(long)]
    pub id_valid_until: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub business: Option<String>,
    #[arg(long)]
    pub address: Option<String>,
    /// Settlement card number.
    #[arg(long)]
    pub card: Option<String>,
    /// Bank name (filled in from the card number when known).
    #[arg(long)]
    pub bank: Option<String>,
    #[arg(long)]
    pub branch: Option<String>,
    /// Account holder's name (must be the applicant).
    #[arg(long)]
    pub holder: Option<String>,
    /// debit or credit.
    #[arg(long)]
    pub card_kind: Option<String>,
    /// Device model code (see `posdesk device models`).
    #[arg(long)]
    pub model: Option<String>,
    /// The applicant agreed to the terms.
    #[arg(long)]
    pub agree_terms: bool,
    /// The card number fails the Luhn check and you confirmed it with the card in hand.
    #[arg(long)]
    pub confirm_luhn: bool,
}

impl FormArgs {
    fn apply_to(self, f: &mut ApplicationForm) {
        let set = |slot: &mut String, v: Option<String>| {
            if let Some(v) = v {
                *slot = v;
            }
        };
        set(&mut f.full_name, self.name);
        set(&mut f.id_number, self.id_number);
        set(&mut f.id_valid_until, self.id_valid_until);
        set(&mut f.phone, self.phone);
        set(&mut f.business_name, self.business);
        set(&mut f.business_address, self.address);
        set(&mut f.card_number, self.card);
        set(&mut f.card_bank, self.bank);
        set(&mut f.card_branch, self.branch);
        set(&mut f.card_holder, self.holder);
        set(&mut f.card_kind, self.card_kind);
        set(&mut f.model_code, self.model);
        f.terms_agreed |= self.agree_terms;
        f.card_luhn_confirmed |= self.confirm_luhn;
    }
}

#[derive(Subcommand, Debug)]
pub enum AppCommand {
    /// Start a draft application; prints its reference.
    New {
        #[command(flatten)]
        form: FormArgs,
        /// Pickup point code; your own point if left out.
        #[arg(long)]
        point: Option<String>,
    },
    /// Change fields of a draft.
    Update {
        reference: String,
        #[command(flatten)]
        form: FormArgs,
    },
    /// Submit a complete draft for review.
    Submit { reference: String },
    /// Approve (supervisor).
    Approve {
        reference: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Reject with a reason (supervisor).
    Reject {
        reference: String,
        #[arg(long)]
        reason: String,
    },
    /// Record a checklist item: id_document, id_photos, face_check, capacity, card_own_name, terms.
    Check {
        reference: String,
        item: String,
        /// Record a failure (with --note) instead of a pass.
        #[arg(long)]
        fail: bool,
        #[arg(long)]
        note: Option<String>,
    },
    /// Send a one-time code to the applicant's phone (through the outbox).
    SendCode { reference: String },
    /// Confirm the code the applicant read out.
    ConfirmCode { reference: String, code: String },
    /// Mark verified once every checklist item has passed.
    Verify { reference: String },
    /// The applicant signs by typing their full name.
    Sign {
        reference: String,
        #[arg(long = "name")]
        typed_name: String,
    },
    /// Reserve a device from this point's stock.
    Reserve { reference: String, serial: String },
    /// Bind a device (scan its serial); the merchant is told it is ready.
    Bind { reference: String, serial: String },
    /// Hand the device over: the ID card again and the deposit payment.
    HandOver {
        reference: String,
        /// The ID number on the card shown now.
        #[arg(long = "id")]
        id_shown: String,
        /// cash, unionpay, wechat or alipay.
        #[arg(long)]
        method: String,
    },
    /// Record the activation code or first transaction reference.
    Activate {
        reference: String,
        #[arg(long)]
        code: String,
    },
    /// Cancel before pickup, with a reason.
    Cancel {
        reference: String,
        #[arg(long)]
        reason: String,
    },
    /// Show an application (personal numbers masked).
    Show {
        reference: String,
        #[arg(long)]
        json: bool,
    },
    /// The audit trail of an application.
    Timeline { reference: String },
    /// What a supervisor should know before approving.
    Facts { reference: String },
    /// This point's applications waiting for their next step.
    Queue {
        #[arg(long)]
        point: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
}

fn id_of(reference: &str) -> anyhow::Result<i64> {
    parse_reference(reference).ok_or_else(|| {
        anyhow::anyhow!("{reference:?} is not an application reference (like AP00000042)")
    })
}

fn print_check(check: &FormCheck) {
    for e in &check.errors {
        println!("  error   {}: {}", field_label(e.field), e.problem.message);
    }
    for w in &check.warnings {
        println!("  warning {}: {}", field_label(w.field), w.problem.message);
    }
}

pub fn run(session: &Session, cmd: AppCommand) -> anyhow::Result<i32> {
    let mut desk = session.open_desk()?;
    // Read-only commands need no login.
    match &cmd {
        AppCommand::Show { reference, json } => return show(&desk, id_of(reference)?, *json),
        AppCommand::Timeline { reference } => {
            for row in desk.timeline(id_of(reference)?)? {
                let moved = match (&row.from_state, &row.to_state) {
                    (Some(f), Some(t)) => format!("{f} → {t}"),
                    (None, Some(t)) => format!("→ {t}"),
                    _ => String::new(),
                };
                println!(
                    "{}  {:<6} {:<20} {:<30} {}",
                    row.at,
                    row.staff_no.as_deref().unwrap_or("-"),
                    row.action,
                    moved,
                    row.reason.as_deref().unwrap_or("")
                );
            }
            return Ok(0);
        }
        AppCommand::Facts { reference } => {
            super::output::json(&desk.review_facts(id_of(reference)?)?)?;
            return Ok(0);
        }
        _ => {}
    }
    let actor = session.actor(&mut desk)?;
    match cmd {
        AppCommand::New { form, point } => {
            let mut f = ApplicationForm::default();
            form.apply_to(&mut f);
            let saved = desk.create_draft(&actor, point.as_deref(), &f)?;
            println!("{} saved as a draft.", saved.reference);
            print_check(&saved.check);
        }
        AppCommand::Update { reference, form } => {
            let id = id_of(&reference)?;
            let mut f = crate::store::application::get(desk.conn(), id)?
                .ok_or_else(|| anyhow::anyhow!("there is no application {reference}"))?
                .form;
            form.apply_to(&mut f);
            let saved = desk.update_draft(&actor, id, &f)?;
            println!("{} saved.", saved.reference);
            print_check(&saved.check);
        }
        AppCommand::Submit { reference } => {
            moved(&reference, desk.submit(&actor, id_of(&reference)?)?)
        }
        AppCommand::Approve { reference, note } => moved(
            &reference,
            desk.approve(&actor, id_of(&reference)?, note.as_deref())?,
        ),
        AppCommand::Reject { reference, reason } => moved(
            &reference,
            desk.reject(&actor, id_of(&reference)?, &reason)?,
        ),
        AppCommand::Check {
            reference,
            item,
            fail,
            note,
        } => {
            let item = ChecklistItem::parse(&item).ok_or_else(|| {
                let names: Vec<&str> = ChecklistItem::ALL.iter().map(|i| i.as_str()).collect();
                anyhow::anyhow!(
                    "{item:?} is not a checklist item; the items are {}",
                    names.join(", ")
                )
            })?;
            desk.record_check(&actor, id_of(&reference)?, item, !fail, note.as_deref())?;
            println!(
                "{reference}: {} {}.",
                item.label(),
                if fail { "failed" } else { "passed" }
            );
        }
        AppCommand::SendCode { reference } => {
            desk.send_phone_code(&actor, id_of(&reference)?)?;
            println!("{reference}: a one-time code is waiting in the SMS outbox.");
        }
        AppCommand::ConfirmCode { reference, code } => {
            desk.confirm_phone_code(&actor, id_of(&reference)?, &code)?;
            println!("{reference}: phone confirmed.");
        }
        AppCommand::Verify { reference } => {
            moved(&reference, desk.verify(&actor, id_of(&reference)?)?)
        }
        AppCommand::Sign {
            reference,
            typed_name,
        } => moved(
            &reference,
            desk.sign_contract(&actor, id_of(&reference)?, &typed_name)?,
        ),
        AppCommand::Reserve { reference, serial } => {
            let d = desk.reserve_device(&actor, id_of(&reference)?, &serial)?;
            println!("{reference}: {} reserved.", d.serial);
        }
        AppCommand::Bind { reference, serial } => {
            let d = desk.bind_device(&actor, id_of(&reference)?, &serial)?;
            println!(
                "{reference}: {} bound; the merchant is told it is ready for pickup.",
                d.serial
            );
        }
        AppCommand::HandOver {
            reference,
            id_shown,
            method,
        } => {
            let h = desk.hand_over(&actor, id_of(&reference)?, &id_shown, &method)?;
            println!(
                "{reference}: handed over; deposit {} taken by {}.",
                h.deposit, h.method
            );
        }
        AppCommand::Activate { reference, code } => {
            desk.activate(&actor, id_of(&reference)?, &code)?;
            println!("{reference}: activated.");
        }
        AppCommand::Cancel { reference, reason } => {
            desk.cancel(&actor, id_of(&reference)?, &reason)?;
            println!("{reference}: cancelled.");
        }
        AppCommand::Queue { point, limit } => {
            let point_id = match point {
                Some(code) => Some(
                    crate::store::point::by_code(desk.conn(), &code.to_uppercase())?
                        .ok_or_else(|| anyhow::anyhow!("there is no pickup point {code}"))?
                        .id,
                ),
                None => actor.point_id,
            };
            use crate::domain::lifecycle::ApplicationState as S;
            let waiting = [
                S::Draft,
                S::Submitted,
                S::Approved,
                S::Verified,
                S::Contracted,
                S::ReadyForPickup,
                S::PickedUp,
            ];
            for row in crate::store::application::queue(desk.conn(), point_id, &waiting, limit)? {
                let phone = row
                    .phone
                    .as_deref()
                    .and_then(|p| crate::domain::phone::Phone::parse(p).ok())
                    .map(|p| p.masked())
                    .unwrap_or_default();
                println!(
                    "{} {:<17} {:<12} {:<12} {}",
                    row.reference,
                    row.state,
                    row.full_name.as_deref().unwrap_or("-"),
                    phone,
                    row.model_code.as_deref().unwrap_or("")
                );
            }
        }
        AppCommand::Show { .. } | AppCommand::Timeline { .. } | AppCommand::Facts { .. } => {}
    }
    Ok(0)
}

fn moved(reference: &str, state: crate::domain::lifecycle::ApplicationState) {
    println!("{reference} is now {state}.");
}

fn show(desk: &Desk, id: i64, json: bool) -> anyhow::Result<i32> {
    let v = desk.application(id)?;
    if json {
        super::output::json(&v)?;
        return Ok(0);
    }
    let f = &v.form;
    println!("{}  {}  ({})", v.reference, v.state, v.pickup_point);
    println!(
        "  applicant  {}  {}  valid until {}",
        f.full_name, f.id_number, f.id_valid_until
    );
    println!(
        "  contact    {}  {}  {}",
        f.phone, f.business_name, f.business_address
    );
    println!(
        "  card       {}  {} {}  holder {}  {}",
        f.card_number, f.card_bank, f.card_branch, f.card_holder, f.card_kind
    );
    println!(
        "  device     {}  {}",
        f.model_code,
        v.device_serial.as_deref().unwrap_or("-")
    );
    println!(
        "  terms      {}",
        if f.terms_agreed {
            v.terms_version.as_deref().unwrap_or("agreed")
        } else {
            "not agreed"
        }
    );
    if let Some(r) = &v.reason {
        println!("  reason     {r}");
    }
    for item in ChecklistItem::ALL {
        let row = v.checklist.iter().find(|r| r.item == item.as_str());
        let mark = match row.map(|r| r.outcome.as_str()) {
            Some("passed") => "[x]",
            Some(_) => "[!]",
            None => "[ ]",
        };
        let who = row
            .map(|r| format!("  {} {}", r.staff_no, r.recorded_at))
            .unwrap_or_default();
        println!("  {mark} {}{who}", item.label());
    }
    if let Some(c) = &v.contract {
        println!(
            "  contract   version {} signed {} at {}",
            c.version, c.signed_name, c.signed_at
        );
    }
    if let Some(d) = &v.deposit {
        println!("  deposit    {} {}", d.amount, d.state);
    }
    Ok(0)
}
