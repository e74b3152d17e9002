use anyhow::Result;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct ChecklistRow {
    pub item: String,
    pub outcome: String,
    pub note: Option<String>,
    pub staff_no: String,
    pub recorded_at: String,
}

/// Record (or re-record: a failed face check may be retried) one item.
pub fn record(
    conn: &Connection,
    application_id: i64,
    item: &str,
    outcome: &str,
    note: Option<&str>,
    staff_id: i64,
    now: &str,
) -> Result<Option<String>> {
    let before: Option<String> = conn
        .query_row(
            "SELECT outcome FROM checklist_item WHERE application_id = ?1 AND item = ?2",
            params![application_id, item],
            |r| r.get(0),
        )
        .optional()?;
    conn.prepare_cached(
        "INSERT INTO checklist_item (application_id, item, outcome, note, staff_id, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (application_id, item) DO UPDATE SET outcome = excluded.outcome,
           note = excluded.note, staff_id = excluded.staff_id, recorded_at = excluded.recorded_at",
    )?
    .execute(params![application_id, item, outcome, note, staff_id, now])?;
    Ok(before)
}

pub fn list(conn: &Connection, application_id: i64) -> Result<Vec<ChecklistRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.item, c.outcome, c.note, s.staff_no, c.recorded_at FROM checklist_item c
         JOIN staff s ON s.id = c.staff_id WHERE c.application_id = ?1",
    )?;
    let rows = stmt.query_map([application_id], |r| {
        Ok(ChecklistRow {
            item: r.get(0)?,
            outcome: r.get(1)?,
            note: r.get(2)?,
            staff_no: r.get(3)?,
            recorded_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub struct PhoneCode {
    pub id: i64,
    pub code: String,
    pub expires_at: String,
    pub attempts: i64,
    pub used: bool,
}

pub fn insert_code(
    conn: &Connection,
    application_id: i64,
    code: &str,
    now: &str,
    expires_at: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO phone_code (application_id, code, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![application_id, code, now, expires_at],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn latest_code(conn: &Connection, application_id: i64) -> Result<Option<PhoneCode>> {
    Ok(conn
        .query_row(
            "SELECT id, code, expires_at, attempts, used_at IS NOT NULL FROM phone_code
             WHERE application_id = ?1 ORDER BY id DESC LIMIT 1",
            [application_id],
            |r| {
                Ok(PhoneCode {
                    id: r.get(0)?,
                    code: r.get(1)?,
                    expires_at: r.get(2)?,
                    attempts: r.get(3)?,
                    used: r.get(4)?,
                })
            },
        )
        .optional()?)
}

pub fn code_attempt(conn: &Connection, id: i64, used_at: Option<&str>) -> Result<()> {
    conn.execute(
        "UPDATE phone_code SET attempts = attempts + 1, used_at = coalesce(?2, used_at) WHERE id = ?1",
        params![id, used_at],
    )?;
    Ok(())
}

pub fn insert_contract(
    conn: &Connection,
    application_id: i64,
    version: &str,
    signed_name: &str,
    staff_id: i64,
    now: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO contract (application_id, version, signed_name, signed_at, staff_id)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![application_id, version, signed_name, now, staff_id])?;
    Ok(conn.last_insert_rowid())
}

#[derive(Debug, Clone, Serialize)]
pub struct ContractRow {
    pub version: String,
    pub signed_name: String,
    pub signed_at: String,
}

pub fn contract(conn: &Connection, application_id: i64) -> Result<Option<ContractRow>> {
    Ok(conn
        .query_row(
            "SELECT version, signed_name, signed_at FROM contract WHERE application_id = ?1",
            [application_id],
            |r| {
                Ok(ContractRow {
                    version: r.get(0)?,
                    signed_name: r.get(1)?,
                    signed_at: r.get(2)?,
                })
            },
        )
        .optional()?)
}
