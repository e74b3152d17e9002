//! The steps after submit, driven by keys: the supervisor's review, the
//! verification checklist (with the one-time phone code) and the contract.
//! Snapshots of each screen at 80×24 and 120×40 in both languages, monochrome.

use posdesk::domain::checklist::ChecklistItem;
use posdesk::domain::lifecycle::ApplicationState as S;
use posdesk::domain::resident_id::check_character;
use posdesk::tui::i18n::Lang;
use posdesk::tui::testing::{has_no_colour, sample_form, Rig, CLERK, SUPERVISOR};
use ratatui::crossterm::event::KeyCode;

fn langs() -> [(Lang, &'static str); 2] {
    [(Lang::En, "en"), (Lang::ZhCn, "zh")]
}

/// From home: find the application by its reference, open it, go to its next step.
fn next_step(rig: &mut Rig, id: i64) {
    // Esc first: home may still be in its find box from the last visit.
    rig.press(KeyCode::Esc);
    rig.type_text("/").type_text(&format!("AP{id:08}"));
    rig.press(KeyCode::Enter);
    assert_eq!(rig.top(), "detail.title");
    rig.press(KeyCode::Enter);
}

fn state(rig: &Rig, id: i64) -> String {
    rig.app.desk.application(id).expect("application").state
}

fn checklist_outcome(rig: &Rig, id: i64, item: ChecklistItem) -> Option<String> {
    rig.app
        .desk
        .application(id)
        .expect("application")
        .checklist
        .into_iter()
        .find(|r| r.item == item.as_str())
        .map(|r| r.outcome)
}

/// The one-time code from the newest SMS in the outbox.
fn sent_code(rig: &Rig, id: i64) -> String {
    let body = rig
        .app
        .desk
        .messages_for(id)
        .expect("outbox")
        .into_iter()
        .rfind(|m| m.body.contains("验证码"))
        .expect("a code SMS")
        .body;
    body.chars().filter(char::is_ascii_digit).take(6).collect()
}

/// A code that is surely not `code`.
fn wrong(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c == '9' {
                '0'
            } else {
                ((c as u8) + 1) as char
            }
        })
        .collect()
}

#[test]
fn a_clerk_has_no_review_and_the_desk_refuses_one() {
    let mut rig = Rig::new(Lang::En, false);
    let id = rig.application_in(S::Submitted, 1);
    rig.login(CLERK);
    next_step(&mut rig, id);
    assert_eq!(rig.top(), "detail.title", "no review screen for a clerk");
    assert!(rig
        .screen(80, 24)
        .contains("There is no next step here for you."));
    let clerk = rig.clerk.clone();
    let refused = rig.app.desk.approve(&clerk, id, None).unwrap_err();
    assert_eq!(refused.code(), "role.supervisor_only");
    assert_eq!(state(&rig, id), "submitted");
}

#[test]
fn a_supervisor_rejects_only_with_a_reason() {
    let mut rig = Rig::new(Lang::En, false);
    let id = rig.application_in(S::Submitted, 1);
    rig.login(SUPERVISOR);
    next_step(&mut rig, id);
    assert_eq!(rig.top(), "approval.title");
    rig.type_text("r");
    assert!(rig
        .screen(80, 24)
        .contains("Reason for rejecting (required):"));
    rig.press(KeyCode::Enter);
    assert!(
        rig.screen(80, 24).contains("Give a reason"),
        "{}",
        rig.screen(80, 24)
    );
    assert_eq!(rig.top(), "approval.title");
    assert_eq!(state(&rig, id), "submitted");
    // Letters go into the reason, not to the `a`/`r` shortcuts.
    rig.type_text("ID card photo unreadable, apply again");
    rig.press(KeyCode::Enter);
    assert_eq!(rig.top(), "detail.title");
    assert_eq!(state(&rig, id), "rejected");
    let screen = rig.screen(100, 30);
    assert!(
        screen.contains(&format!("AP{id:08} is rejected")),
        "{screen}"
    );
    let sms = rig.app.desk.messages_for(id).expect("outbox");
    assert!(sms
        .iter()
        .any(|m| m.body.contains("ID card photo unreadable")));
}

#[test]
fn a_supervisor_approves_with_a_note_or_cancels() {
    let mut rig = Rig::new(Lang::ZhCn, false);
    let id = rig.application_in(S::Submitted, 2);
    rig.login(SUPERVISOR);
    next_step(&mut rig, id);
    rig.type_text("a").type_text("老客户");
    rig.press(KeyCode::Esc);
    assert_eq!(
        rig.top(),
        "approval.title",
        "Esc leaves the note, not the screen"
    );
    assert_eq!(state(&rig, id), "submitted");
    rig.type_text("a").type_text("老客户").press(KeyCode::Enter);
    assert_eq!(rig.top(), "detail.title");
    assert_eq!(state(&rig, id), "approved");
    assert!(rig.screen(80, 24).contains("已批准"));
    let timeline = rig.app.desk.timeline(id).expect("timeline");
    assert!(timeline
        .iter()
        .any(|r| r.action == "approve" && r.reason.as_deref() == Some("老客户")));
}

#[test]
fn review_shows_what_the_store_knows() {
    let mut rig = Rig::new(Lang::En, false);
    let clerk = rig.clerk.clone();
    // The same person applied twice, and their phone is also on someone else.
    rig.application_in(S::Submitted, 3);
    let second = rig.application_in(S::Submitted, 3);
    let mut other = sample_form(4);
    other.phone = sample_form(3).phone;
    let desk = &mut rig.app.desk;
    let third = desk.create_draft(&clerk, None, &other).expect("draft").id;
    desk.submit(&clerk, third).expect("submit");
    rig.login(SUPERVISOR);
    next_step(&mut rig, second);
    let screen = rig.screen(120, 40);
    assert!(
        screen.contains("Other open applications on this ID number: 1"),
        "{screen}"
    );
    assert!(screen.contains("This mobile number is on 1 other merchant(s)."));
    assert!(screen.contains("The applicant is 41: an adult."));
    assert!(
        !screen.contains(&sample_form(3).id_number),
        "ID numbers are masked"
    );
    insta::assert_snapshot!("review_warnings_80x24_en", rig.screen(80, 24));
}

#[test]
fn the_checklist_end_to_end_by_keys() {
    let mut rig = Rig::new(Lang::En, false);
    let id = rig.application_in(S::Approved, 5);
    rig.login(CLERK);
    next_step(&mut rig, id);
    assert_eq!(rig.top(), "verify.title");

    // Nothing is verified while items are missing; what is missing is listed.
    rig.type_text("v");
    let screen = rig.screen(120, 40);
    assert!(screen.contains("Not verified yet"), "{screen}");
    assert!(screen.contains("Still to do:"));
    assert_eq!(state(&rig, id), "approved");

    // ID card, then the photos, which need their reference.
    rig.press(KeyCode::Enter);
    assert_eq!(
        checklist_outcome(&rig, id, ChecklistItem::IdDocument).as_deref(),
        Some("passed")
    );
    rig.press(KeyCode::Enter).press(KeyCode::Enter);
    assert!(rig
        .screen(120, 40)
        .contains("Record where the ID photos are kept"));
    rig.type_text("IMG-0005 front/back").press(KeyCode::Enter);
    assert_eq!(
        checklist_outcome(&rig, id, ChecklistItem::IdPhotos).as_deref(),
        Some("passed")
    );

    // A failed face check needs a note; it may then be done again.
    rig.type_text("f").press(KeyCode::Enter);
    assert!(rig.screen(120, 40).contains("Say what failed in a note."));
    rig.type_text("glasses, poor light").press(KeyCode::Enter);
    assert_eq!(
        checklist_outcome(&rig, id, ChecklistItem::FaceCheck).as_deref(),
        Some("failed")
    );
    assert!(rig.screen(120, 40).contains("glasses, poor light"));
    rig.type_text("v");
    assert!(rig.screen(120, 40).contains("Not verified yet"));
    rig.press(KeyCode::Enter);
    assert_eq!(
        checklist_outcome(&rig, id, ChecklistItem::FaceCheck).as_deref(),
        Some("passed")
    );

    // Capacity (an adult), then the phone: Enter sends a code to the outbox.
    rig.press(KeyCode::Enter);
    assert_eq!(
        checklist_outcome(&rig, id, ChecklistItem::Capacity).as_deref(),
        Some("passed")
    );
    rig.press(KeyCode::Enter);
    let screen = rig.screen(120, 40);
    assert!(
        screen.contains("A one-time code was sent to 138****0005"),
        "{screen}"
    );
    let code = sent_code(&rig, id);
    assert!(!screen.contains(&code), "the code is never on screen");
    rig.type_text(&wrong(&code)).press(KeyCode::Enter);
    let screen = rig.screen(120, 40);
    assert!(
        screen.contains("That is not the code that was sent; 4 tries left."),
        "{screen}"
    );
    assert!(screen.contains("4 tries left"));
    assert_eq!(checklist_outcome(&rig, id, ChecklistItem::PhoneCode), None);
    rig.type_text(&code).press(KeyCode::Enter);
    assert!(rig
        .screen(120, 40)
        .contains("Phone confirmed by the one-time code."));
    assert_eq!(
        checklist_outcome(&rig, id, ChecklistItem::PhoneCode).as_deref(),
        Some("passed")
    );

    rig.press(KeyCode::Enter).press(KeyCode::Enter);
    assert!(rig.screen(120, 40).contains("Every item has passed"));
    rig.type_text("v");
    assert_eq!(rig.top(), "detail.title");
    assert_eq!(state(&rig, id), "verified");
    assert!(rig
        .screen(100, 30)
        .contains(&format!("AP{id:08} is verified")));
}

#[test]
fn a_used_up_code_is_sent_again() {
    let mut rig = Rig::new(Lang::ZhCn, false);
    let id = rig.application_in(S::Approved, 6);
    rig.login(CLERK);
    next_step(&mut rig, id);
    rig.type_text("s");
    let code = sent_code(&rig, id);
    for _ in 0..5 {
        rig.type_text(&wrong(&code)).press(KeyCode::Enter);
    }
    assert!(rig.screen(120, 40).contains("验证码不正确"));
    rig.type_text(&code).press(KeyCode::Enter);
    assert!(
        rig.screen(120, 40).contains("此验证码已失效"),
        "{}",
        rig.screen(120, 40)
    );
    assert_eq!(checklist_outcome(&rig, id, ChecklistItem::PhoneCode), None);
    rig.press(KeyCode::F(5));
    let fresh = sent_code(&rig, id);
    assert!(rig.screen(120, 40).contains("还可尝试 5 次"));
    rig.type_text("12");
    insta::assert_snapshot!("checklist_code_80x24_zh", rig.screen(80, 24));
    rig.ctrl('u').type_text(&fresh).press(KeyCode::Enter);
    assert_eq!(
        checklist_outcome(&rig, id, ChecklistItem::PhoneCode).as_deref(),
        Some("passed")
    );
}

/// Submitted and approved through the desk: born 2009-06-01, so 17 at the counter.
fn seventeen_year_old(rig: &mut Rig) -> i64 {
    let first17 = "11010520090601001";
    let mut form = sample_form(8);
    form.id_number = format!("{first17}{}", check_character(first17).unwrap_or('0'));
    let (sup, clerk) = (rig.sup.clone(), rig.clerk.clone());
    let desk = &mut rig.app.desk;
    let id = desk.create_draft(&clerk, None, &form).expect("draft").id;
    desk.submit(&clerk, id).expect("submit");
    desk.approve(&sup, id, None).expect("approve");
    id
}

#[test]
fn a_seventeen_year_old_needs_the_supervisor() {
    let mut rig = Rig::new(Lang::En, false);
    let id = seventeen_year_old(&mut rig);
    rig.login(CLERK);
    next_step(&mut rig, id);
    let screen = rig.screen(120, 40);
    assert!(
        screen.contains("17 years · male · born 2009-06-01"),
        "{screen}"
    );
    assert!(screen.contains("16–17: a supervisor decides"));
    for _ in 0..3 {
        rig.press(KeyCode::Down);
    }
    rig.press(KeyCode::Enter);
    assert!(rig.screen(120, 40).contains("a supervisor must decide"));
    insta::assert_snapshot!("checklist_seventeen_clerk_80x24_en", rig.screen(80, 24));
    assert_eq!(checklist_outcome(&rig, id, ChecklistItem::Capacity), None);

    // Back home, log out, and the supervisor decides with a reason.
    rig.press(KeyCode::Esc)
        .press(KeyCode::Esc)
        .press(KeyCode::Esc);
    rig.press(KeyCode::F(10)).login(SUPERVISOR);
    next_step(&mut rig, id);
    for _ in 0..3 {
        rig.press(KeyCode::Down);
    }
    rig.press(KeyCode::Enter).press(KeyCode::Enter);
    assert!(rig
        .screen(120, 40)
        .contains("Record why this 16–17 year old"));
    rig.type_text("works full time at the family shop, own wages")
        .press(KeyCode::Enter);
    assert_eq!(
        checklist_outcome(&rig, id, ChecklistItem::Capacity).as_deref(),
        Some("passed")
    );
}

#[test]
fn the_contract_wants_the_applicants_own_name() {
    let mut rig = Rig::new(Lang::En, false);
    let id = rig.application_in(S::Verified, 9);
    let name = sample_form(9).full_name;
    assert_eq!(name, "阿卜杜·热合曼");
    rig.login(CLERK);
    next_step(&mut rig, id);
    assert_eq!(rig.top(), "contract.title");
    let screen = rig.screen(120, 40);
    assert!(screen.contains("Contract version 2026.1"));
    assert!(screen.contains("POS terminal service agreement"));
    assert!(screen.contains("¥299.00, refundable under clause 2"));

    // Scrolling and the other language.
    rig.press(KeyCode::PageDown).press(KeyCode::PageDown);
    assert!(!rig.screen(80, 24).contains("lines 1–"));
    rig.press(KeyCode::F(2));
    assert!(rig.screen(80, 24).contains("POS 终端服务协议"));

    rig.type_text("李四").press(KeyCode::Enter);
    assert!(rig
        .screen(120, 40)
        .contains("does not match the applicant's full name"));
    assert_eq!(state(&rig, id), "verified");

    // Esc with a typed name asks first; "no" stays.
    rig.press(KeyCode::Esc);
    assert_eq!(rig.top(), "confirm.title");
    rig.press(KeyCode::Esc);
    assert_eq!(rig.top(), "contract.title");

    rig.ctrl('u').type_text(&name).press(KeyCode::Enter);
    assert_eq!(rig.top(), "detail.title");
    assert_eq!(state(&rig, id), "contracted");
    let contract = rig
        .app
        .desk
        .application(id)
        .expect("app")
        .contract
        .expect("contract");
    assert_eq!(contract.version, "2026.1");
    assert_eq!(contract.signed_name, name);
    assert_eq!(contract.signed_at, posdesk::tui::testing::NOW);
    assert!(rig
        .screen(100, 30)
        .contains("Contract 2026.1 signed by 阿卜杜·热合曼"));
}

/// Any size draws without panic (below 80×24 the app says "too small").
fn odd_sizes(rig: &mut Rig) {
    for (w, h) in [(1, 1), (79, 23), (80, 24), (81, 25), (97, 31), (300, 100)] {
        let _ = rig.buffer(w, h);
    }
}

#[test]
fn snapshots_of_the_three_screens() {
    for (lang, tag) in langs() {
        let mut rig = Rig::new(lang, true);
        let submitted = rig.application_in(S::Submitted, 1);
        let approved = rig.application_in(S::Approved, 2);
        let verified = rig.application_in(S::Verified, 3);
        rig.login(SUPERVISOR);

        next_step(&mut rig, submitted);
        assert_eq!(rig.top(), "approval.title");
        assert!(has_no_colour(&rig.buffer(120, 40)));
        odd_sizes(&mut rig);
        insta::assert_snapshot!(format!("review_80x24_{tag}"), rig.screen(80, 24));
        rig.type_text("r");
        insta::assert_snapshot!(format!("review_reject_120x40_{tag}"), rig.screen(120, 40));
        rig.press(KeyCode::Esc)
            .press(KeyCode::Esc)
            .press(KeyCode::Esc);

        next_step(&mut rig, approved);
        assert_eq!(rig.top(), "verify.title");
        // Some items done, one failed, so every column shows.
        rig.press(KeyCode::Enter).press(KeyCode::Enter);
        rig.type_text("IMG-0002").press(KeyCode::Enter);
        rig.type_text("f")
            .type_text("blurred")
            .press(KeyCode::Enter);
        assert!(has_no_colour(&rig.buffer(120, 40)));
        odd_sizes(&mut rig);
        insta::assert_snapshot!(format!("checklist_80x24_{tag}"), rig.screen(80, 24));
        insta::assert_snapshot!(format!("checklist_120x40_{tag}"), rig.screen(120, 40));
        rig.press(KeyCode::Esc).press(KeyCode::Esc);

        next_step(&mut rig, verified);
        assert_eq!(rig.top(), "contract.title");
        assert!(has_no_colour(&rig.buffer(120, 40)));
        odd_sizes(&mut rig);
        insta::assert_snapshot!(format!("contract_80x24_{tag}"), rig.screen(80, 24));
        insta::assert_snapshot!(format!("contract_120x40_{tag}"), rig.screen(120, 40));
        rig.press(KeyCode::Esc).press(KeyCode::Esc);

        next_step(&mut rig, submitted);
        insta::assert_snapshot!(format!("review_120x40_{tag}"), rig.screen(120, 40));
        rig.type_text("a");
        insta::assert_snapshot!(format!("review_approve_80x24_{tag}"), rig.screen(80, 24));
    }
}
