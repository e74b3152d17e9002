use anyhow::Result;
use rusqlite::{params, Connection, OptionalExtension};

#[derive(Debug, Clone)]
pub struct MerchantRow {
    pub id: i64,
    pub id_number: String,
    pub full_name: String,
    pub birth_date: String,
    pub sex: String,
}

pub struct NewMerchant<'a> {
    pub id_number: &'a str,
    pub full_name: &'a str,
    pub birth_date: &'a str,
    pub sex: &'a str,
}

pub fn insert(conn: &Connection, m: &NewMerchant, now: &str) -> Result<i64> {
    let last6 = &m.id_number[m.id_number.len().saturating_sub(6)..];
    conn.prepare_cached(
        "INSERT INTO merchant (id_number, id_last6, full_name, birth_date, sex, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        m.id_number,
        last6,
        m.full_name,
        m.birth_date,
        m.sex,
        now
    ])?;
    Ok(conn.last_insert_rowid())
}

fn row(r: &rusqlite::Row) -> rusqlite::Result<MerchantRow> {
    Ok(MerchantRow {
        id: r.get(0)?,
        id_number: r.get(1)?,
        full_name: r.get(2)?,
        birth_date: r.get(3)?,
        sex: r.get(4)?,
    })
}

pub fn by_id_number(conn: &Connection, id_number: &str) -> Result<Option<MerchantRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, id_number, full_name, birth_date, sex FROM merchant WHERE id_number = ?1",
        )?
        .query_row([id_number], row)
        .optional()?)
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<MerchantRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, id_number, full_name, birth_date, sex FROM merchant WHERE id = ?1",
        )?
        .query_row([id], row)
        .optional()?)
}

/// Terminals the person holds now: bindings not yet ended.
pub fn active_terminals(conn: &Connection, merchant_id: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM binding WHERE merchant_id = ?1 AND ended_at IS NULL")?
        .query_row([merchant_id], |r| r.get(0))?)
}

/// Other applications of the same person still on their way to a terminal;
/// each will need one, so they count against the limit at review.
pub fn open_applications(conn: &Connection, merchant_id: i64, except: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM application WHERE merchant_id = ?1 AND id <> ?2
             AND state IN ('submitted', 'approved', 'verified', 'contracted')",
        )?
        .query_row(params![merchant_id, except], |r| r.get(0))?)
}
