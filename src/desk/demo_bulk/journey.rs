//! One merchant's way through the counter, as the use cases would have taken
//! it: draft, submission, review, checklist, contract, device, pickup and
//! activation, each step at a plausible time and none after now. The rows are
//! written once, in their final state, with the audit entries of every step.

mod device;

use super::super::bind::PAYMENT_METHODS;
use super::super::demo::TARGETS;
use super::money::{self, Deposit};
use super::{entry, next, people, stamp, Gen};
use crate::domain::application_form::ApplicationForm;
use crate::domain::checklist::ChecklistItem;
use crate::domain::lifecycle::{application_next, ApplicationEvent as E, ApplicationState as S};
use crate::domain::resident_id::{capacity_on, Capacity, ResidentId, Sex};
use crate::store::bulk::{Application, Row};
use chrono::{DateTime, Duration, Utc};
use device::{activate, bind, reserve, stock_device};
use rand::seq::IndexedRandom;
use rand::Rng;

/// Targets for merchants who came in long ago: most are activated by now; a
/// few applications were left where they stopped.
const SETTLED: &[(S, u32)] = &[
    (S::Draft, 4),
    (S::Submitted, 2),
    (S::Approved, 2),
    (S::Rejected, 8),
    (S::Verified, 1),
    (S::Contracted, 1),
    (S::ReadyForPickup, 2),
    (S::PickedUp, 2),
    (S::Activated, 170),
    (S::Cancelled, 10),
];

/// Merchants younger than this many days are still on their way (TARGETS).
const RECENT_DAYS: i64 = 21;

struct Journey {
    id: i64,
    state: S,
    t: DateTime<Utc>,
    updated_at: String,
    reason: Option<&'static str>,
    merchant: Option<Row>,
    merchant_id: Option<i64>,
    point: usize,
    clerk: i64,
    device: Option<Device>,
    binding: Option<Row>,
    deposit: Option<Deposit>,
    /// Checklist items, the phone code and the contract, in the order made.
    rows: Vec<Row>,
}

struct Device {
    id: i64,
    serial: String,
    model_code: String,
    state: &'static str,
    reserved_for: Option<i64>,
    created_at: String,
    updated_at: String,
}

impl Journey {
    /// Move on by `d`; false if that is later than now (the journey stops there).
    fn wait(&mut self, g: &Gen, d: Duration) -> bool {
        self.t += d;
        g.happened(self.t)
    }

    fn step(&mut self, g: &Gen) -> bool {
        self.wait(g, Duration::minutes(7))
    }

    /// One lifecycle event, recorded as `transition` in apply.rs records it.
    fn go(&mut self, g: &mut Gen, actor: i64, event: E, reason: Option<&'static str>) {
        let to = application_next(self.state, event)
            .unwrap_or_else(|p| panic!("bulk demo: {}", p.message));
        let at = stamp(self.t);
        let mut e = entry("application", self.id, event.as_str())
            .moves(Some(self.state.as_str()), to.as_str());
        if let Some(r) = reason {
            e = e.because(r);
            self.reason = Some(r);
        }
        g.log(&at, Some(actor), e);
        self.state = to;
        self.updated_at = at;
    }
}

/// Merchant `i` of the run: generate, then hand the rows over in an order the
/// foreign keys accept.
pub(super) fn merchant(g: &mut Gen, i: usize) {
    // Chronological: merchant i came in at about i/n of the way through the span.
    let share = (i as f64 + g.rng.random::<f64>()) / g.merchants.max(1) as f64;
    let latest = g.now - Duration::minutes(10);
    let start = latest - g.span + Duration::seconds((g.span.num_seconds() as f64 * share) as i64);
    let weights = if (g.now - start).num_days() < RECENT_DAYS {
        TARGETS
    } else {
        SETTLED
    };
    let total: u32 = weights.iter().map(|(_, w)| w).sum();
    let mut pick = g.rng.random_range(0..total);
    let target = weights
        .iter()
        .find(|(_, w)| {
            if pick < *w {
                true
            } else {
                pick -= w;
                false
            }
        })
        .map(|(s, _)| *s)
        .unwrap_or(S::Activated);
    let point = i % g.points.len();
    let terms = target != S::Draft || g.rng.random_bool(0.5);
    let form = people::application(g, i, Gen::day_of(start), terms);
    let mut j = Journey {
        id: next(&mut g.ids.application),
        state: S::Draft,
        t: start,
        updated_at: stamp(start),
        reason: None,
        merchant: None,
        merchant_id: None,
        point,
        clerk: g.points[point].clerk,
        device: None,
        binding: None,
        deposit: None,
        rows: Vec::new(),
    };
    let created_at = j.updated_at.clone();
    walk(g, &mut j, target, &form);
    *g.tally.applications.entry(j.state.as_str()).or_default() += 1;

    // Parents first: the merchant, the application, its device and binding.
    if let Some(m) = j.merchant.take() {
        g.out.push(m);
    }
    let terms_version = form
        .terms_agreed
        .then(|| g.policy.rules.terms_version.clone());
    g.out.push(Row::Application(Box::new(Application {
        id: j.id,
        state: j.state.as_str(),
        merchant_id: j.merchant_id,
        point_id: g.points[point].id,
        terms_agreed_at: form.terms_agreed.then(|| created_at.clone()),
        form,
        terms_version,
        reason: j.reason,
        created_by: j.clerk,
        created_at,
        updated_at: j.updated_at,
    })));
    if let Some(d) = j.device.take() {
        g.out.push(Row::Device {
            id: d.id,
            serial: d.serial,
            model_code: d.model_code,
            state: d.state,
            point_id: g.points[point].id,
            reserved_for: d.reserved_for,
            created_at: d.created_at,
            updated_at: d.updated_at,
        });
    }
    if let Some(b) = j.binding.take() {
        g.out.push(b);
    }
    g.out.append(&mut j.rows);
    if let Some(d) = j.deposit.take() {
        money::emit(g, d);
    }
    g.flush_tail();
}

fn walk(g: &mut Gen, j: &mut Journey, target: S, form: &ApplicationForm) {
    let (clerk, sup) = (j.clerk, g.supervisor);
    let at = stamp(j.t);
    g.log(
        &at,
        Some(clerk),
        entry("application", j.id, "create draft").moves(None, "draft"),
    );
    if target == S::Draft {
        return;
    }
    let cancel_as_draft = target == S::Cancelled && g.rng.random_bool(0.5);
    if cancel_as_draft {
        let d = Duration::minutes(g.rng.random_range(30..4320));
        if j.wait(g, d) {
            j.go(g, clerk, E::Cancel, Some("申请人放弃申请"));
        }
        return;
    }
    if !j.step(g) {
        return;
    }
    submit(g, j, form);
    if target == S::Submitted {
        return;
    }
    if target == S::Cancelled {
        let d = Duration::minutes(g.rng.random_range(30..4320));
        if j.wait(g, d) {
            j.go(g, clerk, E::Cancel, Some("申请人放弃申请"));
        }
        return;
    }
    let d = Duration::minutes(g.rng.random_range(10..2880));
    if !j.wait(g, d) {
        return;
    }
    if target == S::Rejected {
        j.go(g, sup, E::Reject, Some("经营场所信息无法核实"));
        let sms =
            crate::desk::messages::application_rejected(&reference(j.id), "经营场所信息无法核实");
        g.sms(&j.updated_at.clone(), &form.phone, sms, j.id);
        return;
    }
    j.go(g, sup, E::Approve, None);
    if target == S::Approved {
        return;
    }
    let d = Duration::minutes(g.rng.random_range(5..4320));
    if !j.wait(g, d) || !checklist(g, j, form) {
        return;
    }
    j.go(g, clerk, E::Verify, None);
    if target == S::Verified || !j.step(g) {
        return;
    }
    let at = stamp(j.t);
    let contract = next(&mut g.ids.contract);
    j.rows.push(Row::Contract {
        id: contract,
        application_id: j.id,
        version: g.policy.rules.contract_version.clone(),
        signed_name: form.full_name.clone(),
        signed_at: at,
        staff_id: clerk,
    });
    j.go(g, clerk, E::SignContract, None);
    let d = Duration::minutes(g.rng.random_range(60..4320));
    if target == S::Contracted {
        // Some have a device put aside for them already.
        if g.rng.random_bool(0.3) && j.wait(g, d) && stock_device(g, j, &form.model_code) {
            reserve(g, j);
        }
        return;
    }
    if !j.wait(g, d) || !stock_device(g, j, &form.model_code) {
        return;
    }
    bind(g, j, form);
    let d = Duration::minutes(g.rng.random_range(120..5760));
    if target == S::ReadyForPickup || !j.wait(g, d) {
        return;
    }
    let method = *PAYMENT_METHODS.choose(&mut g.rng).unwrap_or(&"cash");
    let owner = money::Owner {
        application_id: j.id,
        merchant_id: j.merchant_id.unwrap_or(0),
        device_id: device_id(j),
        point_id: g.points[j.point].id,
    };
    let deposit = money::take_deposit(g, owner, form, j.t, clerk, method);
    j.go(g, clerk, E::HandOver, None);
    j.deposit = Some(deposit);
    let d = Duration::minutes(g.rng.random_range(10..1440));
    if target == S::PickedUp || !j.wait(g, d) {
        return;
    }
    activate(g, j);
    let activated = j.t;
    if let Some(dep) = j.deposit.as_mut() {
        money::after_activation(g, dep, form, activated, clerk);
    }
}

fn reference(id: i64) -> String {
    crate::store::application::reference(id)
}

fn device_id(j: &Journey) -> i64 {
    j.device.as_ref().map(|d| d.id).unwrap_or(0)
}

/// `submit` in apply.rs: the person on file (a new merchant), then the transition.
fn submit(g: &mut Gen, j: &mut Journey, form: &ApplicationForm) {
    let at = stamp(j.t);
    let rid = ResidentId::parse(&form.id_number, Gen::day_of(j.t))
        .unwrap_or_else(|p| panic!("bulk demo made a bad ID number: {}", p.message));
    let id = next(&mut g.ids.merchant);
    j.merchant = Some(Row::Merchant {
        id,
        id_number: rid.as_str().to_string(),
        full_name: form.full_name.clone(),
        birth_date: rid.birth_date().format("%Y-%m-%d").to_string(),
        sex: match rid.sex() {
            Sex::Male => "male",
            Sex::Female => "female",
        },
        created_at: at.clone(),
    });
    j.merchant_id = Some(id);
    g.log(&at, Some(j.clerk), entry("merchant", id, "create"));
    j.go(g, j.clerk, E::Submit, None);
}

/// The one-time code, then every item in the checklist's order; false if now
/// came first.
fn checklist(g: &mut Gen, j: &mut Journey, form: &ApplicationForm) -> bool {
    let clerk = j.clerk;
    let sent = j.t;
    let at = stamp(sent);
    let code = format!("{:06}", g.rng.random_range(0..1_000_000));
    let code_id = next(&mut g.ids.phone_code);
    g.sms(
        &at,
        &form.phone,
        crate::desk::messages::phone_code(&code),
        j.id,
    );
    g.log(
        &at,
        Some(clerk),
        entry("application", j.id, "send phone code"),
    );
    if !j.step(g) {
        // Sent, not yet typed in.
        j.rows.push(Row::PhoneCode {
            id: code_id,
            application_id: j.id,
            code,
            created_at: at,
            expires_at: stamp(sent + Duration::minutes(super::super::CODE_MINUTES)),
            used_at: None,
        });
        return false;
    }
    let used = stamp(j.t);
    j.rows.push(Row::PhoneCode {
        id: code_id,
        application_id: j.id,
        code,
        created_at: at,
        expires_at: stamp(sent + Duration::minutes(super::super::CODE_MINUTES)),
        used_at: Some(used.clone()),
    });
    record(g, j, ChecklistItem::PhoneCode, clerk, None, used);
    let rid = ResidentId::parse(&form.id_number, Gen::day_of(j.t)).ok();
    for item in ChecklistItem::ALL {
        if item == ChecklistItem::PhoneCode {
            continue;
        }
        if !j.step(g) {
            return false;
        }
        let (actor, note) = match item {
            ChecklistItem::IdPhotos => (clerk, Some(format!("IMG-{:08}-F/B", j.id))),
            ChecklistItem::Capacity
                if rid.as_ref().is_some_and(|r| {
                    capacity_on(r, Gen::day_of(j.t)) == Capacity::NeedsSupervisor
                }) =>
            {
                (
                    g.supervisor,
                    Some("本人经营个体店铺，以劳动收入为主要生活来源".to_string()),
                )
            }
            _ => (clerk, None),
        };
        let at = stamp(j.t);
        record(g, j, item, actor, note, at);
    }
    j.step(g)
}

fn record(
    g: &mut Gen,
    j: &mut Journey,
    item: ChecklistItem,
    actor: i64,
    note: Option<String>,
    at: String,
) {
    let mut e =
        entry("application", j.id, format!("check {}", item.as_str())).moves(None, "passed");
    e.reason = note.clone();
    g.log(&at, Some(actor), e);
    j.rows.push(Row::Checklist {
        application_id: j.id,
        item: item.as_str(),
        note,
        staff_id: actor,
        recorded_at: at,
    });
}
