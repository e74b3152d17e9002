//! Quick find for the counter: by reference, phone, ID number (whole or last
//! digits), device serial, or name.

use super::application::{reference, QueueRow};
use anyhow::Result;
use rusqlite::{params, Connection};

const ROW: &str =
    "SELECT a.id, a.state, a.full_name, a.phone, a.model_code, a.updated_at FROM application a";

fn rows(conn: &Connection, sql: &str, p: impl rusqlite::Params) -> Result<Vec<QueueRow>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(p, |r| {
        let id: i64 = r.get(0)?;
        Ok(QueueRow {
            id,
            reference: reference(id),
            state: r.get(1)?,
            full_name: r.get(2)?,
            phone: r.get(3)?,
            model_code: r.get(4)?,
            updated_at: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What the clerk typed, read the way a clerk means it.
pub fn find(conn: &Connection, query: &str, limit: i64) -> Result<Vec<QueueRow>> {
    let q: String = query
        .trim()
        .chars()
        .filter(|c| *c != ' ' && *c != '-')
        .collect();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let upper = q.to_ascii_uppercase();
    if let Some(id) =
        super::application::parse_reference(&upper).filter(|_| upper.starts_with("AP"))
    {
        return rows(conn, &format!("{ROW} WHERE a.id = ?1"), [id]);
    }
    let digits = upper.chars().all(|c| c.is_ascii_digit() || c == 'X');
    if digits {
        match upper.len() {
            11 if upper.starts_with('1') => {
                return rows(
                    conn,
                    &format!("{ROW} WHERE a.phone = ?1 ORDER BY a.id DESC LIMIT ?2"),
                    params![upper, limit],
                );
            }
            18 => {
                return rows(
                    conn,
                    &format!("{ROW} WHERE a.id_number = ?1 ORDER BY a.id DESC LIMIT ?2"),
                    params![upper, limit],
                );
            }
            6 => {
                return rows(
                    conn,
                    &format!("{ROW} JOIN merchant m ON m.id = a.merchant_id WHERE m.id_last6 = ?1 ORDER BY a.id DESC LIMIT ?2"),
                    params![upper, limit],
                );
            }
            4 => {
                return rows(
                    conn,
                    &format!("{ROW} JOIN merchant m ON m.id = a.merchant_id WHERE substr(m.id_last6, 3) = ?1 ORDER BY a.id DESC LIMIT ?2"),
                    params![upper, limit],
                );
            }
            _ => {}
        }
    }
    // A serial: the application it is bound or reserved to.
    let by_serial = rows(
        conn,
        &format!(
            "{ROW} WHERE a.id IN (SELECT b.application_id FROM binding b JOIN device d ON d.id = b.device_id WHERE d.serial = ?1
                                  UNION SELECT d.reserved_for FROM device d WHERE d.serial = ?1 AND d.reserved_for IS NOT NULL)
             ORDER BY a.id DESC LIMIT ?2"
        ),
        params![upper, limit],
    )?;
    if !by_serial.is_empty() {
        return Ok(by_serial);
    }
    // Names: prefix first (uses the index), then anywhere in the name.
    let query = query.trim();
    let mut found = rows(
        conn,
        &format!("{ROW} WHERE a.full_name >= ?1 AND a.full_name < ?1 || char(1114111) ORDER BY a.full_name, a.id DESC LIMIT ?2"),
        params![query, limit],
    )?;
    if (found.len() as i64) < limit {
        let more = rows(
            conn,
            &format!("{ROW} WHERE instr(a.full_name, ?1) > 1 ORDER BY a.id DESC LIMIT ?2"),
            params![query, limit - found.len() as i64],
        )?;
        found.extend(more);
    }
    Ok(found)
}

/// What happened at a point since `since` (UTC instant text): for the home screen.
pub fn today(conn: &Connection, point_id: Option<i64>, since: &str) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.action, count(*) FROM audit_log l
         LEFT JOIN application a ON l.entity = 'application' AND a.id = l.entity_id
         WHERE l.at >= ?1 AND l.entity = 'application'
           AND l.action IN ('create draft', 'submit', 'approve', 'hand over', 'activate')
           AND (?2 IS NULL OR a.pickup_point_id = ?2)
         GROUP BY l.action",
    )?;
    let rows = stmt.query_map(params![since, point_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
