//! Fees, breaches, volumes, refunds and batches: the money after pickup.

use crate::domain::money::Fen;
use anyhow::{bail, Result};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

// ---- fees ---------------------------------------------------------------

#[derive(Debug, Clone, Serialize)]
pub struct FeeRow {
    pub id: i64,
    pub kind: String,
    pub period: Option<String>,
    pub amount: Fen,
    pub due_date: String,
    pub paid: Fen,
}

/// Insert a fee unless that kind and period exists already.
pub fn ensure_fee(
    conn: &Connection,
    app: i64,
    kind: &str,
    period: Option<&str>,
    amount: Fen,
    due: &str,
    now: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO fee (application_id, kind, period, amount_fen, due_date, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![app, kind, period, amount.fen(), due, now])?;
    Ok(())
}

pub fn fees(conn: &Connection, app: i64) -> Result<Vec<FeeRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.id, f.kind, f.period, f.amount_fen, f.due_date,
                coalesce((SELECT sum(p.amount_fen) FROM payment p WHERE p.fee_id = f.id), 0)
         FROM fee f WHERE f.application_id = ?1 ORDER BY f.due_date, f.id",
    )?;
    let rows = stmt.query_map([app], |r| {
        Ok(FeeRow {
            id: r.get(0)?,
            kind: r.get(1)?,
            period: r.get(2)?,
            amount: Fen(r.get(3)?),
            due_date: r.get(4)?,
            paid: Fen(r.get(5)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// ---- breaches -----------------------------------------------------------

pub fn insert_breach(
    conn: &Connection,
    app: i64,
    reason: &str,
    staff: i64,
    now: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO breach (application_id, reason, recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4)",
        params![app, reason, staff, now],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn clear_breaches(
    conn: &Connection,
    app: i64,
    reason: &str,
    staff: i64,
    now: &str,
) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE breach SET cleared_at = ?3, cleared_by = ?4, cleared_reason = ?2
         WHERE application_id = ?1 AND cleared_at IS NULL",
        params![app, reason, now, staff],
    )?)
}

pub fn open_breaches(conn: &Connection, app: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT reason FROM breach WHERE application_id = ?1 AND cleared_at IS NULL ORDER BY id",
    )?;
    let rows = stmt.query_map([app], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// ---- imported files and volumes ----------------------------------------

pub fn file_seen(conn: &Connection, kind: &str, sha256: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT imported_at FROM import_file WHERE kind = ?1 AND sha256 = ?2",
            params![kind, sha256],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn insert_file(
    conn: &Connection,
    kind: &str,
    sha256: &str,
    name: &str,
    rows: i64,
    staff: Option<i64>,
    now: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO import_file (kind, sha256, name, rows, imported_at, imported_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![kind, sha256, name, rows, now, staff],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn insert_volume(
    conn: &Connection,
    device_id: i64,
    day: &str,
    amount: Fen,
    file_id: i64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO volume (device_id, day, amount_fen, file_id) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![device_id, day, amount.fen(), file_id])?;
    Ok(())
}

/// Card volume of a device between two days, inclusive.
pub fn volume_between(conn: &Connection, device_id: i64, from: &str, to: &str) -> Result<Fen> {
    Ok(Fen(conn
        .prepare_cached("SELECT coalesce(sum(amount_fen), 0) FROM volume WHERE device_id = ?1 AND day BETWEEN ?2 AND ?3")?
        .query_row(params![device_id, from, to], |r| r.get(0))?))
}

// ---- deposits -----------------------------------------------------------

#[derive(Debug, Clone, Serialize)]
pub struct DepositFull {
    pub id: i64,
    pub application_id: i64,
    pub merchant_id: i64,
    pub device_id: i64,
    pub amount: Fen,
    pub state: String,
    pub reason: Option<String>,
    pub refund_id: Option<i64>,
}

fn deposit_row(r: &rusqlite::Row) -> rusqlite::Result<DepositFull> {
    Ok(DepositFull {
        id: r.get(0)?,
        application_id: r.get(1)?,
        merchant_id: r.get(2)?,
        device_id: r.get(3)?,
        amount: Fen(r.get(4)?),
        state: r.get(5)?,
        reason: r.get(6)?,
        refund_id: r.get(7)?,
    })
}

const DEPOSIT: &str = "SELECT id, application_id, merchant_id, device_id, amount_fen, state, reason, refund_id FROM deposit";

pub fn deposit_of_application(conn: &Connection, app: i64) -> Result<Option<DepositFull>> {
    Ok(conn
        .prepare_cached(&format!("{DEPOSIT} WHERE application_id = ?1"))?
        .query_row([app], deposit_row)
        .optional()?)
}

pub fn deposit(conn: &Connection, id: i64) -> Result<Option<DepositFull>> {
    Ok(conn
        .prepare_cached(&format!("{DEPOSIT} WHERE id = ?1"))?
        .query_row([id], deposit_row)
        .optional()?)
}

/// Move a deposit; refuses if someone else moved it first.
pub fn set_deposit_state(
    conn: &Connection,
    id: i64,
    from: &str,
    to: &str,
    reason: Option<&str>,
    refund_id: Option<i64>,
    now: &str,
) -> Result<()> {
    let n = conn
        .prepare_cached(
            "UPDATE deposit SET state = ?3, reason = coalesce(?4, reason), refund_id = coalesce(?5, refund_id), updated_at = ?6
             WHERE id = ?1 AND state = ?2",
        )?
        .execute(params![id, from, to, reason, refund_id, now])?;
    if n != 1 {
        bail!("deposit {id} changed under us (expected {from})");
    }
    Ok(())
}

pub fn summary(conn: &Connection) -> Result<Vec<(String, i64, Fen)>> {
    let mut stmt = conn.prepare_cached("SELECT state, count, amount_fen FROM deposit_summary")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, Fen(r.get(2)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// ---- refunds ------------------------------------------------------------

#[derive(Debug, Clone, Serialize)]
pub struct RefundRow {
    pub id: i64,
    pub reference: String,
    pub deposit_id: i64,
    pub amount: Fen,
    pub card_number: String,
    pub card_holder: String,
    pub card_bank: Option<String>,
    pub state: String,
    pub requested_at: String,
    pub confirmed_at: Option<String>,
    pub window_earliest: Option<String>,
    pub window_latest: Option<String>,
    pub window_complete: Option<bool>,
    pub batch_id: Option<i64>,
    pub bank_ref: Option<String>,
    pub failure_reason: Option<String>,
    pub completed_at: Option<String>,
}

const REFUND: &str = "SELECT id, ref, deposit_id, amount_fen, card_number, card_holder, card_bank, state, requested_at,
    confirmed_at, window_earliest, window_latest, window_complete, batch_id, bank_ref, failure_reason, completed_at FROM refund";

fn refund_row(r: &rusqlite::Row) -> rusqlite::Result<RefundRow> {
    Ok(RefundRow {
        id: r.get(0)?,
        reference: r.get(1)?,
        deposit_id: r.get(2)?,
        amount: Fen(r.get(3)?),
        card_number: r.get(4)?,
        card_holder: r.get(5)?,
        card_bank: r.get(6)?,
        state: r.get(7)?,
        requested_at: r.get(8)?,
        confirmed_at: r.get(9)?,
        window_earliest: r.get(10)?,
        window_latest: r.get(11)?,
        window_complete: r.get(12)?,
        batch_id: r.get(13)?,
        bank_ref: r.get(14)?,
        failure_reason: r.get(15)?,
        completed_at: r.get(16)?,
    })
}

pub fn refund_reference(id: i64) -> String {
    format!("RF{id:08}")
}

pub struct NewRefund<'a> {
    pub deposit_id: i64,
    pub amount: Fen,
    pub card_number: &'a str,
    pub card_holder: &'a str,
    pub card_bank: Option<&'a str>,
    pub staff: i64,
}

pub fn insert_refund(conn: &Connection, r: &NewRefund, now: &str) -> Result<i64> {
    // The reference is derived from the row id, so insert, then name it.
    conn.prepare_cached(
        "INSERT INTO refund (ref, deposit_id, amount_fen, card_number, card_holder, card_bank, state, requested_at, requested_by)
         VALUES ('pending-' || hex(randomblob(8)), ?1, ?2, ?3, ?4, ?5, 'requested', ?6, ?7)",
    )?
    .execute(params![r.deposit_id, r.amount.fen(), r.card_number, r.card_holder, r.card_bank, now, r.staff])?;
    let id = conn.last_insert_rowid();
    conn.execute(
        "UPDATE refund SET ref = ?2 WHERE id = ?1",
        params![id, refund_reference(id)],
    )?;
    Ok(id)
}

pub fn refund(conn: &Connection, id: i64) -> Result<Option<RefundRow>> {
    Ok(conn
        .prepare_cached(&format!("{REFUND} WHERE id = ?1"))?
        .query_row([id], refund_row)
        .optional()?)
}

pub fn refund_by_ref(conn: &Connection, reference: &str) -> Result<Option<RefundRow>> {
    Ok(conn
        .prepare_cached(&format!("{REFUND} WHERE ref = ?1"))?
        .query_row([reference], refund_row)
        .optional()?)
}

pub fn refunds_of_deposit(conn: &Connection, deposit_id: i64) -> Result<Vec<RefundRow>> {
    let mut stmt = conn.prepare_cached(&format!("{REFUND} WHERE deposit_id = ?1 ORDER BY id"))?;
    let rows = stmt.query_map([deposit_id], refund_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn confirm_refund(
    conn: &Connection,
    id: i64,
    staff: i64,
    now: &str,
    earliest: &str,
    latest: &str,
    complete: bool,
) -> Result<()> {
    let n = conn.execute(
        "UPDATE refund SET state = 'confirmed', confirmed_at = ?3, confirmed_by = ?2, window_earliest = ?4,
           window_latest = ?5, window_complete = ?6 WHERE id = ?1 AND state = 'requested'",
        params![id, staff, now, earliest, latest, complete],
    )?;
    if n != 1 {
        bail!("refund {id} changed under us");
    }
    Ok(())
}

pub fn confirmed_refunds(conn: &Connection) -> Result<Vec<RefundRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{REFUND} WHERE state = 'confirmed' AND batch_id IS NULL ORDER BY id"
    ))?;
    let rows = stmt.query_map([], refund_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_batch(
    conn: &Connection,
    file_name: &str,
    count: i64,
    total: Fen,
    staff: i64,
    now: &str,
) -> Result<(i64, String)> {
    conn.execute(
        "INSERT INTO refund_batch (ref, created_at, created_by, file_name, count, total_fen)
         VALUES ('pending-' || hex(randomblob(8)), ?1, ?2, ?3, ?4, ?5)",
        params![now, staff, file_name, count, total.fen()],
    )?;
    let id = conn.last_insert_rowid();
    let reference = format!("RB{id:06}");
    conn.execute(
        "UPDATE refund_batch SET ref = ?2 WHERE id = ?1",
        params![id, reference],
    )?;
    Ok((id, reference))
}

/// The refund references of a recorded batch, in file order; `None` if no
/// batch has that reference.
pub fn batch_refund_refs(conn: &Connection, reference: &str) -> Result<Option<Vec<String>>> {
    let id: Option<i64> = conn
        .query_row(
            "SELECT id FROM refund_batch WHERE ref = ?1",
            [reference],
            |r| r.get(0),
        )
        .optional()?;
    let Some(id) = id else {
        return Ok(None);
    };
    let mut stmt = conn.prepare("SELECT ref FROM refund WHERE batch_id = ?1 ORDER BY id")?;
    let refs = stmt.query_map([id], |r| r.get(0))?;
    Ok(Some(refs.collect::<rusqlite::Result<_>>()?))
}

/// Put a confirmed refund into a batch; never a refund into two batches.
pub fn mark_sent(conn: &Connection, id: i64, batch_id: i64) -> Result<()> {
    let n = conn
        .prepare_cached("UPDATE refund SET state = 'sent', batch_id = ?2 WHERE id = ?1 AND state = 'confirmed' AND batch_id IS NULL")?
        .execute(params![id, batch_id])?;
    if n != 1 {
        bail!("refund {id} is already in a batch");
    }
    Ok(())
}

pub fn settle(
    conn: &Connection,
    id: i64,
    success: bool,
    bank_ref: &str,
    reason: Option<&str>,
    now: &str,
) -> Result<()> {
    let n = conn
        .prepare_cached(
            "UPDATE refund SET state = ?2, bank_ref = ?3, failure_reason = ?4, completed_at = ?5 WHERE id = ?1 AND state = 'sent'",
        )?
        .execute(params![id, if success { "refunded" } else { "failed" }, bank_ref, reason, now])?;
    if n != 1 {
        bail!("refund {id} is not waiting for the bank");
    }
    Ok(())
}

/// How many of the same merchant's terminals were activated before this application's.
pub fn activated_before(conn: &Connection, app: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM binding b, binding mine
             WHERE mine.application_id = ?1 AND mine.ended_at IS NULL
               AND b.merchant_id = mine.merchant_id AND b.application_id <> ?1
               AND b.activated_at IS NOT NULL
               AND (mine.activated_at IS NULL OR b.activated_at < mine.activated_at
                    OR (b.activated_at = mine.activated_at AND b.id < mine.id))",
        )?
        .query_row([app], |r| r.get(0))?)
}

/// Applications whose deposit may change between held and eligible.
pub fn deposits_to_refresh(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare(
        "SELECT application_id FROM deposit WHERE state IN ('held', 'eligible') ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The application a device's deposit belongs to.
pub fn application_of_device(conn: &Connection, device_id: i64) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT application_id FROM deposit WHERE device_id = ?1 ORDER BY id DESC LIMIT 1",
        )?
        .query_row([device_id], |r| r.get(0))
        .optional()?)
}

/// An activated terminal, for the demo's money.
pub struct ActivatedTerminal {
    pub application_id: i64,
    pub serial: String,
    pub model_code: String,
    pub activated_at: chrono::DateTime<chrono::Utc>,
}

/// Activated terminals with their serial, model and activation instant (demo data).
pub fn demo_activated(conn: &Connection) -> Result<Vec<ActivatedTerminal>> {
    let mut stmt = conn.prepare(
        "SELECT b.application_id, v.serial, v.model_code, b.activated_at FROM binding b JOIN device v ON v.id = b.device_id
         WHERE b.activated_at IS NOT NULL AND b.ended_at IS NULL ORDER BY b.application_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, String>(3)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (application_id, serial, model_code, t) = row?;
        let activated_at = chrono::DateTime::parse_from_rfc3339(&t)?.with_timezone(&chrono::Utc);
        out.push(ActivatedTerminal {
            application_id,
            serial,
            model_code,
            activated_at,
        });
    }
    Ok(out)
}
