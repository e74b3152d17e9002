//! Messages to merchants wait here until the operator's SMS gateway takes them.

use anyhow::Result;
use rusqlite::{params, Connection};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Message {
    pub id: i64,
    pub phone: String,
    pub template: String,
    pub body: String,
    pub created_at: String,
}

pub fn enqueue(
    conn: &Connection,
    phone: &str,
    template: &str,
    body: &str,
    application_id: Option<i64>,
    now: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO sms_outbox (phone, template, body, application_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![phone, template, body, application_id, now])?;
    Ok(conn.last_insert_rowid())
}

pub fn pending(conn: &Connection, limit: i64) -> Result<Vec<Message>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, phone, template, body, created_at FROM sms_outbox
         WHERE state = 'pending' ORDER BY id LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        Ok(Message {
            id: r.get(0)?,
            phone: r.get(1)?,
            template: r.get(2)?,
            body: r.get(3)?,
            created_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn mark_sent(conn: &Connection, id: i64, now: &str) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE sms_outbox SET state = 'sent', sent_at = ?2 WHERE id = ?1 AND state = 'pending'",
        params![id, now],
    )? == 1)
}

pub fn for_application(conn: &Connection, application_id: i64) -> Result<Vec<Message>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, phone, template, body, created_at FROM sms_outbox
         WHERE application_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([application_id], |r| {
        Ok(Message {
            id: r.get(0)?,
            phone: r.get(1)?,
            template: r.get(2)?,
            body: r.get(3)?,
            created_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
