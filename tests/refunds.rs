//! Deposits and refunds through the desk on a real file: fees, eligibility,
//! volumes, windows across holidays, bank batches and settlement results.

use chrono::{DateTime, NaiveDate, Utc};
use posdesk::desk::{Actor, Clock, Desk, DeskError, NewCard, NewPoint, NewStaffMember, Setup};
use posdesk::domain::bank_card::luhn_check_digit;
use posdesk::domain::checklist::{ChecklistItem, Role};
use posdesk::domain::money::Fen;
use posdesk::store;
use posdesk::tui::testing::sample_form;

struct Counter {
    desk: Desk,
    sup: Actor,
    clerk: Actor,
    dir: tempfile::TempDir,
}

/// 10:00 at the counter on `day`.
fn at(day: &str) -> DateTime<Utc> {
    format!("{day}T02:00:00Z").parse().unwrap()
}

fn counter(day: &str) -> Counter {
    let dir = tempfile::tempdir().unwrap();
    let mut desk =
        Desk::open(&dir.path().join("posdesk.db"), Setup::builtin().at(at(day))).unwrap();
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
    Counter {
        desk,
        sup,
        clerk,
        dir,
    }
}

impl Counter {
    fn on(&mut self, day: &str) {
        self.desk.clock = Clock::Fixed(at(day));
    }

    /// An activated terminal of `model`; returns (application id, serial).
    fn activated(&mut self, seq: u32, model: &str, serial: &str) -> (i64, String) {
        let (sup, clerk) = (self.sup.clone(), self.clerk.clone());
        let mut form = sample_form(seq);
        form.model_code = model.into();
        let d = &mut self.desk;
        d.add_device(&sup, serial, model, None).unwrap();
        let id = d.create_draft(&clerk, None, &form).unwrap().id;
        d.submit(&clerk, id).unwrap();
        d.approve(&sup, id, None).unwrap();
        d.send_phone_code(&clerk, id).unwrap();
        let code: String = d
            .messages_for(id)
            .unwrap()
            .pop()
            .unwrap()
            .body
            .chars()
            .filter(char::is_ascii_digit)
            .take(6)
            .collect();
        d.confirm_phone_code(&clerk, id, &code).unwrap();
        for item in ChecklistItem::ALL {
            if item != ChecklistItem::PhoneCode {
                d.record_check(
                    &clerk,
                    id,
                    item,
                    true,
                    (item == ChecklistItem::IdPhotos).then_some("IMG"),
                )
                .unwrap();
            }
        }
        d.verify(&clerk, id).unwrap();
        d.sign_contract(&clerk, id, &form.full_name).unwrap();
        d.bind_device(&clerk, id, serial).unwrap();
        d.hand_over(&clerk, id, &form.id_number, "cash").unwrap();
        d.activate(&clerk, id, "ACT-1").unwrap();
        (id, serial.to_string())
    }

    fn deposit_state(&self, id: i64) -> String {
        store::refund::deposit_of_application(self.desk.conn(), id)
            .unwrap()
            .unwrap()
            .state
    }

    fn audit_rows(&self) -> i64 {
        store::audit::count(self.desk.conn()).unwrap()
    }
}

fn code<T: std::fmt::Debug>(r: Result<T, DeskError>) -> String {
    match r {
        Err(DeskError::Refused(p)) => p.code.to_string(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn a_deposit_goes_back_after_national_day() {
    let mut c = counter("2025-09-01");
    // NL-ME31: no volume target, no fees: eligible as soon as it is activated.
    let (id, _) = c.activated(1, "NL-ME31", "N31000000000001");
    assert_eq!(c.desk.eligibility(id).unwrap().unmet, vec![]);
    assert_eq!(c.deposit_state(id), "eligible");
    c.on("2025-09-26");
    let sup = c.sup.clone();
    let clerk = c.clerk.clone();
    let r = c.desk.request_refund(&clerk, id, None).unwrap();
    assert_eq!(r.amount, Fen(9_900));
    let confirmed = c.desk.confirm_refund(&clerk, r.id).unwrap();
    // facts.md: from 2025-09-26, +3 → 2025-09-30 and +7 → 2025-10-13.
    assert_eq!(
        (confirmed.window.earliest, confirmed.window.latest),
        (d("2025-09-30"), d("2025-10-13"))
    );
    assert!(confirmed.window.complete);
    assert_eq!(c.deposit_state(id), "refund_confirmed");

    let preview = c.desk.batch_preview().unwrap();
    assert_eq!((preview.count, preview.total), (1, Fen(9_900)));
    let out = c.dir.path().join("batch.csv");
    assert_eq!(
        code(c.desk.export_batch(&clerk, &out)),
        "role.supervisor_only"
    );
    // A folder that is not there: said so, and nothing counts as sent.
    let nowhere = c.dir.path().join("no such folder").join("batch.csv");
    match c.desk.export_batch(&sup, &nowhere) {
        Err(posdesk::desk::DeskError::Refused(p)) => {
            assert_eq!(p.code, "export.cannot_write");
            assert!(p.message.contains("nothing was sent"), "{}", p.message);
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(c.deposit_state(id), "refund_confirmed");
    assert_eq!(c.desk.batch_preview().unwrap().count, 1);
    let batch = c.desk.export_batch(&sup, &out).unwrap();
    assert_eq!(batch.count, 1);
    let bytes = std::fs::read(&out).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 with BOM for Excel"
    );
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.contains(&format!("\"=\"\"{}\"\"\"", r.card_number)),
        "the card stays text: {text}"
    );
    assert!(text.contains("99.00"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    assert_eq!(c.deposit_state(id), "refund_sent");
    assert_eq!(
        code(c.desk.export_batch(&sup, &c.dir.path().join("again.csv"))),
        "batch.empty",
        "never in two batches"
    );

    // Overdue past the latest day.
    c.on("2025-10-14");
    assert_eq!(c.desk.refund_totals().unwrap().overdue, (1, Fen(9_900)));
    let settlement = format!(
        "refund_ref,result,bank_ref,amount,reason\n{},success,BK778899,99.00,\n",
        r.reference
    );
    let report = c
        .desk
        .import_settlement(&sup, "result.csv", settlement.as_bytes())
        .unwrap();
    assert_eq!((report.refunded, report.failed), (1, 0));
    assert_eq!(c.deposit_state(id), "refunded");
    assert_eq!(c.desk.refund_totals().unwrap().overdue, (0, Fen::ZERO));
    let again = c
        .desk
        .import_settlement(&sup, "result.csv", settlement.as_bytes())
        .unwrap();
    assert!(
        again.already_imported,
        "the same file twice changes nothing and says so"
    );
    let sms: Vec<String> = c
        .desk
        .messages_for(id)
        .unwrap()
        .into_iter()
        .map(|m| m.template)
        .collect();
    assert!(sms.contains(&"refund_sent".to_string()) && sms.contains(&"refund_done".to_string()));
}

#[test]
fn spring_festival_and_an_unloaded_year() {
    let mut c = counter("2026-02-01");
    let (a, _) = c.activated(1, "NL-ME31", "N31000000000001");
    let (b, _) = c.activated(2, "NL-ME31", "N31000000000002");
    let clerk = c.clerk.clone();
    c.on("2026-02-13");
    let r = c.desk.request_refund(&clerk, a, None).unwrap();
    let w = c.desk.confirm_refund(&clerk, r.id).unwrap().window;
    assert_eq!((w.earliest, w.latest), (d("2026-02-25"), d("2026-03-02")));
    c.on("2026-12-28");
    let r = c.desk.request_refund(&clerk, b, None).unwrap();
    let w = c.desk.confirm_refund(&clerk, r.id).unwrap().window;
    assert!(!w.complete && w.missing_years == vec![2027], "{w:?}");
    let stored = c.desk.refund_by_reference(&r.reference).unwrap();
    assert_eq!(stored.window_complete, Some(false));
}

#[test]
fn fees_block_the_refund_until_paid_and_overpaying_is_refused() {
    let mut c = counter("2026-01-10");
    // PAX-S90: ¥199 device fee, waived on the first terminal; SM-P2: ¥5 a month.
    let (first, _) = c.activated(1, "PAX-S90", "S90-000-000-001");
    let (second, _) = c.activated(1, "PAX-S90", "S90-000-000-002");
    assert!(
        c.desk.fee_status(first).unwrap().fees.is_empty(),
        "the first terminal's device fee is waived"
    );
    assert_eq!(c.desk.fee_status(second).unwrap().outstanding, Fen(19_900));
    let (monthly, _) = c.activated(3, "SM-P2", "P2M000000001");
    c.on("2026-04-15");
    let s = c.desk.fee_status(monthly).unwrap();
    assert_eq!(s.fees.len(), 3, "{:?}", s.fees);
    assert_eq!(s.outstanding, Fen(1_500));
    let e = c.desk.eligibility(monthly).unwrap();
    assert!(
        e.unmet
            .iter()
            .any(|u| u.code == "eligibility.fees" && u.message.contains("¥15.00")),
        "{e:?}"
    );
    let clerk = c.clerk.clone();
    assert_eq!(
        code(c.desk.request_refund(&clerk, monthly, None)),
        "refund.not_eligible"
    );
    let before = c.audit_rows();
    assert_eq!(
        code(c.desk.pay_fees(&clerk, monthly, Fen(1_501), "cash")),
        "payment.overpay"
    );
    assert_eq!(c.audit_rows(), before, "a refused payment leaves nothing");
    let s = c
        .desk
        .pay_fees(&clerk, monthly, Fen(700), "wechat")
        .unwrap();
    assert_eq!(s.outstanding, Fen(800), "partial payments are fine");
    c.desk.pay_fees(&clerk, monthly, Fen(800), "cash").unwrap();
    assert_eq!(c.deposit_state(monthly), "eligible");
    assert_eq!(
        code(c.desk.pay_fees(&clerk, monthly, Fen(1), "cash")),
        "payment.nothing_due"
    );
}

#[test]
fn the_volume_target_comes_from_the_acquirers_file() {
    let mut c = counter("2026-03-01");
    // LD-A8: ≥ ¥10,000 within 60 days of activation.
    let (id, serial) = c.activated(1, "LD-A8", "LDA80000000001");
    let e = c.desk.eligibility(id).unwrap();
    assert_eq!(e.unmet.len(), 1);
    assert!(
        e.unmet[0].message.contains("¥10,000.00"),
        "{}",
        e.unmet[0].message
    );
    let clerk = c.clerk.clone();
    let bad = format!("serial,date,amount\n{serial},2026-03-05,6000\nNOSUCH123,2026-03-05,1\n{serial},2026-02-30,1\n");
    let err = c
        .desk
        .import_volumes(&clerk, "v.csv", bad.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("line 3") && err.contains("line 4") && !err.contains("line 2"),
        "{err}"
    );
    assert_eq!(
        store::refund::volume_between(c.desk.conn(), 1, "2026-01-01", "2026-12-31").unwrap(),
        Fen::ZERO,
        "nothing imported"
    );
    let file = format!("serial,date,amount\n{serial},2026-03-05,6000\n{serial},2026-04-20,4000.00\n{serial},2026-06-01,99999\n");
    let r = c
        .desk
        .import_volumes(&clerk, "v.csv", file.as_bytes())
        .unwrap();
    assert_eq!(r.lines, 3);
    assert!(
        c.desk
            .import_volumes(&clerk, "v.csv", file.as_bytes())
            .unwrap()
            .already_imported
    );
    assert_eq!(
        c.deposit_state(id),
        "eligible",
        "6000 + 4000 within 60 days; June doesn't count"
    );
}

#[test]
fn breaches_hold_the_deposit_and_forfeit_ends_it() {
    let mut c = counter("2026-03-01");
    let (id, _) = c.activated(1, "NL-ME31", "N31000000000001");
    let (sup, clerk) = (c.sup.clone(), c.clerk.clone());
    assert_eq!(
        code(c.desk.record_breach(&clerk, id, "移机")),
        "role.supervisor_only"
    );
    c.desk
        .record_breach(&sup, id, "擅自移机到外地使用")
        .unwrap();
    assert_eq!(c.deposit_state(id), "held");
    assert!(c
        .desk
        .eligibility(id)
        .unwrap()
        .unmet
        .iter()
        .any(|u| u.message.contains("擅自移机")));
    c.desk.clear_breaches(&sup, id, "已移回").unwrap();
    assert_eq!(c.deposit_state(id), "eligible");
    assert_eq!(code(c.desk.forfeit(&sup, id, "")), "reason.missing");
    c.desk.forfeit(&sup, id, "设备丢失未归还").unwrap();
    assert_eq!(c.deposit_state(id), "forfeited");
    assert_eq!(
        code(c.desk.request_refund(&clerk, id, None)),
        "deposit.transition"
    );
}

#[test]
fn a_failed_refund_goes_again_to_a_new_own_name_card() {
    let mut c = counter("2026-03-02");
    let (id, _) = c.activated(1, "NL-ME31", "N31000000000001");
    let (sup, clerk) = (c.sup.clone(), c.clerk.clone());
    let r = c.desk.request_refund(&clerk, id, None).unwrap();
    c.desk.confirm_refund(&clerk, r.id).unwrap();
    c.desk
        .export_batch(&sup, &c.dir.path().join("b1.csv"))
        .unwrap();
    let file = format!(
        "refund_ref,result,bank_ref,amount,reason\n{},failed,,99.00,账户冻结\n",
        r.reference
    );
    c.desk
        .import_settlement(&sup, "r1.csv", file.as_bytes())
        .unwrap();
    assert_eq!(c.deposit_state(id), "refund_failed");
    let failed = c.desk.refund_by_reference(&r.reference).unwrap();
    assert_eq!(failed.failure_reason.as_deref(), Some("账户冻结"));
    assert!(c
        .desk
        .messages_for(id)
        .unwrap()
        .iter()
        .any(|m| m.template == "refund_failed" && m.body.contains("账户冻结")));
    let status = c
        .desk
        .merchant_status(&sample_form(1).phone, &sample_form(1).id_number[12..])
        .unwrap()
        .unwrap();
    assert_eq!(status.failure_reason.as_deref(), Some("账户冻结"));

    let payload = "621700000000000001";
    let new_card = format!("{payload}{}", luhn_check_digit(payload).unwrap());
    let other = NewCard {
        number: &new_card,
        holder: "王五",
        luhn_confirmed: false,
    };
    assert_eq!(
        code(c.desk.request_refund(&clerk, id, Some(other))),
        "refund.not_own_name"
    );
    let own = NewCard {
        number: &new_card,
        holder: &sample_form(1).full_name,
        luhn_confirmed: false,
    };
    let r2 = c.desk.request_refund(&clerk, id, Some(own)).unwrap();
    assert_eq!(r2.card_number, new_card);
    assert_eq!(r2.card_bank.as_deref(), Some("中国建设银行"));
    assert_eq!(c.deposit_state(id), "refund_requested");
}

#[test]
fn a_settlement_file_with_any_bad_line_applies_nothing() {
    let mut c = counter("2026-03-02");
    let (a, _) = c.activated(1, "NL-ME31", "N31000000000001");
    let (b, _) = c.activated(2, "NL-ME31", "N31000000000002");
    let (e, _) = c.activated(3, "NL-ME31", "N31000000000003");
    let (sup, clerk) = (c.sup.clone(), c.clerk.clone());
    let ra = c.desk.request_refund(&clerk, a, None).unwrap();
    let rb = c.desk.request_refund(&clerk, b, None).unwrap();
    c.desk.confirm_refund(&clerk, ra.id).unwrap();
    c.desk.confirm_refund(&clerk, rb.id).unwrap();
    c.desk
        .export_batch(&sup, &c.dir.path().join("b.csv"))
        .unwrap();
    let re = c.desk.request_refund(&clerk, e, None).unwrap();
    let before = c.audit_rows();
    let file = format!(
        "refund_ref,result,bank_ref,amount,reason\n\
         {a},success,B1,99.00,\n\
         RF99999999,success,B2,99.00,\n\
         {b},success,B3,98.00,\n\
         {e},success,B4,99.00,\n\
         {a}x,maybe,B5,1,\n",
        a = ra.reference,
        b = rb.reference,
        e = re.reference
    );
    let err = c
        .desk
        .import_settlement(&sup, "bad.csv", file.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 6"), "a malformed row: {err}");
    let file = file.lines().take(5).collect::<Vec<_>>().join("\n");
    let err = c
        .desk
        .import_settlement(&sup, "bad.csv", file.as_bytes())
        .unwrap_err()
        .to_string();
    for (line, what) in [(3, "not a refund"), (4, "amount"), (5, "not waiting")] {
        assert!(
            err.contains(&format!("line {line}")) && err.contains(what),
            "line {line} {what}: {err}"
        );
    }
    assert!(
        !err.contains("line 2"),
        "the good line is not a fault: {err}"
    );
    assert_eq!(c.audit_rows(), before, "nothing applied");
    assert_eq!(c.deposit_state(a), "refund_sent");
}

#[test]
fn the_kiosk_pair_shows_only_that_merchant() {
    let mut c = counter("2026-03-02");
    let (a, _) = c.activated(1, "LD-A8", "LDA80000000001");
    c.activated(2, "NL-ME31", "N31000000000002");
    let f = sample_form(1);
    let s = c
        .desk
        .merchant_status(&f.phone, &f.id_number[12..])
        .unwrap()
        .unwrap();
    assert_eq!(s.reference, format!("AP{a:08}"));
    assert_eq!(s.deposit, Some(Fen(29_900)));
    assert!(s.unmet.iter().any(|u| u.contains("¥10,000.00")));
    assert!(
        !s.name_hint.contains(&f.full_name[3..]),
        "only the first character of the name"
    );
    assert!(
        c.desk
            .merchant_status(&f.phone, &sample_form(2).id_number[12..])
            .unwrap()
            .is_none(),
        "another person's ID"
    );
    assert!(
        c.desk
            .merchant_status("13900000000", &f.id_number[12..])
            .unwrap()
            .is_none(),
        "a phone not on file looks the same"
    );
    assert!(c.desk.merchant_status("garbage", "x").unwrap().is_none());
}

#[test]
fn totals_equal_the_rows_they_summarise_on_demo_data() {
    let mut desk = Desk::in_memory(Setup::builtin().at(at("2026-11-25"))).unwrap();
    desk.load_demo(150, 3).unwrap();
    let totals = desk.refund_totals().unwrap();
    for (state, count, amount) in &totals.by_state {
        let filter = posdesk::store::dashboard::Filter {
            states: vec![state.clone()],
            ..Default::default()
        };
        let (n, sum) = desk.dashboard_filtered_totals(&filter).unwrap();
        assert_eq!((*count, *amount), (n, sum), "{state}");
        let mut seen = 0;
        let mut before = None;
        loop {
            let page = desk.dashboard_page(&filter, before, 7).unwrap();
            if page.is_empty() {
                break;
            }
            assert!(page.iter().all(|r| &r.state == state));
            seen += page.len() as i64;
            before = page.last().map(|r| r.deposit_id);
        }
        assert_eq!(
            seen, *count,
            "keyset pages cover exactly the rows of {state}"
        );
    }
    let all: i64 = totals.by_state.iter().map(|(_, n, _)| n).sum();
    assert!(all > 0);
}
