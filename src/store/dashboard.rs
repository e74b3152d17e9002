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
/// Every condition can be answered from an index (tests/query_plans.rs).
fn conditions(f: &Filter) -> (String, Vec<Value>) {
    let mut sql = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    let mark = |values: &mut Vec<Value>, v: Value| {
        values.push(v);
        format!("?{}", values.len())
    };
    if !f.states.is_empty() {
        let marks: Vec<String> = f
            .states
            .iter()
            .map(|s| mark(&mut values, Value::Text(s.clone())))
            .collect();
        sql.push(format!("d.state IN ({})", marks.join(", ")));
    }
    if let Some(p) = f.point_id {
        sql.push(format!(
            "d.pickup_point_id = {}",
            mark(&mut values, Value::Integer(p))
        ));
    }
    if let Some(from) = &f.from {
        sql.push(format!(
            "d.created_at >= {}",
            mark(&mut values, Value::Text(from.clone()))
        ));
    }
    if let Some(to) = &f.to {
        sql.push(format!(
            "d.created_at < {}",
            mark(&mut values, Value::Text(to.clone()))
        ));
    }
    if let Some(today) = &f.overdue_on {
        // From the few overdue refunds (by state and latest day), not from every
        // deposit on its way back; a deposit has one refund in flight at a time.
        sql.push(format!(
            "d.state IN ('refund_confirmed', 'refund_sent') AND d.id IN (SELECT deposit_id \
             FROM refund WHERE state IN ('confirmed', 'sent') AND window_latest < {})",
            mark(&mut values, Value::Text(today.clone()))
        ));
    }
    if let Some(q) = f.search.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        // Read the way the counter's search reads it; any reading may match.
        let readings: Vec<String> = super::search::plan(q)
            .into_iter()
            .map(|p| {
                let key = mark(&mut values, p.key);
                deposits_found(p.kind, &key)
            })
            .collect();
        if !readings.is_empty() {
            sql.push(format!("({})", readings.join(" OR ")));
        }
    }
    let clause = if sql.is_empty() {
        String::new()
    } else {
        format!(" AND {}", sql.join(" AND "))
    };
    (clause, values)
}

/// The deposits one reading of a search finds, by the index that reading has.
fn deposits_found(kind: super::search::Kind, key: &str) -> String {
    use super::search::Kind;
    match kind {
        Kind::Application => format!("d.application_id = {key}"),
        Kind::Refund => format!("d.id IN (SELECT deposit_id FROM refund WHERE ref = {key})"),
        Kind::Phone => {
            format!("d.application_id IN (SELECT id FROM application WHERE phone = {key})")
        }
        Kind::IdNumber => {
            format!("d.merchant_id IN (SELECT id FROM merchant WHERE id_number = {key})")
        }
        Kind::IdLast6 => {
            format!("d.merchant_id IN (SELECT id FROM merchant WHERE id_last6 = {key})")
        }
        Kind::IdLast4 => format!(
            "d.application_id IN (SELECT id FROM application WHERE substr(id_number, -4) = {key})"
        ),
        Kind::Serial => format!("d.device_id IN (SELECT id FROM device WHERE serial = {key})"),
        Kind::ShortName => {
            format!("d.application_id IN (SELECT application_id FROM name_gram WHERE gram = {key})")
        }
        Kind::Name => format!(
            "d.application_id IN (SELECT rowid FROM name_trigram WHERE name_trigram MATCH {key})"
        ),
    }
}

/// One page, newest deposit first, after the keyset `before` (a deposit id).
pub fn page(
    conn: &Connection,
    f: &Filter,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<DashboardRow>> {
    let (sql, values) = page_query(f, before, limit);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(values), row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The statement `page` runs for a filter, and its values.
fn page_query(f: &Filter, before: Option<i64>, limit: i64) -> (String, Vec<Value>) {
    if let Some(today) = overdue_alone(f) {
        // Overdue alone: the page comes from the refunds in flight, as its
        // total does (one in flight per deposit), ordered by their deposit in
        // the index itself: no look-up of every overdue deposit to sort them.
        let values = vec![
            Value::Text(today.to_string()),
            Value::Integer(before.unwrap_or(i64::MAX)),
            Value::Integer(limit),
        ];
        let sql = format!(
            "{ROW} WHERE d.id IN (SELECT deposit_id FROM refund
                                  WHERE state IN ('confirmed', 'sent') AND window_latest < ?1
                                  AND deposit_id < ?2 ORDER BY deposit_id DESC LIMIT ?3)
             ORDER BY d.id DESC"
        );
        return (sql, values);
    }
    let (clause, mut values) = conditions(f);
    values.push(Value::Integer(before.unwrap_or(i64::MAX)));
    let k = values.len();
    values.push(Value::Integer(limit));
    // The page's deposits first, from the deposits alone (an index at most),
    // then their names, devices and refunds: only for the rows shown.
    let sql = format!(
        "{ROW} WHERE d.id IN (SELECT d.id FROM deposit d WHERE d.id < ?{k}{clause}
                              ORDER BY d.id DESC LIMIT ?{})
         ORDER BY d.id DESC",
        k + 1
    );
    (sql, values)
}

/// The day a filter asks for overdue refunds on, when that is all it asks.
fn overdue_alone(f: &Filter) -> Option<&str> {
    let searching = f.search.as_deref().is_some_and(|q| !q.trim().is_empty());
    let alone = f.states.is_empty()
        && f.point_id.is_none()
        && f.from.is_none()
        && f.to.is_none()
        && !searching;
    f.overdue_on.as_deref().filter(|_| alone)
}

/// Count and amount of the rows a filter matches. States, a point and whole
/// counter days (all the dashboard asks) are read from the summaries the
/// triggers keep, a few rows; overdue and search filters count deposits by
/// index. Bounds inside a day count the deposits themselves (no screen asks).
pub fn filtered_totals(conn: &Connection, f: &Filter) -> Result<(i64, Fen)> {
    let (sql, values) = totals_query(f);
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(rusqlite::params_from_iter(values), |r| {
            Ok((r.get(0)?, Fen(r.get(1)?)))
        })?)
}

/// The statement `filtered_totals` runs for a filter, and its values.
fn totals_query(f: &Filter) -> (String, Vec<Value>) {
    if let Some(q) = summary_query(f) {
        return q;
    }
    // Every condition is on the deposit itself (or a subquery by index).
    let (clause, values) = conditions(f);
    let sql =
        format!("SELECT count(*), coalesce(sum(d.amount_fen), 0) FROM deposit d WHERE 1{clause}");
    (sql, values)
}

/// Totals from deposit_summary, deposit_point_summary or deposit_day_summary,
/// when the filter is made of states, a point and whole counter days only.
fn summary_query(f: &Filter) -> Option<(String, Vec<Value>)> {
    let searching = f.search.as_deref().is_some_and(|q| !q.trim().is_empty());
    if searching {
        return None;
    }
    if f.overdue_on.is_some() {
        // Overdue alone: the refunds themselves (one in flight per deposit).
        return overdue_alone(f)
            .map(|today| (OVERDUE.to_string(), vec![Value::Text(today.into())]));
    }
    let from = match &f.from {
        Some(t) => Some(counter_day(t)?),
        None => None,
    };
    let to = match &f.to {
        Some(t) => Some(counter_day(t)?),
        None => None,
    };
    let mut sql = Vec::new();
    let mut values = Vec::new();
    if !f.states.is_empty() {
        let marks: Vec<String> = f
            .states
            .iter()
            .map(|s| {
                values.push(Value::Text(s.clone()));
                format!("?{}", values.len())
            })
            .collect();
        sql.push(format!("state IN ({})", marks.join(", ")));
    }
    if let Some(p) = f.point_id {
        values.push(Value::Integer(p));
        sql.push(format!("pickup_point_id = ?{}", values.len()));
    }
    let table = if from.is_some() || to.is_some() {
        for (day, op) in [(from, ">="), (to, "<")] {
            if let Some(day) = day {
                values.push(Value::Text(day));
                sql.push(format!("day {op} ?{}", values.len()));
            }
        }
        "deposit_day_summary"
    } else if f.point_id.is_some() {
        "deposit_point_summary"
    } else {
        "deposit_summary"
    };
    let clause = if sql.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", sql.join(" AND "))
    };
    Some((
        format!(
            "SELECT coalesce(sum(count), 0), coalesce(sum(amount_fen), 0) FROM {table}{clause}"
        ),
        values,
    ))
}

/// The counter day (UTC+8, as the summaries' days are) that an instant opens,
/// if it is the first instant of one.
fn counter_day(instant: &str) -> Option<String> {
    let t = chrono::DateTime::parse_from_rfc3339(instant).ok()?;
    let local = t.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600)?);
    (local.time() == chrono::NaiveTime::MIN)
        .then(|| local.date_naive().format("%Y-%m-%d").to_string())
}

/// Refunds past their latest day and not yet back.
pub fn overdue(conn: &Connection, today: &str) -> Result<(i64, Fen)> {
    Ok(conn
        .prepare_cached(OVERDUE)?
        .query_row([today], |r| Ok((r.get(0)?, Fen(r.get(1)?))))?)
}

const OVERDUE: &str = "SELECT count(*), coalesce(sum(amount_fen), 0) FROM refund
    WHERE state IN ('confirmed', 'sent') AND window_latest < ?1";

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
