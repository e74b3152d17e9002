use anyhow::Result;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct PickupPoint {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub address: String,
}

pub fn insert(conn: &Connection, code: &str, name: &str, address: &str, now: &str) -> Result<i64> {
    conn.execute(
        "INSERT INTO pickup_point (code, name, address, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![code, name, address, now],
    )?;
    Ok(conn.last_insert_rowid())
}

fn row(r: &rusqlite::Row) -> rusqlite::Result<PickupPoint> {
    Ok(PickupPoint {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        address: r.get(3)?,
    })
}

pub fn by_code(conn: &Connection, code: &str) -> Result<Option<PickupPoint>> {
    Ok(conn
        .query_row(
            "SELECT id, code, name, address FROM pickup_point WHERE code = ?1",
            [code],
            row,
        )
        .optional()?)
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<PickupPoint>> {
    Ok(conn
        .query_row(
            "SELECT id, code, name, address FROM pickup_point WHERE id = ?1",
            [id],
            row,
        )
        .optional()?)
}

pub fn list(conn: &Connection) -> Result<Vec<PickupPoint>> {
    let mut stmt =
        conn.prepare("SELECT id, code, name, address FROM pickup_point ORDER BY code")?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
