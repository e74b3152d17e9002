//! Personal numbers on the command line: two merchants go the whole way with
//! the CLI — application, checks, binding, hand-over, activation, volumes, a
//! refund that fails at the bank and one that lands — and every output and
//! report along the way, and `posdesk.log` after it, is scanned for each ID,
//! card and phone number used. Only `outbox --drain` (the SMS gateway's
//! hand-over) and the bank's batch file carry a full number, because they must.

use posdesk::domain::application_form::ApplicationForm;
use posdesk::domain::bank_card::luhn_check_digit;
use posdesk::tui::testing::sample_form;
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Stdio};

const SUPERVISOR: (&str, &str) = ("S001", "4711");
const CLERK: (&str, &str) = ("C001", "2580");

struct Journey {
    dir: tempfile::TempDir,
    /// Every stdout and stderr seen, with the command that printed it.
    seen: Vec<(String, String)>,
}

impl Journey {
    fn new() -> Journey {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("config")).expect("config dir");
        Journey {
            dir,
            seen: Vec::new(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Run posdesk; what it prints is kept for the scan unless `scan` is false.
    fn run_as(&mut self, who: Option<(&str, &str)>, args: &[&str], scan: bool) -> (i32, String) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_posdesk"));
        for var in [
            "POSDESK_DB",
            "POSDESK_STAFF",
            "POSDESK_PIN",
            "POSDESK_NEW_PIN",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("POSDESK_CONFIG_DIR", self.path("config"))
            // The most the log ever says.
            .env("POSDESK_LOG", "trace")
            .arg("--db")
            .arg(self.path("posdesk.db"))
            .args(args)
            .stdin(Stdio::null());
        if let Some((no, pin)) = who {
            cmd.env("POSDESK_STAFF", no).env("POSDESK_PIN", pin);
        }
        let out = cmd.output().expect("run posdesk");
        let stdout = String::from_utf8(out.stdout).expect("UTF-8");
        let stderr = String::from_utf8(out.stderr).expect("UTF-8");
        if scan {
            self.seen
                .push((args.join(" "), format!("{stdout}\n{stderr}")));
        }
        (out.status.code().expect("exit code"), stdout)
    }

    fn ok(&mut self, who: Option<(&str, &str)>, args: &[&str]) -> String {
        let (code, stdout) = self.run_as(who, args, true);
        let said = &self.seen.last().expect("just run").1;
        assert_eq!(code, 0, "posdesk {args:?}: {said}");
        stdout
    }

    fn refused(&mut self, who: Option<(&str, &str)>, args: &[&str]) {
        let (code, _) = self.run_as(who, args, true);
        let said = &self.seen.last().expect("just run").1;
        assert_eq!(code, 1, "posdesk {args:?} should be refused: {said}");
    }
}

/// Every way a person's numbers could show: whole, grouped, and the parts a
/// masked form hides.
fn secrets(f: &ApplicationForm, more_cards: &[&str]) -> Vec<String> {
    let id = &f.id_number;
    let phone = &f.phone;
    let mut s = vec![
        id.clone(),
        id[6..14].to_string(),
        id[12..].to_string(),
        phone.clone(),
        phone[3..7].to_string() + &phone[7..],
        format!("{} {} {}", &phone[..3], &phone[3..7], &phone[7..]),
    ];
    for card in std::iter::once(f.card_number.as_str()).chain(more_cards.iter().copied()) {
        s.push(card.to_string());
        s.push(card[6..card.len() - 4].to_string());
        let grouped: Vec<String> = card
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).to_string())
            .collect();
        s.push(grouped.join(" "));
    }
    s
}

/// A card number of China Construction Bank's BIN with unremarkable digits.
fn card(seq: u64) -> String {
    let payload = format!("621700{:012}", 381_657_294_015 + seq * 7_919_113);
    format!("{payload}{}", luhn_check_digit(&payload).expect("digits"))
}

fn reference(stdout: &str) -> String {
    stdout
        .split_whitespace()
        .next()
        .expect("a reference first")
        .to_string()
}

/// From draft to activated terminal, as the counter does it on the command line.
fn to_activated(j: &mut Journey, f: &ApplicationForm, serial: &str) -> String {
    let ap = reference(&j.ok(
        Some(CLERK),
        &[
            "app",
            "new",
            "--name",
            &f.full_name,
            "--id",
            &f.id_number,
            "--id-valid-until",
            &f.id_valid_until,
            "--phone",
            &f.phone,
            "--business",
            &f.business_name,
            "--address",
            &f.business_address,
            "--card",
            &f.card_number,
            "--holder",
            &f.card_holder,
            "--card-kind",
            "debit",
            "--branch",
            &f.card_branch,
            "--model",
            &f.model_code,
            "--agree-terms",
        ],
    ));
    j.ok(Some(CLERK), &["app", "submit", &ap]);
    j.ok(None, &["app", "facts", &ap]);
    j.ok(Some(SUPERVISOR), &["app", "approve", &ap]);
    j.ok(Some(CLERK), &["app", "send-code", &ap]);
    let outbox = j.ok(None, &["outbox"]);
    // The newest code message is this applicant's.
    let code: String = outbox
        .lines()
        .filter_map(|l| l.split("验证码是 ").nth(1))
        .next_back()
        .expect("a code message")
        .chars()
        .take(6)
        .collect();
    j.ok(Some(CLERK), &["app", "confirm-code", &ap, &code]);
    for item in [
        "id_document",
        "face_check",
        "capacity",
        "card_own_name",
        "terms",
    ] {
        j.ok(Some(CLERK), &["app", "check", &ap, item]);
    }
    j.ok(
        Some(CLERK),
        &["app", "check", &ap, "id_photos", "--note", "IMG-7/8"],
    );
    j.ok(Some(CLERK), &["app", "verify", &ap]);
    j.ok(Some(CLERK), &["app", "sign", &ap, "--name", &f.full_name]);
    j.ok(Some(CLERK), &["app", "queue"]);
    j.ok(Some(CLERK), &["app", "bind", &ap, serial]);
    // Someone else's ID card at the hand-over: refused, and not repeated back.
    j.refused(
        Some(CLERK),
        &[
            "app",
            "hand-over",
            &ap,
            "--id",
            "11010519491231002X",
            "--method",
            "cash",
        ],
    );
    j.ok(
        Some(CLERK),
        &[
            "app",
            "hand-over",
            &ap,
            "--id",
            &f.id_number,
            "--method",
            "cash",
        ],
    );
    j.ok(Some(CLERK), &["app", "activate", &ap, "--code", "ACT-77"]);
    ap
}

fn settle(j: &mut Journey, ap: &str, ok: bool, name: &str) {
    let shown: Value =
        serde_json::from_str(&j.ok(None, &["refunds", "show", ap, "--json"])).expect("JSON");
    let newest = shown.as_array().and_then(|a| a.last()).expect("a refund");
    let fen = newest["amount"].as_i64().expect("amount in fen");
    let line = if ok {
        format!(
            "{},success,BK0001,{}.{:02},\n",
            newest["reference"].as_str().unwrap(),
            fen / 100,
            fen % 100
        )
    } else {
        format!(
            "{},failed,,{}.{:02},账户冻结\n",
            newest["reference"].as_str().unwrap(),
            fen / 100,
            fen % 100
        )
    };
    let path = j.path(name);
    std::fs::write(
        &path,
        format!("refund_ref,result,bank_ref,amount,reason\n{line}"),
    )
    .expect("settlement file");
    j.ok(
        Some(SUPERVISOR),
        &["refunds", "import", path.to_str().unwrap()],
    );
}

#[test]
fn no_output_report_or_log_line_of_a_whole_journey_shows_a_personal_number() {
    let mut j = Journey::new();
    let mut a = sample_form(7);
    a.model_code = "NL-ME31".into();
    a.card_number = card(1);
    let mut b = sample_form(8);
    b.card_number = card(4);
    let (card2, card3) = (card(2), card(3));

    let init = [
        ["init", "--point-code", "BJ01"],
        ["--point-name", "朝阳门便利店", "--point-address"],
        ["北京市朝阳区", "--staff-no", "S001"],
    ]
    .concat();
    j.ok(
        Some(SUPERVISOR),
        &[&init[..], &["--name", "王主管"]].concat(),
    );
    // The clerk's PIN comes from POSDESK_NEW_PIN.
    let added = Command::new(env!("CARGO_BIN_EXE_posdesk"))
        .env_remove("POSDESK_DB")
        .env("POSDESK_CONFIG_DIR", j.path("config"))
        .env("POSDESK_STAFF", SUPERVISOR.0)
        .env("POSDESK_PIN", SUPERVISOR.1)
        .env("POSDESK_NEW_PIN", CLERK.1)
        .arg("--db")
        .arg(j.path("posdesk.db"))
        .args([
            "staff",
            "add",
            "--no",
            "C001",
            "--name",
            "李柜员",
            "--role",
            "clerk",
        ])
        .args(["--point", "BJ01"])
        .stdin(Stdio::null())
        .output()
        .expect("staff add");
    assert!(added.status.success(), "{added:#?}");
    j.ok(
        Some(SUPERVISOR),
        &["device", "add", "N31ABCDEF012345", "--model", "NL-ME31"],
    );
    j.ok(
        Some(SUPERVISOR),
        &["device", "add", "LDA80000000777", "--model", "LD-A8"],
    );

    let ap_a = to_activated(&mut j, &a, "N31ABCDEF012345");
    let ap_b = to_activated(&mut j, &b, "LDA80000000777");

    // B's card volumes; A's deposit back, to a card other than the one on file.
    let volumes = j.path("volumes.csv");
    std::fs::write(
        &volumes,
        "serial,date,amount\nLDA80000000777,2026-11-20,1200.00\n",
    )
    .expect("volumes");
    j.ok(
        Some(CLERK),
        &["volumes", "import", volumes.to_str().unwrap()],
    );
    j.ok(None, &["fees", "show", &ap_b]);
    j.ok(None, &["fees", "show", &ap_b, "--json"]);
    j.ok(None, &["refunds", "eligibility", &ap_a]);
    j.ok(None, &["refunds", "eligibility", &ap_a, "--json"]);
    let mut bad_luhn = card2.clone();
    bad_luhn.pop();
    bad_luhn.push(if card2.ends_with('0') { '1' } else { '0' });
    j.refused(
        Some(CLERK),
        &[
            "refunds",
            "request",
            &ap_a,
            "--card",
            &bad_luhn,
            "--holder",
            &a.full_name,
        ],
    );
    j.ok(
        Some(CLERK),
        &[
            "refunds",
            "request",
            &ap_a,
            "--card",
            &card2,
            "--holder",
            &a.full_name,
        ],
    );
    let first = j.ok(None, &["refunds", "show", &ap_a]);
    let rf = reference(&first);
    j.ok(Some(CLERK), &["refunds", "confirm", &rf]);
    let batch1 = j.path("batch1.csv");
    j.ok(
        Some(SUPERVISOR),
        &[
            "refunds",
            "export",
            "--out",
            batch1.to_str().unwrap(),
            "--yes",
        ],
    );
    settle(&mut j, &ap_a, false, "settle1.csv");
    j.ok(
        Some(CLERK),
        &[
            "refunds",
            "request",
            &ap_a,
            "--card",
            &card3,
            "--holder",
            &a.full_name,
        ],
    );
    let again = j.ok(None, &["refunds", "show", &ap_a]);
    let rf2 = again
        .lines()
        .filter(|l| l.starts_with("RF"))
        .map(reference)
        .find(|r| *r != rf)
        .expect("a second refund");
    j.ok(Some(CLERK), &["refunds", "confirm", &rf2]);
    let batch2 = j.path("batch2.csv");
    j.ok(
        Some(SUPERVISOR),
        &[
            "refunds",
            "export",
            "--out",
            batch2.to_str().unwrap(),
            "--yes",
        ],
    );
    settle(&mut j, &ap_a, true, "settle2.csv");

    // Every report and listing.
    for args in [
        vec!["app", "show", &ap_a],
        vec!["app", "show", &ap_a, "--json"],
        vec!["app", "show", &ap_b, "--json"],
        vec!["app", "timeline", &ap_a],
        vec!["app", "timeline", &ap_b],
        vec!["app", "facts", &ap_b],
        vec!["refunds", "show", &ap_a],
        vec!["refunds", "show", &ap_a, "--json"],
        vec!["refunds", "show", &rf2, "--json"],
        vec!["refunds", "list"],
        vec!["refunds", "list", "--json"],
        vec!["refunds", "list", "--search", &a.full_name, "--json"],
        vec!["refunds", "list", "--search", &a.phone[7..], "--json"],
        vec!["refunds", "totals", "--json"],
        vec!["report", "daily"],
        vec!["report", "daily", "--json"],
        vec!["status"],
        vec!["status", "--json"],
        vec![
            "status",
            "--phone",
            &a.phone,
            "--id-last6",
            &a.id_number[12..],
        ],
        vec![
            "status",
            "--phone",
            &a.phone,
            "--id-last6",
            &a.id_number[12..],
            "--json",
        ],
        vec!["outbox"],
        vec!["audit", "verify"],
        vec!["staff", "list"],
        vec!["device", "stock", "--point", "BJ01"],
    ] {
        j.ok(None, &args);
    }
    j.ok(Some(CLERK), &["app", "queue"]);
    let (code, _) = j.run_as(
        None,
        &["status", "--phone", &a.phone, "--id-last6", "000000"],
        true,
    );
    assert_eq!(code, 1, "a wrong pair finds nothing");

    // The gateway's hand-over is the one place a phone number goes out whole.
    let (code, drained) = j.run_as(None, &["outbox", "--drain"], false);
    assert_eq!(code, 0);
    assert!(
        drained.contains(&a.phone) && drained.contains(&b.phone),
        "{drained}"
    );
    // And the bank's batch file carries the card the money goes to.
    let batch = std::fs::read_to_string(&batch2).expect("batch file");
    assert!(batch.contains(&card3), "{batch}");

    // The scan reads real output: the masked forms are there.
    let shown: String = j.seen.iter().map(|(_, s)| s.as_str()).collect();
    for masked in [
        format!("{}****{}", &a.phone[..3], &a.phone[7..]),
        format!("{}********{}", &a.id_number[..6], &a.id_number[14..]),
        format!("{}*********{}", &card3[..6], &card3[15..]),
    ] {
        assert!(shown.contains(&masked), "{masked} is shown somewhere");
    }
    let mut all_secrets = secrets(&a, &[&card2, &card3, &bad_luhn]);
    all_secrets.extend(secrets(&b, &[]));
    for (args, said) in &j.seen {
        for s in &all_secrets {
            assert!(
                !said.contains(s.as_str()),
                "`posdesk {args}` shows {s}:\n{said}"
            );
        }
    }
    let log = std::fs::read_to_string(j.path("posdesk.log")).expect("posdesk.log");
    for needle in ["command=app bind", "command=refunds import", "refused"] {
        assert!(
            log.contains(needle),
            "the log tells what happened ({needle}):\n{log}"
        );
    }
    for s in &all_secrets {
        assert!(!log.contains(s.as_str()), "posdesk.log holds {s}:\n{log}");
    }
}
