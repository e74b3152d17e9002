//! The frame every screen lives in: welcome, login, home, help, too small,
//! monochrome, the idle lock. Snapshots at 80×24 and 120×40 in both languages.

use posdesk::domain::lifecycle::ApplicationState as S;
use posdesk::tui::i18n::Lang;
use posdesk::tui::testing::{has_no_colour, render, text, Rig, CLERK, SUPERVISOR};
use ratatui::crossterm::event::KeyCode;

fn langs() -> [(Lang, &'static str); 2] {
    [(Lang::En, "en"), (Lang::ZhCn, "zh")]
}

#[test]
fn welcome_on_an_empty_store() {
    for (lang, tag) in langs() {
        let mut app = Rig::empty(lang, false);
        insta::assert_snapshot!(
            format!("welcome_80x24_{tag}"),
            text(&render(&mut app, 80, 24))
        );
        insta::assert_snapshot!(
            format!("welcome_120x40_{tag}"),
            text(&render(&mut app, 120, 40))
        );
    }
}

#[test]
fn login_then_home() {
    for (lang, tag) in langs() {
        let mut rig = Rig::new(lang, false);
        rig.application_in(S::Submitted, 1);
        rig.application_in(S::Approved, 2);
        rig.application_in(S::ReadyForPickup, 3);
        assert_eq!(rig.top(), "login.title");
        insta::assert_snapshot!(format!("login_80x24_{tag}"), rig.screen(80, 24));
        rig.login(CLERK);
        assert_eq!(rig.top(), "home.title");
        insta::assert_snapshot!(format!("home_80x24_{tag}"), rig.screen(80, 24));
        insta::assert_snapshot!(format!("home_120x40_{tag}"), rig.screen(120, 40));
    }
}

#[test]
fn a_wrong_pin_says_so_and_stays() {
    let mut rig = Rig::new(Lang::En, false);
    rig.login((CLERK.0, "000000"));
    assert_eq!(rig.top(), "login.title");
    assert!(rig.screen(80, 24).contains("Wrong staff number or PIN."));
}

#[test]
fn help_lists_the_same_keys_as_the_footer() {
    let mut rig = Rig::new(Lang::En, false);
    rig.login(CLERK);
    let footer = rig
        .screen(80, 24)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    rig.type_text("?");
    let screen = rig.screen(80, 24);
    for label in ["New application", "Find", "Open", "Log out"] {
        assert!(footer.contains(label), "{label} not in footer: {footer}");
        assert!(screen.contains(label), "{label} not in help");
    }
    // Keys kept out of a full footer are still in the help.
    assert!(!footer.contains("Refresh") && screen.contains("Refresh"));
    insta::assert_snapshot!("home_help_80x24_en", screen);
    rig.press(KeyCode::Esc);
    assert!(!rig.screen(80, 24).contains("Keys"));
}

#[test]
fn typing_in_find_never_fires_shortcuts() {
    let mut rig = Rig::new(Lang::En, false);
    rig.application_in(S::Submitted, 1);
    rig.login(CLERK);
    rig.type_text("/");
    // "n" would start a new application and "?" open help if they leaked.
    rig.type_text("n?");
    assert_eq!(rig.top(), "home.title");
    assert!(rig.screen(80, 24).contains("n?"));
}

#[test]
fn find_by_last_six_of_the_id_number() {
    let mut rig = Rig::new(Lang::En, false);
    let id = rig.application_in(S::Submitted, 7);
    rig.login(CLERK);
    let form = posdesk::tui::testing::sample_form(7);
    rig.type_text("/").type_text(&form.id_number[12..]);
    let screen = rig.screen(100, 30);
    assert!(screen.contains(&format!("AP{id:08}")), "{screen}");
    assert!(screen.contains("Found 1"));
    assert!(!screen.contains(&form.phone), "phones are masked");
}

#[test]
fn too_small_and_odd_sizes_never_panic() {
    let mut rig = Rig::new(Lang::ZhCn, false);
    rig.login(SUPERVISOR);
    for (w, h) in [
        (1, 1),
        (20, 5),
        (79, 23),
        (80, 23),
        (79, 24),
        (0, 0),
        (300, 100),
    ] {
        let _ = rig.buffer(w, h);
    }
    insta::assert_snapshot!("too_small_79x23_zh", rig.screen(79, 23));
    let mut en = Rig::new(Lang::En, false);
    insta::assert_snapshot!("too_small_40x10_en", en.screen(40, 10));
}

#[test]
fn monochrome_sends_no_colour() {
    let mut rig = Rig::new(Lang::En, true);
    rig.application_in(S::Submitted, 1);
    assert!(has_no_colour(&rig.buffer(80, 24)));
    rig.login(CLERK);
    assert!(has_no_colour(&rig.buffer(120, 40)));
    rig.type_text("?");
    assert!(has_no_colour(&rig.buffer(80, 24)));
    let mut colour = Rig::new(Lang::En, false);
    colour.login(CLERK);
    assert!(
        !has_no_colour(&colour.buffer(80, 24)),
        "the colour theme does use colour"
    );
}

#[test]
fn idle_time_locks_and_the_pin_unlocks_where_you_were() {
    let mut rig = Rig::new(Lang::En, false);
    rig.application_in(S::Submitted, 1);
    rig.login(CLERK);
    rig.type_text("/").type_text("张");
    let before = std::time::Instant::now();
    rig.app
        .set_last_input(before - std::time::Duration::from_secs(6 * 60));
    rig.app.tick(before);
    assert!(rig.app.is_locked());
    assert_eq!(rig.top(), "login.lock_title");
    assert!(rig.screen(80, 24).contains("Locked after idle time"));
    rig.type_text("999999").press(KeyCode::Enter);
    assert!(rig.app.is_locked(), "a wrong PIN does not unlock");
    rig.type_text(CLERK.1).press(KeyCode::Enter);
    assert!(!rig.app.is_locked());
    assert_eq!(rig.top(), "home.title");
    assert!(
        rig.screen(80, 24).contains("张"),
        "what was typed is still there"
    );
}

#[test]
fn ctrl_c_quits_from_any_screen() {
    let mut rig = Rig::new(Lang::En, false);
    rig.type_text("C0");
    rig.ctrl('c');
    assert!(rig.app.quit);
}

#[test]
fn setting_up_an_empty_store() {
    let mut app = Rig::empty(Lang::En, false);
    use ratatui::crossterm::event::{KeyEvent, KeyModifiers};
    let key = |app: &mut posdesk::tui::app::App, code| {
        app.handle_key(KeyEvent::new(code, KeyModifiers::NONE))
    };
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(app.top_title(), "setup.title");
    for (i, v) in [
        "BJ01",
        "朝阳门便利店",
        "北京市朝阳区",
        "S001",
        "王主管",
        "900001",
        "900002",
    ]
    .iter()
    .enumerate()
    {
        for c in v.chars() {
            key(&mut app, KeyCode::Char(c));
        }
        if i < 6 {
            key(&mut app, KeyCode::Tab);
        }
    }
    key(&mut app, KeyCode::Enter);
    assert!(text(&render(&mut app, 80, 24)).contains("The two PINs differ"));
    assert_eq!(app.top_title(), "setup.title");
    for _ in 0..6 {
        key(&mut app, KeyCode::Backspace);
    }
    for c in "900001".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.top_title(), "home.title");
    assert_eq!(
        app.actor.as_ref().map(|a| a.staff_no.as_str()),
        Some("S001")
    );
}

#[test]
fn snapshots_of_setup_and_lock() {
    for (lang, tag) in langs() {
        let mut app = Rig::empty(lang, false);
        use ratatui::crossterm::event::{KeyEvent, KeyModifiers};
        app.handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::NONE));
        for c in "BJ01".chars() {
            app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        insta::assert_snapshot!(
            format!("setup_80x24_{tag}"),
            text(&render(&mut app, 80, 24))
        );
        insta::assert_snapshot!(
            format!("setup_120x40_{tag}"),
            text(&render(&mut app, 120, 40))
        );

        let mut rig = Rig::new(lang, false);
        rig.login(CLERK);
        let now = std::time::Instant::now();
        rig.app
            .set_last_input(now - std::time::Duration::from_secs(600));
        rig.app.tick(now);
        insta::assert_snapshot!(format!("lock_80x24_{tag}"), rig.screen(80, 24));
        insta::assert_snapshot!(format!("lock_120x40_{tag}"), rig.screen(120, 40));
        insta::assert_snapshot!(format!("login_120x40_{tag}"), {
            let mut fresh = Rig::new(lang, false);
            fresh.screen(120, 40)
        });
    }
}

#[test]
fn a_supervisor_without_a_point_works_at_the_configured_one() {
    use posdesk::config::Config;
    use posdesk::desk::NewStaffMember;
    use posdesk::domain::checklist::Role;
    let mut rig = Rig::new(Lang::En, false);
    let sup = rig.sup.clone();
    rig.app
        .desk
        .add_staff(
            &sup,
            NewStaffMember {
                staff_no: "S002",
                name: "赵主管",
                role: Role::Supervisor,
                pin: "900002",
                point_code: None,
            },
        )
        .unwrap();
    rig.app.config = Config {
        pickup_point: Some("bj01".into()),
        ..Config::default()
    };
    rig.login(("S002", "900002"));
    assert_eq!(rig.top(), "home.title");
    assert!(rig.app.actor.as_ref().unwrap().point_id.is_some());
    assert!(rig.screen(80, 24).contains("BJ01"));
}

/// A screen that binds Esc itself (the dashboard: back) shows it once in the
/// help, not again among the keys that work everywhere.
#[test]
fn help_lists_each_key_once() {
    let mut rig = Rig::new(Lang::En, false);
    rig.login(CLERK);
    rig.type_text("d");
    assert_eq!(rig.top(), "dashboard.title");
    rig.type_text("?");
    let screen = rig.screen(120, 40);
    let backs = screen
        .lines()
        .filter(|l| l.contains(" Esc ") && l.contains("Back"))
        .count();
    assert_eq!(backs, 1, "{screen}");
}
