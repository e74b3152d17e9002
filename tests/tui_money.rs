//! Money at the counter after pickup: fees and payments (partial, overpay
//! refused inline), and the deposit's refund — eligibility in plain words, the
//! request to an own-name card, the confirmation with the merchant and its
//! window, failures, and the supervisor's breach and forfeit. Snapshots at
//! 80×24 and 120×40 in both languages.

use posdesk::desk::Clock;
use posdesk::domain::lifecycle::ApplicationState as S;
use posdesk::domain::money::Fen;
use posdesk::tui::i18n::Lang;
use posdesk::tui::testing::{has_no_colour, sample_form, Rig, CLERK, SUPERVISOR};
use ratatui::crossterm::event::KeyCode;

fn langs() -> [(Lang, &'static str); 2] {
    [(Lang::En, "en"), (Lang::ZhCn, "zh")]
}

/// LD-A8 with a device fee that is not waived, so there is something to pay.
const FEE_POLICY: &str = r#"
[rules]
first_terminal_device_fee_waived = false

[[model]]
code = "LD-A8"
name = "联迪 A8 智能POS"
serial_pattern = "LDA8[0-9]{10}"
deposit = "299.00"
device_fee = "199.00"
monthly_fee = "0"
volume_target = "10000"
volume_days = 60
"#;

/// Find the application from home and open its detail screen.
fn open(rig: &mut Rig, id: i64) {
    rig.press(KeyCode::Esc);
    rig.type_text("/").type_text(&format!("AP{id:08}"));
    rig.press(KeyCode::Enter);
    assert_eq!(rig.top(), "detail.title");
}

/// Card volume above LD-A8's target, so the deposit becomes refundable.
fn meet_volume(rig: &mut Rig, id: i64) {
    let sup = rig.sup.clone();
    let serial = rig.app.desk.application(id).unwrap().device_serial.unwrap();
    let csv = format!("serial,date,amount\n{serial},2026-11-25,20000\n");
    rig.app
        .desk
        .import_volumes(&sup, "v.csv", csv.as_bytes())
        .unwrap();
}

fn deposit_state(rig: &Rig, id: i64) -> String {
    rig.app.desk.application(id).unwrap().deposit.unwrap().state
}

fn status_line(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines[lines.len().saturating_sub(2)].to_string()
}

fn fee_rig(lang: Lang, mono: bool) -> (Rig, i64) {
    let mut rig = Rig::new(lang, mono);
    rig.app.desk.policy.overlay(FEE_POLICY).unwrap();
    let id = rig.application_in(S::Activated, 1);
    rig.login(CLERK);
    (rig, id)
}

#[test]
fn pay_part_of_the_fees_and_more_is_refused() {
    let (mut rig, id) = fee_rig(Lang::En, false);
    open(&mut rig, id);
    rig.type_text("f");
    assert_eq!(rig.top(), "fees_screen.title");
    let screen = rig.screen(80, 24);
    assert!(screen.contains("Device fee"), "{screen}");
    assert!(screen.contains("¥199.00"));
    rig.type_text("50").press(KeyCode::Tab).type_text("2");
    rig.press(KeyCode::Enter);
    assert_eq!(rig.top(), "confirm.title");
    assert!(rig.screen(80, 24).contains("Take ¥50.00 by UnionPay card"));
    rig.type_text("y");
    let screen = rig.screen(80, 24);
    assert!(
        status_line(&screen).contains("Received ¥50.00 (UnionPay card); still owed ¥149.00"),
        "{screen}"
    );
    assert_eq!(
        rig.app.desk.fee_status(id).unwrap().outstanding,
        Fen(14_900)
    );

    // More than is owed: refused on the screen, nothing recorded.
    rig.press(KeyCode::Tab)
        .type_text("200")
        .press(KeyCode::Enter);
    assert_eq!(
        rig.top(),
        "fees_screen.title",
        "no question for a refused amount"
    );
    let screen = rig.screen(80, 24);
    assert!(
        screen.contains("¥200.00 is more than the ¥149.00 owed; take at most"),
        "{screen}"
    );
    assert_eq!(
        rig.app.desk.fee_status(id).unwrap().outstanding,
        Fen(14_900)
    );
    // The desk says the same on its own.
    let clerk = rig.clerk.clone();
    let refused = rig
        .app
        .desk
        .pay_fees(&clerk, id, Fen(20_000), "cash")
        .unwrap_err();
    assert_eq!(refused.code(), "payment.overpay");

    // A typo in the amount is explained, not recorded.
    for _ in 0..3 {
        rig.press(KeyCode::Backspace);
    }
    rig.type_text("1.234").press(KeyCode::Enter);
    assert!(rig.screen(80, 24).contains("✗"));
    for _ in 0..5 {
        rig.press(KeyCode::Backspace);
    }
    // The rest, and the fees are settled.
    rig.type_text("149").press(KeyCode::Enter).type_text("y");
    assert_eq!(rig.app.desk.fee_status(id).unwrap().outstanding, Fen::ZERO);
    assert!(rig.screen(80, 24).contains("still owed ¥0.00"));
    rig.type_text("1").press(KeyCode::Enter);
    assert!(rig
        .screen(80, 24)
        .contains("No fee is due for this terminal"));
}

#[test]
fn a_mistyped_amount_says_what_is_wrong_in_chinese() {
    let (mut rig, id) = fee_rig(Lang::ZhCn, false);
    open(&mut rig, id);
    rig.type_text("f");
    assert_eq!(rig.top(), "fees_screen.title");
    // Full-width digits, as a Chinese keyboard left in full-width mode types them.
    rig.type_text("５０").press(KeyCode::Enter);
    let screen = rig.screen(80, 24);
    assert!(screen.contains("金额中有全角字符"), "{screen}");
    rig.press(KeyCode::Backspace)
        .press(KeyCode::Backspace)
        .type_text("50.005")
        .press(KeyCode::Enter);
    let screen = rig.screen(80, 24);
    assert!(screen.contains("最多两位小数"), "{screen}");
    assert_eq!(
        rig.top(),
        "fees_screen.title",
        "nothing asked, nothing taken"
    );
    assert_eq!(
        rig.app.desk.fee_status(id).unwrap().outstanding,
        Fen(19_900)
    );
}

#[test]
fn a_held_deposit_says_every_unmet_condition() {
    let (mut rig, id) = fee_rig(Lang::En, false);
    open(&mut rig, id);
    rig.type_text("m");
    assert_eq!(rig.top(), "refund_screen.title");
    let screen = rig.screen(120, 40);
    assert!(
        screen.contains("Card volume so far ¥0.00 of the ¥10,000.00"),
        "{screen}"
    );
    assert!(screen.contains("Fees of ¥199.00 are still unpaid."));
    assert!(screen.contains("Card volume counts until 2027-01-24."));
    // Not refundable: no request.
    rig.type_text("r");
    assert!(!rig.screen(80, 24).contains("Refund to"));
    assert!(!status_line(&rig.screen(80, 24)).contains("Request refund"));
}

#[test]
fn request_and_confirm_a_refund_then_see_the_window() {
    let mut rig = Rig::new(Lang::En, false);
    let id = rig.application_in(S::Activated, 1);
    meet_volume(&mut rig, id);
    rig.login(CLERK);
    open(&mut rig, id);
    // An activated terminal's next step is its deposit.
    rig.press(KeyCode::Enter);
    assert_eq!(rig.top(), "refund_screen.title");
    assert!(rig
        .screen(80, 24)
        .contains("Refundable: every condition is met."));
    rig.type_text("r");
    let screen = rig.screen(80, 24);
    let card = sample_form(1).card_number;
    let on_file = format!(
        "[1 On file {}*********{} 阿卜杜·热合曼]",
        &card[..6],
        &card[15..]
    );
    assert!(screen.contains(&on_file), "{screen}");
    rig.press(KeyCode::Enter);
    assert_eq!(rig.top(), "confirm.title");
    let question = rig.screen(80, 24);
    assert!(
        question.contains("Refund 1 deposit of ¥299.00"),
        "{question}"
    );
    assert_eq!(deposit_state(&rig, id), "refund_requested");
    rig.type_text("y");
    let screen = rig.screen(80, 24);
    assert!(
        status_line(&screen).contains("confirmed: expected between 2026-11-30 and 2026-12-04"),
        "{screen}"
    );
    assert!(screen.contains("between 2026-11-30 and 2026-12-04"));
    assert!(!screen.contains("not loaded"));
    assert_eq!(deposit_state(&rig, id), "refund_confirmed");
    // Nothing left to request or confirm.
    rig.type_text("r").type_text("c");
    assert_eq!(rig.top(), "refund_screen.title");
}

#[test]
fn a_window_into_an_unloaded_year_warns() {
    let mut rig = Rig::new(Lang::En, false);
    let id = rig.application_in(S::Activated, 1);
    meet_volume(&mut rig, id);
    rig.app.desk.clock = Clock::Fixed("2026-12-28T02:00:00Z".parse().unwrap());
    rig.login(CLERK);
    open(&mut rig, id);
    rig.type_text("m")
        .type_text("r")
        .press(KeyCode::Enter)
        .type_text("y");
    let screen = rig.screen(80, 24);
    assert!(
        screen.contains("The holiday schedule for 2027 is not loaded"),
        "{screen}"
    );
    insta::assert_snapshot!("refund_incomplete_80x24_en", screen);
}

#[test]
fn a_new_card_with_a_luhn_warning_needs_a_yes_and_the_holder_must_match() {
    let mut rig = Rig::new(Lang::En, false);
    let id = rig.application_in(S::Activated, 1);
    meet_volume(&mut rig, id);
    rig.login(CLERK);
    open(&mut rig, id);
    rig.type_text("m").type_text("r").type_text("2");
    rig.press(KeyCode::Tab).type_text("6222020000000000001");
    rig.press(KeyCode::Tab).type_text("王五");
    rig.press(KeyCode::Enter);
    assert_eq!(rig.top(), "confirm.title");
    assert!(rig.screen(80, 24).contains("fails the Luhn check"));
    rig.type_text("y");
    let screen = rig.screen(80, 24);
    assert!(
        screen.contains("A refund goes only to a card in the applicant's own name."),
        "{screen}"
    );
    assert_eq!(deposit_state(&rig, id), "eligible", "nothing changed");
    // The applicant's own name (the number stays confirmed): the merchant is asked.
    for _ in 0..2 {
        rig.press(KeyCode::Backspace);
    }
    rig.type_text(&sample_form(1).full_name)
        .press(KeyCode::Enter);
    assert_eq!(rig.top(), "confirm.title");
    let question = rig.screen(80, 24);
    assert!(
        question.contains("Refund 1 deposit of ¥299.00"),
        "{question}"
    );
    assert!(
        question.contains("to card 622202*********0001"),
        "{question}"
    );
    // The merchant wants to think: it waits, and `c` asks again.
    rig.type_text("n");
    assert!(rig.screen(80, 24).contains("Not confirmed"));
    assert_eq!(deposit_state(&rig, id), "refund_requested");
    rig.type_text("c");
    assert_eq!(rig.top(), "confirm.title");
    rig.type_text("y");
    assert_eq!(deposit_state(&rig, id), "refund_confirmed");
}

#[test]
fn a_failed_refund_shows_its_reason_and_goes_again() {
    let mut rig = Rig::new(Lang::En, false);
    let id = rig.application_in(S::Activated, 1);
    meet_volume(&mut rig, id);
    let (sup, clerk) = (rig.sup.clone(), rig.clerk.clone());
    let r = rig.app.desk.request_refund(&clerk, id, None).unwrap();
    rig.app.desk.confirm_refund(&clerk, r.id).unwrap();
    let dir = tempfile::tempdir().unwrap();
    rig.app
        .desk
        .export_batch(&sup, &dir.path().join("b.csv"))
        .unwrap();
    let result = format!(
        "refund_ref,result,bank_ref,amount,reason\n{},failed,,299.00,账户冻结\n",
        r.reference
    );
    rig.app
        .desk
        .import_settlement(&sup, "r.csv", result.as_bytes())
        .unwrap();
    rig.login(CLERK);
    open(&mut rig, id);
    rig.type_text("m");
    let screen = rig.screen(80, 24);
    assert!(screen.contains("Failed: 账户冻结"), "{screen}");
    insta::assert_snapshot!("refund_failed_80x24_en", screen);
    // Again, to a new own-name card (already chosen after a failure).
    rig.type_text("r").press(KeyCode::Tab);
    let payload = "622202000000000012";
    let check = posdesk::domain::bank_card::luhn_check_digit(payload).unwrap();
    rig.type_text(&format!("{payload}{check}"))
        .press(KeyCode::Tab);
    rig.type_text(&sample_form(1).full_name)
        .press(KeyCode::Enter)
        .type_text("y");
    assert_eq!(deposit_state(&rig, id), "refund_confirmed");
}

#[test]
fn a_supervisor_records_a_breach_and_forfeits_a_clerk_cannot() {
    let mut rig = Rig::new(Lang::En, false);
    let id = rig.application_in(S::Activated, 1);
    meet_volume(&mut rig, id);
    rig.login(CLERK);
    open(&mut rig, id);
    rig.type_text("m").type_text("b").type_text("x");
    assert_eq!(rig.top(), "refund_screen.title");
    assert!(
        !rig.screen(80, 24).contains("reason"),
        "no supervisor form for a clerk"
    );

    let mut rig = Rig::new(Lang::En, false);
    let id = rig.application_in(S::Activated, 1);
    meet_volume(&mut rig, id);
    rig.login(SUPERVISOR);
    open(&mut rig, id);
    rig.type_text("m").type_text("b");
    rig.press(KeyCode::Enter);
    assert!(rig.screen(80, 24).contains("Give a reason"));
    rig.type_text("moved the terminal to another shop")
        .press(KeyCode::Enter);
    assert_eq!(rig.top(), "confirm.title");
    rig.type_text("y");
    let screen = rig.screen(120, 40);
    assert!(
        screen.contains("A breach of the agreement is on record: moved the terminal"),
        "{screen}"
    );
    assert_eq!(deposit_state(&rig, id), "held");
    rig.type_text("x")
        .type_text("left the scheme")
        .press(KeyCode::Enter);
    assert!(rig
        .screen(80, 24)
        .contains("Forfeit the deposit of ¥299.00"));
    rig.type_text("y");
    assert_eq!(deposit_state(&rig, id), "forfeited");
    assert!(rig.screen(80, 24).contains("¥299.00 · forfeited"));
}

#[test]
fn snapshots_in_both_languages() {
    for (lang, tag) in langs() {
        let (mut rig, id) = fee_rig(lang, false);
        open(&mut rig, id);
        rig.type_text("f");
        rig.type_text("50").press(KeyCode::Tab).type_text("1");
        insta::assert_snapshot!(format!("fees_80x24_{tag}"), rig.screen(80, 24));
        insta::assert_snapshot!(format!("fees_120x40_{tag}"), rig.screen(120, 40));
        rig.press(KeyCode::Enter);
        insta::assert_snapshot!(format!("fees_confirm_80x24_{tag}"), rig.screen(80, 24));
        rig.type_text("y");
        rig.press(KeyCode::Tab)
            .type_text("500")
            .press(KeyCode::Enter);
        insta::assert_snapshot!(format!("fees_overpay_80x24_{tag}"), rig.screen(80, 24));
        rig.press(KeyCode::Esc).type_text("y");
        rig.type_text("m");
        insta::assert_snapshot!(format!("refund_held_80x24_{tag}"), rig.screen(80, 24));

        let mut rig = Rig::new(lang, false);
        let id = rig.application_in(S::Activated, 1);
        meet_volume(&mut rig, id);
        rig.login(CLERK);
        open(&mut rig, id);
        rig.type_text("m");
        insta::assert_snapshot!(format!("refund_eligible_120x40_{tag}"), rig.screen(120, 40));
        rig.type_text("r").type_text("2");
        insta::assert_snapshot!(format!("refund_card_80x24_{tag}"), rig.screen(80, 24));
        rig.type_text("1").press(KeyCode::Enter);
        insta::assert_snapshot!(format!("refund_confirm_80x24_{tag}"), rig.screen(80, 24));
        rig.type_text("y");
        insta::assert_snapshot!(format!("refund_window_80x24_{tag}"), rig.screen(80, 24));
        insta::assert_snapshot!(format!("refund_window_120x40_{tag}"), rig.screen(120, 40));
    }
}

#[test]
fn monochrome_sends_no_colour() {
    let (mut rig, id) = fee_rig(Lang::ZhCn, true);
    open(&mut rig, id);
    rig.type_text("f").type_text("500").press(KeyCode::Enter);
    assert!(has_no_colour(&rig.buffer(80, 24)));
    rig.press(KeyCode::Esc).type_text("y").type_text("m");
    assert!(has_no_colour(&rig.buffer(120, 40)));
}

#[test]
fn odd_sizes_never_panic() {
    let (mut rig, id) = fee_rig(Lang::ZhCn, false);
    open(&mut rig, id);
    rig.type_text("f");
    for (w, h) in [(1, 1), (20, 5), (79, 23), (80, 24), (300, 100)] {
        let _ = rig.buffer(w, h);
    }
    rig.press(KeyCode::Esc).type_text("m");
    for (w, h) in [(1, 1), (20, 5), (79, 23), (80, 24), (300, 100)] {
        let _ = rig.buffer(w, h);
    }
}
