//! A deposit's life after pickup, as the use cases would have lived it: card
//! volumes from the acquirer, fees falling due and paid, the eligibility rule
//! re-checked each time (held ↔ eligible), breaches and forfeits, and refunds
//! requested, confirmed with their window, sent in the day's batch and settled
//! by the bank — or failed and asked again on another card.

use super::{entry, next, stamp, Gen};
use crate::domain::application_form::ApplicationForm;
use crate::domain::audit_reason;
use crate::domain::eligibility::{evaluate, Facts};
use crate::domain::fees::{fees_due, FeeDue};
use crate::domain::lifecycle::DepositState as D;
use crate::domain::money::Fen;
use crate::domain::policy::DeviceModel;
use crate::domain::refund::deposit_can_move;
use crate::store::bulk::Row;
use chrono::{DateTime, Days, Duration, Utc};
use rand::seq::IndexedRandom;
use rand::Rng;

mod refund;

const BREACH: &str = "机具被转借他人使用";
const LOST: &str = "机具遗失，未能归还";

/// Whose deposit: the application, its merchant, device and point.
pub(super) struct Owner {
    pub application_id: i64,
    pub merchant_id: i64,
    pub device_id: i64,
    pub point_id: i64,
}

pub(super) struct Deposit {
    id: i64,
    owner: Owner,
    amount: Fen,
    state: D,
    reason: Option<&'static str>,
    created_at: String,
    updated_at: String,
    refund_id: Option<i64>,
    /// Payments, fees, volumes, breaches and refunds, in the order made (which
    /// is an order the foreign keys accept once the deposit is written).
    rows: Vec<Row>,
}

impl Deposit {
    fn go(
        &mut self,
        g: &mut Gen,
        at: &str,
        staff: Option<i64>,
        action: &'static str,
        to: D,
        reason: Option<&'static str>,
    ) {
        let mut e = entry("deposit", self.id, action).moves(Some(self.state.as_str()), to.as_str());
        if let Some(r) = reason {
            e = e.because(r);
            self.reason = Some(r);
        }
        g.log(at, staff, e);
        self.state = to;
        self.updated_at = at.to_string();
    }
}

/// `hand_over` in bind.rs: the deposit taken, as its own payment.
pub(super) fn take_deposit(
    g: &mut Gen,
    owner: Owner,
    form: &ApplicationForm,
    t: DateTime<Utc>,
    clerk: i64,
    method: &'static str,
) -> Deposit {
    let amount = g
        .policy
        .model(&form.model_code)
        .map(|m| m.deposit)
        .unwrap_or(Fen::ZERO);
    let at = stamp(t);
    let id = next(&mut g.ids.deposit);
    g.log(
        &at,
        Some(clerk),
        entry("deposit", id, "take deposit").moves(None, "held"),
    );
    let mut rows = Vec::new();
    if !amount.is_zero() {
        rows.push(Row::Payment {
            id: next(&mut g.ids.payment),
            application_id: owner.application_id,
            deposit_id: Some(id),
            fee_id: None,
            amount_fen: amount.fen(),
            method,
            staff_id: clerk,
            paid_at: at.clone(),
        });
    }
    Deposit {
        id,
        owner,
        amount,
        state: D::Held,
        reason: None,
        created_at: at.clone(),
        updated_at: at,
        refund_id: None,
        rows,
    }
}

/// The deposit and everything hung on it, after the application and its device.
pub(super) fn emit(g: &mut Gen, d: Deposit) {
    g.out.push(Row::Deposit {
        id: d.id,
        application_id: d.owner.application_id,
        merchant_id: d.owner.merchant_id,
        device_id: d.owner.device_id,
        amount_fen: d.amount.fen(),
        state: d.state.as_str(),
        reason: d.reason,
        created_at: d.created_at,
        updated_at: d.updated_at,
        point_id: d.owner.point_id,
    });
    g.out.extend(d.rows);
    if let Some(refund_id) = d.refund_id {
        g.out.push(Row::DepositRefund {
            deposit_id: d.id,
            refund_id,
        });
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    /// The acquirer's file with this volume line (index) is imported.
    Import(usize),
    Pay,
    /// The merchant checks at the kiosk (the status refreshes eligibility).
    Kiosk,
    Breach,
    Forfeit,
    /// The merchant asks for the deposit back.
    Request,
}

struct Fee {
    due: FeeDue,
    id: Option<i64>,
    paid: bool,
}

/// What the eligibility rule looks at, as it stands during the simulation.
struct Life<'m> {
    model: &'m DeviceModel,
    activated: chrono::NaiveDate,
    fees: Vec<Fee>,
    /// (day, amount, imported yet)
    volumes: Vec<(chrono::NaiveDate, Fen, bool)>,
    breaches: Vec<String>,
}

/// After activation: volumes, fees, eligibility, and perhaps the refund.
pub(super) fn after_activation(
    g: &mut Gen,
    dep: &mut Deposit,
    form: &ApplicationForm,
    activated: DateTime<Utc>,
    clerk: i64,
) {
    let policy = g.policy;
    let Some(model) = policy.model(&form.model_code) else {
        return;
    };
    let day = Gen::day_of(activated);
    // Each bulk merchant has one terminal: their first.
    let waived = policy.rules.first_terminal_device_fee_waived;
    let mut life = Life {
        model,
        activated: day,
        fees: fees_due(model, waived, day, g.today)
            .into_iter()
            .map(|due| Fee {
                due,
                id: None,
                paid: false,
            })
            .collect(),
        volumes: Vec::new(),
        breaches: Vec::new(),
    };
    let mut events: Vec<(DateTime<Utc>, Event)> = Vec::new();
    if let Some(target) = model.volume_target {
        // Most terminals reach their target, over four files a week or so apart.
        let share = if g.rng.random_bool(0.75) {
            110
        } else {
            g.rng.random_range(10..90)
        };
        let part = Fen(target.amount.fen() * share / 100 / 4);
        for k in 0..4u64 {
            let on = day + Days::new(k * 9 + 1);
            life.volumes.push((on, part, false));
            events.push((
                Gen::at_local(on + Days::new(1), 9, 0),
                Event::Import(k as usize),
            ));
        }
    }
    if g.rng.random_bool(0.8) {
        for f in &life.fees {
            let paid = Gen::at_local(f.due.due, 10, 0) + minutes(g, 0..14_400);
            events.push((paid, Event::Pay));
        }
    }
    let kinds = [
        (0.5, Event::Kiosk, 1_440..43_200),
        (0.005, Event::Breach, 7_200..86_400),
        (0.003, Event::Forfeit, 43_200..432_000),
        (0.75, Event::Request, 14_400..345_600),
    ];
    for (p, event, range) in kinds {
        if g.rng.random_bool(p) {
            events.push((activated + minutes(g, range), event));
        }
    }
    events.retain(|(t, _)| g.happened(*t));
    events.sort();
    let sup = g.supervisor;
    for (t, event) in events {
        if !matches!(dep.state, D::Held | D::Eligible) {
            break;
        }
        let at = stamp(t);
        match event {
            Event::Import(k) => {
                let (on, amount, _) = life.volumes[k];
                let file = g.volume_file(Gen::day_of(t), amount);
                dep.rows.push(Row::Volume {
                    id: next(&mut g.ids.volume),
                    device_id: dep.owner.device_id,
                    day: on.format("%Y-%m-%d").to_string(),
                    amount_fen: amount.fen(),
                    file_id: file,
                });
                life.volumes[k].2 = true;
                refresh(g, dep, &mut life, t, Some(sup));
            }
            Event::Pay => {
                accrue(g, dep, &mut life, t);
                let method = *["wechat", "alipay", "cash", "unionpay"]
                    .choose(&mut g.rng)
                    .unwrap_or(&"wechat");
                let mut owed = Fen::ZERO;
                for f in life.fees.iter_mut().filter(|f| f.id.is_some() && !f.paid) {
                    f.paid = true;
                    owed = owed.checked_add(f.due.amount).unwrap_or(owed);
                    dep.rows.push(Row::Payment {
                        id: next(&mut g.ids.payment),
                        application_id: dep.owner.application_id,
                        deposit_id: None,
                        fee_id: f.id,
                        amount_fen: f.due.amount.fen(),
                        method,
                        staff_id: clerk,
                        paid_at: at.clone(),
                    });
                }
                if !owed.is_zero() {
                    let e = entry("application", dep.owner.application_id, "pay fees")
                        .because(audit_reason::paid(owed, method));
                    g.log(&at, Some(clerk), e);
                    refresh(g, dep, &mut life, t, Some(clerk));
                }
            }
            Event::Kiosk => refresh(g, dep, &mut life, t, None),
            Event::Breach => {
                let id = next(&mut g.ids.breach);
                dep.rows.push(Row::Breach {
                    id,
                    application_id: dep.owner.application_id,
                    reason: BREACH,
                    recorded_by: sup,
                    recorded_at: at.clone(),
                });
                let e = entry("application", dep.owner.application_id, "record breach")
                    .because(audit_reason::breach(id, BREACH));
                g.log(&at, Some(sup), e);
                life.breaches.push(BREACH.to_string());
                refresh(g, dep, &mut life, t, Some(sup));
            }
            Event::Forfeit => {
                if deposit_can_move(dep.state, D::Forfeited).is_ok() {
                    dep.go(g, &at, Some(sup), "forfeit", D::Forfeited, Some(LOST));
                }
            }
            Event::Request => {
                refresh(g, dep, &mut life, t, Some(clerk));
                if dep.state == D::Eligible {
                    let card = (form.card_number.clone(), Some(form.card_bank.clone()));
                    refund::attempt(g, dep, t, card, &form.full_name, &form.phone, clerk, 1);
                }
            }
        }
    }
    if matches!(dep.state, D::Held | D::Eligible) {
        // What `fee_status` would show today.
        accrue(g, dep, &mut life, g.now);
    }
}

pub(super) fn minutes(g: &mut Gen, range: std::ops::Range<i64>) -> Duration {
    Duration::minutes(g.rng.random_range(range))
}

/// `accrue` in fees.rs: fee rows for everything due by `t`'s day.
fn accrue(g: &mut Gen, dep: &mut Deposit, life: &mut Life, t: DateTime<Utc>) {
    let today = Gen::day_of(t);
    let at = stamp(t);
    for f in life
        .fees
        .iter_mut()
        .filter(|f| f.id.is_none() && f.due.due <= today)
    {
        let id = next(&mut g.ids.fee);
        f.id = Some(id);
        dep.rows.push(Row::Fee {
            id,
            application_id: dep.owner.application_id,
            kind: f.due.kind.as_str(),
            period: f.due.period.clone(),
            amount_fen: f.due.amount.fen(),
            due_date: f.due.due.format("%Y-%m-%d").to_string(),
            created_at: at.clone(),
        });
    }
}

/// `refresh` in eligibility.rs: the rule decides, held ↔ eligible follows.
fn refresh(g: &mut Gen, dep: &mut Deposit, life: &mut Life, t: DateTime<Utc>, actor: Option<i64>) {
    accrue(g, dep, life, t);
    let today = Gen::day_of(t);
    let target = life.model.volume_target;
    let last = target.map(|v| life.activated + Days::new(u64::from(v.days)));
    let volume = life
        .volumes
        .iter()
        .filter(|(on, _, imported)| *imported && *on >= life.activated && Some(*on) <= last)
        .fold(Fen::ZERO, |sum, (_, a, _)| {
            sum.checked_add(*a).unwrap_or(sum)
        });
    let outstanding = life
        .fees
        .iter()
        .filter(|f| f.id.is_some() && !f.paid)
        .fold(Fen::ZERO, |sum, f| {
            sum.checked_add(f.due.amount).unwrap_or(sum)
        });
    let e = evaluate(
        &Facts {
            activated_on: Some(life.activated),
            fees_outstanding: outstanding,
            open_breaches: life.breaches.clone(),
            volume_target: target,
            volume_in_window: volume,
        },
        today,
    );
    let to = match (dep.state, e.eligible) {
        (D::Held, true) => D::Eligible,
        (D::Eligible, false) => D::Held,
        _ => return,
    };
    let at = stamp(t);
    let mut entry =
        entry("deposit", dep.id, "eligibility").moves(Some(dep.state.as_str()), to.as_str());
    if let Some(u) = e.unmet.first() {
        entry = entry.because(u.message.clone());
    }
    g.log(&at, actor, entry);
    dep.state = to;
    dep.updated_at = at;
}
