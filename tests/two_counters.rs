//! Two counters, one store: two posdesk processes write at the same time. No
//! update is lost, and a device is never bound twice.

use posdesk::desk::{Desk, NewPoint, NewStaffMember, Setup};
use posdesk::domain::checklist::{ChecklistItem, Role};
use posdesk::domain::money::Fen;
use posdesk::tui::testing::sample_form;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_posdesk");

/// A contracted application of `model` for person `seq`; returns its reference.
fn contracted(desk: &mut Desk, seq: u32, model: &str) -> String {
    let sup = desk.login("S001", "900001").unwrap();
    let mut f = sample_form(seq);
    f.model_code = model.into();
    let id = desk.create_draft(&sup, None, &f).unwrap().id;
    desk.submit(&sup, id).unwrap();
    desk.approve(&sup, id, None).unwrap();
    desk.send_phone_code(&sup, id).unwrap();
    let code: String = desk
        .messages_for(id)
        .unwrap()
        .pop()
        .unwrap()
        .body
        .chars()
        .filter(char::is_ascii_digit)
        .take(6)
        .collect();
    desk.confirm_phone_code(&sup, id, &code).unwrap();
    for item in ChecklistItem::ALL {
        if item != ChecklistItem::PhoneCode {
            desk.record_check(
                &sup,
                id,
                item,
                true,
                (item == ChecklistItem::IdPhotos).then_some("IMG"),
            )
            .unwrap();
        }
    }
    desk.verify(&sup, id).unwrap();
    desk.sign_contract(&sup, id, &f.full_name).unwrap();
    format!("AP{id:08}")
}

fn posdesk(db: &std::path::Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--db")
        .arg(db)
        .args(args)
        .env("POSDESK_PIN", "900001")
        .env("POSDESK_STAFF", "S001")
        .env_remove("POSDESK_DB");
    cmd
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf, Desk) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("posdesk.db");
    let mut desk = Desk::open(&db, Setup::builtin()).unwrap();
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
    (dir, db, desk)
}

#[test]
fn one_device_two_counters_exactly_one_binding() {
    let (_dir, db, mut desk) = setup();
    let sup = desk.login("S001", "900001").unwrap();
    desk.add_device(&sup, "LDA80000000001", "LD-A8", None)
        .unwrap();
    let a = contracted(&mut desk, 1, "LD-A8");
    let b = contracted(&mut desk, 2, "LD-A8");
    drop(desk);
    for _ in 0..3 {
        // Start both at once; each scans the same serial for its own merchant.
        let mut first = posdesk(&db, &["app", "bind", &a, "LDA80000000001"])
            .spawn()
            .unwrap();
        let mut second = posdesk(&db, &["app", "bind", &b, "LDA80000000001"])
            .spawn()
            .unwrap();
        let (x, y) = (first.wait().unwrap(), second.wait().unwrap());
        assert!(!(x.success() && y.success()), "both bound the same device");
        if x.success() || y.success() {
            break;
        }
    }
    let desk = Desk::open(&db, Setup::builtin()).unwrap();
    let states: Vec<String> = [1, 2]
        .iter()
        .map(|id| desk.application(*id).unwrap().state)
        .collect();
    assert_eq!(
        states.iter().filter(|s| *s == "ready_for_pickup").count(),
        1,
        "{states:?}"
    );
    let bindings: i64 = desk
        .conn()
        .query_row(
            "SELECT count(*) FROM binding WHERE ended_at IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(bindings, 1);
}

#[test]
fn payments_from_two_counters_are_all_kept() {
    let (_dir, db, mut desk) = setup();
    let sup = desk.login("S001", "900001").unwrap();
    // A merchant's second PAX-S90 carries the ¥199 device fee.
    for (seq, serial) in [(1, "S90-000-000-001"), (1, "S90-000-000-002")] {
        desk.add_device(&sup, serial, "PAX-S90", None).unwrap();
        let r = contracted(&mut desk, seq, "PAX-S90");
        let id: i64 = r[2..].parse().unwrap();
        desk.bind_device(&sup, id, serial).unwrap();
        desk.hand_over(&sup, id, &sample_form(seq).id_number, "cash")
            .unwrap();
        desk.activate(&sup, id, "ACT").unwrap();
    }
    assert_eq!(desk.fee_status(2).unwrap().outstanding, Fen(19_900));
    drop(desk);
    let pay = |n: usize| {
        let db = db.clone();
        std::thread::spawn(move || -> Vec<Output> {
            (0..n)
                .map(|_| {
                    posdesk(
                        &db,
                        &[
                            "fees",
                            "pay",
                            "AP00000002",
                            "--amount",
                            "1",
                            "--method",
                            "cash",
                        ],
                    )
                    .output()
                    .unwrap()
                })
                .collect()
        })
    };
    let (a, b) = (pay(8), pay(8));
    let outputs: Vec<Output> = a
        .join()
        .unwrap()
        .into_iter()
        .chain(b.join().unwrap())
        .collect();
    let paid = outputs.iter().filter(|o| o.status.success()).count();
    for o in outputs.iter().filter(|o| !o.status.success()) {
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("busy"), "only a busy store may refuse: {err}");
    }
    let mut desk = Desk::open(&db, Setup::builtin()).unwrap();
    let outstanding = desk.fee_status(2).unwrap().outstanding;
    assert_eq!(
        outstanding,
        Fen(19_900 - 100 * paid as i64),
        "no payment lost"
    );
    assert!(
        paid >= 14,
        "waiting on a lock should be the rule, not a refusal ({paid}/16)"
    );
}

#[test]
fn a_long_lock_says_busy_retrying_and_then_goes_through() {
    let (_dir, db, mut desk) = setup();
    let sup = desk.login("S001", "900001").unwrap();
    desk.add_device(&sup, "LDA80000000001", "LD-A8", None)
        .unwrap();
    drop(desk);
    // Another counter holds the store for a few seconds.
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder
        .execute_batch("BEGIN IMMEDIATE; UPDATE staff SET name = name;")
        .unwrap();
    let child = posdesk(
        &db,
        &["device", "add", "LDA80000000002", "--model", "LD-A8"],
    )
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(3500));
    holder.execute_batch("COMMIT").unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("store busy"), "{err}");
    assert!(
        out.status.success(),
        "it went through once the lock was gone: {err}"
    );
}
