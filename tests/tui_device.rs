//! Device binding, hand-over and activation, driven by keys from the detail
//! screen; the audited reveal of a personal number. Snapshots at 80×24 and
//! 120×40 in both languages.

use posdesk::domain::lifecycle::ApplicationState as S;
use posdesk::domain::money::Fen;
use posdesk::tui::i18n::Lang;
use posdesk::tui::testing::{has_no_colour, sample_form, Rig, CLERK, SUPERVISOR};
use ratatui::crossterm::event::KeyCode;

fn langs() -> [(Lang, &'static str); 2] {
    [(Lang::En, "en"), (Lang::ZhCn, "zh")]
}

/// Find the application from home and open it on the detail screen.
fn open(rig: &mut Rig, id: i64) {
    assert_eq!(rig.top(), "home.title");
    // Esc first: a find left open from before would swallow the "/".
    rig.press(KeyCode::Esc);
    rig.type_text("/").type_text(&format!("AP{id:08}"));
    rig.press(KeyCode::Enter);
    assert_eq!(rig.top(), "detail.title");
}

/// From home to the screen where `id`'s next step is done.
fn next_step(rig: &mut Rig, id: i64) {
    open(rig, id);
    rig.press(KeyCode::Enter);
}

fn state(rig: &Rig, id: i64) -> String {
    rig.app.desk.application(id).expect("application").state
}

fn status_line(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines[lines.len().saturating_sub(2)].to_string()
}

#[test]
fn a_wrong_model_serial_is_refused_then_a_scan_binds() {
    let mut rig = Rig::new(Lang::En, false);
    let id = rig.application_in(S::Contracted, 1);
    rig.login(CLERK);
    next_step(&mut rig, id);
    assert_eq!(rig.top(), "binding.title");
    rig.type_text("N31ABCDEF012345").press(KeyCode::Enter);
    let screen = rig.screen(80, 24);
    assert_eq!(rig.top(), "binding.title");
    assert!(screen.contains("Not bound: N31ABCDEF012345"), "{screen}");
    assert!(screen.contains("is a NL-ME31"), "{screen}");
    assert_eq!(state(&rig, id), "contracted", "nothing changed");
    assert!(rig.app.desk.messages_for(id).expect("outbox").len() <= 1);

    // The field was cleared, so the next scan (fast keys + Enter) starts clean.
    rig.type_text("LDA80000001002").press(KeyCode::Enter);
    assert_eq!(rig.top(), "detail.title");
    let view = rig.app.desk.application(id).expect("view");
    assert_eq!(view.state, "ready_for_pickup");
    assert_eq!(view.device_serial.as_deref(), Some("LDA80000001002"));
    let screen = rig.screen(80, 24);
    assert!(
        status_line(&screen).contains("SMS queued to the merchant."),
        "{screen}"
    );
    let sms = rig.app.desk.messages_for(id).expect("outbox");
    assert!(
        sms.iter().any(|m| m.template == "ready_for_pickup"),
        "{sms:?}"
    );
}

#[test]
fn a_refusal_is_translated_in_chinese() {
    let mut rig = Rig::new(Lang::ZhCn, false);
    let id = rig.application_in(S::Contracted, 1);
    rig.login(CLERK);
    next_step(&mut rig, id);
    rig.type_text("N31ABCDEF012345").press(KeyCode::Enter);
    let screen = rig.screen(80, 24);
    // With the serial and both models, as the English refusal says them.
    assert!(
        screen.contains("N31ABCDEF012345 是 NL-ME31 型号的序列号"),
        "{screen}"
    );
    assert_eq!(state(&rig, id), "contracted");
}

#[test]
fn picking_from_the_stock_list_binds() {
    let mut rig = Rig::new(Lang::En, false);
    let id = rig.application_in(S::Contracted, 2);
    rig.login(CLERK);
    next_step(&mut rig, id);
    let screen = rig.screen(80, 24);
    assert!(screen.contains("stock of LD-A8 (4)"), "{screen}");
    assert!(
        !screen.contains("N31ABCDEF012345"),
        "only the application's model is listed"
    );
    // Tab to the list, one down, Enter: the second device on the shelf.
    rig.press(KeyCode::Tab).press(KeyCode::Down);
    assert!(rig.screen(80, 24).contains("▶ LDA80000001001"));
    rig.type_text("?");
    assert!(
        rig.screen(80, 24).contains("Keys"),
        "? is help off the field"
    );
    rig.press(KeyCode::Esc);
    rig.press(KeyCode::Enter);
    assert_eq!(rig.top(), "detail.title");
    let view = rig.app.desk.application(id).expect("view");
    assert_eq!(view.state, "ready_for_pickup");
    assert_eq!(view.device_serial.as_deref(), Some("LDA80000001001"));
}

#[test]
fn a_pasted_serial_with_a_newline_binds() {
    let mut rig = Rig::new(Lang::En, false);
    let id = rig.application_in(S::Contracted, 3);
    rig.login(CLERK);
    next_step(&mut rig, id);
    // Pasted while the list has focus: it still goes to the serial.
    rig.press(KeyCode::Tab);
    rig.paste("LDA80000001000\n");
    assert_eq!(rig.top(), "detail.title");
    let view = rig.app.desk.application(id).expect("view");
    assert_eq!(view.state, "ready_for_pickup");
    assert_eq!(view.device_serial.as_deref(), Some("LDA80000001000"));
}

#[test]
fn a_paste_without_newline_waits_for_enter() {
    let mut rig = Rig::new(Lang::En, false);
    let id = rig.application_in(S::Contracted, 3);
    rig.login(CLERK);
    next_step(&mut rig, id);
    rig.paste("lda80000001003");
    assert_eq!(rig.top(), "binding.title");
    assert_eq!(state(&rig, id), "contracted");
    rig.press(KeyCode::Enter);
    let view = rig.app.desk.application(id).expect("view");
    assert_eq!(view.device_serial.as_deref(), Some("LDA80000001003"));
}

#[test]
fn hand_over_needs_the_applicants_id_and_records_the_deposit() {
    let mut rig = Rig::new(Lang::En, false);
    let id = rig.application_in(S::ReadyForPickup, 4);
    rig.login(CLERK);
    next_step(&mut rig, id);
    assert_eq!(rig.top(), "handover.title");
    assert!(rig.screen(80, 24).contains("¥299.00"));

    // Another person's (valid) ID number; digits go to the field, not the methods.
    let other = sample_form(9).id_number;
    rig.type_text(&other);
    assert!(rig.screen(80, 24).contains(&other[..6]));
    rig.press(KeyCode::Enter);
    assert!(rig
        .screen(80, 24)
        .contains("Choose how the deposit is paid"));
    rig.type_text("2");
    rig.press(KeyCode::Enter);
    assert_eq!(rig.top(), "confirm.title");
    let confirm = rig.screen(80, 24);
    assert!(
        confirm.contains("¥299.00 by UnionPay card"),
        "the amount is in the question: {confirm}"
    );
    rig.press(KeyCode::Enter);
    assert_eq!(rig.top(), "handover.title");
    let screen = rig.screen(80, 24);
    assert!(screen.contains("not the applicant's"), "{screen}");
    assert_eq!(state(&rig, id), "ready_for_pickup", "nothing changed");
    assert!(rig
        .app
        .desk
        .application(id)
        .expect("view")
        .deposit
        .is_none());

    // The right ID, then cash chosen with ← on the method row.
    let own = sample_form(4).id_number;
    rig.ctrl('u').type_text(&own);
    rig.press(KeyCode::Tab).press(KeyCode::Left);
    assert!(rig.screen(80, 24).contains("[1 Cash]"));
    rig.press(KeyCode::Enter).press(KeyCode::Enter);
    assert_eq!(rig.top(), "detail.title");
    let view = rig.app.desk.application(id).expect("view");
    assert_eq!(view.state, "picked_up");
    let deposit = view.deposit.expect("deposit recorded");
    assert_eq!(deposit.amount, Fen(29_900));
    assert_eq!(deposit.state, "held");
    let screen = rig.screen(100, 30);
    assert!(status_line(&screen).contains("(Cash)"), "{screen}");
}

#[test]
fn leaving_the_hand_over_with_a_typed_id_asks_first() {
    let mut rig = Rig::new(Lang::En, false);
    let id = rig.application_in(S::ReadyForPickup, 5);
    rig.login(CLERK);
    next_step(&mut rig, id);
    rig.type_text("110105");
    rig.press(KeyCode::Esc);
    assert_eq!(rig.top(), "confirm.title");
    rig.press(KeyCode::Esc);
    assert_eq!(rig.top(), "handover.title");
    rig.press(KeyCode::Esc).press(KeyCode::Enter);
    assert_eq!(rig.top(), "detail.title");
    assert_eq!(state(&rig, id), "ready_for_pickup");
}

#[test]
fn activation_records_the_code() {
    let mut rig = Rig::new(Lang::En, false);
    let id = rig.application_in(S::PickedUp, 6);
    rig.login(CLERK);
    next_step(&mut rig, id);
    assert_eq!(rig.top(), "activation.title");
    rig.press(KeyCode::Enter);
    assert!(rig.screen(80, 24).contains("Type the activation code"));
    assert_eq!(state(&rig, id), "picked_up");
    rig.type_text("ACT-778899").press(KeyCode::Enter);
    assert_eq!(rig.top(), "detail.title");
    assert_eq!(state(&rig, id), "activated");
    assert!(rig.screen(80, 24).contains("are activated"));
}

#[test]
fn a_supervisor_reveals_a_number_for_this_screen_only() {
    let mut rig = Rig::new(Lang::En, false);
    let id = rig.application_in(S::Submitted, 7);
    let form = sample_form(7);
    rig.login(SUPERVISOR);
    open(&mut rig, id);
    assert!(!rig.screen(80, 24).contains(&form.id_number));
    rig.type_text("r");
    assert!(
        rig.screen(80, 24).contains("1 ID number"),
        "the choice is offered"
    );
    rig.type_text("1");
    let screen = rig.screen(80, 24);
    assert!(screen.contains(&form.id_number), "{screen}");
    assert!(!screen.contains(&form.phone), "only the one asked for");
    assert!(
        rig.screen(120, 40).contains("ID number revealed"),
        "the look is on the timeline"
    );
    rig.type_text("r3");
    assert!(rig.screen(80, 24).contains(&form.phone));
    // Closed and opened again: masked as before.
    rig.press(KeyCode::Esc);
    open(&mut rig, id);
    let screen = rig.screen(80, 24);
    assert!(!screen.contains(&form.id_number) && !screen.contains(&form.phone));
}

#[test]
fn a_clerk_is_refused_a_reveal() {
    for (lang, words) in [(Lang::En, "Only a supervisor"), (Lang::ZhCn, "主管")] {
        let mut rig = Rig::new(lang, false);
        let id = rig.application_in(S::Submitted, 8);
        let form = sample_form(8);
        rig.login(CLERK);
        open(&mut rig, id);
        rig.type_text("r2");
        let screen = rig.screen(80, 24);
        assert!(status_line(&screen).contains(words), "{screen}");
        assert!(!screen.contains(&form.card_number));
        assert!(!screen.contains("reveal card_number"));
    }
}

#[test]
fn snapshots_of_binding() {
    for (lang, tag) in langs() {
        let mut rig = Rig::new(lang, false);
        let id = rig.application_in(S::Contracted, 1);
        rig.login(CLERK);
        next_step(&mut rig, id);
        rig.type_text("N31ABCDEF012345").press(KeyCode::Enter);
        rig.press(KeyCode::Tab).press(KeyCode::Down);
        insta::assert_snapshot!(format!("binding_80x24_{tag}"), rig.screen(80, 24));
        insta::assert_snapshot!(format!("binding_120x40_{tag}"), rig.screen(120, 40));
    }
}

#[test]
fn snapshots_of_hand_over() {
    for (lang, tag) in langs() {
        let mut rig = Rig::new(lang, false);
        let id = rig.application_in(S::ReadyForPickup, 2);
        rig.login(CLERK);
        next_step(&mut rig, id);
        rig.type_text(&sample_form(2).id_number[..10]);
        rig.press(KeyCode::Tab).type_text("3");
        insta::assert_snapshot!(format!("handover_80x24_{tag}"), rig.screen(80, 24));
        insta::assert_snapshot!(format!("handover_120x40_{tag}"), rig.screen(120, 40));
        rig.press(KeyCode::Tab)
            .ctrl('u')
            .type_text(&sample_form(2).id_number);
        rig.press(KeyCode::Enter);
        assert_eq!(rig.top(), "confirm.title");
        insta::assert_snapshot!(format!("handover_confirm_80x24_{tag}"), rig.screen(80, 24));
    }
}

#[test]
fn snapshots_of_activation() {
    for (lang, tag) in langs() {
        let mut rig = Rig::new(lang, false);
        let id = rig.application_in(S::PickedUp, 3);
        rig.login(CLERK);
        next_step(&mut rig, id);
        rig.type_text("ACT-2026");
        insta::assert_snapshot!(format!("activation_80x24_{tag}"), rig.screen(80, 24));
        insta::assert_snapshot!(format!("activation_120x40_{tag}"), rig.screen(120, 40));
    }
}

#[test]
fn snapshots_of_a_reveal() {
    for (lang, tag) in langs() {
        let mut rig = Rig::new(lang, false);
        let id = rig.application_in(S::PickedUp, 4);
        rig.login(SUPERVISOR);
        open(&mut rig, id);
        rig.type_text("r");
        insta::assert_snapshot!(format!("reveal_choose_80x24_{tag}"), rig.screen(80, 24));
        rig.type_text("2");
        insta::assert_snapshot!(format!("reveal_card_80x24_{tag}"), rig.screen(80, 24));
        insta::assert_snapshot!(format!("reveal_card_120x40_{tag}"), rig.screen(120, 40));
    }
}

#[test]
fn monochrome_screens_send_no_colour() {
    let mut rig = Rig::new(Lang::ZhCn, true);
    let bind = rig.application_in(S::Contracted, 1);
    let pickup = rig.application_in(S::ReadyForPickup, 2);
    let activate = rig.application_in(S::PickedUp, 3);
    rig.login(SUPERVISOR);
    next_step(&mut rig, bind);
    rig.type_text("X").press(KeyCode::Enter).press(KeyCode::Tab);
    assert!(has_no_colour(&rig.buffer(80, 24)));
    assert!(
        rig.screen(80, 24).contains("▶ LDA80000001002"),
        "selection shows as a marker"
    );
    rig.press(KeyCode::Esc);
    rig.press(KeyCode::Esc);
    next_step(&mut rig, pickup);
    rig.press(KeyCode::Tab).type_text("1");
    assert!(has_no_colour(&rig.buffer(120, 40)));
    assert!(
        rig.screen(80, 24).contains("[1 现金]"),
        "the choice shows without colour"
    );
    rig.press(KeyCode::Esc).press(KeyCode::Esc);
    next_step(&mut rig, activate);
    assert!(has_no_colour(&rig.buffer(80, 24)));
    rig.press(KeyCode::Esc).type_text("r1");
    assert!(has_no_colour(&rig.buffer(80, 24)));
    assert!(rig.screen(80, 24).contains(&sample_form(3).id_number));
}
