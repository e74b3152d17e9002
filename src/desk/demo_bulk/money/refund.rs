//! A refund attempt after the request: confirmation and its window, the next
//! working day's batch to the bank, the bank's answer a few working days later
//! — and after a failure, perhaps another card, perhaps a forfeit.

use super::{minutes, Deposit};
use crate::desk::demo_bulk::{entry, next, stamp, Gen};
use crate::domain::bank_card::{luhn_check_digit, BankCard};
use crate::domain::lifecycle::DepositState as D;
use crate::store::bulk::{Refund, Row};
use crate::store::refund::refund_reference;
use chrono::{DateTime, Utc};
use rand::seq::IndexedRandom;
use rand::Rng;

const BANK_FAILURES: [&str; 3] = ["账户冻结", "户名不符", "账户已销户"];
const GAVE_UP: &str = "退款失败后商户未再提供本人名下银行卡";

/// One refund attempt from request to the bank's answer, as far as now allows.
#[allow(clippy::too_many_arguments)]
pub(super) fn attempt(
    g: &mut Gen,
    dep: &mut Deposit,
    t: DateTime<Utc>,
    (card_number, card_bank): (String, Option<String>),
    holder: &str,
    phone: &str,
    clerk: i64,
    tries: u32,
) {
    let sup = g.supervisor;
    let id = next(&mut g.ids.refund);
    let reference = refund_reference(id);
    let at = stamp(t);
    dep.go(
        g,
        &at,
        Some(clerk),
        "request refund",
        D::RefundRequested,
        None,
    );
    dep.refund_id = Some(id);
    g.log(
        &at,
        Some(clerk),
        entry("refund", id, "request").moves(None, "requested"),
    );
    let mut r = Refund {
        id,
        deposit_id: dep.id,
        amount_fen: dep.amount.fen(),
        card_number,
        card_holder: holder.to_string(),
        card_bank,
        state: "requested",
        requested_at: at,
        requested_by: clerk,
        confirmed_at: None,
        confirmed_by: None,
        window: None,
        batch_id: None,
        bank_ref: None,
        failure_reason: None,
        completed_at: None,
    };
    let confirmed = t + minutes(g, 5..2_880);
    if !g.happened(confirmed) || g.rng.random_bool(0.03) {
        dep.rows.push(Row::Refund(Box::new(r)));
        return;
    }
    // `confirm_refund` in refund.rs: the window from the confirmation day.
    let day = Gen::day_of(confirmed);
    let w = g.window(day);
    let at = stamp(confirmed);
    let (earliest, latest) = (
        w.earliest.format("%Y-%m-%d").to_string(),
        w.latest.format("%Y-%m-%d").to_string(),
    );
    r.state = "confirmed";
    r.confirmed_at = Some(at.clone());
    r.confirmed_by = Some(clerk);
    r.window = Some((earliest.clone(), latest.clone(), w.complete));
    let mut e = entry("refund", id, "confirm").moves(Some("requested"), "confirmed");
    if !w.complete {
        e = e.because(format!(
            "holiday schedule missing for {:?}",
            w.missing_years
        ));
    }
    g.log(&at, Some(clerk), e);
    dep.go(
        g,
        &at,
        Some(clerk),
        "confirm refund",
        D::RefundConfirmed,
        None,
    );
    // The next working day's batch to the bank.
    let export_day = g.workdays_after(day, 1);
    if !g.happened(Gen::at_local(export_day, 16, 0)) {
        dep.rows.push(Row::Refund(Box::new(r)));
        return;
    }
    let (batch, at) = g.batch(export_day, dep.amount);
    r.state = "sent";
    r.batch_id = Some(batch);
    let e = entry("refund", id, "send to bank")
        .moves(Some("confirmed"), "sent")
        .because(format!("RB{batch:06}"));
    g.log(&at, Some(sup), e);
    dep.go(g, &at, Some(sup), "refund sent", D::RefundSent, None);
    let sms =
        crate::desk::messages::refund_sent(&reference, dep.amount, Some((&earliest, &latest)));
    g.sms(&at, phone, sms, dep.owner.application_id);
    // The bank answers a few working days later; now and then much later.
    let wait = if g.rng.random_bool(0.02) {
        g.rng.random_range(10..=40)
    } else {
        g.rng.random_range(2..=6)
    };
    let answer_day = g.workdays_after(export_day, wait);
    let answered = Gen::at_local(answer_day, 11, 0);
    if !g.happened(answered) {
        dep.rows.push(Row::Refund(Box::new(r)));
        return;
    }
    g.settlement_file(answer_day);
    let at = stamp(answered);
    r.completed_at = Some(at.clone());
    if g.rng.random_bool(0.95) {
        r.state = "refunded";
        r.bank_ref = Some(format!(
            "BK{:010}",
            g.rng.random_range(0..10_000_000_000u64)
        ));
        g.log(
            &at,
            Some(sup),
            entry("refund", id, "bank result").moves(Some("sent"), "refunded"),
        );
        dep.go(g, &at, Some(sup), "refunded", D::Refunded, None);
        let sms = crate::desk::messages::refund_done(dep.amount, &r.card_number);
        g.sms(&at, phone, sms, dep.owner.application_id);
        dep.rows.push(Row::Refund(Box::new(r)));
        return;
    }
    let reason = *BANK_FAILURES
        .choose(&mut g.rng)
        .unwrap_or(&BANK_FAILURES[0]);
    r.state = "failed";
    r.bank_ref = Some(String::new());
    r.failure_reason = Some(reason);
    let e = entry("refund", id, "bank result")
        .moves(Some("sent"), "failed")
        .because(reason);
    g.log(&at, Some(sup), e);
    dep.go(
        g,
        &at,
        Some(sup),
        "refund failed",
        D::RefundFailed,
        Some(reason),
    );
    g.sms(
        &at,
        phone,
        crate::desk::messages::refund_failed(&reference, reason),
        dep.owner.application_id,
    );
    dep.rows.push(Row::Refund(Box::new(r)));
    // Most come back with another card in their own name; a few never do.
    let again = answered + minutes(g, 1_440..21_600);
    if tries == 1 && g.rng.random_bool(0.6) && g.happened(again) {
        let payload = format!("621700{:012}", g.rng.random_range(0..1_000_000_000_000u64));
        let card = format!("{payload}{}", luhn_check_digit(&payload).unwrap_or('0'));
        let bank = BankCard::parse(&card, g.bins)
            .ok()
            .and_then(|c| c.bank.map(|b| b.bank));
        attempt(g, dep, again, (card, bank), holder, phone, clerk, tries + 1);
    } else if g.rng.random_bool(0.1) {
        let gave_up = answered + minutes(g, 7_200..43_200);
        if g.happened(gave_up) {
            dep.go(
                g,
                &stamp(gave_up),
                Some(sup),
                "forfeit",
                D::Forfeited,
                Some(GAVE_UP),
            );
        }
    }
}
