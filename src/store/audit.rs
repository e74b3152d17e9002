//! Append-only audit log: who, when, from, to, why. Never holds ID, card or
//! phone numbers (callers pass states and reasons, not personal data).

use anyhow::Result;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

pub struct Entry<'a> {
    pub staff_id: Option<i64>,
    pub entity: &'a str,
    pub entity_id: i64,
    pub action: &'a str,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub reason: Option<&'a str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub staff_no: Option<String>,
    pub entity: String,
    pub entity_id: i64,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub reason: Option<String>,
}

pub fn append(conn: &Connection, at: &str, e: &Entry) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO audit_log (at, staff_id, entity, entity_id, action, from_state, to_state, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        at,
        e.staff_id,
        e.entity,
        e.entity_id,
        e.action,
        e.from,
        e.to,
        e.reason
    ])?;
    Ok(conn.last_insert_rowid())
}

pub fn for_entity(conn: &Connection, entity: &str, entity_id: i64) -> Result<Vec<AuditRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.at, s.staff_no, a.entity, a.entity_id, a.action, a.from_state, a.to_state, a.reason
         FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id
         WHERE a.entity = ?1 AND a.entity_id = ?2 ORDER BY a.id",
    )?;
    let rows = stmt.query_map(params![entity, entity_id], |r| {
        Ok(AuditRow {
            id: r.get(0)?,
            at: r.get(1)?,
            staff_no: r.get(2)?,
            entity: r.get(3)?,
            entity_id: r.get(4)?,
            action: r.get(5)?,
            from_state: r.get(6)?,
            to_state: r.get(7)?,
            reason: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?)
}

pub fn last_id(conn: &Connection) -> Result<Option<i64>> {
    Ok(conn
        .query_row("SELECT max(id) FROM audit_log", [], |r| r.get(0))
        .optional()?
        .flatten())
}
