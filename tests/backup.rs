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
