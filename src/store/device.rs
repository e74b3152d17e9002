use crate::domain::lifecycle::DeviceState;
use anyhow::{bail, Result};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct DeviceRow {
    pub id: i64,
    pub serial: String,
    pub model_code: String,
    pub state: DeviceState,
    pub pickup_point_id: i64,
    pub reserved_for: Option<i64>,
}

pub fn insert(
    conn: &Connection,
    serial: &str,
    model_code: &str,
    point_id: i64,
    now: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO device (serial, model_code, state, pickup_point_id, created_at, updated_at)
         VALUES (?1, ?2, 'in_stock', ?3, ?4, ?4)",
    )?
    .execute(params![serial, model_code, point_id, now])?;
    Ok(conn.last_insert_rowid())
}

fn row(r: &rusqlite::Row) -> rusqlite::Result<DeviceRow> {
    let state: String = r.get(3)?;
    Ok(DeviceRow {
        id: r.get(0)?,
        serial: r.get(1)?,
        model_code: r.get(2)?,
        state: DeviceState::parse(&state).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                3,
                rusqlite::types::Type::Text,
                format!("unknown device state {state:?}").into(),
            )
        })?,
        pickup_point_id: r.get(4)?,
        reserved_for: r.get(5)?,
    })
}

const COLUMNS: &str = "id, serial, model_code, state, pickup_point_id, reserved_for";

pub fn by_serial(conn: &Connection, serial: &str) -> Result<Option<DeviceRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM device WHERE serial = ?1"))?
        .query_row([serial], row)
        .optional()?)
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<DeviceRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM device WHERE id = ?1"))?
        .query_row([id], row)
        .optional()?)
}

pub fn reserved_for(conn: &Connection, application_id: i64) -> Result<Option<DeviceRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM device WHERE reserved_for = ?1"
        ))?
        .query_row([application_id], row)
        .optional()?)
}

/// This point's stock of one model, oldest first (first in, first out).
pub fn in_stock(
    conn: &Connection,
    point_id: i64,
    model_code: Option<&str>,
    limit: i64,
) -> Result<Vec<DeviceRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM device WHERE pickup_point_id = ?1 AND state = 'in_stock'
         AND (?2 IS NULL OR model_code = ?2) ORDER BY model_code, id LIMIT ?3"
    ))?;
    let rows = stmt.query_map(params![point_id, model_code, limit], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Move a device; refuses if someone else moved it first.
pub fn set_state(
    conn: &Connection,
    id: i64,
    from: DeviceState,
    to: DeviceState,
    reserved_for: Option<i64>,
    now: &str,
) -> Result<()> {
    let changed = conn
        .prepare_cached(
            "UPDATE device SET state = ?3, reserved_for = ?4, updated_at = ?5
             WHERE id = ?1 AND state = ?2",
        )?
        .execute(params![id, from.as_str(), to.as_str(), reserved_for, now])?;
    if changed != 1 {
        bail!("device {id} changed under us (expected state {from})");
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct BindingRow {
    pub id: i64,
    pub device_id: i64,
    pub application_id: i64,
    pub merchant_id: i64,
    pub bound_at: String,
    pub activated_at: Option<String>,
    pub activation_ref: Option<String>,
    pub ended_at: Option<String>,
}

pub fn insert_binding(
    conn: &Connection,
    device_id: i64,
    application_id: i64,
    merchant_id: i64,
    staff_id: i64,
    now: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO binding (device_id, application_id, merchant_id, bound_at, bound_by)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        device_id,
        application_id,
        merchant_id,
        now,
        staff_id
    ])?;
    Ok(conn.last_insert_rowid())
}

pub fn active_binding(conn: &Connection, application_id: i64) -> Result<Option<BindingRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, device_id, application_id, merchant_id, bound_at, activated_at,
                    activation_ref, ended_at
             FROM binding WHERE application_id = ?1 AND ended_at IS NULL",
        )?
        .query_row([application_id], |r| {
            Ok(BindingRow {
                id: r.get(0)?,
                device_id: r.get(1)?,
                application_id: r.get(2)?,
                merchant_id: r.get(3)?,
                bound_at: r.get(4)?,
                activated_at: r.get(5)?,
                activation_ref: r.get(6)?,
                ended_at: r.get(7)?,
            })
        })
        .optional()?)
}

pub fn activate_binding(conn: &Connection, id: i64, activation_ref: &str, now: &str) -> Result<()> {
    conn.execute(
        "UPDATE binding SET activated_at = ?2, activation_ref = ?3 WHERE id = ?1 AND ended_at IS NULL",
        params![id, now, activation_ref],
    )?;
    Ok(())
}

pub fn end_binding(conn: &Connection, id: i64, reason: &str, now: &str) -> Result<()> {
    conn.execute(
        "UPDATE binding SET ended_at = ?2, ended_reason = ?3 WHERE id = ?1 AND ended_at IS NULL",
        params![id, now, reason],
    )?;
    Ok(())
}
