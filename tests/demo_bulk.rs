//! The bulk demo generator makes stores the use cases could have made: the
//! same invariants hold on a bulk store of 20,000 merchants as on one made by
//! the use cases, and its applications and refunds go on through the desk.

use posdesk::desk::demo_bulk::build_store;
use posdesk::desk::{Desk, Setup};
use posdesk::domain::lifecycle::{
    application_next, device_can_move, ApplicationEvent, ApplicationState, DepositState,
    DeviceState,
};
use posdesk::domain::refund::deposit_can_move;
use posdesk::store::dashboard::Filter;
use rusqlite::Connection;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;

const NOW: &str = "2026-11-25T02:00:00Z";
const BULK_MERCHANTS: usize = 20_000;

fn setup() -> Setup {
    Setup::builtin().at(NOW.parse().expect("NOW is an instant"))
}

/// One bulk store for every test here (generating it is the slow part); each
/// test opens its own desk on it.
fn bulk_store() -> PathBuf {
    static STORE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    STORE
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("bulk.db");
            drop(Desk::open(&path, setup()).expect("store"));
            let mut last = 0;
            // As `posdesk demo` does it: into a copy without a journal, renamed over the store.
            let report = build_store(&path, setup(), BULK_MERCHANTS, 7, &mut |p| {
                assert!(p.merchants >= last, "progress goes forward");
                last = p.merchants;
            })
            .expect("bulk demo");
            let desk = Desk::open(&path, setup()).expect("the demo store opens");
            let pragma = |name: &str| -> String {
                desk.conn()
                    .query_row(&format!("PRAGMA {name}"), [], |r| {
                        r.get::<_, rusqlite::types::Value>(0)
                    })
                    .map(|v| format!("{v:?}"))
                    .unwrap()
            };
            assert_eq!(
                pragma("journal_mode"),
                "Text(\"wal\")",
                "the log is back on"
            );
            assert_eq!(
                pragma("foreign_keys"),
                "Integer(1)",
                "references are checked again"
            );
            assert!(
                !dir.path().join("bulk.db.demo-partial").exists(),
                "no copy left"
            );
            assert_eq!(report.demo.merchants, BULK_MERCHANTS);
            assert!(
                report.rows > 30 * BULK_MERCHANTS as u64,
                "{} rows",
                report.rows
            );
            let written: i64 = GENERATED
                .iter()
                .map(|t| one(desk.conn(), &format!("SELECT count(*) FROM {t}")))
                .sum();
            // Besides the demo staff's own audit entries, made with them.
            assert_eq!(
                report.rows as i64,
                written - 4,
                "rows reported are rows written"
            );
            (dir, path)
        })
        .1
        .clone()
}

/// The tables the generator writes rows into.
const GENERATED: [&str; 17] = [
    "merchant",
    "application",
    "checklist_item",
    "phone_code",
    "contract",
    "device",
    "binding",
    "deposit",
    "fee",
    "payment",
    "refund_batch",
    "refund",
    "breach",
    "import_file",
    "volume",
    "sms_outbox",
    "audit_log",
];

fn bulk_desk() -> Desk {
    Desk::open(&bulk_store(), setup()).expect("open the bulk store")
}

/// A small store made by the use cases, for comparison.
fn desk_made() -> Desk {
    let mut desk = Desk::in_memory(setup()).expect("store");
    desk.load_demo(300, 7).expect("use-case demo");
    desk
}

fn one(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn strings(conn: &Connection, sql: &str) -> BTreeSet<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

/// What any store must satisfy, however it was made.
fn invariants(desk: &Desk) {
    let conn = desk.conn();
    // Totals: the summaries the dashboard reads equal the rows.
    let totals = desk.refund_totals().unwrap();
    let mut stmt = conn
        .prepare("SELECT state, count(*), sum(amount_fen) FROM deposit GROUP BY state")
        .unwrap();
    let rows: Vec<(String, i64, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for (state, n, fen) in &rows {
        let summary = totals.by_state.iter().find(|(s, _, _)| s == state).unwrap();
        assert_eq!(
            (summary.1, summary.2.fen()),
            (*n, *fen),
            "summary of {state}"
        );
        let filtered = desk
            .dashboard_filtered_totals(&Filter {
                states: vec![state.clone()],
                ..Filter::default()
            })
            .unwrap();
        assert_eq!(
            (filtered.0, filtered.1.fen()),
            (*n, *fen),
            "filtered {state}"
        );
    }
    for (sql, what) in [
        (
            "SELECT count(*) FROM (SELECT coalesce(pickup_point_id, 0) p, state, count(*) n, \
             sum(amount_fen) f FROM deposit GROUP BY 1, 2 EXCEPT \
             SELECT pickup_point_id, state, count, amount_fen FROM deposit_point_summary)",
            "per point",
        ),
        (
            "SELECT count(*) FROM (SELECT date(created_at, '+8 hours'), coalesce(pickup_point_id, 0), \
             state, count(*), sum(amount_fen) FROM deposit GROUP BY 1, 2, 3 EXCEPT \
             SELECT day, pickup_point_id, state, count, amount_fen FROM deposit_day_summary)",
            "per day",
        ),
    ] {
        assert_eq!(one(conn, sql), 0, "summary {what} equals the rows");
    }
    let overdue = desk
        .dashboard_filtered_totals(&Filter {
            overdue_on: Some("2026-11-25".into()),
            ..Filter::default()
        })
        .unwrap();
    assert_eq!(overdue, totals.overdue, "overdue counted two ways");
    let by_rows = one(
        conn,
        "SELECT count(*) FROM deposit d JOIN refund r ON r.id = d.refund_id
         WHERE d.state IN ('refund_confirmed', 'refund_sent') AND r.window_latest < '2026-11-25'",
    );
    assert_eq!(overdue.0, by_rows, "overdue deposits counted from the rows");
    // Paged by keyset, the overdue filter shows exactly those deposits, newest first.
    let filter = Filter {
        overdue_on: Some("2026-11-25".into()),
        ..Filter::default()
    };
    let (mut shown, mut before, mut amount) = (Vec::new(), None, 0);
    loop {
        let page = desk.dashboard_page(&filter, before, 7).unwrap();
        if page.is_empty() {
            break;
        }
        before = page.last().map(|r| r.deposit_id);
        amount += page.iter().map(|r| r.amount.0).sum::<i64>();
        shown.extend(page.iter().map(|r| r.deposit_id));
    }
    assert_eq!(
        shown.len() as i64,
        overdue.0,
        "every overdue deposit shown once"
    );
    assert_eq!(amount, overdue.1 .0, "the pages add up to the total");
    assert!(
        shown.windows(2).all(|w| w[0] > w[1]),
        "newest first, no repeats"
    );

    // Every state a row is in is the state its last audit entry moved it to.
    for (table, entity) in [
        ("application", "application"),
        ("deposit", "deposit"),
        ("device", "device"),
        ("refund", "refund"),
    ] {
        let wrong = one(
            conn,
            &format!(
                "SELECT count(*) FROM {table} t WHERE t.state IS NOT (
                   SELECT l.to_state FROM audit_log l WHERE l.entity = '{entity}'
                   AND l.entity_id = t.id AND l.to_state IS NOT NULL
                   AND l.action NOT LIKE 'check %' ORDER BY l.id DESC LIMIT 1)"
            ),
        );
        assert_eq!(
            wrong, 0,
            "{table}s whose state disagrees with their audit trail"
        );
    }
    // Every transition in the audit log is one the rules allow.
    let mut stmt = conn
        .prepare(
            "SELECT DISTINCT entity, action, from_state, to_state FROM audit_log
             WHERE from_state IS NOT NULL",
        )
        .unwrap();
    let moves: Vec<(String, String, String, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for (entity, action, from, to) in moves {
        let to = to.unwrap_or_default();
        let ok = match entity.as_str() {
            "application" => {
                let event = [
                    ApplicationEvent::Submit,
                    ApplicationEvent::Approve,
                    ApplicationEvent::Reject,
                    ApplicationEvent::Verify,
                    ApplicationEvent::SignContract,
                    ApplicationEvent::BindDevice,
                    ApplicationEvent::HandOver,
                    ApplicationEvent::Activate,
                    ApplicationEvent::Cancel,
                ]
                .into_iter()
                .find(|e| e.as_str() == action);
                match (event, ApplicationState::parse(&from)) {
                    (Some(e), Some(f)) => application_next(f, e)
                        .map(|s| s.as_str() == to)
                        .unwrap_or(false),
                    // Checklist items: re-recorded outcomes.
                    _ => action.starts_with("check "),
                }
            }
            "deposit" => match (DepositState::parse(&from), DepositState::parse(&to)) {
                (Some(f), Some(t)) => deposit_can_move(f, t).is_ok(),
                _ => false,
            },
            "device" => match (DeviceState::parse(&from), DeviceState::parse(&to)) {
                (Some(f), Some(t)) => device_can_move(f, t).is_ok(),
                _ => false,
            },
            "refund" => matches!(
                (from.as_str(), to.as_str()),
                ("requested", "confirmed")
                    | ("confirmed", "sent")
                    | ("sent", "refunded" | "failed")
            ),
            _ => false,
        };
        assert!(
            ok,
            "the audit log records a move the rules refuse: {entity} {action} {from} → {to}"
        );
    }
    // References, numbers and masks read back.
    let refs = strings(
        conn,
        "SELECT ref FROM refund UNION ALL SELECT ref FROM refund_batch",
    );
    for r in &refs {
        assert!(
            (r.starts_with("RF") && r.len() == 10) || (r.starts_with("RB") && r.len() == 8),
            "{r}"
        );
    }
    let wrong_refs = one(
        conn,
        "SELECT count(*) FROM refund WHERE ref <> printf('RF%08d', id)",
    ) + one(
        conn,
        "SELECT count(*) FROM refund_batch WHERE ref <> printf('RB%06d', id)",
    );
    assert_eq!(wrong_refs, 0);
    let sample: Vec<i64> = {
        let mut stmt = conn
            .prepare(
                "SELECT id FROM application WHERE id % 97 = 0 OR state <> 'activated' LIMIT 400",
            )
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    for id in sample {
        let reference = posdesk::store::application::reference(id);
        assert_eq!(
            posdesk::store::application::parse_reference(&reference),
            Some(id)
        );
        let view = desk.application(id).unwrap();
        assert!(!view.form.id_number.is_empty() && view.form.id_number.contains('*'));
        assert!(view.form.phone.contains('*'), "{}", view.form.phone);
        assert!(view.form.card_number.contains('*'));
    }
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    for id_number in strings(conn, "SELECT id_number FROM merchant WHERE id % 50 = 0") {
        posdesk::domain::resident_id::ResidentId::parse(&id_number, today)
            .unwrap_or_else(|p| panic!("{id_number}: {}", p.message));
    }
    for phone in strings(conn, "SELECT phone FROM application WHERE id % 50 = 0") {
        posdesk::domain::phone::Phone::parse(&phone)
            .unwrap_or_else(|p| panic!("{phone}: {}", p.message));
    }
    // Messages are the templates the desk sends.
    let templates = strings(conn, "SELECT DISTINCT template FROM sms_outbox");
    let known: BTreeSet<String> = [
        "phone_code",
        "application_rejected",
        "ready_for_pickup",
        "refund_sent",
        "refund_done",
        "refund_failed",
    ]
    .map(String::from)
    .into();
    assert!(templates.is_subset(&known), "{templates:?}");
    // The audit chain holds, the references hold, the name index holds.
    let chain = posdesk::store::audit::verify(conn).unwrap();
    assert_eq!((chain.first_broken, chain.unsealed), (None, 0));
    assert_eq!(
        one(conn, "SELECT count(*) FROM pragma_foreign_key_check"),
        0,
        "rows pointing nowhere"
    );
    conn.execute_batch("INSERT INTO name_trigram(name_trigram) VALUES ('integrity-check')")
        .expect("the name index matches the applications");
}

#[test]
fn a_store_made_by_the_use_cases_keeps_the_invariants() {
    invariants(&desk_made());
}

#[test]
fn a_bulk_store_keeps_the_same_invariants() {
    invariants(&bulk_desk());
}

#[test]
fn a_bulk_store_has_every_state() {
    let desk = bulk_desk();
    let conn = desk.conn();
    let apps = strings(conn, "SELECT DISTINCT state FROM application");
    for s in ApplicationState::ALL {
        assert!(apps.contains(s.as_str()), "no application is {s}");
    }
    let deposits = strings(conn, "SELECT DISTINCT state FROM deposit");
    for s in DepositState::ALL {
        assert!(deposits.contains(s.as_str()), "no deposit is {s}");
    }
    let devices = strings(conn, "SELECT DISTINCT state FROM device");
    for s in ["in_stock", "reserved", "bound", "activated"] {
        assert!(devices.contains(s), "no device is {s}");
    }
    for (table, at_least) in [
        ("checklist_item", 1000),
        ("contract", 1000),
        ("binding", 1000),
        ("fee", 100),
        ("payment", 1000),
        ("refund_batch", 5),
        ("volume", 1000),
        ("import_file", 5),
        ("breach", 1),
        ("phone_code", 1000),
    ] {
        let n = one(conn, &format!("SELECT count(*) FROM {table}"));
        assert!(n >= at_least, "{table}: {n} rows");
    }
    let overdue = desk.refund_totals().unwrap().overdue.0;
    assert!(overdue > 0, "some refunds are overdue");
}

#[test]
fn bulk_applications_go_on_through_the_desk() {
    let mut desk = bulk_desk();
    let sup = desk.login("S001", "900001").expect("supervisor");
    let conn = desk.conn();
    let submitted = one(
        conn,
        "SELECT max(id) FROM application WHERE state = 'submitted'",
    );
    let (contracted, point, model): (i64, i64, String) = conn
        .query_row(
            "SELECT a.id, a.pickup_point_id, a.model_code FROM application a
             WHERE a.state = 'contracted' AND NOT EXISTS
               (SELECT 1 FROM device d WHERE d.reserved_for = a.id) ORDER BY a.id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let requested = one(conn, "SELECT max(id) FROM refund WHERE state = 'requested'");
    // A model with no fees to fall due and no volume target: still eligible today.
    let eligible = one(
        conn,
        "SELECT max(d.application_id) FROM deposit d JOIN application a ON a.id = d.application_id
         WHERE d.state = 'eligible' AND a.model_code = 'NL-ME31'",
    );
    assert_eq!(
        desk.approve(&sup, submitted, None).unwrap(),
        ApplicationState::Approved
    );
    let clerk_no = match point {
        1 => "C001",
        2 => "C002",
        _ => "C003",
    };
    let clerk = desk
        .login(clerk_no, &format!("10000{}", &clerk_no[3..]))
        .expect("clerk");
    let serial = desk.stock(point, Some(&model), 1).unwrap().remove(0).serial;
    desk.bind_device(&clerk, contracted, &serial).expect("bind");
    assert_eq!(
        desk.application(contracted).unwrap().state,
        "ready_for_pickup"
    );
    let confirmed = desk.confirm_refund(&clerk, requested).expect("confirm");
    assert_eq!(confirmed.refund.state, "confirmed");
    let refund = desk
        .request_refund(&clerk, eligible, None)
        .expect("request");
    assert_eq!(refund.state, "requested");
    // And the store is still whole after the desk's own transactions.
    let chain = posdesk::store::audit::verify(desk.conn()).unwrap();
    assert_eq!(chain.first_broken, None);
}

#[test]
fn names_in_a_bulk_store_are_found() {
    let desk = bulk_desk();
    let (id, name, phone): (i64, String, String) = desk
        .conn()
        .query_row(
            "SELECT id, full_name, phone FROM application WHERE id = 12345",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let by_phone = desk.find(&phone, 10).unwrap();
    assert!(by_phone.iter().any(|r| r.id == id), "by phone");
    let surname: String = name.chars().take(1).collect();
    let mut before = None;
    let mut seen = false;
    while let Ok(page) = posdesk::store::search::find_page(desk.conn(), &surname, before, 500) {
        if page.is_empty() {
            break;
        }
        seen |= page.iter().any(|r| r.id == id);
        before = page.last().map(|r| r.id);
    }
    assert!(seen, "{name} found by the surname {surname}");
}

#[test]
fn the_same_seed_makes_the_same_store() {
    let digest = |seed: u64| {
        let mut desk = Desk::in_memory(setup()).unwrap();
        desk.load_demo_bulk(1_500, seed, &mut |_| {}).unwrap();
        let chain = posdesk::store::audit::verify(desk.conn()).unwrap();
        let people = desk
            .conn()
            .query_row(
                "SELECT group_concat(id_number || phone, ',') FROM application ORDER BY id",
                [],
                |r| r.get::<_, Option<String>>(0),
            )
            .unwrap();
        (chain.head, people)
    };
    assert_eq!(digest(11), digest(11));
    assert_ne!(digest(11).0, digest(12).0);
}

#[test]
fn a_store_left_half_made_by_a_bulk_load_refuses_to_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("half.db");
    let conn = posdesk::store::open(&path).unwrap();
    posdesk::store::bulk::mark_loading(&conn).unwrap();
    drop(conn);
    let refused = posdesk::store::open(&path).map(|_| ()).unwrap_err();
    assert!(refused.to_string().contains("incomplete"), "{refused}");
}

#[test]
fn the_bulk_demo_wants_a_new_store() {
    let mut desk = desk_made();
    let refused = desk.load_demo_bulk(6_000, 1, &mut |_| {}).unwrap_err();
    assert!(refused.to_string().contains("new store"), "{refused}");
    // Nothing was left behind: the store opens and is as it was.
    assert_eq!(one(desk.conn(), "SELECT count(*) FROM application"), 300);
    invariants(&desk);
}
