//! Changing a PIN needs the current one: through the desk, the CLI (from the
//! environment, and asked on a terminal without echo) and the TUI (F9 on home).
//! A wrong current PIN counts towards the lock like a wrong login; no PIN ever
//! reaches the audit log, the log file or the screen.

mod support {
    pub mod pty;
}

use posdesk::desk::{Desk, DeskError, NewPoint, NewStaffMember, Setup};
use posdesk::domain::checklist::Role;
use posdesk::tui::i18n::Lang;
use posdesk::tui::testing::{Rig, CLERK};
use ratatui::crossterm::event::KeyCode;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use support::pty::{Pty, ENTER};

const NEW_PIN: &str = "73915048";

fn code(r: Result<impl std::fmt::Debug, DeskError>) -> &'static str {
    match r {
        Err(DeskError::Refused(p)) => p.code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// A store file with supervisor S001/900001 and clerk C001/100001.
fn store(dir: &Path) -> Desk {
    let mut desk = Desk::open(&dir.join("posdesk.db"), Setup::builtin()).expect("open");
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
        .expect("bootstrap");
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
    .expect("clerk");
    desk
}

/// Every word of every audit entry, as one text.
fn audit_text(desk: &Desk) -> String {
    let mut stmt = desk
        .conn()
        .prepare("SELECT * FROM audit_log")
        .expect("audit_log");
    let columns = stmt.column_count();
    let mut rows = stmt.query([]).expect("query");
    let mut all = String::new();
    while let Some(row) = rows.next().expect("row") {
        for i in 0..columns {
            let v: rusqlite::types::Value = row.get(i).expect("value");
            all.push_str(&format!("{v:?}\n"));
        }
    }
    all
}

#[test]
fn the_new_pin_logs_in_and_the_old_one_no_longer_does() {
    let dir = tempfile::tempdir().expect("dir");
    let mut desk = store(dir.path());
    let clerk = desk.login("C001", "100001").expect("login");
    desk.change_pin(&clerk, "100001", NEW_PIN).expect("change");
    assert!(desk.login("C001", NEW_PIN).is_ok());
    assert_eq!(code(desk.login("C001", "100001")), "login.wrong");
    let changes: Vec<String> = audit_text(&desk)
        .lines()
        .filter(|l| l.contains("change pin"))
        .map(str::to_string)
        .collect();
    assert_eq!(changes.len(), 1, "one audit entry for the change");
    let audit = audit_text(&desk);
    for pin in ["100001", NEW_PIN] {
        assert!(!audit.contains(pin), "the audit log holds a PIN");
    }
}

#[test]
fn a_new_pin_must_be_well_formed_and_differ_and_these_refusals_cost_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let mut desk = store(dir.path());
    let clerk = desk.login("C001", "100001").expect("login");
    for _ in 0..6 {
        assert_eq!(code(desk.change_pin(&clerk, "100001", "12")), "pin.format");
        assert_eq!(
            code(desk.change_pin(&clerk, "100001", "12ab56")),
            "pin.format"
        );
        assert_eq!(
            code(desk.change_pin(&clerk, "100001", "100001")),
            "pin.unchanged"
        );
    }
    assert!(desk.login("C001", "100001").is_ok(), "not locked");
}

/// Decided: a wrong current PIN is a wrong PIN. It counts with wrong logins,
/// and the fifth locks the account until a supervisor unlocks it — otherwise
/// a session left open would be a way to guess its owner's PIN.
#[test]
fn a_wrong_current_pin_counts_towards_the_lock() {
    let dir = tempfile::tempdir().expect("dir");
    let mut desk = store(dir.path());
    let clerk = desk.login("C001", "100001").expect("login");
    assert_eq!(code(desk.login("C001", "000000")), "login.wrong");
    assert_eq!(code(desk.login("C001", "000001")), "login.wrong");
    for wrong in ["111111", "222222"] {
        assert_eq!(
            code(desk.change_pin(&clerk, wrong, NEW_PIN)),
            "pin.wrong_current"
        );
    }
    // The fifth wrong PIN in a row.
    assert_eq!(
        code(desk.change_pin(&clerk, "333333", NEW_PIN)),
        "login.locked"
    );
    assert_eq!(code(desk.login("C001", "100001")), "login.locked");
    assert_eq!(
        code(desk.change_pin(&clerk, "100001", NEW_PIN)),
        "login.locked"
    );
    let sup = desk.login("S001", "900001").expect("supervisor");
    desk.unlock_staff(&sup, "C001").expect("unlock");
    desk.change_pin(&clerk, "100001", NEW_PIN).expect("change");
    assert!(desk.login("C001", NEW_PIN).is_ok());
}

#[test]
fn a_right_current_pin_starts_the_count_again() {
    let dir = tempfile::tempdir().expect("dir");
    let mut desk = store(dir.path());
    let clerk = desk.login("C001", "100001").expect("login");
    for wrong in ["1", "2", "3", "4"] {
        let _ = desk.login("C001", &format!("00000{wrong}"));
    }
    desk.change_pin(&clerk, "100001", NEW_PIN).expect("change");
    for wrong in ["1", "2", "3", "4"] {
        assert_eq!(
            code(desk.login("C001", &format!("00000{wrong}"))),
            "login.wrong"
        );
    }
    assert!(desk.login("C001", NEW_PIN).is_ok());
}

fn posdesk(dir: &Path, envs: &[(&str, &str)], args: &[&str]) -> Output {
    std::fs::create_dir_all(dir.join("config")).expect("config dir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_posdesk"));
    for var in [
        "POSDESK_DB",
        "POSDESK_STAFF",
        "POSDESK_PIN",
        "POSDESK_NEW_PIN",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("POSDESK_CONFIG_DIR", dir.join("config"))
        .env("POSDESK_LOG", "trace")
        .arg("--db")
        .arg(dir.join("posdesk.db"))
        .args(args)
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("run posdesk")
}

fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn staff_pin_on_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    drop(store(dir.path()));
    let as_clerk = |pin: &str, new: &str| {
        posdesk(
            dir.path(),
            &[
                ("POSDESK_STAFF", "C001"),
                ("POSDESK_PIN", pin),
                ("POSDESK_NEW_PIN", new),
            ],
            &["staff", "pin"],
        )
    };
    let mut everything = String::new();
    let wrong = as_clerk("999999", NEW_PIN);
    assert_eq!(wrong.status.code(), Some(1), "{wrong:#?}");
    assert!(said(&wrong).starts_with("refused:"), "{wrong:#?}");
    everything += &said(&wrong);
    let same = as_clerk("100001", "100001");
    assert!(said(&same).contains("must differ"), "{same:#?}");
    everything += &said(&same);
    let done = as_clerk("100001", NEW_PIN);
    assert!(done.status.success(), "{done:#?}");
    assert_eq!(said(&done).trim(), "PIN changed for C001.");
    everything += &said(&done);

    // No new PIN given and no terminal to ask on.
    let missing = posdesk(
        dir.path(),
        &[("POSDESK_STAFF", "C001"), ("POSDESK_PIN", NEW_PIN)],
        &["staff", "pin"],
    );
    assert!(said(&missing).contains("POSDESK_NEW_PIN"), "{missing:#?}");

    let login = |pin: &str| {
        posdesk(
            dir.path(),
            &[("POSDESK_STAFF", "C001"), ("POSDESK_PIN", pin)],
            &["app", "queue"],
        )
    };
    assert!(login(NEW_PIN).status.success());
    assert!(said(&login("100001")).contains("Wrong staff number or PIN"));

    let log = std::fs::read_to_string(dir.path().join("posdesk.log")).expect("log");
    assert!(log.contains("PIN changed"), "{log}");
    for pin in ["100001", "999999", NEW_PIN] {
        assert!(!log.contains(pin), "the log holds a PIN: {log}");
        assert!(
            !everything.contains(pin),
            "the output shows a PIN: {everything}"
        );
    }
    let desk = Desk::open(&dir.path().join("posdesk.db"), Setup::builtin()).expect("open");
    let audit = audit_text(&desk);
    for pin in ["100001", "999999", NEW_PIN] {
        assert!(!audit.contains(pin), "the audit log holds a PIN");
    }
}

#[test]
fn staff_pin_asks_on_a_terminal_without_echo() {
    let dir = tempfile::tempdir().expect("dir");
    drop(store(dir.path()));
    std::fs::create_dir_all(dir.path().join("config")).expect("config dir");
    let db = dir.path().join("posdesk.db").display().to_string();
    let config = dir.path().join("config").display().to_string();
    let mut pty = Pty::spawn(
        env!("CARGO_BIN_EXE_posdesk"),
        &["--db", &db, "staff", "pin"],
        &[("POSDESK_STAFF", "C001"), ("POSDESK_CONFIG_DIR", &config)],
        80,
        24,
    );
    pty.wait_for("PIN: ");
    pty.type_text("100001");
    pty.send(ENTER);
    pty.wait_for("New PIN (4 to 12 digits): ");
    pty.type_text(NEW_PIN);
    pty.send(ENTER);
    pty.wait_for("New PIN again: ");
    pty.type_text(NEW_PIN);
    pty.send(ENTER);
    pty.wait_for("PIN changed for C001.");
    assert_eq!(pty.wait_exit(), 0);
    let shown = String::from_utf8_lossy(&pty.output()).to_string();
    for pin in ["100001", NEW_PIN] {
        assert!(!shown.contains(pin), "the terminal showed a PIN: {shown}");
    }
    let mut desk = Desk::open(&dir.path().join("posdesk.db"), Setup::builtin()).expect("open");
    assert!(desk.login("C001", NEW_PIN).is_ok());
}

/// Home → F9 → the three fields, typed as a person would.
fn change_in_tui(rig: &mut Rig, current: &str, new: &str, again: &str) {
    rig.press(KeyCode::F(9));
    assert_eq!(rig.top(), "change_pin.title");
    rig.type_text(current).press(KeyCode::Enter);
    rig.type_text(new).press(KeyCode::Enter);
    rig.type_text(again).press(KeyCode::Enter);
}

#[test]
fn the_tui_changes_the_pin_from_home() {
    let mut rig = Rig::new(Lang::En, false);
    rig.login(CLERK);
    assert_eq!(rig.top(), "home.title");
    rig.press(KeyCode::F(1));
    assert!(
        rig.screen(80, 24).contains("F9         Change PIN"),
        "help offers F9"
    );
    rig.press(KeyCode::Esc);
    rig.press(KeyCode::F(9));
    rig.type_text("100001").press(KeyCode::Enter);
    rig.type_text(NEW_PIN);
    let screen = rig.screen(80, 24);
    for pin in ["100001", NEW_PIN] {
        assert!(!screen.contains(pin), "a PIN on screen:\n{screen}");
    }
    rig.press(KeyCode::Enter)
        .type_text(NEW_PIN)
        .press(KeyCode::Enter);
    assert_eq!(rig.top(), "home.title");
    assert!(rig.screen(80, 24).contains("Your PIN is changed"));
    assert!(rig.app.desk.login(CLERK.0, NEW_PIN).is_ok());
    assert!(rig.app.desk.login(CLERK.0, CLERK.1).is_err());
}

#[test]
fn the_tui_says_what_was_wrong_and_stays() {
    let mut rig = Rig::new(Lang::En, false);
    rig.login(CLERK);
    change_in_tui(&mut rig, "000000", NEW_PIN, NEW_PIN);
    assert_eq!(rig.top(), "change_pin.title");
    assert!(rig.screen(80, 24).contains("The current PIN is wrong."));
    rig.press(KeyCode::Esc);
    change_in_tui(&mut rig, CLERK.1, NEW_PIN, "73915049");
    assert!(rig.screen(80, 24).contains("The two new PINs differ"));
    rig.press(KeyCode::Esc);
    assert_eq!(rig.top(), "home.title");
    assert!(rig.app.desk.login(CLERK.0, CLERK.1).is_ok(), "unchanged");
}

#[test]
fn the_fifth_wrong_pin_in_the_tui_locks_and_ends_the_session() {
    let mut rig = Rig::new(Lang::En, false);
    rig.login(CLERK);
    for _ in 0..4 {
        change_in_tui(&mut rig, "000000", NEW_PIN, NEW_PIN);
        rig.press(KeyCode::Esc);
    }
    change_in_tui(&mut rig, "000000", NEW_PIN, NEW_PIN);
    assert_eq!(rig.top(), "login.title");
    rig.login(CLERK);
    assert!(rig.screen(80, 24).contains("locked"));
}

#[test]
fn change_pin_screens() {
    for (lang, tag) in [(Lang::En, "en"), (Lang::ZhCn, "zh")] {
        let mut rig = Rig::new(lang, false);
        rig.login(CLERK);
        rig.press(KeyCode::F(9));
        rig.type_text("100001");
        insta::assert_snapshot!(format!("change_pin_80x24_{tag}"), rig.screen(80, 24));
        insta::assert_snapshot!(format!("change_pin_120x40_{tag}"), rig.screen(120, 40));
        rig.press(KeyCode::Enter)
            .type_text("7391")
            .press(KeyCode::Enter);
        rig.type_text("7390").press(KeyCode::Enter);
        insta::assert_snapshot!(format!("change_pin_differ_80x24_{tag}"), rig.screen(80, 24));
        insta::assert_snapshot!(
            format!("change_pin_differ_120x40_{tag}"),
            rig.screen(120, 40)
        );
        rig.press(KeyCode::F(1));
        insta::assert_snapshot!(format!("change_pin_help_80x24_{tag}"), rig.screen(80, 24));
    }
}
