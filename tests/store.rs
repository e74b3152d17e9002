//! The store on a real file: what `posdesk::store::open` sets up, and what the
//! schema itself refuses when a rogue writer bypasses the desk with plain SQL.

use rusqlite::{params, Connection};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

const NOW: &str = "2026-11-25T08:00:00Z";

fn temp_store() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("posdesk.db");
    (dir, path)
}

fn open(path: &Path) -> Connection {
    posdesk::store::open(path).expect("open the store")
}

fn pragma_i64(conn: &Connection, name: &str) -> i64 {
    conn.pragma_query_value(None, name, |r| r.get(0))
        .expect(name)
}

fn schema(conn: &Connection) -> Vec<(String, String, Option<String>)> {
    let mut stmt = conn
        .prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

/// The statement failed, and the error says `needle`.
#[track_caller]
fn refused<T: std::fmt::Debug>(result: rusqlite::Result<T>, needle: &str) {
    match result {
        Ok(v) => panic!("expected the schema to refuse (…{needle}…), got Ok({v:?})"),
        Err(e) => assert!(
            e.to_string().contains(needle),
            "expected an error mentioning {needle:?}, got: {e}"
        ),
    }
}

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

// ---------------------------------------------------------------------------
// Rows as a rogue writer would insert them.

fn point(c: &Connection, code: &str) -> i64 {
    c.execute(
        "INSERT INTO pickup_point (code, name, address, created_at) VALUES (?1, '网点', '地址', ?2)",
        params![code, NOW],
    )
    .unwrap();
    c.last_insert_rowid()
}

fn staff(c: &Connection, no: &str, point_id: i64) -> i64 {
    c.execute(
        "INSERT INTO staff (staff_no, name, role, pickup_point_id, pin_hash, created_at)
         VALUES (?1, '柜员', 'clerk', ?2, 'x', ?3)",
        params![no, point_id, NOW],
    )
    .unwrap();
    c.last_insert_rowid()
}

fn insert_merchant(c: &Connection, id_number: &str) -> rusqlite::Result<i64> {
    c.execute(
        "INSERT INTO merchant (id_number, id_last6, full_name, birth_date, sex, created_at)
         VALUES (?1, substr(?1, 13), '王小明', '1949-12-31', 'female', ?2)",
        params![id_number, NOW],
    )?;
    Ok(c.last_insert_rowid())
}

fn merchant(c: &Connection, id_number: &str) -> i64 {
    insert_merchant(c, id_number).unwrap()
}

fn application(c: &Connection, point_id: i64, staff_id: i64, merchant_id: i64) -> i64 {
    c.execute(
        "INSERT INTO application (state, merchant_id, pickup_point_id, full_name, created_by,
           created_at, updated_at)
         VALUES ('contracted', ?1, ?2, '王小明', ?3, ?4, ?4)",
        params![merchant_id, point_id, staff_id, NOW],
    )
    .unwrap();
    c.last_insert_rowid()
}

fn insert_device(c: &Connection, serial: &str, point_id: i64) -> rusqlite::Result<i64> {
    c.execute(
        "INSERT INTO device (serial, model_code, state, pickup_point_id, created_at, updated_at)
         VALUES (?1, 'LD-A8', 'in_stock', ?2, ?3, ?3)",
        params![serial, point_id, NOW],
    )?;
    Ok(c.last_insert_rowid())
}

fn device(c: &Connection, serial: &str, point_id: i64) -> i64 {
    insert_device(c, serial, point_id).unwrap()
}

fn insert_binding(
    c: &Connection,
    device_id: i64,
    application_id: i64,
    merchant_id: i64,
    staff_id: i64,
) -> rusqlite::Result<i64> {
    c.execute(
        "INSERT INTO binding (device_id, application_id, merchant_id, bound_at, bound_by)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![device_id, application_id, merchant_id, NOW, staff_id],
    )?;
    Ok(c.last_insert_rowid())
}

fn insert_deposit(
    c: &Connection,
    application_id: i64,
    merchant_id: i64,
    device_id: i64,
    amount_fen: i64,
) -> rusqlite::Result<i64> {
    c.execute(
        "INSERT INTO deposit (application_id, merchant_id, device_id, amount_fen, state,
           created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'held', ?5, ?5)",
        params![application_id, merchant_id, device_id, amount_fen, NOW],
    )?;
    Ok(c.last_insert_rowid())
}

fn insert_payment(
    c: &Connection,
    application_id: i64,
    deposit_id: i64,
    amount_fen: i64,
    staff_id: i64,
) -> rusqlite::Result<i64> {
    c.execute(
        "INSERT INTO payment (application_id, deposit_id, amount_fen, method, staff_id, paid_at)
         VALUES (?1, ?2, ?3, 'cash', ?4, ?5)",
        params![application_id, deposit_id, amount_fen, staff_id, NOW],
    )?;
    Ok(c.last_insert_rowid())
}

fn insert_refund(c: &Connection, deposit_id: i64, staff_id: i64) -> rusqlite::Result<i64> {
    c.execute(
        "INSERT INTO refund (ref, deposit_id, amount_fen, card_number, card_holder, state,
           requested_at, requested_by)
         VALUES ('RF0001', ?1, 29900, '6222020000123456782', '王小明', 'requested', ?2, ?3)",
        params![deposit_id, NOW, staff_id],
    )?;
    Ok(c.last_insert_rowid())
}

fn audit(c: &Connection, staff_id: i64) -> i64 {
    c.execute(
        "INSERT INTO audit_log (at, staff_id, entity, entity_id, action)
         VALUES (?1, ?2, 'staff', ?2, 'login')",
        params![NOW, staff_id],
    )
    .unwrap();
    c.last_insert_rowid()
}

/// Every kind of row, linked as the desk would link them.
struct Fixture {
    point: i64,
    staff: i64,
    merchant: i64,
    application: i64,
    device: i64,
    binding: i64,
    deposit: i64,
    payment: i64,
    refund: i64,
}

fn fixture(c: &Connection) -> Fixture {
    let point = point(c, "P001");
    let staff = staff(c, "C001", point);
    let merchant = merchant(c, "11010519491231002X");
    let application = application(c, point, staff, merchant);
    let device = device(c, "LDA80000000001", point);
    let binding = insert_binding(c, device, application, merchant, staff).unwrap();
    let deposit = insert_deposit(c, application, merchant, device, 29900).unwrap();
    let payment = insert_payment(c, application, deposit, 29900, staff).unwrap();
    let refund = insert_refund(c, deposit, staff).unwrap();
    Fixture {
        point,
        staff,
        merchant,
        application,
        device,
        binding,
        deposit,
        payment,
        refund,
    }
}

// ---------------------------------------------------------------------------

const TABLES: [&str; 21] = [
    "application",
    "audit_log",
    "binding",
    "checklist_item",
    "contract",
    "deposit",
    "device",
    "fee",
    "holiday_year",
    "breach",
    "import_file",
    "volume",
    "deposit_summary",
    "merchant",
    "payment",
    "phone_code",
    "pickup_point",
    "refund",
    "refund_batch",
    "sms_outbox",
    "staff",
];

#[test]
fn an_empty_file_is_migrated_to_the_current_schema() {
    let (_dir, path) = temp_store();
    let conn = open(&path);

    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap();
    let tables: BTreeSet<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let expected: BTreeSet<String> = TABLES.iter().map(|t| t.to_string()).collect();
    let missing: Vec<&String> = expected.difference(&tables).collect();
    assert!(
        missing.is_empty(),
        "tables missing after migration: {missing:?}"
    );

    assert_eq!(
        pragma_i64(&conn, "user_version"),
        i64::try_from(posdesk::store::schema_version()).unwrap()
    );
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode.to_lowercase(), "wal");
    assert_eq!(pragma_i64(&conn, "foreign_keys"), 1);

    // Foreign keys are enforced, not just declared.
    let p = point(&conn, "P001");
    refused(insert_binding(&conn, 999, 999, 999, 999), "FOREIGN KEY");
    refused(
        insert_device(&conn, "LDA80000000009", p + 100),
        "FOREIGN KEY",
    );

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the store holds ID and card numbers");
    }
}

#[test]
fn opening_a_current_store_again_changes_nothing() {
    let (_dir, path) = temp_store();
    let (before, audit_id) = {
        let conn = open(&path);
        let f = fixture(&conn);
        (schema(&conn), audit(&conn, f.staff))
    };
    let conn = open(&path);
    assert_eq!(schema(&conn), before);
    assert_eq!(
        pragma_i64(&conn, "user_version"),
        i64::try_from(posdesk::store::schema_version()).unwrap()
    );
    for table in [
        "pickup_point",
        "staff",
        "merchant",
        "application",
        "device",
        "binding",
    ] {
        assert_eq!(count(&conn, table), 1, "{table} kept its row");
    }
    let kept: i64 = conn
        .query_row("SELECT max(id) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, audit_id);
    drop(conn);
    // A third time, for good measure: still the same.
    assert_eq!(schema(&open(&path)), before);
}

#[test]
fn a_store_from_a_newer_posdesk_is_refused() {
    let (_dir, path) = temp_store();
    let newer = i64::try_from(posdesk::store::schema_version()).unwrap() + 1;
    {
        let conn = open(&path);
        conn.pragma_update(None, "user_version", newer).unwrap();
    }
    let err = posdesk::store::open(&path).expect_err("a newer schema is refused");
    let message = format!("{err:#}");
    assert!(message.contains("newer posdesk"), "{message}");

    // The store is left as it was.
    let conn = Connection::open(&path).unwrap();
    assert_eq!(pragma_i64(&conn, "user_version"), newer);
}

#[test]
fn serials_and_merchant_id_numbers_are_unique() {
    let (_dir, path) = temp_store();
    let c = open(&path);
    let p = point(&c, "P001");
    device(&c, "LDA80000000001", p);
    refused(insert_device(&c, "LDA80000000001", p), "UNIQUE");
    assert_eq!(count(&c, "device"), 1);

    merchant(&c, "11010519491231002X");
    refused(insert_merchant(&c, "11010519491231002X"), "UNIQUE");
    assert_eq!(count(&c, "merchant"), 1);
    // And an ID number must have 18 characters.
    refused(insert_merchant(&c, "610104620927690"), "CHECK");
}

#[test]
fn a_device_has_one_active_binding_at_a_time() {
    let (_dir, path) = temp_store();
    let c = open(&path);
    let f = fixture(&c);
    let other_merchant = merchant(&c, "440524188001010014");
    let other_app = application(&c, f.point, f.staff, other_merchant);

    refused(
        insert_binding(&c, f.device, other_app, other_merchant, f.staff),
        "UNIQUE",
    );
    // One active binding per application, too.
    let spare = device(&c, "LDA80000000002", f.point);
    refused(
        insert_binding(&c, spare, f.application, f.merchant, f.staff),
        "UNIQUE",
    );

    c.execute(
        "UPDATE binding SET ended_at = ?2, ended_reason = 'returned' WHERE id = ?1",
        params![f.binding, NOW],
    )
    .unwrap();
    let second = insert_binding(&c, f.device, other_app, other_merchant, f.staff)
        .expect("a new binding once the first has ended");
    assert_ne!(second, f.binding);
    // The ended one is still there: history is kept.
    assert_eq!(count(&c, "binding"), 2);
}

#[test]
fn the_audit_log_is_append_only() {
    let (_dir, path) = temp_store();
    let c = open(&path);
    let f = fixture(&c);
    let id = audit(&c, f.staff);
    refused(
        c.execute(
            "UPDATE audit_log SET action = 'nothing happened' WHERE id = ?1",
            [id],
        ),
        "append-only",
    );
    refused(
        c.execute("DELETE FROM audit_log WHERE id = ?1", [id]),
        "append-only",
    );
    refused(c.execute("DELETE FROM audit_log", []), "append-only");
    let action: String = c
        .query_row("SELECT action FROM audit_log WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(action, "login");
}

#[test]
fn records_of_people_devices_and_money_are_never_deleted() {
    let (_dir, path) = temp_store();
    let c = open(&path);
    let f = fixture(&c);
    // Children first, so that only the triggers (not foreign keys) can refuse.
    for (table, id) in [
        ("refund", f.refund),
        ("payment", f.payment),
        ("deposit", f.deposit),
        ("binding", f.binding),
        ("device", f.device),
        ("application", f.application),
        ("merchant", f.merchant),
        ("staff", f.staff),
    ] {
        refused(
            c.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id]),
            "never deleted",
        );
        refused(
            c.execute(&format!("DELETE FROM {table}"), []),
            "never deleted",
        );
        assert_eq!(count(&c, table), 1, "{table} kept its row");
    }
    // Payments are not rewritten either.
    refused(
        c.execute(
            "UPDATE payment SET amount_fen = 1 WHERE id = ?1",
            [f.payment],
        ),
        "never changed",
    );
}

#[test]
fn money_amounts_are_checked_by_the_schema() {
    let (_dir, path) = temp_store();
    let c = open(&path);
    let f = fixture(&c);
    let m2 = merchant(&c, "34052419800101001X");
    let a2 = application(&c, f.point, f.staff, m2);
    let d2 = device(&c, "LDA80000000002", f.point);

    refused(insert_deposit(&c, a2, m2, d2, -1), "CHECK");
    refused(insert_deposit(&c, a2, m2, d2, -29900), "CHECK");
    // A model may take no deposit at all.
    let free = insert_deposit(&c, a2, m2, d2, 0).expect("a zero deposit is allowed");

    refused(insert_payment(&c, a2, free, 0, f.staff), "CHECK");
    refused(insert_payment(&c, a2, free, -100, f.staff), "CHECK");
    insert_payment(&c, a2, free, 1, f.staff).expect("one fen is a payment");

    // An existing deposit cannot be made negative either.
    refused(
        c.execute(
            "UPDATE deposit SET amount_fen = -1 WHERE id = ?1",
            [f.deposit],
        ),
        "CHECK",
    );
}

#[test]
fn a_reserved_device_names_its_application() {
    let (_dir, path) = temp_store();
    let c = open(&path);
    let f = fixture(&c);
    refused(
        c.execute(
            "INSERT INTO device (serial, model_code, state, pickup_point_id, created_at, updated_at)
             VALUES ('LDA80000000003', 'LD-A8', 'reserved', ?1, ?2, ?2)",
            params![f.point, NOW],
        ),
        "CHECK",
    );
    let d = device(&c, "LDA80000000004", f.point);
    refused(
        c.execute("UPDATE device SET state = 'reserved' WHERE id = ?1", [d]),
        "CHECK",
    );
    // reserved_for is only for a reserved device.
    refused(
        c.execute(
            "UPDATE device SET reserved_for = ?2 WHERE id = ?1",
            params![d, f.application],
        ),
        "CHECK",
    );
    c.execute(
        "UPDATE device SET state = 'reserved', reserved_for = ?2 WHERE id = ?1",
        params![d, f.application],
    )
    .expect("reserved with reserved_for is fine");
}
