//! Read-only views. Personal numbers leave here masked unless asked otherwise.

use super::apply::load;
use super::error::DeskResult;
use super::Desk;
use crate::domain::application_form::ApplicationForm;
use crate::domain::bank_card::BankCard;
use crate::domain::phone::Phone;
use crate::domain::resident_id::ResidentId;
use crate::store;
use crate::store::audit::AuditRow;
use crate::store::checklist::{ChecklistRow, ContractRow};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct ApplicationView {
    pub id: i64,
    pub reference: String,
    pub state: String,
    pub pickup_point: String,
    pub pickup_point_id: i64,
    pub form: ApplicationForm,
    pub terms_version: Option<String>,
    pub reason: Option<String>,
    pub checklist: Vec<ChecklistRow>,
    pub contract: Option<ContractRow>,
    pub device_serial: Option<String>,
    pub deposit: Option<store::money::DepositRow>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReviewFacts {
    pub active_terminals: i64,
    pub other_open_applications: i64,
    pub terminal_limit: u32,
    pub phone_on_other_merchants: i64,
}

/// 6+4 for ID and card, 3+4 for phone; text that does not parse is masked whole.
pub fn mask_form(form: &mut ApplicationForm) {
    let far_future = chrono::NaiveDate::MAX;
    if !form.id_number.is_empty() {
        form.id_number = ResidentId::parse(&form.id_number, far_future)
            .map(|id| id.masked())
            .unwrap_or_else(|_| mask_all(&form.id_number));
    }
    if !form.phone.is_empty() {
        form.phone = Phone::parse(&form.phone)
            .map(|p| p.masked())
            .unwrap_or_else(|_| mask_all(&form.phone));
    }
    if !form.card_number.is_empty() {
        form.card_number = BankCard::parse(&form.card_number, &Default::default())
            .map(|c| c.card.masked())
            .unwrap_or_else(|_| mask_all(&form.card_number));
    }
}

fn mask_all(text: &str) -> String {
    "*".repeat(text.chars().count().min(19))
}

impl Desk {
    /// An application as the screens and the CLI show it, personal numbers masked.
    pub fn application(&self, id: i64) -> DeskResult<ApplicationView> {
        let conn = &self.conn;
        let app = load(conn, id)?;
        let mut form = app.form.clone();
        mask_form(&mut form);
        let point = store::point::get(conn, app.pickup_point_id)?
            .map(|p| format!("{} {}", p.code, p.name))
            .unwrap_or_default();
        let device_serial = match store::device::active_binding(conn, id)? {
            Some(b) => store::device::get(conn, b.device_id)?.map(|d| d.serial),
            None => store::device::reserved_for(conn, id)?.map(|d| d.serial),
        };
        Ok(ApplicationView {
            id,
            reference: app.reference(),
            state: app.state.as_str().to_string(),
            pickup_point: point,
            pickup_point_id: app.pickup_point_id,
            form,
            terms_version: app.terms_version.clone(),
            reason: app.reason.clone(),
            checklist: store::checklist::list(conn, id)?,
            contract: store::checklist::contract(conn, id)?,
            device_serial,
            deposit: store::money::deposit_for(conn, id)?,
            created_at: app.created_at,
            updated_at: app.updated_at,
        })
    }

    /// What a supervisor should know before approving.
    pub fn review_facts(&self, id: i64) -> DeskResult<ReviewFacts> {
        let app = load(&self.conn, id)?;
        let (active, open, phone) = match app.merchant_id {
            Some(m) => (
                store::merchant::active_terminals(&self.conn, m)?,
                store::merchant::open_applications(&self.conn, m, id)?,
                store::application::others_with_phone(&self.conn, &app.form.phone, m)?,
            ),
            None => (0, 0, 0),
        };
        Ok(ReviewFacts {
            active_terminals: active,
            other_open_applications: open,
            terminal_limit: self.policy.rules.max_active_terminals_per_id,
            phone_on_other_merchants: phone,
        })
    }

    pub fn timeline(&self, id: i64) -> DeskResult<Vec<AuditRow>> {
        load(&self.conn, id)?;
        Ok(store::audit::for_entity(&self.conn, "application", id)?)
    }

    /// Everything in the store, counted: reads every table (status, not screens).
    pub fn counts(&self) -> DeskResult<store::status::StoreCounts> {
        Ok(store::status::counts(&self.conn)?)
    }

    /// Staff accounts: none means a new store (the first screen asks this, so
    /// it must not count a million applications).
    pub fn staff_count(&self) -> DeskResult<i64> {
        Ok(store::staff::count(&self.conn)?)
    }
}

impl Desk {
    /// Quick find by reference, phone, ID number or its last 4/6, serial or name.
    pub fn find(&self, query: &str, limit: i64) -> DeskResult<Vec<store::application::QueueRow>> {
        Ok(store::search::find(&self.conn, query, limit)?)
    }

    /// A point's applications waiting for their next step, by state.
    pub fn queue(
        &self,
        point_id: Option<i64>,
        states: &[crate::domain::lifecycle::ApplicationState],
        limit: i64,
    ) -> DeskResult<Vec<store::application::QueueRow>> {
        Ok(store::application::queue(
            &self.conn, point_id, states, limit,
        )?)
    }

    /// Today's counts at a point (the counter's calendar day, UTC+8).
    pub fn today_counts(&self, point_id: Option<i64>) -> DeskResult<Vec<(String, i64)>> {
        let today = self.clock.today();
        let start = today
            .and_hms_opt(0, 0, 0)
            .and_then(|t| {
                t.and_local_timezone(super::context::china_offset())
                    .single()
            })
            .map(|t| crate::store::instant(t.with_timezone(&chrono::Utc)))
            .unwrap_or_default();
        Ok(store::search::today(&self.conn, point_id, &start)?)
    }
}

impl Desk {
    /// A draft's form in full, for the clerk to go on editing it; only drafts
    /// are editable, so anything else is refused (and stays masked elsewhere).
    pub fn draft_form(&self, id: i64) -> DeskResult<ApplicationForm> {
        let app = load(&self.conn, id)?;
        if app.state != crate::domain::lifecycle::ApplicationState::Draft {
            return Err(crate::domain::problem::Problem::new(
                "application.not_draft",
                format!(
                    "{} is {} and can no longer be edited.",
                    app.reference(),
                    app.state
                ),
            )
            .with("reference", app.reference())
            .with_key("state", format!("state.{}", app.state.as_str()))
            .into());
        }
        Ok(app.form)
    }

    /// `BJ01 朝阳门便利店`: how a pickup point is shown on screen.
    pub fn point_label(&self, point_id: i64) -> DeskResult<Option<String>> {
        Ok(store::point::get(&self.conn, point_id)?.map(|p| format!("{} {}", p.code, p.name)))
    }
}
