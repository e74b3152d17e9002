//! Backup while the store is in use, and a restore that refuses a damaged or
//! foreign file with a clear message and keeps the store as it was.

use posdesk::desk::{Actor, Desk, NewPoint, NewStaffMember, Setup};
use posdesk::domain::checklist::Role;
use posdesk::store;

fn desk_at(path: &std::path::Path) -> (Desk, Actor, Actor) {
    let mut desk = Desk::open(
        path,
        Setup::builtin().at("2026-11-25T02:00:00Z".parse().unwrap()),
    )
    .unwrap();
    let sup = desk
        .bootstrap(
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
    desk.add_staff(
        &sup,
        NewStaffMember {
            staff_no: "C001",
            name: "李柜员",
            role: Role::Clerk,
            pin: "100001",
            point_code: Some("BJ01"),
        },
    )
    .unwrap();
    let clerk = desk.login("C001", "100001").unwrap();
    (desk, sup, clerk)
}

fn applications(desk: &Desk) -> i64 {
    desk.counts()
        .unwrap()
        .applications_by_state
        .iter()
        .map(|(_, n)| n)
        .sum()
}

#[test]
fn a_backup_taken_while_another_connection_writes_restores_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("posdesk.db");
    let (mut desk, sup, clerk) = desk_at(&path);
    desk.load_demo(40, 2).unwrap();
    let before = applications(&desk);
    // Another counter keeps working on the same file while the backup runs.
    let writer_path = path.clone();
    let writer = std::thread::spawn(move || {
        let mut other = Desk::open(&writer_path, Setup::builtin()).unwrap();
        let c = other.login("C001", "100001").unwrap();
        for i in 0..20 {
            let mut f = posdesk::tui::testing::sample_form(500 + i);
            f.terms_agreed = false;
            other.create_draft(&c, None, &f).unwrap();
        }
    });
    let backup = dir.path().join("backup.db");
    assert_eq!(
        desk.backup(&clerk, &backup).unwrap_err().code(),
        "role.supervisor_only"
    );
    desk.backup(&sup, &backup).unwrap();
    writer.join().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let candidate = store::backup::check_candidate(&backup).unwrap();
    assert!(candidate.applications >= before);

    let after_writes = applications(&desk);
    assert_eq!(after_writes, before + 20);
    let safety = dir.path().join("safety.db");
    desk.restore(&sup, &backup, &safety).unwrap();
    assert_eq!(
        applications(&desk),
        candidate.applications,
        "the store is the backup now"
    );
    assert!(
        store::backup::check_candidate(&safety)
            .unwrap()
            .applications
            == after_writes,
        "the old store is kept"
    );
    assert!(store::audit::verify(desk.conn())
        .unwrap()
        .first_broken
        .is_none());
    assert!(desk.timeline(1).is_ok());
}

#[test]
fn damaged_foreign_and_newer_files_are_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("posdesk.db");
    let (mut desk, sup, _) = desk_at(&path);
    desk.load_demo(10, 3).unwrap();
    let before = applications(&desk);
    let safety = dir.path().join("safety.db");

    let text = dir.path().join("notes.txt");
    std::fs::write(
        &text,
        "not a database at all, just some text that is long enough",
    )
    .unwrap();
    let err = desk.restore(&sup, &text, &safety).unwrap_err().to_string();
    assert!(err.contains("is not a posdesk store"), "{err}");

    let foreign = dir.path().join("foreign.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE customers (id INTEGER); PRAGMA user_version = 4;")
        .unwrap();
    let err = desk
        .restore(&sup, &foreign, &safety)
        .unwrap_err()
        .to_string();
    assert!(err.contains("is not a posdesk store"), "{err}");

    let backup = dir.path().join("b.db");
    desk.backup(&sup, &backup).unwrap();
    let newer = dir.path().join("newer.db");
    std::fs::copy(&backup, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .execute_batch("PRAGMA user_version = 999;")
        .unwrap();
    let err = desk.restore(&sup, &newer, &safety).unwrap_err().to_string();
    assert!(err.contains("newer posdesk"), "{err}");

    let tampered = dir.path().join("tampered.db");
    std::fs::copy(&backup, &tampered).unwrap();
    rusqlite::Connection::open(&tampered)
        .unwrap()
        .execute_batch(
            "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET reason = 'x' WHERE id = 5;",
        )
        .unwrap();
    let err = desk
        .restore(&sup, &tampered, &safety)
        .unwrap_err()
        .to_string();
    assert!(err.contains("changed behind posdesk's back"), "{err}");

    let damaged = dir.path().join("damaged.db");
    let mut bytes = std::fs::read(&backup).unwrap();
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 4096] {
        *b = 0x5a;
    }
    std::fs::write(&damaged, bytes).unwrap();
    let err = desk
        .restore(&sup, &damaged, &safety)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("damaged") || err.contains("not a posdesk store"),
        "{err}"
    );

    assert_eq!(applications(&desk), before, "nothing changed");
    assert!(
        !safety.exists(),
        "no safety copy is made for a refused file"
    );
}

fn page_size(conn: &rusqlite::Connection) -> i64 {
    conn.pragma_query_value(None, "page_size", |r| r.get(0))
        .unwrap()
}

/// A store made before posdesk chose 16 KiB pages: 4 KiB, SQLite's default.
fn old_store_at(path: &std::path::Path) -> (Desk, Actor, Actor) {
    rusqlite::Connection::open(path)
        .unwrap()
        .execute_batch("PRAGMA page_size = 4096; CREATE TABLE t (x); DROP TABLE t;")
        .unwrap();
    desk_at(path)
}

#[test]
fn backups_restore_between_stores_with_pages_of_different_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let old_path = dir.path().join("old.db");
    let (mut old, old_sup, _) = old_store_at(&old_path);
    old.load_demo(12, 4).unwrap();
    let new_path = dir.path().join("new.db");
    let (mut new, new_sup, _) = desk_at(&new_path);
    new.load_demo(20, 5).unwrap();
    assert_eq!(page_size(old.conn()), 4096);
    assert_eq!(page_size(new.conn()), 16384, "a new store has 16 KiB pages");

    // A backup from before an upgrade, restored into a store the new posdesk made…
    let old_backup = dir.path().join("old-backup.db");
    old.backup(&old_sup, &old_backup).unwrap();
    let old_count = applications(&old);
    new.restore(&new_sup, &old_backup, &dir.path().join("safety-1.db"))
        .unwrap();
    assert_eq!(applications(&new), old_count);
    assert_eq!(page_size(new.conn()), 4096);
    let mode: String = new
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal", "the store is back in WAL mode");
    assert!(store::audit::verify(new.conn())
        .unwrap()
        .first_broken
        .is_none());

    // …and the other way round.
    let fresh_path = dir.path().join("fresh.db");
    let (mut fresh, fresh_sup, _) = desk_at(&fresh_path);
    fresh.load_demo(7, 6).unwrap();
    let fresh_backup = dir.path().join("fresh-backup.db");
    fresh.backup(&fresh_sup, &fresh_backup).unwrap();
    let old_sup = old.login("S001", "900001").unwrap();
    old.restore(&old_sup, &fresh_backup, &dir.path().join("safety-2.db"))
        .unwrap();
    assert_eq!(applications(&old), applications(&fresh));
    assert_eq!(page_size(old.conn()), 16384);
    assert!(desk_works_after_restore(&mut old));
}

#[test]
fn a_restore_that_changes_page_size_waits_for_the_store_to_itself() {
    let dir = tempfile::tempdir().unwrap();
    let old_path = dir.path().join("old.db");
    let (mut old, sup, _) = old_store_at(&old_path);
    old.load_demo(6, 7).unwrap();
    let before = applications(&old);
    let (mut fresh, fresh_sup, _) = desk_at(&dir.path().join("fresh.db"));
    fresh.load_demo(9, 8).unwrap();
    let backup = dir.path().join("fresh-backup.db");
    fresh.backup(&fresh_sup, &backup).unwrap();

    // Another counter has the old store open.
    let other = Desk::open(&old_path, Setup::builtin()).unwrap();
    let err = old
        .restore(&sup, &backup, &dir.path().join("safety.db"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("close the other counters"), "{err}");
    assert_eq!(applications(&old), before, "nothing changed");
    assert_eq!(applications(&other), before);
    drop(other);
    old.restore(&sup, &backup, &dir.path().join("safety-2.db"))
        .unwrap();
    assert_eq!(applications(&old), applications(&fresh));
}

fn desk_works_after_restore(desk: &mut Desk) -> bool {
    let clerk = desk.login("C001", "100001").unwrap();
    let f = posdesk::tui::testing::sample_form(900);
    desk.create_draft(&clerk, None, &f).is_ok()
}
