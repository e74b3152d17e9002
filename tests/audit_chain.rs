//! The audit log is hash-chained: an edit made behind posdesk's back with the
//! sqlite3 shell (dropping the trigger first) is found at its first broken link.

use posdesk::desk::{Desk, NewPoint, NewStaffMember, Setup};
use posdesk::domain::checklist::Role;
use posdesk::store;

fn store_with_history() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("posdesk.db");
    let mut desk = Desk::open(
        &path,
        Setup::builtin().at("2026-11-25T02:00:00Z".parse().unwrap()),
    )
    .unwrap();
    desk.bootstrap(
        NewPoint {
            code: "BJ01",
            name: "朝阳门便利店",
            address: "北京市朝阳区",
        },
        NewStaffMember {
            staff_no: "S001",
            name: "王主管",
            role: Role::Supervisor,
            pin: "900001",
            point_code: Some("BJ01"),
        },
    )
    .unwrap();
    desk.load_demo(20, 1).unwrap();
    (dir, path)
}

#[test]
fn every_entry_is_sealed_and_the_chain_verifies() {
    let (_dir, path) = store_with_history();
    let conn = store::open(&path).unwrap();
    let report = store::audit::verify(&conn).unwrap();
    assert!(report.entries > 100, "{report:?}");
    assert_eq!(report.unsealed, 0);
    assert_eq!(report.first_broken, None);
    assert!(report.head.is_some());
}

#[test]
fn an_edit_behind_posdesks_back_is_found() {
    let (_dir, path) = store_with_history();
    let conn = rusqlite::Connection::open(&path).unwrap();
    // What someone with the sqlite3 shell would have to do.
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update;
         UPDATE audit_log SET reason = 'nothing to see' WHERE id = 40;",
    )
    .unwrap();
    let report = store::audit::verify(&conn).unwrap();
    assert_eq!(report.first_broken, Some(40));
}

#[test]
fn a_deleted_entry_breaks_the_next_link() {
    let (_dir, path) = store_with_history();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 25;")
        .unwrap();
    assert_eq!(store::audit::verify(&conn).unwrap().first_broken, Some(26));
}

#[test]
fn sealing_is_the_only_change_an_entry_accepts() {
    let (_dir, path) = store_with_history();
    let conn = store::open(&path).unwrap();
    let err = conn
        .execute("UPDATE audit_log SET hash = 'x' WHERE id = 3", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let err = conn
        .execute(
            "UPDATE audit_log SET action = 'x', hash = NULL WHERE id = 3",
            [],
        )
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

#[test]
fn posdesk_audit_verify_exits_1_and_names_the_entry() {
    let (_dir, path) = store_with_history();
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_posdesk"))
            .args(["--db", path.to_str().unwrap(), "audit", "verify"])
            .env_remove("POSDESK_DB")
            .output()
            .unwrap()
    };
    let ok = run();
    assert!(ok.status.success());
    assert!(String::from_utf8_lossy(&ok.stdout).contains("intact"));
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET staff_id = NULL WHERE id = 12;",
    )
    .unwrap();
    drop(conn);
    let bad = run();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("entry 12"));
}
