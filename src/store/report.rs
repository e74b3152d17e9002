//! The daily report: what happened at the counters between two instants.

use crate::desk::DailyReport;
use crate::domain::money::Fen;
use anyhow::Result;
use rusqlite::{params, Connection};

pub fn daily(conn: &Connection, from: &str, to: &str) -> Result<DailyReport> {
    let count =
        |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, params![from, to], |r| r.get(0))?) };
    let sum = |sql: &str| -> Result<(i64, Fen)> {
        Ok(conn.query_row(sql, params![from, to], |r| Ok((r.get(0)?, Fen(r.get(1)?))))?)
    };
    let (deposits_taken, deposits_amount) =
        sum("SELECT count(*), coalesce(sum(amount_fen), 0) FROM payment WHERE deposit_id IS NOT NULL AND paid_at >= ?1 AND paid_at < ?2")?;
    let (refunds_sent, refunds_sent_amount) = sum(
        // From the day's few batches to their refunds (CROSS JOIN keeps that
        // order: the other way reads every refund).
        "SELECT count(*), coalesce(sum(r.amount_fen), 0) FROM refund_batch b CROSS JOIN refund r
         ON r.batch_id = b.id WHERE b.created_at >= ?1 AND b.created_at < ?2",
    )?;
    let (refunds_completed, refunds_completed_amount) = sum(
        "SELECT count(*), coalesce(sum(amount_fen), 0) FROM refund WHERE state = 'refunded' AND completed_at >= ?1 AND completed_at < ?2",
    )?;
    Ok(DailyReport {
        date: String::new(),
        pickups: count("SELECT count(*) FROM audit_log WHERE entity = 'application' AND action = 'hand over' AND at >= ?1 AND at < ?2")?,
        activations: count("SELECT count(*) FROM audit_log WHERE entity = 'application' AND action = 'activate' AND at >= ?1 AND at < ?2")?,
        deposits_taken,
        deposits_amount,
        refunds_sent,
        refunds_sent_amount,
        refunds_completed,
        refunds_completed_amount,
        refunds_failed: count("SELECT count(*) FROM refund WHERE state = 'failed' AND completed_at >= ?1 AND completed_at < ?2")?,
    })
}
