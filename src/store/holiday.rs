//! Holiday schedules loaded after release, kept as the text that was loaded.

use anyhow::Result;
use rusqlite::{params, Connection};

pub fn save_year(
    conn: &Connection,
    year: i32,
    schedule: &str,
    staff_id: Option<i64>,
    now: &str,
) -> Result<bool> {
    let existed: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM holiday_year WHERE year = ?1)",
        [year],
        |r| r.get(0),
    )?;
    conn.execute(
        "INSERT INTO holiday_year (year, schedule, loaded_at, loaded_by) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (year) DO UPDATE SET schedule = excluded.schedule,
           loaded_at = excluded.loaded_at, loaded_by = excluded.loaded_by",
        params![year, schedule, now, staff_id],
    )?;
    Ok(existed)
}

pub fn all(conn: &Connection) -> Result<Vec<(i32, String)>> {
    let mut stmt = conn.prepare("SELECT year, schedule FROM holiday_year ORDER BY year")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
