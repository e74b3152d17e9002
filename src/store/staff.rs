use anyhow::Result;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct StaffRow {
    pub id: i64,
    pub staff_no: String,
    pub name: String,
    pub role: String,
    pub pickup_point_id: Option<i64>,
    #[serde(skip)]
    pub pin_hash: String,
    pub failed_pins: i64,
    pub locked: bool,
    pub active: bool,
}

pub struct NewStaff<'a> {
    pub staff_no: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub pickup_point_id: Option<i64>,
    pub pin_hash: &'a str,
}

pub fn insert(conn: &Connection, s: &NewStaff, now: &str) -> Result<i64> {
    conn.execute(
        "INSERT INTO staff (staff_no, name, role, pickup_point_id, pin_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            s.staff_no,
            s.name,
            s.role,
            s.pickup_point_id,
            s.pin_hash,
            now
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

const COLUMNS: &str =
    "id, staff_no, name, role, pickup_point_id, pin_hash, failed_pins, locked, active";

fn row(r: &rusqlite::Row) -> rusqlite::Result<StaffRow> {
    Ok(StaffRow {
        id: r.get(0)?,
        staff_no: r.get(1)?,
        name: r.get(2)?,
        role: r.get(3)?,
        pickup_point_id: r.get(4)?,
        pin_hash: r.get(5)?,
        failed_pins: r.get(6)?,
        locked: r.get(7)?,
        active: r.get(8)?,
    })
}

pub fn by_no(conn: &Connection, staff_no: &str) -> Result<Option<StaffRow>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM staff WHERE staff_no = ?1"),
            [staff_no],
            row,
        )
        .optional()?)
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<StaffRow>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM staff WHERE id = ?1"),
            [id],
            row,
        )
        .optional()?)
}

pub fn list(conn: &Connection) -> Result<Vec<StaffRow>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM staff ORDER BY staff_no"))?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM staff", [], |r| r.get(0))?)
}

pub fn set_pin_failures(conn: &Connection, id: i64, failed: i64, locked: bool) -> Result<()> {
    conn.execute(
        "UPDATE staff SET failed_pins = ?2, locked = ?3 WHERE id = ?1",
        params![id, failed, locked],
    )?;
    Ok(())
}

/// A new PIN hash; the count of wrong PINs starts again.
pub fn set_pin(conn: &Connection, id: i64, pin_hash: &str) -> Result<()> {
    conn.execute(
        "UPDATE staff SET pin_hash = ?2, failed_pins = 0 WHERE id = ?1",
        params![id, pin_hash],
    )?;
    Ok(())
}
