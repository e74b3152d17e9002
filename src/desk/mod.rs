//! The use cases. Each validates with `domain/`, runs one IMMEDIATE transaction
//! in `store/`, and appends its audit entry in that same transaction. The TUI
//! and the CLI call these and nothing else.

mod apply;
mod auth;
mod backup;
mod bank;
mod bind;
mod calendar;
mod checklist;
mod context;
pub mod demo;
pub mod demo_bulk;
mod demo_money;
mod eligibility;
mod error;
mod fees;
mod messages;
mod outbox;
mod query;
mod refund;
mod reveal;
mod review;
pub mod search_worker;
mod setup;
mod status;
mod test_pause;

pub use apply::Saved;
pub use auth::Actor;
pub use bank::{BatchPreview, BatchReport, ImportReport, VolumeReport};
pub use bind::{HandOver, PAYMENT_METHODS};
pub use checklist::{Applicant, PhoneCodeStatus, CODE_MINUTES};
pub use context::{china_offset, Clock, Ctx, Setup};
pub use error::{io_reason_key, DeskError, DeskResult};
pub use fees::FeeStatus;
pub use query::{ApplicationView, ReviewFacts};
pub use refund::{Confirmed, NewCard};
pub use reveal::Revealable;
pub use search_worker::{SearchAnswer, SearchWorker};
pub use setup::{NewPoint, NewStaffMember};
pub use status::{day_bounds, DailyReport, MerchantStatus, Totals};
pub(crate) use test_pause::test_pause;

use crate::domain::bank_card::BinTable;
use crate::domain::calendar::HolidayCalendar;
use crate::domain::policy::Policy;
use anyhow::Result;
use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;

pub struct Desk {
    conn: Connection,
    /// Told each time the store stays locked by another counter and we try again.
    pub on_busy: Option<Box<dyn Fn(u32) + Send>>,
    pub policy: Policy,
    pub calendar: HolidayCalendar,
    pub bins: BinTable,
    pub clock: Clock,
}

impl Desk {
    pub fn open(path: &Path, setup: Setup) -> Result<Desk> {
        Desk::with_connection(crate::store::open(path)?, setup)
    }

    pub fn in_memory(setup: Setup) -> Result<Desk> {
        Desk::with_connection(crate::store::open_in_memory()?, setup)
    }

    pub fn with_connection(conn: Connection, setup: Setup) -> Result<Desk> {
        let mut desk = Desk {
            conn,
            on_busy: None,
            policy: setup.policy,
            calendar: setup.calendar,
            bins: setup.bins,
            clock: setup.clock,
        };
        calendar::merge_stored_years(&desk.conn, &mut desk.calendar)?;
        Ok(desk)
    }

    /// Read-only access for queries that change nothing.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// One use case = one transaction; any refusal or error rolls all of it back.
    fn run<T>(&mut self, op: impl FnOnce(&Connection, &Ctx) -> DeskResult<T>) -> DeskResult<T> {
        let ctx = Ctx {
            now: self.clock.now(),
            policy: &self.policy,
            calendar: &self.calendar,
            bins: &self.bins,
        };
        let tx = begin_immediate(&mut self.conn, self.on_busy.as_deref())?;
        let value = op(&tx, &ctx)?;
        crate::store::audit::seal(&tx)?;
        tx.commit().map_err(error::from_sqlite)?;
        Ok(value)
    }
}

/// Append the audit entry for a change made in this transaction.
#[allow(clippy::too_many_arguments)]
pub(crate) fn audit(
    tx: &Connection,
    ctx: &Ctx,
    actor: Option<&Actor>,
    entity: &str,
    entity_id: i64,
    action: &str,
    from: Option<&str>,
    to: Option<&str>,
    reason: Option<&str>,
) -> DeskResult<()> {
    crate::store::audit::append(
        tx,
        &ctx.stamp(),
        &crate::store::audit::Entry {
            staff_id: actor.map(|a| a.staff_id),
            entity,
            entity_id,
            action,
            from,
            to,
            reason,
        },
    )?;
    Ok(())
}

/// How many times a transaction waits out a lock held by another counter.
pub const BUSY_RETRIES: u32 = 4;

/// Start a write transaction, waiting (busy_timeout) and retrying while another
/// counter holds the store; only then is it refused as busy.
fn begin_immediate<'c>(
    conn: &'c mut Connection,
    on_busy: Option<&(dyn Fn(u32) + Send)>,
) -> DeskResult<rusqlite::Transaction<'c>> {
    let conn: &'c Connection = conn;
    let mut attempt = 0;
    loop {
        match rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate) {
            Ok(tx) => return Ok(tx),
            Err(rusqlite::Error::SqliteFailure(f, _))
                if matches!(
                    f.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) && attempt < BUSY_RETRIES =>
            {
                attempt += 1;
                tracing::info!(attempt, "store busy, retrying");
                if let Some(f) = on_busy {
                    f(attempt);
                }
            }
            Err(e) => return Err(error::from_sqlite(e)),
        }
    }
}
