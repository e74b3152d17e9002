//! Quick find for the counter: what a clerk types, read the way a clerk means
//! it, and answered from an index whatever the kind — an application or refund
//! reference, a phone, the ID number whole or its last 6 or 4, a device serial,
//! or a name (any part of it, one Chinese character or more).
//!
//! Every kind is one statement with the same parameters — ?1 the key, ?2 the
//! keyset bound (ids below it), ?3 the limit — and answers newest first, so a
//! next page is the same query with `before` = the last id shown.

use super::application::{reference, QueueRow};
use anyhow::Result;
use rusqlite::types::Value;
use rusqlite::{params, Connection};

const COLUMNS: &str = "a.id, a.state, a.full_name, a.phone, a.model_code, a.updated_at";

/// What a query was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Application,
    Refund,
    Phone,
    IdNumber,
    IdLast6,
    IdLast4,
    Serial,
    /// 1 or 2 characters of a name: the gram table.
    ShortName,
    /// 3 or more characters of a name: FTS5 trigrams.
    Name,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Application => "application",
            Kind::Refund => "refund",
            Kind::Phone => "phone",
            Kind::IdNumber => "id_number",
            Kind::IdLast6 => "id_last6",
            Kind::IdLast4 => "id_last4",
            Kind::Serial => "serial",
            Kind::ShortName => "short_name",
            Kind::Name => "name",
        }
    }

    /// The statement this kind runs: ?1 key, ?2 ids below, ?3 limit.
    pub fn sql(self) -> String {
        let by_application = |filter: &str| {
            format!(
                "SELECT {COLUMNS} FROM application a WHERE {filter} AND a.id < ?2 \
                 ORDER BY a.id DESC LIMIT ?3"
            )
        };
        match self {
            Kind::Application => by_application("a.id = ?1"),
            Kind::Phone => by_application("a.phone = ?1"),
            Kind::IdNumber => by_application("a.id_number = ?1"),
            // The expressions of the indexes in 004_search.sql, character for character.
            Kind::IdLast6 => by_application("substr(a.id_number, -6) = ?1"),
            Kind::IdLast4 => by_application("substr(a.id_number, -4) = ?1"),
            Kind::Refund => format!(
                "SELECT {COLUMNS} FROM refund r JOIN deposit d ON d.id = r.deposit_id \
                 JOIN application a ON a.id = d.application_id \
                 WHERE r.ref = ?1 AND a.id < ?2 ORDER BY a.id DESC LIMIT ?3"
            ),
            Kind::Serial => by_application(
                "a.id IN (SELECT b.application_id FROM device d JOIN binding b ON b.device_id = d.id \
                          WHERE d.serial = ?1 \
                          UNION SELECT d.reserved_for FROM device d WHERE d.serial = ?1)",
            ),
            // CROSS JOIN: walk the name index in id order, look up each application.
            Kind::ShortName => format!(
                "SELECT {COLUMNS} FROM name_gram g CROSS JOIN application a ON a.id = g.application_id \
                 WHERE g.gram = ?1 AND g.application_id < ?2 \
                 ORDER BY g.application_id DESC LIMIT ?3"
            ),
            Kind::Name => format!(
                "SELECT {COLUMNS} FROM name_trigram t CROSS JOIN application a ON a.id = t.rowid \
                 WHERE name_trigram MATCH ?1 AND t.rowid < ?2 \
                 ORDER BY t.rowid DESC LIMIT ?3"
            ),
        }
    }
}

/// One way to answer a query: a kind and its key.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub kind: Kind,
    pub key: Value,
}

impl Plan {
    fn text(kind: Kind, key: impl Into<String>) -> Plan {
        Plan {
            kind,
            key: Value::Text(key.into()),
        }
    }
}

/// How a query is read: the plans to try in order (the first with any hit wins).
pub fn plan(query: &str) -> Vec<Plan> {
    let trimmed = query.trim();
    // Numbers are typed with spaces or dashes as grouping.
    let compact: String = trimmed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase();
    if compact.is_empty() {
        return Vec::new();
    }
    let numbered = |prefix: &str| {
        compact
            .strip_prefix(prefix)
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|n| n.parse::<i64>().ok())
    };
    if let Some(id) = numbered("AP") {
        return vec![Plan {
            kind: Kind::Application,
            key: Value::Integer(id),
        }];
    }
    if let Some(id) = numbered("RF") {
        return vec![Plan::text(
            Kind::Refund,
            super::refund::refund_reference(id),
        )];
    }
    let digits = compact.len();
    let id_like = compact.bytes().enumerate().all(|(i, b)| {
        b.is_ascii_digit() || (b == b'X' && i + 1 == digits && (digits == 18 || digits <= 6))
    });
    if id_like {
        return match digits {
            11 if compact.starts_with('1') => vec![Plan::text(Kind::Phone, compact)],
            18 => vec![Plan::text(Kind::IdNumber, compact)],
            6 => vec![Plan::text(Kind::IdLast6, compact)],
            4 => vec![Plan::text(Kind::IdLast4, compact)],
            _ => vec![Plan::text(Kind::Serial, compact)],
        };
    }
    let name = name_plan(trimmed);
    // Letters and digits only could be a serial (a scanner) or a Latin name.
    let serial_like = trimmed
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b' ');
    if serial_like {
        let serial: String = trimmed
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        return vec![Plan::text(Kind::Serial, serial), name];
    }
    vec![name]
}

fn name_plan(name: &str) -> Plan {
    if name.chars().count() <= 2 {
        // Grams are stored ASCII-lowercased, as SQLite's lower() does.
        Plan::text(Kind::ShortName, name.to_ascii_lowercase())
    } else {
        // One FTS5 phrase: the trigrams of the whole text, in order.
        Plan::text(Kind::Name, format!("\"{}\"", name.replace('"', "\"\"")))
    }
}

fn rows(conn: &Connection, plan: &Plan, before: i64, limit: i64) -> Result<Vec<QueueRow>> {
    let mut stmt = conn.prepare_cached(&plan.kind.sql())?;
    let rows = stmt.query_map(params![plan.key, before, limit], |r| {
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

/// The first page of what the clerk typed, newest first.
pub fn find(conn: &Connection, query: &str, limit: i64) -> Result<Vec<QueueRow>> {
    find_page(conn, query, None, limit)
}

/// A page of results: `before` is the last id of the page shown (keyset).
pub fn find_page(
    conn: &Connection,
    query: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<QueueRow>> {
    let plans = plan(query);
    let before = before.unwrap_or(i64::MAX);
    let Some((last, first)) = plans.split_last() else {
        return Ok(Vec::new());
    };
    // Which reading applies does not depend on the page.
    for p in first {
        if !rows(conn, p, i64::MAX, 1)?.is_empty() {
            return rows(conn, p, before, limit);
        }
    }
    rows(conn, last, before, limit)
}

/// The actions home counts for the day (006_audit_by_time.sql indexes them).
const TODAY_ACTIONS: &[&str] = &["create draft", "submit", "approve", "hand over", "activate"];

/// What happened at a point since `since` (UTC instant text): for the home screen.
pub fn today(conn: &Connection, point_id: Option<i64>, since: &str) -> Result<Vec<(String, i64)>> {
    // One count per action, each naming its action literally: that is what
    // lets SQLite read them from the partial index audit_by_time (006).
    let counts: Vec<String> = TODAY_ACTIONS
        .iter()
        .map(|action| {
            format!(
                "SELECT '{action}' AS action, count(*) AS n FROM audit_log l
                 LEFT JOIN application a ON a.id = l.entity_id
                 WHERE l.entity = 'application' AND l.action = '{action}' AND l.at >= ?1
                   AND (?2 IS NULL OR a.pickup_point_id = ?2)"
            )
        })
        .collect();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT action, n FROM ({}) WHERE n > 0",
        counts.join(" UNION ALL ")
    ))?;
    let rows = stmt.query_map(params![since, point_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(q: &str) -> Vec<Kind> {
        plan(q).into_iter().map(|p| p.kind).collect()
    }

    #[test]
    fn reads_what_a_clerk_types() {
        assert_eq!(kinds("ap42"), [Kind::Application]);
        assert_eq!(kinds("RF00000007"), [Kind::Refund]);
        assert_eq!(kinds("138 1234 5678"), [Kind::Phone]);
        assert_eq!(kinds("110105 19850314 001X"), [Kind::IdNumber]);
        assert_eq!(kinds("14001x"), [Kind::IdLast6]);
        assert_eq!(kinds("001X"), [Kind::IdLast4]);
        assert_eq!(kinds("LDA80000001000"), [Kind::Serial, Kind::Name]);
        assert_eq!(kinds("S90-123-456-789"), [Kind::Serial, Kind::Name]);
        assert_eq!(kinds("王"), [Kind::ShortName]);
        assert_eq!(kinds(" 张伟 "), [Kind::ShortName]);
        assert_eq!(kinds("欧阳娜"), [Kind::Name]);
        assert_eq!(kinds("Li"), [Kind::Serial, Kind::ShortName]);
        assert!(kinds("  ").is_empty());
    }

    #[test]
    fn keys_are_normalised() {
        let key = |q: &str| plan(q).remove(0).key;
        assert_eq!(key("rf7"), Value::Text("RF00000007".into()));
        assert_eq!(
            key("s90-123-456-789"),
            Value::Text("S90-123-456-789".into())
        );
        assert_eq!(key("Li"), Value::Text("LI".into()));
        assert_eq!(plan("Li")[1].key, Value::Text("li".into()));
        assert_eq!(key("say \"hi\""), Value::Text("\"say \"\"hi\"\"\"".into()));
    }
}
