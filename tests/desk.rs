//! The desk use cases against a real SQLite file: the whole journey, and every
//! refusal leaving the store exactly as it was.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use posdesk::desk::{Actor, Desk, DeskError, NewPoint, NewStaffMember, Setup};
use posdesk::domain::application_form::ApplicationForm;
use posdesk::domain::bank_card::luhn_check_digit;
use posdesk::domain::checklist::{ChecklistItem, Role};
use posdesk::domain::lifecycle::ApplicationState as S;
use posdesk::domain::resident_id::check_character;
use posdesk::store;

const NOW: &str = "2026-11-25T02:00:00Z";

struct Counter {
    desk: Desk,
    sup: Actor,
    clerk: Actor,
    _dir: tempfile::TempDir,
}

fn now() -> DateTime<Utc> {
    NOW.parse().unwrap()
}

fn counter() -> Counter {
    counter_with(Setup::builtin())
}

fn counter_with(setup: Setup) -> Counter {
    let dir = tempfile::tempdir().unwrap();
    let mut desk = Desk::open(&dir.path().join("posdesk.db"), setup.at(now())).unwrap();
    let sup = desk
        .bootstrap(
            NewPoint {
                code: "bj01",
                name: "朝阳门便利店",
                address: "北京市朝阳区朝阳门外大街18号",
            },
            NewStaffMember {
                staff_no: "s001",
                name: "王主管",
                role: Role::Supervisor,
                pin: "900001",
                point_code: Some("BJ01"),
            },
        )
        .unwrap();
    desk.add_point(
        &sup,
        NewPoint {
            code: "SH01",
            name: "徐家汇服务中心",
            address: "上海市徐汇区漕溪北路88号",
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
    let clerk = desk.login("c001", "100001").unwrap();
    Counter {
        desk,
        sup,
        clerk,
        _dir: dir,
    }
}

fn id_number(area: &str, birth: NaiveDate, seq: u32) -> String {
    let first17 = format!("{area}{}{seq:03}", birth.format("%Y%m%d"));
    format!("{first17}{}", check_character(&first17).unwrap())
}

fn card(prefix: &str, len: usize, fill: u64) -> String {
    let mut payload = format!("{prefix}{fill:0>width$}", width = len - 1 - prefix.len());
    payload.truncate(len - 1);
    let check = luhn_check_digit(&payload).unwrap();
    format!("{payload}{check}")
}

fn form(name: &str, id: &str, phone: &str) -> ApplicationForm {
    ApplicationForm {
        full_name: name.into(),
        id_number: id.into(),
        id_valid_until: "2035-06-30".into(),
        phone: phone.into(),
        business_name: format!("{name}便利店"),
        business_address: "北京市朝阳区建设路12号".into(),
        card_number: card("622202", 19, 4_000_123),
        card_bank: String::new(),
        card_branch: "朝阳支行".into(),
        card_holder: name.into(),
        card_kind: "debit".into(),
        card_luhn_confirmed: false,
        model_code: "LD-A8".into(),
        terms_agreed: true,
    }
}

fn adult_form(seq: u32) -> ApplicationForm {
    let id = id_number("110105", NaiveDate::from_ymd_opt(1985, 3, 14).unwrap(), seq);
    form("张伟", &id, &format!("1381234{seq:04}"))
}

fn stock(c: &mut Counter, n: u32) -> Vec<String> {
    (0..n)
        .map(|i| {
            c.desk
                .add_device(
                    &c.sup,
                    &format!("LDA8{:010}", 1000 + i),
                    "LD-A8",
                    Some("BJ01"),
                )
                .unwrap()
                .serial
        })
        .collect()
}

fn audit_count(c: &Counter) -> i64 {
    store::audit::count(c.desk.conn()).unwrap()
}

fn refused<T: std::fmt::Debug>(r: Result<T, DeskError>) -> String {
    match r {
        Err(DeskError::Refused(p)) => p.code.to_string(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Everything up to `verified`, through the real use cases.
fn verified(c: &mut Counter, f: &ApplicationForm) -> i64 {
    let id = c.desk.create_draft(&c.clerk, None, f).unwrap().id;
    c.desk.submit(&c.clerk, id).unwrap();
    c.desk.approve(&c.sup, id, None).unwrap();
    pass_checklist(c, id);
    c.desk.verify(&c.clerk, id).unwrap();
    id
}

fn pass_checklist(c: &mut Counter, id: i64) {
    c.desk.send_phone_code(&c.clerk, id).unwrap();
    let code = latest_code(c, id);
    c.desk.confirm_phone_code(&c.clerk, id, &code).unwrap();
    for item in ChecklistItem::ALL {
        match item {
            ChecklistItem::PhoneCode => {}
            ChecklistItem::IdPhotos => c
                .desk
                .record_check(&c.clerk, id, item, true, Some("IMG-1 front/back"))
                .unwrap(),
            _ => c.desk.record_check(&c.clerk, id, item, true, None).unwrap(),
        }
    }
}

fn latest_code(c: &Counter, id: i64) -> String {
    let body = c
        .desk
        .messages_for(id)
        .unwrap()
        .into_iter()
        .rev()
        .find(|m| m.template == "phone_code")
        .unwrap()
        .body;
    body.chars().filter(char::is_ascii_digit).take(6).collect()
}

#[test]
fn a_merchant_goes_from_draft_to_activated() {
    let mut c = counter();
    let serials = stock(&mut c, 2);
    let f = adult_form(1);
    let id = verified(&mut c, &f);
    assert_eq!(
        c.desk.sign_contract(&c.clerk, id, " 张伟 ").unwrap(),
        S::Contracted
    );
    let d = c
        .desk
        .bind_device(&c.clerk, id, &serials[0].to_lowercase())
        .unwrap();
    assert_eq!(d.serial, serials[0]);
    let ready = c.desk.messages_for(id).unwrap();
    assert!(ready
        .iter()
        .any(|m| m.template == "ready_for_pickup" && m.body.contains("朝阳门便利店")));
    let h = c
        .desk
        .hand_over(&c.clerk, id, &f.id_number.to_lowercase(), "wechat")
        .unwrap();
    assert_eq!(h.deposit.fen(), 29_900, "LD-A8's deposit from policy");
    c.desk.activate(&c.clerk, id, "ACT-778899").unwrap();

    let v = c.desk.application(id).unwrap();
    assert_eq!(v.state, "activated");
    assert_eq!(v.device_serial.as_deref(), Some(serials[0].as_str()));
    assert_eq!(v.deposit.as_ref().unwrap().state, "held");
    assert_eq!(v.contract.as_ref().unwrap().version, "2026.1");
    assert_eq!(
        v.form.card_bank, "中国工商银行",
        "bank filled in from the BIN"
    );
    let device = store::device::by_serial(c.desk.conn(), &serials[0])
        .unwrap()
        .unwrap();
    assert_eq!(device.state.as_str(), "activated");

    let steps: Vec<String> = c
        .desk
        .timeline(id)
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect();
    for step in [
        "create draft",
        "submit",
        "approve",
        "verify",
        "sign contract",
        "bind device",
        "hand over",
        "activate",
    ] {
        assert!(
            steps.iter().any(|s| s == step),
            "{step} missing from {steps:?}"
        );
    }
    let rows = c.desk.timeline(id).unwrap();
    let approve = rows.iter().find(|r| r.action == "approve").unwrap();
    assert_eq!(approve.staff_no.as_deref(), Some("S001"));
    assert_eq!(
        (approve.from_state.as_deref(), approve.to_state.as_deref()),
        (Some("submitted"), Some("approved"))
    );
}

#[test]
fn the_view_masks_personal_numbers() {
    let mut c = counter();
    let f = adult_form(2);
    let id = c.desk.create_draft(&c.clerk, None, &f).unwrap().id;
    let v = c.desk.application(id).unwrap();
    let text = serde_json::to_string(&v).unwrap();
    assert!(
        !text.contains(&f.id_number) && !text.contains(&f.phone) && !text.contains(&f.card_number)
    );
    assert_eq!(
        v.form.id_number,
        format!("{}********{}", &f.id_number[..6], &f.id_number[14..])
    );
    assert_eq!(
        v.form.phone,
        format!("{}****{}", &f.phone[..3], &f.phone[7..])
    );
    assert!(v.form.card_number.starts_with("622202") && v.form.card_number.contains('*'));
}

#[test]
fn an_incomplete_draft_is_not_submitted_and_nothing_changes() {
    let mut c = counter();
    let mut f = adult_form(3);
    f.phone.clear();
    f.business_address.clear();
    f.terms_agreed = false;
    let saved = c.desk.create_draft(&c.clerk, None, &f).unwrap();
    assert!(saved.check.is_ok(), "a draft may be incomplete");
    let before = audit_count(&c);
    let err = c.desk.submit(&c.clerk, saved.id).unwrap_err();
    let msg = err.to_string();
    assert_eq!(err.code(), "application.incomplete");
    for field in ["Mobile phone", "Business address", "Terms"] {
        assert!(msg.contains(field), "{msg}");
    }
    assert_eq!(audit_count(&c), before);
    assert_eq!(c.desk.application(saved.id).unwrap().state, "draft");
    assert_eq!(store::status::counts(c.desk.conn()).unwrap().merchants, 0);
}

#[test]
fn form_problems_are_reported_per_field() {
    let mut c = counter();
    let mut f = adult_form(4);
    f.id_number = "360426199113010079".into();
    f.phone = "12345".into();
    f.card_holder = "李四".into();
    f.id_valid_until = "2020-01-01".into();
    let saved = c.desk.create_draft(&c.clerk, None, &f).unwrap();
    let fields: Vec<&str> = saved.check.errors.iter().map(|e| e.field).collect();
    for field in ["id_number", "phone", "card_holder", "id_valid_until"] {
        assert!(fields.contains(&field), "{field} not in {fields:?}");
    }
    assert_eq!(
        refused(c.desk.submit(&c.clerk, saved.id)),
        "application.incomplete"
    );
}

#[test]
fn a_luhn_failure_needs_confirmation_before_submit() {
    let mut c = counter();
    let mut f = adult_form(5);
    let mut digits: Vec<u8> = f.card_number.bytes().collect();
    let last = digits.len() - 1;
    digits[last] = b'0' + (digits[last] - b'0' + 1) % 10;
    f.card_number = String::from_utf8(digits).unwrap();
    let saved = c.desk.create_draft(&c.clerk, None, &f).unwrap();
    assert!(saved
        .check
        .warnings
        .iter()
        .any(|w| w.problem.code == "card.luhn"));
    assert_eq!(
        refused(c.desk.submit(&c.clerk, saved.id)),
        "application.incomplete"
    );
    f.card_luhn_confirmed = true;
    let saved = c.desk.update_draft(&c.clerk, saved.id, &f).unwrap();
    assert!(saved.check.warnings.is_empty());
    assert_eq!(c.desk.submit(&c.clerk, saved.id).unwrap(), S::Submitted);
}

#[test]
fn only_a_supervisor_decides_and_a_rejection_needs_a_reason() {
    let mut c = counter();
    let id = c
        .desk
        .create_draft(&c.clerk, None, &adult_form(6))
        .unwrap()
        .id;
    c.desk.submit(&c.clerk, id).unwrap();
    assert_eq!(
        refused(c.desk.approve(&c.clerk, id, None)),
        "role.supervisor_only"
    );
    assert_eq!(refused(c.desk.reject(&c.sup, id, " ")), "reason.missing");
    assert_eq!(
        c.desk.reject(&c.sup, id, "营业执照无法核实").unwrap(),
        S::Rejected
    );
    assert_eq!(
        c.desk.application(id).unwrap().reason.as_deref(),
        Some("营业执照无法核实")
    );
    assert!(c
        .desk
        .messages_for(id)
        .unwrap()
        .iter()
        .any(|m| m.template == "application_rejected"));
    assert_eq!(
        refused(c.desk.approve(&c.sup, id, None)),
        "application.transition"
    );
    assert_eq!(
        refused(c.desk.cancel(&c.clerk, id, "改主意")),
        "application.transition"
    );
}

#[test]
fn verification_needs_every_item_and_the_face_check_never_stands_alone() {
    let mut c = counter();
    let id = c
        .desk
        .create_draft(&c.clerk, None, &adult_form(7))
        .unwrap()
        .id;
    c.desk.submit(&c.clerk, id).unwrap();
    c.desk.approve(&c.sup, id, None).unwrap();
    c.desk
        .record_check(&c.clerk, id, ChecklistItem::FaceCheck, true, None)
        .unwrap();
    let err = c.desk.verify(&c.clerk, id).unwrap_err();
    assert_eq!(err.code(), "checklist.incomplete");
    assert!(err.to_string().contains("Phone confirmed"), "{err}");
    assert_eq!(
        refused(
            c.desk
                .record_check(&c.clerk, id, ChecklistItem::PhoneCode, true, None)
        ),
        "checklist.phone_code"
    );
    assert_eq!(
        refused(
            c.desk
                .record_check(&c.clerk, id, ChecklistItem::IdPhotos, true, None)
        ),
        "checklist.photo_ref"
    );
    assert_eq!(
        refused(
            c.desk
                .record_check(&c.clerk, id, ChecklistItem::FaceCheck, false, None)
        ),
        "checklist.note"
    );
    c.desk
        .record_check(
            &c.clerk,
            id,
            ChecklistItem::FaceCheck,
            false,
            Some("光线不足，比对失败"),
        )
        .unwrap();
    pass_checklist(&mut c, id);
    assert_eq!(c.desk.verify(&c.clerk, id).unwrap(), S::Verified);
}

#[test]
fn sixteen_and_seventeen_need_a_supervisor_and_under_sixteen_is_refused() {
    let mut c = counter();
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let seventeen = id_number("110105", NaiveDate::from_ymd_opt(2009, 6, 1).unwrap(), 11);
    let mut f = form("刘洋", &seventeen, "13912340001");
    let saved = c.desk.create_draft(&c.clerk, None, &f).unwrap();
    assert!(saved
        .check
        .warnings
        .iter()
        .any(|w| w.problem.code == "id.age_supervisor"));
    let id = saved.id;
    c.desk.submit(&c.clerk, id).unwrap();
    c.desk.approve(&c.sup, id, None).unwrap();
    assert_eq!(
        refused(
            c.desk
                .record_check(&c.clerk, id, ChecklistItem::Capacity, true, None)
        ),
        "role.supervisor_only"
    );
    assert_eq!(
        refused(
            c.desk
                .record_check(&c.sup, id, ChecklistItem::Capacity, true, None)
        ),
        "checklist.capacity_reason"
    );
    c.desk
        .record_check(
            &c.sup,
            id,
            ChecklistItem::Capacity,
            true,
            Some("个体经营，以劳动收入为主要生活来源"),
        )
        .unwrap();

    // The 18th birthday itself counts as adult (Civil Code art. 1259).
    let eighteen_today = id_number("110105", NaiveDate::from_ymd_opt(2008, 11, 25).unwrap(), 13);
    f = form("赵敏", &eighteen_today, "13912340002");
    let id = c.desk.create_draft(&c.clerk, None, &f).unwrap().id;
    c.desk.submit(&c.clerk, id).unwrap();
    c.desk.approve(&c.sup, id, None).unwrap();
    c.desk
        .record_check(&c.clerk, id, ChecklistItem::Capacity, true, None)
        .unwrap();

    let fifteen = id_number("110105", today - Duration::days(15 * 366), 15);
    f = form("孙丽", &fifteen, "13912340003");
    let saved = c.desk.create_draft(&c.clerk, None, &f).unwrap();
    assert!(saved
        .check
        .errors
        .iter()
        .any(|e| e.problem.code == "id.age_minor"));
    assert_eq!(
        refused(c.desk.submit(&c.clerk, saved.id)),
        "application.incomplete"
    );
}

#[test]
fn the_one_time_code_counts_tries_and_expires() {
    let mut c = counter();
    let id = c
        .desk
        .create_draft(&c.clerk, None, &adult_form(8))
        .unwrap()
        .id;
    c.desk.submit(&c.clerk, id).unwrap();
    assert_eq!(
        refused(c.desk.confirm_phone_code(&c.clerk, id, "123456")),
        "phone_code.none"
    );
    c.desk.send_phone_code(&c.clerk, id).unwrap();
    let code = latest_code(&c, id);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        assert_eq!(
            refused(c.desk.confirm_phone_code(&c.clerk, id, wrong)),
            "phone_code.wrong"
        );
    }
    assert_eq!(
        refused(c.desk.confirm_phone_code(&c.clerk, id, &code)),
        "phone_code.expired",
        "5 wrong tries use the code up"
    );

    c.desk.send_phone_code(&c.clerk, id).unwrap();
    let code = latest_code(&c, id);
    c.desk.clock = posdesk::desk::Clock::Fixed(now() + Duration::minutes(11));
    assert_eq!(
        refused(c.desk.confirm_phone_code(&c.clerk, id, &code)),
        "phone_code.expired"
    );
    c.desk.clock = posdesk::desk::Clock::Fixed(now());
    c.desk.send_phone_code(&c.clerk, id).unwrap();
    let code = latest_code(&c, id);
    c.desk.confirm_phone_code(&c.clerk, id, &code).unwrap();
}

#[test]
fn the_signature_must_be_the_applicants_name() {
    let mut c = counter();
    let id = verified(&mut c, &adult_form(9));
    let before = audit_count(&c);
    assert_eq!(
        refused(c.desk.sign_contract(&c.clerk, id, "张三")),
        "contract.signature"
    );
    assert_eq!(audit_count(&c), before);
    assert_eq!(
        c.desk.sign_contract(&c.clerk, id, "张伟").unwrap(),
        S::Contracted
    );
}

#[test]
fn binding_checks_model_point_stock_and_the_terminal_limit() {
    let mut c = counter();
    let serials = stock(&mut c, 3);
    let other_model = c
        .desk
        .add_device(&c.sup, "N31ABCDEF012345", "NL-ME31", Some("BJ01"))
        .unwrap()
        .serial;
    let elsewhere = c
        .desk
        .add_device(&c.sup, "LDA89999999999", "LD-A8", Some("SH01"))
        .unwrap()
        .serial;
    let f = adult_form(10);
    let id = verified(&mut c, &f);
    c.desk.sign_contract(&c.clerk, id, "张伟").unwrap();
    let before = audit_count(&c);
    assert_eq!(
        refused(c.desk.bind_device(&c.clerk, id, &other_model)),
        "device.wrong_model"
    );
    assert_eq!(
        refused(c.desk.bind_device(&c.clerk, id, &elsewhere)),
        "device.other_point"
    );
    assert_eq!(
        refused(c.desk.bind_device(&c.clerk, id, "LDA8123")),
        "device.serial_format"
    );
    assert_eq!(
        refused(c.desk.bind_device(&c.clerk, id, "LDA80000000001")),
        "device.unknown"
    );
    assert_eq!(audit_count(&c), before, "refusals leave no trace");
    c.desk.bind_device(&c.clerk, id, &serials[0]).unwrap();

    // The same device can't go to a second merchant.
    let g = form(
        "李娜",
        &id_number("310104", NaiveDate::from_ymd_opt(1990, 1, 2).unwrap(), 22),
        "13700001111",
    );
    let id2 = verified(&mut c, &g);
    c.desk.sign_contract(&c.clerk, id2, "李娜").unwrap();
    assert_eq!(
        refused(c.desk.bind_device(&c.clerk, id2, &serials[0])),
        "device.not_in_stock"
    );

    // Policy limit of terminals per ID number, counted at submit and at binding.
    c.desk.policy.rules.max_active_terminals_per_id = 1;
    let again = c.desk.create_draft(&c.clerk, None, &f).unwrap().id;
    assert_eq!(
        refused(c.desk.submit(&c.clerk, again)),
        "policy.terminal_limit"
    );
}

#[test]
fn a_device_is_never_bound_twice_even_past_the_desk() {
    let mut c = counter();
    let serials = stock(&mut c, 1);
    let id = verified(&mut c, &adult_form(11));
    c.desk.sign_contract(&c.clerk, id, "张伟").unwrap();
    c.desk.bind_device(&c.clerk, id, &serials[0]).unwrap();
    let device = store::device::by_serial(c.desk.conn(), &serials[0])
        .unwrap()
        .unwrap();
    let b = store::device::active_binding(c.desk.conn(), id)
        .unwrap()
        .unwrap();
    let err = store::device::insert_binding(c.desk.conn(), device.id, id, b.merchant_id, 1, NOW)
        .unwrap_err();
    assert!(format!("{err:#}").contains("UNIQUE"), "{err:#}");
}

#[test]
fn cancelling_puts_the_device_back_on_the_shelf() {
    let mut c = counter();
    let serials = stock(&mut c, 1);
    let id = verified(&mut c, &adult_form(12));
    c.desk.sign_contract(&c.clerk, id, "张伟").unwrap();
    c.desk.bind_device(&c.clerk, id, &serials[0]).unwrap();
    assert_eq!(refused(c.desk.cancel(&c.clerk, id, "")), "reason.missing");
    c.desk.cancel(&c.clerk, id, "申请人放弃").unwrap();
    let d = store::device::by_serial(c.desk.conn(), &serials[0])
        .unwrap()
        .unwrap();
    assert_eq!(d.state.as_str(), "in_stock");
    assert!(store::device::active_binding(c.desk.conn(), id)
        .unwrap()
        .is_none());
    assert_eq!(c.desk.application(id).unwrap().state, "cancelled");
    // The record and its trail stay.
    assert!(c
        .desk
        .timeline(id)
        .unwrap()
        .iter()
        .any(|r| r.action == "cancel"));
}

#[test]
fn pickup_needs_the_applicants_own_id_and_a_known_payment_method() {
    let mut c = counter();
    let serials = stock(&mut c, 1);
    let f = adult_form(13);
    let id = verified(&mut c, &f);
    c.desk.sign_contract(&c.clerk, id, "张伟").unwrap();
    c.desk.bind_device(&c.clerk, id, &serials[0]).unwrap();
    let someone_else = id_number("110105", NaiveDate::from_ymd_opt(1970, 1, 1).unwrap(), 99);
    assert_eq!(
        refused(c.desk.hand_over(&c.clerk, id, &someone_else, "cash")),
        "pickup.id_mismatch"
    );
    assert_eq!(
        refused(c.desk.hand_over(&c.clerk, id, &f.id_number, "bitcoin")),
        "payment.method"
    );
    assert!(c.desk.application(id).unwrap().deposit.is_none());
    assert_eq!(
        refused(c.desk.activate(&c.clerk, id, "X")),
        "application.transition"
    );
    c.desk
        .hand_over(&c.clerk, id, &f.id_number, "cash")
        .unwrap();
    assert_eq!(
        refused(c.desk.activate(&c.clerk, id, "  ")),
        "activation.code"
    );
    assert_eq!(
        refused(c.desk.cancel(&c.clerk, id, "太晚了")),
        "application.transition"
    );
}

#[test]
fn a_wrong_pin_counts_and_the_fifth_locks() {
    let mut c = counter();
    for _ in 0..4 {
        assert_eq!(refused(c.desk.login("C001", "000000")), "login.wrong");
    }
    assert_eq!(refused(c.desk.login("C001", "000000")), "login.locked");
    assert_eq!(refused(c.desk.login("C001", "100001")), "login.locked");
    assert_eq!(refused(c.desk.login("NOBODY", "100001")), "login.wrong");
    let clerk = c.clerk.clone();
    assert_eq!(
        refused(c.desk.unlock_staff(&clerk, "C001")),
        "role.supervisor_only"
    );
    let sup = c.sup.clone();
    c.desk.unlock_staff(&sup, "C001").unwrap();
    c.desk.login("C001", "100001").unwrap();
}

#[test]
fn a_new_years_schedule_loads_without_a_rebuild_and_persists() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("posdesk.db");
    let mut desk = Desk::open(&path, Setup::builtin().at(now())).unwrap();
    let start = NaiveDate::from_ymd_opt(2026, 12, 28).unwrap();
    let a = desk.calendar.add_workdays(start, 7);
    assert!(!a.complete && a.missing_years == vec![2027]);
    let file =
        "[[year]]\nyear = 2027\ndays_off = [\"2027-01-01..2027-01-03\"]\nworking_weekends = []\n";
    assert_eq!(desk.load_holidays(None, file).unwrap(), vec![(2027, false)]);
    assert!(desk.calendar.add_workdays(start, 7).complete);
    drop(desk);
    let desk = Desk::open(&path, Setup::builtin().at(now())).unwrap();
    let a = desk.calendar.add_workdays(start, 7);
    assert!(a.complete, "a loaded year survives a restart");
    // Mon 28 Dec: 29, 30, 31, (1–3 Jan off), 4, 5, 6, 7.
    assert_eq!(a.date, NaiveDate::from_ymd_opt(2027, 1, 7).unwrap());
    let mut desk = desk;
    assert!(desk.load_holidays(None, "[[year]]\nyear = 2028\n").is_err());
    assert!(!desk.calendar.has_year(2028));
}

#[test]
fn the_demo_reaches_every_state_and_is_reproducible() {
    let run = |seed| {
        let mut desk = Desk::in_memory(Setup::builtin().at(now())).unwrap();
        let report = desk.load_demo(120, seed).unwrap();
        let people: Vec<String> = (1..=20)
            .map(|id| {
                let v = desk.application(id).unwrap();
                format!(
                    "{} {} {} {}",
                    v.form.full_name, v.form.id_number, v.state, v.form.card_number
                )
            })
            .collect();
        (report, people, desk)
    };
    let (report, people, desk) = run(7);
    for s in S::ALL {
        assert!(report.by_state.contains_key(s.as_str()), "demo has no {s}");
    }
    assert_eq!(report.by_state.values().sum::<usize>(), 120);
    let (_, again, _) = run(7);
    assert_eq!(people, again);
    let (_, other, _) = run(8);
    assert_ne!(people, other);
    // The demo went through the real use cases: every activated application has a deposit and a trail.
    let counts = desk.counts().unwrap();
    let activated = counts
        .applications_by_state
        .iter()
        .find(|(s, _)| s == "activated")
        .unwrap()
        .1;
    let picked = counts
        .applications_by_state
        .iter()
        .find(|(s, _)| s == "picked_up")
        .map_or(0, |x| x.1);
    let deposits: i64 = counts.deposits_by_state.iter().map(|(_, n, _)| n).sum();
    assert_eq!(deposits, activated + picked);
}

#[test]
fn a_drain_that_fails_part_way_marks_nothing_sent() {
    let mut c = counter();
    for seq in 1..=3 {
        verified(&mut c, &adult_form(seq)); // each sends a one-time code
    }
    let pending = c.desk.pending_messages(100).unwrap();
    assert!(pending.len() >= 3, "{pending:?}");
    // The gateway takes one message, then stops reading.
    let mut taken = 0;
    let r = c.desk.drain_outbox(100, &mut |_| {
        taken += 1;
        if taken == 2 {
            anyhow::bail!("broken pipe")
        }
        Ok(())
    });
    assert!(r.is_err());
    assert_eq!(
        c.desk.pending_messages(100).unwrap().len(),
        pending.len(),
        "every message is offered again"
    );
    // A gateway that takes them all leaves none pending.
    let mut handed = Vec::new();
    let n = c
        .desk
        .drain_outbox(100, &mut |m| {
            handed.push(m.id);
            Ok(())
        })
        .unwrap();
    assert_eq!(n, pending.len());
    assert_eq!(handed, pending.iter().map(|m| m.id).collect::<Vec<_>>());
    assert!(c.desk.pending_messages(100).unwrap().is_empty());
}
