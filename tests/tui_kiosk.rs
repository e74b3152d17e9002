//! The merchant kiosk: a right pair shows only that merchant, a wrong pair
//! reveals nothing, 5 wrong tries wait a minute, 60 idle seconds clear the
//! screen, and only a staff PIN leaves. Snapshots in both languages.

use posdesk::desk::Clock;
use posdesk::domain::lifecycle::ApplicationState as S;
use posdesk::tui::i18n::Lang;
use posdesk::tui::screens::kiosk::{Kiosk, KioskClock};
use posdesk::tui::testing::{has_no_colour, sample_form, Rig, CLERK, SUPERVISOR};
use ratatui::crossterm::event::KeyCode;
use std::time::Duration;

fn langs() -> [(Lang, &'static str); 2] {
    [(Lang::En, "en"), (Lang::ZhCn, "zh")]
}

/// The counter's store with two merchants, then the kiosk on it.
/// Merchant 1 is activated (deposit held); merchant 2 only submitted.
fn kiosk(lang: Lang, mono: bool) -> (Rig, KioskClock, i64, i64) {
    let mut rig = Rig::new(lang, mono);
    let mine = rig.application_in(S::Activated, 1);
    let other = rig.application_in(S::Submitted, 2);
    let clock = KioskClock::default();
    rig.app.enter_kiosk(Kiosk::with_clock(clock.clone()));
    (rig, clock, mine, other)
}

fn pair(seq: u32) -> (String, String) {
    let f = sample_form(seq);
    (f.phone, f.id_number[12..].to_string())
}

fn look_up(rig: &mut Rig, phone: &str, last6: &str) {
    rig.type_text(phone).type_text(last6).press(KeyCode::Enter);
}

/// Move the kiosk's clock on and let the app tick, as a second passing would.
fn wait(rig: &mut Rig, clock: &KioskClock, secs: u64) {
    clock.advance(Duration::from_secs(secs));
    rig.app.tick(clock.now());
}

/// The lock-out countdown moves with real time; keep snapshots stable.
fn steady(screen: String) -> String {
    regex::Regex::new(r"(wait|等待) \d+")
        .map(|re| re.replace_all(&screen, "$1 NN").to_string())
        .unwrap_or(screen)
}

#[test]
fn a_right_pair_shows_that_merchant_and_no_one_else() {
    let (mut rig, _clock, mine, other) = kiosk(Lang::En, false);
    assert!(rig.app.is_kiosk());
    assert!(rig.app.actor.is_none(), "no staff session in a kiosk");
    let (phone, last6) = pair(1);
    look_up(&mut rig, &phone, &last6);
    let screen = rig.screen(120, 40);
    assert!(screen.contains(&format!("AP{mine:08}")), "{screen}");
    assert!(screen.contains("Hello, 阿**"), "only the first character");
    assert!(screen.contains("Activated"));
    assert!(screen.contains("¥299.00 · held"));
    assert!(screen.contains("Card volume so far ¥0.00 of the ¥10,000.00"));
    let me = sample_form(1);
    let them = sample_form(2);
    for secret in [
        me.full_name.as_str(),
        &me.id_number,
        &me.card_number,
        &me.phone,
        &phone[..3],
        &them.full_name,
        &them.phone,
        &format!("AP{other:08}"),
    ] {
        assert!(!screen.contains(secret), "{secret} is on the kiosk");
    }
    // Done: the next person finds an empty prompt.
    rig.press(KeyCode::Enter);
    let screen = rig.screen(120, 40);
    assert!(!screen.contains("阿**") && !screen.contains(&phone[..3]));
}

#[test]
fn a_wrong_pair_reveals_nothing() {
    let (mut rig, _clock, _, _) = kiosk(Lang::En, false);
    let (phone, last6) = pair(1);
    let wrong_id = if last6 == "000000" {
        "111111"
    } else {
        "000000"
    };
    // The phone exists, the ID does not match.
    look_up(&mut rig, &phone, wrong_id);
    let known = rig.screen(80, 24);
    rig.press(KeyCode::Esc);
    // No such phone at all.
    look_up(&mut rig, "13900000000", wrong_id);
    let unknown = rig.screen(80, 24);
    assert!(known.contains("No record found."), "{known}");
    let message = |s: &str| {
        s.lines()
            .filter(|l| l.contains("No record") || l.contains("ask at the counter"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(message(&known), message(&unknown), "same words either way");
    assert_eq!(
        known
            .replace(&phone[..3], "")
            .replace(&phone[3..7], "")
            .replace(&phone[7..], ""),
        unknown.replace("139", "").replace("0000", ""),
        "the screens differ only in the digits typed"
    );
}

#[test]
fn five_wrong_tries_wait_a_minute() {
    let (mut rig, clock, mine, _) = kiosk(Lang::En, false);
    let (phone, last6) = pair(1);
    for _ in 0..4 {
        look_up(&mut rig, &phone, "000000");
        rig.press(KeyCode::Esc);
    }
    assert!(!rig.screen(80, 24).contains("Too many tries"));
    look_up(&mut rig, &phone, "000000");
    let screen = rig.screen(80, 24);
    assert!(
        screen.contains("Too many tries. Please wait 60 s"),
        "{screen}"
    );
    insta::assert_snapshot!("kiosk_locked_80x24_en", steady(screen));

    // The right pair does nothing while locked.
    look_up(&mut rig, &phone, &last6);
    assert!(!rig.screen(80, 24).contains(&format!("AP{mine:08}")));
    wait(&mut rig, &clock, 30);
    assert!(rig.screen(80, 24).contains("wait 30 s"));
    wait(&mut rig, &clock, 31);
    assert!(!rig.screen(80, 24).contains("Too many tries"));
    look_up(&mut rig, &phone, &last6);
    assert!(rig.screen(80, 24).contains(&format!("AP{mine:08}")));
}

#[test]
fn a_right_pair_between_wrong_ones_starts_the_count_again() {
    let (mut rig, _clock, _, _) = kiosk(Lang::En, false);
    let (phone, last6) = pair(1);
    for _ in 0..4 {
        look_up(&mut rig, &phone, "000000");
        rig.press(KeyCode::Esc);
    }
    look_up(&mut rig, &phone, &last6);
    rig.press(KeyCode::Enter);
    for _ in 0..4 {
        look_up(&mut rig, &phone, "000000");
        rig.press(KeyCode::Esc);
    }
    assert!(!rig.screen(80, 24).contains("Too many tries"));
}

#[test]
fn sixty_idle_seconds_clear_the_screen() {
    let (mut rig, clock, mine, _) = kiosk(Lang::En, false);
    let (phone, last6) = pair(1);
    let empty = rig.screen(80, 24);
    look_up(&mut rig, &phone, &last6);
    wait(&mut rig, &clock, 59);
    assert!(
        rig.screen(80, 24).contains(&format!("AP{mine:08}")),
        "not yet"
    );
    wait(&mut rig, &clock, 2);
    assert_eq!(rig.screen(80, 24), empty, "back to the empty prompt");
    // Half-typed input goes too.
    rig.type_text(&phone[..7]);
    wait(&mut rig, &clock, 61);
    assert_eq!(rig.screen(80, 24), empty);
}

#[test]
fn ctrl_c_asks_for_a_staff_pin_and_a_wrong_one_does_not_leave() {
    let (mut rig, clock, _, _) = kiosk(Lang::En, false);
    rig.ctrl('c');
    assert!(!rig.app.quit, "Ctrl-C does not quit a kiosk");
    assert_eq!(rig.top(), "kiosk.exit.title");
    insta::assert_snapshot!("kiosk_exit_80x24_en", rig.screen(80, 24));
    rig.type_text(CLERK.0)
        .press(KeyCode::Tab)
        .type_text("000000");
    rig.press(KeyCode::Enter);
    assert!(!rig.app.quit);
    assert!(rig.screen(80, 24).contains("Wrong staff number or PIN."));
    rig.press(KeyCode::Esc);
    assert_eq!(rig.top(), "kiosk.title");
    // Left alone, the staff prompt gives the kiosk back.
    rig.ctrl('c');
    wait(&mut rig, &clock, 61);
    assert_eq!(rig.top(), "kiosk.title");
    rig.ctrl('c');
    rig.type_text(SUPERVISOR.0).press(KeyCode::Enter);
    rig.type_text(SUPERVISOR.1).press(KeyCode::Enter);
    assert!(rig.app.quit, "a staff PIN leaves kiosk mode");
}

#[test]
fn help_answers_the_common_questions() {
    let (mut rig, _clock, _, _) = kiosk(Lang::En, false);
    rig.type_text("?");
    assert_eq!(rig.top(), "kiosk.help.title");
    let mut all = rig.screen(120, 40);
    for _ in 0..40 {
        rig.press(KeyCode::Down);
        all.push_str(&rig.screen(80, 24));
    }
    for text in [
        "Can I get my deposit back",
        "working day 3 and working day 7",
        "How do I get a terminal?",
        "once it is activated",
        "Only a deposit",
        "联迪 A8 智能POS (LD-A8): deposit ¥299.00",
        "LD-A8: ¥10,000.00 within 60 days",
        "device fee ¥199.00, free for your first terminal",
        "Call 95516",
    ] {
        assert!(all.contains(text), "help lacks {text:?}");
    }
    rig.press(KeyCode::Esc);
    assert_eq!(rig.top(), "kiosk.title");
    // F1 too, and from a result it comes back to the result.
    let (phone, last6) = pair(1);
    look_up(&mut rig, &phone, &last6);
    rig.press(KeyCode::F(1));
    assert_eq!(rig.top(), "kiosk.help.title");
    rig.press(KeyCode::Esc);
    assert!(rig.screen(80, 24).contains("阿**"));
}

#[test]
fn a_confirmed_refund_shows_its_window_and_when_it_is_late() {
    let (mut rig, _clock, mine, _) = kiosk(Lang::En, false);
    let (sup, clerk) = (rig.sup.clone(), rig.clerk.clone());
    let serial = rig
        .app
        .desk
        .application(mine)
        .unwrap()
        .device_serial
        .unwrap();
    let csv = format!("serial,date,amount\n{serial},2026-11-25,20000\n");
    rig.app
        .desk
        .import_volumes(&sup, "v.csv", csv.as_bytes())
        .unwrap();
    let r = rig.app.desk.request_refund(&clerk, mine, None).unwrap();
    rig.app.desk.confirm_refund(&clerk, r.id).unwrap();
    let (phone, last6) = pair(1);
    look_up(&mut rig, &phone, &last6);
    let screen = rig.screen(80, 24);
    assert!(
        screen.contains("between 2026-11-30 and 2026-12-04"),
        "{screen}"
    );
    assert!(!screen.contains("later than expected"));
    rig.press(KeyCode::Enter);
    rig.app.desk.clock = Clock::Fixed("2026-12-07T02:00:00Z".parse().unwrap());
    look_up(&mut rig, &phone, &last6);
    let screen = rig.screen(80, 24);
    assert!(
        screen.contains("later than expected. Please call 95516"),
        "{screen}"
    );
}

#[test]
fn snapshots_in_both_languages() {
    for (lang, tag) in langs() {
        let (mut rig, clock, mine, _) = kiosk(lang, false);
        insta::assert_snapshot!(format!("kiosk_prompt_80x24_{tag}"), rig.screen(80, 24));
        insta::assert_snapshot!(format!("kiosk_prompt_120x40_{tag}"), rig.screen(120, 40));
        let (phone, last6) = pair(1);
        look_up(&mut rig, &phone, &last6);
        insta::assert_snapshot!(format!("kiosk_result_80x24_{tag}"), rig.screen(80, 24));
        insta::assert_snapshot!(format!("kiosk_result_120x40_{tag}"), rig.screen(120, 40));
        rig.press(KeyCode::Enter);
        let (sup, clerk) = (rig.sup.clone(), rig.clerk.clone());
        let serial = rig
            .app
            .desk
            .application(mine)
            .unwrap()
            .device_serial
            .unwrap();
        let csv = format!("serial,date,amount\n{serial},2026-11-25,20000\n");
        rig.app
            .desk
            .import_volumes(&sup, "v.csv", csv.as_bytes())
            .unwrap();
        let r = rig.app.desk.request_refund(&clerk, mine, None).unwrap();
        rig.app.desk.confirm_refund(&clerk, r.id).unwrap();
        look_up(&mut rig, &phone, &last6);
        insta::assert_snapshot!(format!("kiosk_refund_80x24_{tag}"), rig.screen(80, 24));
        rig.press(KeyCode::Enter);
        rig.type_text("?");
        insta::assert_snapshot!(format!("kiosk_help_80x24_{tag}"), rig.screen(80, 24));
        insta::assert_snapshot!(format!("kiosk_help_120x40_{tag}"), rig.screen(120, 40));
        rig.press(KeyCode::Esc);
        for _ in 0..5 {
            look_up(&mut rig, &phone, "000000");
            rig.press(KeyCode::Esc);
        }
        insta::assert_snapshot!(
            format!("kiosk_locked_120x40_{tag}"),
            steady(rig.screen(120, 40))
        );
        wait(&mut rig, &clock, 61);
        look_up(&mut rig, "13900000000", "000000");
        insta::assert_snapshot!(format!("kiosk_not_found_80x24_{tag}"), rig.screen(80, 24));
    }
}

#[test]
fn monochrome_sends_no_colour() {
    let (mut rig, _clock, _, _) = kiosk(Lang::ZhCn, true);
    assert!(has_no_colour(&rig.buffer(80, 24)));
    let (phone, last6) = pair(1);
    look_up(&mut rig, &phone, &last6);
    assert!(has_no_colour(&rig.buffer(80, 24)));
    rig.type_text("?");
    assert!(has_no_colour(&rig.buffer(120, 40)));
    rig.press(KeyCode::Esc).press(KeyCode::Enter);
    for _ in 0..5 {
        look_up(&mut rig, &phone, "000000");
    }
    assert!(has_no_colour(&rig.buffer(80, 24)));
    rig.ctrl('c');
    assert!(has_no_colour(&rig.buffer(80, 24)));
}

#[test]
fn odd_sizes_never_panic() {
    let (mut rig, _clock, _, _) = kiosk(Lang::ZhCn, false);
    let (phone, last6) = pair(1);
    for step in 0..3 {
        match step {
            1 => look_up(&mut rig, &phone, &last6),
            2 => {
                rig.type_text("?");
            }
            _ => {}
        }
        for (w, h) in [(1, 1), (20, 5), (79, 23), (80, 24), (300, 100)] {
            let _ = rig.buffer(w, h);
        }
    }
}

#[test]
fn a_tab_after_the_phone_fills_up_does_not_lose_the_first_id_character() {
    let (mut rig, _clock, _, _) = kiosk(Lang::En, false);
    let (phone, last6) = pair(1);
    rig.type_text(&phone)
        .press(KeyCode::Tab)
        .type_text(&last6)
        .press(KeyCode::Enter);
    let screen = rig.screen(100, 30);
    assert!(screen.contains("Your terminal and deposit"), "{screen}");
}
