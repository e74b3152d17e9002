//! What a merchant may know about their own terminal and deposit (the kiosk and
//! `posdesk status`), the daily report, and the dashboard's reads.

use super::eligibility::refresh;
use super::error::DeskResult;
use super::Desk;
use crate::domain::lifecycle::DepositState;
use crate::domain::money::Fen;
use crate::domain::phone::Phone;
use crate::domain::refund::is_overdue;
use crate::store;
use crate::store::dashboard::{DashboardRow, Filter};
use chrono::{NaiveDate, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct MerchantStatus {
    pub reference: String,
    /// First character of the name only: enough to reassure, not to identify.
    pub name_hint: String,
    pub application_state: String,
    pub device_state: Option<String>,
    pub deposit: Option<Fen>,
    pub deposit_state: Option<String>,
    pub refund_state: Option<String>,
    pub refund_reference: Option<String>,
    pub failure_reason: Option<String>,
    pub unmet: Vec<String>,
    pub unmet_codes: Vec<String>,
    pub window_earliest: Option<String>,
    pub window_latest: Option<String>,
    pub window_complete: Option<bool>,
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct DailyReport {
    pub date: String,
    pub pickups: i64,
    pub activations: i64,
    pub deposits_taken: i64,
    pub deposits_amount: Fen,
    pub refunds_sent: i64,
    pub refunds_sent_amount: Fen,
    pub refunds_completed: i64,
    pub refunds_completed_amount: Fen,
    pub refunds_failed: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub by_state: Vec<(String, i64, Fen)>,
    pub overdue: (i64, Fen),
}

/// The UTC instants that bound a counter day.
pub fn day_bounds(day: NaiveDate) -> (String, String) {
    let start = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| {
                t.and_local_timezone(super::context::china_offset())
                    .single()
            })
            .map(|t| crate::store::instant(t.with_timezone(&Utc)))
            .unwrap_or_default()
    };
    (start(day), start(day.succ_opt().unwrap_or(day)))
}

impl Desk {
    /// A merchant's own status by phone + last 6 characters of the ID number.
    /// A wrong pair gives `None`, the same whether or not the phone exists.
    pub fn merchant_status(
        &mut self,
        phone: &str,
        id_last6: &str,
    ) -> DeskResult<Option<MerchantStatus>> {
        let Ok(phone) = Phone::parse(phone) else {
            return Ok(None);
        };
        let last6 = id_last6.trim().to_ascii_uppercase();
        if last6.chars().count() != 6 {
            return Ok(None);
        }
        let Some(app_id) = store::dashboard::kiosk_application(&self.conn, phone.as_str(), &last6)?
        else {
            return Ok(None);
        };
        let today = self.clock.today();
        self.run(|tx, ctx| {
            let app = super::apply::load(tx, app_id)?;
            let deposit = store::refund::deposit_of_application(tx, app_id)?;
            let unmet = match &deposit {
                Some(d) if matches!(d.state.as_str(), "held" | "eligible") => {
                    refresh(tx, ctx, None, app_id)?.unmet
                }
                _ => Vec::new(),
            };
            let deposit = store::refund::deposit_of_application(tx, app_id)?;
            let device = match store::device::active_binding(tx, app_id)? {
                Some(b) => {
                    store::device::get(tx, b.device_id)?.map(|d| d.state.as_str().to_string())
                }
                None => None,
            };
            let refund = match deposit.as_ref().and_then(|d| d.refund_id) {
                Some(r) => store::refund::refund(tx, r)?,
                None => None,
            };
            let latest = refund
                .as_ref()
                .and_then(|r| r.window_latest.as_deref())
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            let dstate = deposit.as_ref().and_then(|d| DepositState::parse(&d.state));
            let overdue = matches!((latest, dstate), (Some(l), Some(s)) if is_overdue(l, today, s));
            Ok(Some(MerchantStatus {
                reference: app.reference(),
                name_hint: app
                    .form
                    .full_name
                    .chars()
                    .next()
                    .map(|c| format!("{c}**"))
                    .unwrap_or_default(),
                application_state: app.state.as_str().to_string(),
                device_state: device,
                deposit: deposit.as_ref().map(|d| d.amount),
                deposit_state: deposit.as_ref().map(|d| d.state.clone()),
                refund_state: refund.as_ref().map(|r| r.state.clone()),
                refund_reference: refund.as_ref().map(|r| r.reference.clone()),
                failure_reason: refund.as_ref().and_then(|r| r.failure_reason.clone()),
                unmet_codes: unmet.iter().map(|u| u.code.to_string()).collect(),
                unmet: unmet.into_iter().map(|u| u.message).collect(),
                window_earliest: refund.as_ref().and_then(|r| r.window_earliest.clone()),
                window_latest: refund.as_ref().and_then(|r| r.window_latest.clone()),
                window_complete: refund.as_ref().and_then(|r| r.window_complete),
                overdue,
            }))
        })
    }

    pub fn daily_report(&self, day: NaiveDate) -> DeskResult<DailyReport> {
        let (from, to) = day_bounds(day);
        let r = store::report::daily(&self.conn, &from, &to)?;
        Ok(DailyReport {
            date: day.format("%Y-%m-%d").to_string(),
            ..r
        })
    }

    /// Totals per deposit state from the summary, and what is overdue today.
    pub fn refund_totals(&self) -> DeskResult<Totals> {
        let today = self.clock.today().format("%Y-%m-%d").to_string();
        Ok(Totals {
            by_state: store::refund::summary(&self.conn)?,
            overdue: store::dashboard::overdue(&self.conn, &today)?,
        })
    }

    pub fn dashboard_page(
        &self,
        filter: &Filter,
        before: Option<i64>,
        limit: i64,
    ) -> DeskResult<Vec<DashboardRow>> {
        Ok(store::dashboard::page(&self.conn, filter, before, limit)?)
    }

    pub fn dashboard_filtered_totals(&self, filter: &Filter) -> DeskResult<(i64, Fen)> {
        Ok(store::dashboard::filtered_totals(&self.conn, filter)?)
    }

    /// Refunds sent and completed per counter day, the last `days` days.
    pub fn refunds_per_day(&self, days: u32) -> DeskResult<Vec<(String, i64, i64)>> {
        let first = self.clock.today() - chrono::Days::new(u64::from(days.saturating_sub(1)));
        let (since, _) = day_bounds(first);
        Ok(store::dashboard::per_day(&self.conn, &since)?)
    }

    /// A deposit's refund history and timeline (deposit and refund audit entries).
    pub fn deposit_timeline(&self, deposit_id: i64) -> DeskResult<Vec<store::audit::AuditRow>> {
        let mut rows = store::audit::for_entity(&self.conn, "deposit", deposit_id)?;
        if let Some(d) = store::refund::deposit(&self.conn, deposit_id)? {
            for r in store::refund::refunds_of_deposit(&self.conn, d.id)? {
                rows.extend(store::audit::for_entity(&self.conn, "refund", r.id)?);
            }
        }
        rows.sort_by_key(|r| r.id);
        Ok(rows)
    }

    pub fn refunds_of_application(&self, id: i64) -> DeskResult<Vec<store::refund::RefundRow>> {
        match store::refund::deposit_of_application(&self.conn, id)? {
            Some(d) => Ok(store::refund::refunds_of_deposit(&self.conn, d.id)?),
            None => Ok(Vec::new()),
        }
    }
}
