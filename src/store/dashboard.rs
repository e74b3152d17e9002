//! The refund dashboard's queries: totals from the summary the triggers keep,
//! pages by keyset (never OFFSET), the per-day chart, and one merchant's status.

use crate::domain::money::Fen;
use anyhow::Result;
use rusqlite::types::Value;
use rusqlite::{params, Connection};
use serde::Serialize;

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub states: Vec<String>,
    pub point_id: Option<i64>,
    /// Deposits taken on or after / before these days (counter calendar, UTC bounds).
    pub from: Option<String>,
    pub to: Option<String>,
    /// Only refunds past their latest day; `today` is the counter's date.
    pub overdue_on: Option<String>,
    pub search: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DashboardRow {
    pub deposit_id: i64,
    pub application_id: i64,
    pub reference: String,
    pub full_name: String,
    pub phone: String,
    pub model_code: String,
    pub serial: String,
    pub amount: Fen,
    pub state: String,
    pub point_code: String,
    pub refund_ref: Option<String>,
    pub window_earliest: Option<String>,
    pub window_latest: Option<String>,
    pub failure_reason: Option<String>,
    pub updated_at: String,
}

const ROW: &str = "SELECT d.id, d.application_id, a.full_name, a.phone, a.model_code, v.serial, d.amount_fen, d.state,
    p.code, r.ref, r.window_earliest, r.window_latest, r.failure_reason, d.updated_at
    FROM deposit d
    JOIN application a ON a.id = d.application_id
    JOIN device v ON v.id = d.device_id
    JOIN pickup_point p ON p.id = d.pickup_point_id
    LEFT JOIN refund r ON r.id = d.refund_id";

fn row(r: &rusqlite::Row) -> rusqlite::Result<DashboardRow> {
    let app: i64 = r.get(1)?;
    Ok(DashboardRow {
        deposit_id: r.get(0)?,
        application_id: app,
        reference: super::application::reference(app),
        full_name: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
        phone: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
        model_code: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
        serial: r.get(5)?,
        amount: Fen(r.get(6)?),
        state: r.get(7)?,
        point_code: r.get(8)?,
        refund_ref: r.get(9)?,
        window_earliest: r.get(10)?,
        window_latest: r.get(11)?,
        failure_reason: r.get(12)?,
        updated_at: r.get(13)?,
    })
}

/// The WHERE clause and its values for a filter (values bound, never spliced).
fn conditions(f: &Filter) -> (String, Vec<Value>) {
    let mut sql = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    if !f.states.is_empty() {
        let marks: Vec<String> = f
            .states
            .iter()
            .map(|s| {
                values.push(Value::Text(s.clone()));
                format!("?{}", values.len())
            })
            .collect();
        sql.push(format!("d.state IN ({})", marks.join(", ")));
    }
    if let Some(p) = f.point_id {
        values.push(Value::Integer(p));
        sql.push(format!("d.pickup_point_id = ?{}", values.len()));
    }
    if let Some(from) = &f.from {
        values.push(Value::Text(from.clone()));
        sql.push(format!("d.created_at >= ?{}", values.len()));
    }
    if let Some(to) = &f.to {
        values.push(Value::Text(to.clone()));
        sql.push(format!("d.created_at < ?{}", values.len()));
    }
    if let Some(today) = &f.overdue_on {
        values.push(Value::Text(today.clone()));
        sql.push(format!(
            "d.state IN ('refund_confirmed', 'refund_sent') AND r.window_latest < ?{}",
            values.len()
        ));
    }
    if let Some(q) = f.search.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let q = q.to_string();
        let upper = q.to_ascii_uppercase();
        let digits = upper.chars().all(|c| c.is_ascii_digit() || c == 'X');
        let n = values.len();
        if upper.starts_with("RF") {
            values.push(Value::Text(upper));
            sql.push(format!("r.ref = ?{}", n + 1));
        } else if upper.starts_with("AP") {
            values.push(Value::Integer(
                super::application::parse_reference(&upper).unwrap_or(0),
            ));
            sql.push(format!("d.application_id = ?{}", n + 1));
        } else if digits && upper.len() == 11 {
            values.push(Value::Text(upper));
            sql.push(format!("a.phone = ?{}", n + 1));
        } else if digits && (upper.len() == 4 || upper.len() == 6) {
            values.push(Value::Text(upper));
            sql.push(format!(
                "d.merchant_id IN (SELECT id FROM merchant WHERE {})",
                if q.len() == 6 {
                    format!("id_last6 = ?{}", n + 1)
                } else {
                    format!("substr(id_last6, 3) = ?{}", n + 1)
                }
            ));
        } else if digits && upper.len() == 18 {
            values.push(Value::Text(upper));
            sql.push(format!("a.id_number = ?{}", n + 1));
        } else {
            values.push(Value::Text(upper.clone()));
            values.push(Value::Text(q));
            sql.push(format!(
                "(v.serial = ?{} OR instr(a.full_name, ?{}) > 0)",
                n + 1,
                n + 2
            ));
        }
    }
    let clause = if sql.is_empty() {
        String::new()
    } else {
        format!(" AND {}", sql.join(" AND "))
    };
    (clause, values)
}

/// One page, newest deposit first, after the keyset `before` (a deposit id).
pub fn page(
    conn: &Connection,
    f: &Filter,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<DashboardRow>> {
    let (clause, mut values) = conditions(f);
    values.push(Value::Integer(before.unwrap_or(i64::MAX)));
    let k = values.len();
    values.push(Value::Integer(limit));
    let sql = format!(
        "{ROW} WHERE d.id < ?{k}{clause} ORDER BY d.id DESC LIMIT ?{}",
        k + 1
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(values), row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Count and amount of the rows a filter matches (filtered totals; the
/// unfiltered ones come from the summary table).
pub fn filtered_totals(conn: &Connection, f: &Filter) -> Result<(i64, Fen)> {
    let (clause, values) = conditions(f);
    let sql = format!(
        "SELECT count(*), coalesce(sum(d.amount_fen), 0) FROM deposit d
         JOIN application a ON a.id = d.application_id JOIN device v ON v.id = d.device_id
         LEFT JOIN refund r ON r.id = d.refund_id WHERE 1{clause}"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(rusqlite::params_from_iter(values), |r| {
            Ok((r.get(0)?, Fen(r.get(1)?)))
        })?)
}

/// Refunds past their latest day and not yet back.
pub fn overdue(conn: &Connection, today: &str) -> Result<(i64, Fen)> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*), coalesce(sum(amount_fen), 0) FROM refund
         WHERE state IN ('confirmed', 'sent') AND window_latest < ?1",
        )?
        .query_row([today], |r| Ok((r.get(0)?, Fen(r.get(1)?))))?)
}

/// Refunds sent to the bank and completed, per day since `since` (UTC instant).
pub fn per_day(conn: &Connection, since: &str) -> Result<Vec<(String, i64, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT day, sum(sent), sum(done) FROM (
           SELECT date(at, '+8 hours') AS day, 1 AS sent, 0 AS done FROM audit_log
            WHERE entity = 'refund' AND action = 'send to bank' AND at >= ?1
           UNION ALL
           SELECT date(completed_at, '+8 hours'), 0, 1 FROM refund
            WHERE completed_at >= ?1 AND state = 'refunded')
         GROUP BY day ORDER BY day",
    )?;
    let rows = stmt.query_map(params![since], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The merchant a kiosk pair names: phone plus the last 6 characters of the ID number.
pub fn kiosk_application(conn: &Connection, phone: &str, last6: &str) -> Result<Option<i64>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached(
            "SELECT a.id FROM application a JOIN merchant m ON m.id = a.merchant_id
             WHERE a.phone = ?1 AND m.id_last6 = ?2 ORDER BY a.id DESC LIMIT 1",
        )?
        .query_row(params![phone, last6], |r| r.get(0))
        .optional()?)
}
