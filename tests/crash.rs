//! Crash safety: a real `posdesk` process is killed with SIGKILL in the middle
//! of a settlement import, a batch export, a demo load and a binding — stopped
//! there by the test-only `POSDESK_TEST_PAUSE` switch (src/desk/test_pause.rs).
//! Afterwards the store passes `PRAGMA integrity_check`, the audit chain still
//! verifies, and each operation is either all there or not at all; run again,
//! it completes.

use posdesk::desk::{Desk, NewPoint, NewStaffMember, Setup};
use posdesk::domain::checklist::{ChecklistItem, Role};
use posdesk::tui::testing::sample_form;
use rusqlite::Connection;
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const SUPERVISOR: [(&str, &str); 2] = [("POSDESK_STAFF", "S001"), ("POSDESK_PIN", "900001")];

struct Store {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Store {
    fn new() -> Store {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("config")).expect("config dir");
        let db = dir.path().join("posdesk.db");
        Store { dir, db }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn command(&self, envs: &[(&str, &str)], args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_posdesk"));
        for var in [
            "POSDESK_DB",
            "POSDESK_STAFF",
            "POSDESK_PIN",
            "POSDESK_TEST_PAUSE",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("POSDESK_CONFIG_DIR", self.path("config"))
            .arg("--db")
            .arg(&self.db)
            .args(args)
            .envs(envs.iter().copied())
            .stdin(Stdio::null());
        cmd
    }

    fn run(&self, envs: &[(&str, &str)], args: &[&str]) -> Output {
        self.command(envs, args).output().expect("run posdesk")
    }

    fn ok(&self, envs: &[(&str, &str)], args: &[&str]) -> String {
        let out = self.run(envs, args);
        assert!(out.status.success(), "posdesk {args:?}: {out:#?}");
        String::from_utf8(out.stdout).expect("UTF-8")
    }

    /// Start posdesk paused at `point`, wait until it says it is there, SIGKILL it.
    fn kill_at(&self, point: &str, envs: &[(&str, &str)], args: &[&str]) {
        let mut child = self
            .command(envs, args)
            .env("POSDESK_TEST_PAUSE", point)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn posdesk");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        let marker = format!("POSDESK_TEST_PAUSED {point}");
        std::thread::spawn(move || {
            let mut said = Vec::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line == marker {
                    let _ = tx.send(Ok(()));
                    return;
                }
                said.push(line);
            }
            let _ = tx.send(Err(said.join("\n")));
        });
        let reached = rx.recv_timeout(Duration::from_secs(120));
        child.kill().expect("SIGKILL posdesk");
        let status = child.wait().expect("reap posdesk");
        match reached {
            Ok(Ok(())) => {}
            Ok(Err(stderr)) => panic!("posdesk {args:?} ended before {point}: {stderr}"),
            Err(_) => panic!("posdesk {args:?} never reached {point}"),
        }
        assert_eq!(status.signal(), Some(9), "killed by SIGKILL: {status:?}");
    }

    /// The store as the kill left it, before posdesk opens it again.
    fn conn(&self) -> Connection {
        Connection::open(&self.db).expect("open the store")
    }

    fn count(&self, sql: &str) -> i64 {
        self.conn()
            .query_row(sql, [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    fn strings(&self, sql: &str) -> Vec<String> {
        let conn = self.conn();
        let mut stmt = conn.prepare(sql).expect("prepare");
        let rows = stmt.query_map([], |r| r.get(0)).expect("query");
        rows.collect::<Result<_, _>>().expect("rows")
    }

    /// What must hold after any crash: a sound file, no half-made change
    /// between related rows, and an audit chain that still verifies.
    fn assert_sound(&self) {
        let check: String = self
            .conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("integrity_check");
        assert_eq!(check, "ok");
        assert_eq!(
            self.count("SELECT count(*) FROM pragma_foreign_key_check"),
            0
        );
        for (what, sql) in INVARIANTS {
            assert_eq!(self.count(sql), 0, "{what}");
        }
        let verify = self.run(&[], &["audit", "verify"]);
        assert!(verify.status.success(), "audit chain: {verify:#?}");
    }
}

/// Rows that must change together; each query counts the rows that don't.
const INVARIANTS: [(&str, &str); 6] = [
    (
        "a deposit's state follows its newest refund",
        "SELECT count(*) FROM refund r JOIN deposit d ON d.id = r.deposit_id
         WHERE r.id = (SELECT max(id) FROM refund WHERE deposit_id = r.deposit_id)
           AND d.state <> CASE r.state WHEN 'requested' THEN 'refund_requested'
               WHEN 'confirmed' THEN 'refund_confirmed' WHEN 'sent' THEN 'refund_sent'
               WHEN 'refunded' THEN 'refunded' WHEN 'failed' THEN 'refund_failed' END
           AND NOT (r.state = 'failed' AND d.state = 'forfeited')",
    ),
    (
        "a batch row counts exactly the refunds in it",
        "SELECT count(*) FROM refund_batch b
         WHERE b.count <> (SELECT count(*) FROM refund WHERE batch_id = b.id)
            OR b.total_fen <> (SELECT coalesce(sum(amount_fen), 0) FROM refund WHERE batch_id = b.id)",
    ),
    (
        "a refund is sent (or settled) exactly when it is in a batch",
        "SELECT count(*) FROM refund
         WHERE (state IN ('sent', 'refunded', 'failed')) <> (batch_id IS NOT NULL)",
    ),
    (
        "a device is bound exactly when it has an active binding",
        "SELECT count(*) FROM device v WHERE (v.state IN ('bound', 'activated'))
         <> EXISTS (SELECT 1 FROM binding b WHERE b.device_id = v.id AND b.ended_at IS NULL)",
    ),
    (
        "an application past binding has an active binding, and only then",
        "SELECT count(*) FROM application a
         WHERE (a.state IN ('ready_for_pickup', 'picked_up', 'activated'))
         <> EXISTS (SELECT 1 FROM binding b WHERE b.application_id = a.id AND b.ended_at IS NULL)",
    ),
    (
        "a picked-up application has its deposit, and only then",
        "SELECT count(*) FROM application a WHERE (a.state IN ('picked_up', 'activated'))
         <> EXISTS (SELECT 1 FROM deposit d WHERE d.application_id = a.id)",
    ),
];

/// A demo store with its requested refunds confirmed: refunds to export.
fn demo_with_confirmed_refunds() -> (Store, Vec<String>) {
    let s = Store::new();
    s.ok(&[], &["demo", "--merchants", "40"]);
    let requested = s.strings("SELECT ref FROM refund WHERE state = 'requested' ORDER BY id");
    assert!(!requested.is_empty(), "the demo has requested refunds");
    for r in &requested {
        s.ok(&SUPERVISOR, &["refunds", "confirm", r]);
    }
    (s, requested)
}

/// (refund ref, state, batch) for these refunds.
fn refund_states(s: &Store, refs: &[String]) -> Vec<(String, String, Option<i64>)> {
    let conn = s.conn();
    refs.iter()
        .map(|r| {
            conn.query_row(
                "SELECT ref, state, batch_id FROM refund WHERE ref = ?1",
                [r],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .expect("refund")
        })
        .collect()
}

fn batch_file_refs(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("batch file");
    text.lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1).map(str::to_string))
        .collect()
}

#[test]
fn an_export_killed_before_commit_sends_nothing_and_leaves_no_batch_file() {
    let (s, confirmed) = demo_with_confirmed_refunds();
    let batches = s.count("SELECT count(*) FROM refund_batch");
    let out = s.path("batch.csv");
    let args = ["refunds", "export", "--out", out.to_str().unwrap(), "--yes"];

    s.kill_at("export", &SUPERVISOR, &args);
    s.assert_sound();
    assert!(!out.exists(), "no batch file while nothing is marked sent");
    assert_eq!(s.count("SELECT count(*) FROM refund_batch"), batches);
    for (r, state, batch) in refund_states(&s, &confirmed) {
        assert_eq!((state.as_str(), batch), ("confirmed", None), "{r}");
    }

    // Run again: the unfinished file is dropped and the batch is made whole.
    let said = s.ok(&SUPERVISOR, &args);
    assert!(
        said.contains(&format!("{} refund(s)", confirmed.len())),
        "{said}"
    );
    assert!(!s.path("batch.partial").exists());
    assert_eq!(batch_file_refs(&out), confirmed);
    for (r, state, batch) in refund_states(&s, &confirmed) {
        assert!(state == "sent" && batch.is_some(), "{r}: {state} {batch:?}");
    }
    s.assert_sound();
}

#[test]
fn an_export_killed_after_commit_gets_its_file_put_in_place_on_the_next_try() {
    let (s, confirmed) = demo_with_confirmed_refunds();
    let out = s.path("batch.csv");
    let args = ["refunds", "export", "--out", out.to_str().unwrap(), "--yes"];

    // Committed but not yet renamed: the refunds are sent and their file is
    // complete at .partial.
    s.kill_at("export_rename", &SUPERVISOR, &args);
    s.assert_sound();
    assert!(!out.exists());
    assert_eq!(batch_file_refs(&s.path("batch.partial")), confirmed);
    for (r, state, _) in refund_states(&s, &confirmed) {
        assert_eq!(state, "sent", "{r}");
    }

    // The next export puts it in place and says so, rather than making another.
    let again = s.run(&SUPERVISOR, &args);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert_eq!(again.status.code(), Some(1), "{again:#?}");
    assert!(
        stderr.contains("stopped before its file was in place"),
        "{stderr}"
    );
    assert_eq!(batch_file_refs(&out), confirmed);
    assert!(!s.path("batch.partial").exists());
    let nothing = s.run(
        &SUPERVISOR,
        &["refunds", "export", "--out", "later.csv", "--yes"],
    );
    assert!(
        String::from_utf8_lossy(&nothing.stderr).contains("No confirmed refund"),
        "{nothing:#?}"
    );
    s.assert_sound();
}

#[test]
fn a_settlement_import_killed_midway_applies_no_line() {
    let (s, _) = demo_with_confirmed_refunds();
    s.ok(
        &SUPERVISOR,
        &[
            "refunds",
            "export",
            "--out",
            s.path("b.csv").to_str().unwrap(),
            "--yes",
        ],
    );
    let sent = s.strings("SELECT ref FROM refund WHERE state = 'sent' ORDER BY id");
    assert!(sent.len() >= 2, "{sent:?}");
    let conn = s.conn();
    let mut file = String::from("refund_ref,result,bank_ref,amount,reason\n");
    for (i, r) in sent.iter().enumerate() {
        let fen: i64 = conn
            .query_row("SELECT amount_fen FROM refund WHERE ref = ?1", [r], |row| {
                row.get(0)
            })
            .expect("amount");
        let amount = format!("{}.{:02}", fen / 100, fen % 100);
        if i == 1 {
            file.push_str(&format!("{r},failed,,{amount},账户冻结\n"));
        } else {
            file.push_str(&format!("{r},success,BK{i:04},{amount},\n"));
        }
    }
    drop(conn);
    let path = s.path("settlement.csv");
    std::fs::write(&path, file).expect("write settlement");
    let messages = s.count("SELECT count(*) FROM sms_outbox");
    let imports = s.count("SELECT count(*) FROM import_file");
    let args = ["refunds", "import", path.to_str().unwrap()];

    s.kill_at("import", &SUPERVISOR, &args);
    s.assert_sound();
    for (r, state, _) in refund_states(&s, &sent) {
        assert_eq!(state, "sent", "{r} untouched");
    }
    assert_eq!(s.count("SELECT count(*) FROM import_file"), imports);
    assert_eq!(
        s.count("SELECT count(*) FROM sms_outbox"),
        messages,
        "no message went out"
    );

    let said = s.ok(&SUPERVISOR, &args);
    assert!(
        said.contains(&format!("{} refunded, 1 failed", sent.len() - 1)),
        "{said}"
    );
    let again = s.ok(&SUPERVISOR, &args);
    assert!(again.contains("imported before"), "{again}");
    s.assert_sound();
}

#[test]
fn a_demo_load_killed_midway_leaves_an_empty_store_that_loads_again() {
    let s = Store::new();
    s.kill_at("demo", &[], &["demo", "--merchants", "40"]);
    s.assert_sound();
    for table in ["staff", "application", "device", "deposit", "audit_log"] {
        assert_eq!(
            s.count(&format!("SELECT count(*) FROM {table}")),
            0,
            "{table}"
        );
    }
    s.ok(&[], &["demo", "--merchants", "40"]);
    assert_eq!(s.count("SELECT count(*) FROM application"), 40);
    s.assert_sound();
}

#[test]
fn a_bulk_demo_load_killed_midway_leaves_an_empty_store_that_loads_again() {
    let s = Store::new();
    let args = ["demo", "--merchants", "600", "--bulk"];
    s.kill_at("demo_bulk", &[], &args);
    s.assert_sound();
    for table in ["staff", "application", "device", "deposit", "audit_log"] {
        assert_eq!(
            s.count(&format!("SELECT count(*) FROM {table}")),
            0,
            "{table}"
        );
    }
    s.ok(&[], &args);
    assert_eq!(s.count("SELECT count(*) FROM application"), 600);
    s.assert_sound();
}

/// A contracted application of person `seq`, through the desk on the file.
fn contracted(desk: &mut Desk, seq: u32) -> String {
    let sup = desk.login("S001", "900001").expect("login");
    let f = sample_form(seq);
    let id = desk.create_draft(&sup, None, &f).expect("draft").id;
    desk.submit(&sup, id).expect("submit");
    desk.approve(&sup, id, None).expect("approve");
    desk.send_phone_code(&sup, id).expect("code");
    let body = desk
        .messages_for(id)
        .expect("outbox")
        .pop()
        .expect("sms")
        .body;
    let code: String = body.chars().filter(char::is_ascii_digit).take(6).collect();
    desk.confirm_phone_code(&sup, id, &code)
        .expect("confirm code");
    for item in ChecklistItem::ALL {
        if item != ChecklistItem::PhoneCode {
            let note = (item == ChecklistItem::IdPhotos).then_some("IMG");
            desk.record_check(&sup, id, item, true, note)
                .expect("check");
        }
    }
    desk.verify(&sup, id).expect("verify");
    desk.sign_contract(&sup, id, &f.full_name).expect("sign");
    format!("AP{id:08}")
}

#[test]
fn a_binding_killed_before_commit_binds_nothing_and_binds_on_the_next_scan() {
    let s = Store::new();
    let mut desk = Desk::open(&s.db, Setup::builtin()).expect("open");
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
    desk.add_device(&sup, "LDA80000000001", "LD-A8", None)
        .expect("stock");
    let ap = contracted(&mut desk, 1);
    drop(desk);
    let messages = s.count("SELECT count(*) FROM sms_outbox");
    let args = ["app", "bind", &ap, "LDA80000000001"];

    s.kill_at("bind", &SUPERVISOR, &args);
    s.assert_sound();
    assert_eq!(
        s.strings("SELECT state FROM application WHERE id = 1"),
        ["contracted"]
    );
    assert_eq!(s.strings("SELECT state FROM device"), ["in_stock"]);
    assert_eq!(s.count("SELECT count(*) FROM binding"), 0);
    assert_eq!(s.count("SELECT count(*) FROM sms_outbox"), messages);

    s.ok(&SUPERVISOR, &args);
    assert_eq!(
        s.strings("SELECT state FROM application WHERE id = 1"),
        ["ready_for_pickup"]
    );
    assert_eq!(
        s.count("SELECT count(*) FROM binding WHERE ended_at IS NULL"),
        1
    );
    s.assert_sound();
}
