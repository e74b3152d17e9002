//! Counts for the start screen and `posdesk status`.

use anyhow::Result;
use rusqlite::Connection;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, Default)]
pub struct StoreCounts {
    pub pickup_points: i64,
    pub staff: i64,
    pub merchants: i64,
    pub applications_by_state: Vec<(String, i64)>,
    pub devices_by_state: Vec<(String, i64)>,
    pub deposits_by_state: Vec<(String, i64, i64)>,
    pub sms_pending: i64,
}

pub fn counts(conn: &Connection) -> Result<StoreCounts> {
    let one = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
    let pairs = |sql: &str| -> Result<Vec<(String, i64)>> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let mut stmt = conn.prepare(
        "SELECT state, count(*), coalesce(sum(amount_fen), 0) FROM deposit GROUP BY state ORDER BY state",
    )?;
    let deposits = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(StoreCounts {
        pickup_points: one("SELECT count(*) FROM pickup_point")?,
        staff: one("SELECT count(*) FROM staff")?,
        merchants: one("SELECT count(*) FROM merchant")?,
        applications_by_state: pairs(
            "SELECT state, count(*) FROM application GROUP BY state ORDER BY state",
        )?,
        devices_by_state: pairs(
            "SELECT state, count(*) FROM device GROUP BY state ORDER BY state",
        )?,
        deposits_by_state: deposits,
        sms_pending: one("SELECT count(*) FROM sms_outbox WHERE state = 'pending'")?,
    })
}
