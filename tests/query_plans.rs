//! Every statement behind the first screen, home, the counter's search and the
//! refund dashboard is answered from an index. The screens' own desk calls run
//! against a populated store while SQLite reports each statement it runs;
//! each is then put to EXPLAIN QUERY PLAN, and a scan of a big table fails.
//! (The plans do not depend on the store's size: there are no statistics.)

use posdesk::desk::{Desk, Setup};
use posdesk::domain::lifecycle::ApplicationState as S;
use posdesk::store::dashboard::Filter;
use regex::Regex;
use rusqlite::trace::{TraceEvent, TraceEventCodes};
use rusqlite::Connection;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

const NOW: &str = "2026-11-25T02:00:00Z";

/// Tables that grow with the merchants: none may be read whole.
const BIG: &[&str] = &[
    "application",
    "merchant",
    "device",
    "binding",
    "deposit",
    "refund",
    "audit_log",
    "checklist_item",
    "phone_code",
    "contract",
    "fee",
    "payment",
    "sms_outbox",
    "volume",
    "breach",
    "name_gram",
];

static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn record(event: TraceEvent<'_>) {
    if let TraceEvent::Stmt(stmt, _) = event {
        if let Ok(mut seen) = SEEN.lock() {
            seen.push(stmt.sql().to_string());
        }
    }
}

/// The statements `screen` runs, each once.
fn statements_of(conn: &Connection, screen: impl FnOnce()) -> BTreeSet<String> {
    SEEN.lock().unwrap().clear();
    conn.trace_v2(TraceEventCodes::SQLITE_TRACE_STMT, Some(record));
    screen();
    conn.trace_v2(TraceEventCodes::empty(), None);
    SEEN.lock()
        .unwrap()
        .drain(..)
        .filter(|sql| !sql.trim_start().starts_with("--"))
        .collect()
}

/// Table names by the names a statement gives them (`deposit d`).
fn aliases(sql: &str) -> BTreeMap<String, String> {
    let keywords = [
        "where", "on", "join", "left", "cross", "inner", "group", "order", "limit", "union",
        "using", "and", "as", "select", "set", "values",
    ];
    let re =
        Regex::new(r"(?i)\b(?:from|join)\s+([a-z_][a-z0-9_]*)(?:\s+(?:as\s+)?([a-z_][a-z0-9_]*))?")
            .unwrap();
    let mut map = BTreeMap::new();
    for c in re.captures_iter(sql) {
        let table = c[1].to_ascii_lowercase();
        map.insert(table.clone(), table.clone());
        if let Some(alias) = c.get(2) {
            let alias = alias.as_str().to_ascii_lowercase();
            if !keywords.contains(&alias.as_str()) {
                map.insert(alias, table);
            }
        }
    }
    map
}

/// The plan's lines that read a big table from end to end.
fn full_scans(conn: &Connection, sql: &str) -> Vec<String> {
    let names = aliases(sql);
    let mut stmt = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap_or_else(|e| panic!("cannot explain {sql}: {e}"));
    // Parameters stay unbound: the plan is made before any value is known.
    let mut details = Vec::new();
    let mut rows = stmt.raw_query();
    while let Some(r) = rows.next().unwrap() {
        details.push(r.get::<_, String>(3).unwrap());
    }
    details
        .into_iter()
        .filter(|d| {
            let Some(rest) = d.strip_prefix("SCAN ") else {
                return false;
            };
            if rest.contains("VIRTUAL TABLE INDEX") {
                return false; // FTS5 answers from its own index
            }
            let name = rest
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            let table = names.get(&name).cloned().unwrap_or(name);
            BIG.contains(&table.as_str())
        })
        .collect()
}

/// A store with something of everything: the bulk demo, small (plans do not
/// depend on the size).
fn populated() -> (tempfile::TempDir, Desk) {
    let dir = tempfile::tempdir().unwrap();
    let mut desk = Desk::open(
        &dir.path().join("plans.db"),
        Setup::builtin().at(NOW.parse().unwrap()),
    )
    .unwrap();
    desk.load_demo_bulk(2_000, 3, &mut |_| {}).unwrap();
    (dir, desk)
}

fn text(conn: &Connection, sql: &str) -> String {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Something a clerk would type for each kind of search, from the store itself.
fn searches(conn: &Connection) -> Vec<String> {
    let name = text(
        conn,
        "SELECT full_name FROM application WHERE length(full_name) = 3 LIMIT 1",
    );
    vec![
        "AP00000042".into(),
        text(conn, "SELECT ref FROM refund LIMIT 1"),
        text(conn, "SELECT phone FROM application LIMIT 1"),
        text(conn, "SELECT id_number FROM merchant LIMIT 1"),
        text(conn, "SELECT id_last6 FROM merchant LIMIT 1"),
        text(conn, "SELECT substr(id_last6, 3) FROM merchant LIMIT 1"),
        text(
            conn,
            "SELECT serial FROM device WHERE state = 'activated' LIMIT 1",
        ),
        name.chars().take(1).collect(),
        name.chars().take(2).collect(),
        name,
        "Li".into(),
    ]
}

fn filters(conn: &Connection) -> Vec<Filter> {
    let day = |d: &str| posdesk::desk::day_bounds(d.parse().unwrap());
    let (week, _) = day("2026-11-19");
    let (_, end) = day("2026-11-25");
    let mut out = vec![
        Filter::default(),
        Filter {
            point_id: Some(1),
            ..Filter::default()
        },
        Filter {
            from: Some(week.clone()),
            to: Some(end.clone()),
            ..Filter::default()
        },
        Filter {
            states: vec!["refund_sent".into()],
            point_id: Some(2),
            from: Some(week),
            to: Some(end),
            ..Filter::default()
        },
        Filter {
            overdue_on: Some("2026-11-25".into()),
            ..Filter::default()
        },
        Filter {
            overdue_on: Some("2026-11-25".into()),
            point_id: Some(3),
            ..Filter::default()
        },
    ];
    for s in posdesk::domain::lifecycle::DepositState::ALL {
        out.push(Filter {
            states: vec![s.as_str().into()],
            ..Filter::default()
        });
    }
    for q in searches(conn) {
        out.push(Filter {
            search: Some(q),
            ..Filter::default()
        });
    }
    out
}

#[test]
fn first_screen_home_search_and_dashboard_read_by_index() {
    let (_dir, mut desk) = populated();
    let clerk = desk.login("C001", "100001").unwrap();
    let conn_sql = |desk: &Desk, what: &str, f: &dyn Fn(&Desk)| {
        let statements = statements_of(desk.conn(), || f(desk));
        assert!(!statements.is_empty(), "{what} ran no statement");
        (what.to_string(), statements)
    };
    let mut screens = Vec::new();
    screens.push(conn_sql(&desk, "first screen", &|d| {
        posdesk::store::audit::seal(d.conn()).unwrap();
        d.staff_count().unwrap();
    }));
    let point = clerk.point_id;
    screens.push(conn_sql(&desk, "home", &|d| {
        d.today_counts(point).unwrap();
        d.today_counts(None).unwrap();
        d.queue(point, &posdesk::tui::screens::home::QUEUE_STATES, 50)
            .unwrap();
        d.queue(None, &[S::Submitted, S::Draft], 50).unwrap();
        d.point_label(1).unwrap();
    }));
    let typed = searches(desk.conn());
    screens.push(conn_sql(&desk, "search", &|d| {
        for q in &typed {
            let page = d.find(q, 20).unwrap();
            if let Some(last) = page.last() {
                posdesk::store::search::find_page(d.conn(), q, Some(last.id), 20).unwrap();
            }
        }
    }));
    let opened: i64 = desk
        .conn()
        .query_row(
            "SELECT max(application_id) FROM deposit WHERE refund_id IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    screens.push(conn_sql(&desk, "an application opened from home", &|d| {
        d.application(opened).unwrap();
        d.timeline(opened).unwrap();
        d.messages_for(opened).unwrap();
        d.refunds_of_application(opened).unwrap();
    }));
    let all = filters(desk.conn());
    screens.push(conn_sql(&desk, "dashboard", &|d| {
        d.refund_totals().unwrap();
        d.refunds_per_day(30).unwrap();
        d.daily_report("2026-11-24".parse().unwrap()).unwrap();
        for f in &all {
            d.dashboard_filtered_totals(f).unwrap();
            let page = d.dashboard_page(f, None, 21).unwrap();
            if let Some(last) = page.last() {
                d.dashboard_page(f, Some(last.deposit_id), 21).unwrap();
                d.deposit_timeline(last.deposit_id).unwrap();
            }
        }
    }));

    let mut failures = Vec::new();
    for (screen, statements) in &screens {
        for sql in statements {
            let upper = sql.trim_start().to_ascii_uppercase();
            if !(upper.starts_with("SELECT") || upper.starts_with("WITH")) {
                continue;
            }
            let scans = full_scans(desk.conn(), sql);
            if std::env::var_os("SHOW_PLANS").is_some() {
                let mut stmt = desk
                    .conn()
                    .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                    .unwrap();
                let mut rows = stmt.raw_query();
                eprintln!(
                    "\n[{screen}] {}",
                    sql.split_whitespace().collect::<Vec<_>>().join(" ")
                );
                while let Some(r) = rows.next().unwrap() {
                    eprintln!("   {}", r.get::<_, String>(3).unwrap());
                }
            }
            if !scans.is_empty() {
                failures.push(format!(
                    "{screen}: {scans:?}\n    {}",
                    sql.split_whitespace().collect::<Vec<_>>().join(" ")
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "statements that read a big table whole:\n{}",
        failures.join("\n")
    );
    let _ = &mut desk;
}

#[test]
fn a_full_scan_is_caught() {
    let (_dir, desk) = populated();
    let scans = full_scans(
        desk.conn(),
        "SELECT count(*) FROM deposit d JOIN application a ON a.id = d.application_id WHERE instr(a.full_name, ?1) > 0",
    );
    assert!(
        !scans.is_empty(),
        "a name matched anywhere reads every application"
    );
    assert!(full_scans(desk.conn(), "SELECT * FROM deposit WHERE id = ?1").is_empty());
}
