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

// ---- the hash chain ------------------------------------------------------

/// The hash of one entry: its fields in a fixed order, chained to the one before.
fn entry_hash(prev: &str, r: &rusqlite::Row) -> rusqlite::Result<String> {
    let at: String = r.get(1)?;
    let entity: String = r.get(3)?;
    let action: String = r.get(5)?;
    let from: Option<String> = r.get(6)?;
    let to: Option<String> = r.get(7)?;
    let reason: Option<String> = r.get(8)?;
    Ok(chain_hash(
        prev,
        r.get(0)?,
        &at,
        &Entry {
            staff_id: r.get(2)?,
            entity: &entity,
            entity_id: r.get(4)?,
            action: &action,
            from: from.as_deref(),
            to: to.as_deref(),
            reason: reason.as_deref(),
        },
    ))
}

/// The hash `seal` stores for entry `id` written at `at`, chained to `prev`
/// (also used by the bulk demo, which writes entries already sealed).
pub fn chain_hash(prev: &str, id: i64, at: &str, e: &Entry) -> String {
    use sha2::{Digest, Sha256};
    let fields = serde_json::json!([
        id,
        at,
        e.staff_id,
        e.entity,
        e.entity_id,
        e.action,
        e.from,
        e.to,
        e.reason,
    ]);
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(fields.to_string().as_bytes());
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for b in h.finalize() {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
    out
}

const CHAIN_COLUMNS: &str =
    "id, at, staff_id, entity, entity_id, action, from_state, to_state, reason, hash";
/// The hash the first entry chains to.
pub const GENESIS: &str = "posdesk-audit-v1";

/// Seal every entry not sealed yet, in order. Runs inside the caller's transaction.
pub fn seal(conn: &Connection) -> Result<usize> {
    let first: Option<i64> = conn
        .prepare_cached("SELECT min(id) FROM audit_log WHERE hash IS NULL")?
        .query_row([], |r| r.get(0))?;
    let Some(first) = first else { return Ok(0) };
    let mut prev: String = conn
        .prepare_cached("SELECT hash FROM audit_log WHERE id < ?1 ORDER BY id DESC LIMIT 1")?
        .query_row([first], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten()
        .unwrap_or_else(|| GENESIS.to_string());
    let mut sealed = Vec::new();
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {CHAIN_COLUMNS} FROM audit_log WHERE id >= ?1 ORDER BY id"
        ))?;
        let mut rows = stmt.query([first])?;
        while let Some(r) = rows.next()? {
            let h = entry_hash(&prev, r)?;
            sealed.push((r.get::<_, i64>(0)?, h.clone()));
            prev = h;
        }
    }
    let mut update =
        conn.prepare_cached("UPDATE audit_log SET hash = ?2 WHERE id = ?1 AND hash IS NULL")?;
    for (id, h) in &sealed {
        update.execute(params![id, h])?;
    }
    Ok(sealed.len())
}

#[derive(Debug, Clone, Serialize)]
pub struct ChainReport {
    pub entries: i64,
    /// The first entry whose hash does not match its contents and its predecessor.
    pub first_broken: Option<i64>,
    pub unsealed: i64,
    /// The last entry's hash: note it down to detect a rewrite of the whole chain.
    pub head: Option<String>,
}

/// Recompute the chain from the start and find the first broken link.
pub fn verify(conn: &Connection) -> Result<ChainReport> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {CHAIN_COLUMNS} FROM audit_log ORDER BY id"
    ))?;
    let mut rows = stmt.query([])?;
    let mut prev = GENESIS.to_string();
    let mut report = ChainReport {
        entries: 0,
        first_broken: None,
        unsealed: 0,
        head: None,
    };
    while let Some(r) = rows.next()? {
        report.entries += 1;
        let stored: Option<String> = r.get(9)?;
        let Some(stored) = stored else {
            report.unsealed += 1;
            continue;
        };
        let expected = entry_hash(&prev, r)?;
        if expected != stored && report.first_broken.is_none() {
            report.first_broken = Some(r.get(0)?);
        }
        prev = stored.clone();
        report.head = Some(stored);
    }
    Ok(report)
}
