//! Deposits and payments. Amounts are integer fen; the schema refuses negatives.

use crate::domain::lifecycle::DepositState;
use crate::domain::money::Fen;
use anyhow::Result;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

pub fn insert_deposit(
    conn: &Connection,
    application_id: i64,
    merchant_id: i64,
    device_id: i64,
    amount: Fen,
    now: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO deposit (application_id, merchant_id, device_id, amount_fen, state, created_at, updated_at, pickup_point_id)
         VALUES (?1, ?2, ?3, ?4, 'held', ?5, ?5, (SELECT pickup_point_id FROM application WHERE id = ?1))",
    )?
    .execute(params![application_id, merchant_id, device_id, amount.fen(), now])?;
    Ok(conn.last_insert_rowid())
}

pub enum PaidFor {
    Deposit(i64),
    Fee(i64),
}

pub fn insert_payment(
    conn: &Connection,
    application_id: i64,
    paid_for: PaidFor,
    amount: Fen,
    method: &str,
    staff_id: i64,
    now: &str,
) -> Result<i64> {
    let (deposit_id, fee_id) = match paid_for {
        PaidFor::Deposit(id) => (Some(id), None),
        PaidFor::Fee(id) => (None, Some(id)),
    };
    conn.prepare_cached(
        "INSERT INTO payment (application_id, deposit_id, fee_id, amount_fen, method, staff_id, paid_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![application_id, deposit_id, fee_id, amount.fen(), method, staff_id, now])?;
    Ok(conn.last_insert_rowid())
}

#[derive(Debug, Clone, Serialize)]
pub struct DepositRow {
    pub id: i64,
    pub application_id: i64,
    pub amount: Fen,
    pub state: String,
    pub created_at: String,
}

pub fn deposit_for(conn: &Connection, application_id: i64) -> Result<Option<DepositRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, application_id, amount_fen, state, created_at FROM deposit WHERE application_id = ?1",
        )?
        .query_row([application_id], |r| {
            Ok(DepositRow {
                id: r.get(0)?,
                application_id: r.get(1)?,
                amount: Fen(r.get(2)?),
                state: r.get(3)?,
                created_at: r.get(4)?,
            })
        })
        .optional()?)
}

pub fn deposit_state_count(conn: &Connection, state: DepositState) -> Result<(i64, Fen)> {
    Ok(conn.query_row(
        "SELECT count(*), coalesce(sum(amount_fen), 0) FROM deposit WHERE state = ?1",
        [state.as_str()],
        |r| Ok((r.get(0)?, Fen(r.get(1)?))),
    )?)
}
