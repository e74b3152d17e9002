//! The application form, driven by keys through the real app: typing a whole
//! application, inline checks, the Luhn confirmation, leaving with unsaved
//! changes, drafts that resume, submitting. Snapshots of every section and the
//! review page at 80×24 and 120×40 in both languages.

use posdesk::domain::application_form::ApplicationForm;
use posdesk::domain::lifecycle::ApplicationState as S;
use posdesk::tui::i18n::Lang;
use posdesk::tui::testing::{has_no_colour, sample_form, Rig, CLERK};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn at_form(lang: Lang, mono: bool) -> Rig {
    let mut rig = Rig::new(lang, mono);
    rig.login(CLERK);
    rig.type_text("n");
    assert_eq!(rig.top(), "appform.title");
    rig
}

/// Every field in order, the way a clerk goes through them: Tab or Enter
/// after each, the bank and card type left as the card number fills them in.
fn type_form(rig: &mut Rig, f: &ApplicationForm) {
    rig.type_text(&f.full_name).press(KeyCode::Tab);
    rig.type_text(&f.id_number).press(KeyCode::Enter);
    rig.type_text(&f.id_valid_until).press(KeyCode::Tab);
    rig.type_text(&f.phone).press(KeyCode::Tab);
    rig.type_text(&f.business_name).press(KeyCode::Tab);
    rig.type_text(&f.business_address).press(KeyCode::Tab);
    rig.type_text(&f.card_number).press(KeyCode::Tab);
    rig.press(KeyCode::Tab); // bank, from the card number
    rig.type_text(&f.card_branch).press(KeyCode::Tab);
    rig.type_text(&f.card_holder).press(KeyCode::Tab);
    rig.press(KeyCode::Tab); // debit, from the card number
    rig.type_text(" ").press(KeyCode::Tab); // the first model, LD-A8
    rig.type_text(" ").press(KeyCode::Tab); // terms agreed → review
}

fn drafts(rig: &Rig) -> Vec<i64> {
    rig.app
        .desk
        .queue(None, &[S::Draft], 100)
        .expect("queue")
        .iter()
        .map(|r| r.id)
        .collect()
}

fn state(rig: &Rig, id: i64) -> String {
    rig.app.desk.application(id).expect("application").state
}

fn key(rig: &mut Rig, code: KeyCode, modifiers: KeyModifiers) {
    rig.app.handle_key(KeyEvent::new(code, modifiers));
}

#[test]
fn a_complete_application_is_typed_checked_and_submitted() {
    let mut rig = at_form(Lang::En, false);
    let f = sample_form(1);
    rig.type_text(&f.full_name).press(KeyCode::Tab);
    rig.type_text(&f.id_number);
    let screen = rig.screen(80, 24);
    let grouped = format!(
        "{} {} {}",
        &f.id_number[..6],
        &f.id_number[6..14],
        &f.id_number[14..]
    );
    assert!(screen.contains(&grouped), "ID grouped 6-8-4:\n{screen}");
    assert!(
        screen.contains("born 1985-03-14 · male · age 41"),
        "{screen}"
    );
    rig.press(KeyCode::Enter)
        .type_text(&f.id_valid_until)
        .press(KeyCode::Tab);
    assert!(
        !drafts(&rig).is_empty(),
        "leaving a section saves the draft"
    );
    rig.type_text(&f.phone);
    assert!(
        rig.screen(80, 24).contains("138 1234 0001"),
        "phone grouped 3-4-4"
    );
    rig.press(KeyCode::PageDown);
    rig.type_text(&f.card_number);
    let screen = rig.screen(80, 24);
    let fours: Vec<String> = f
        .card_number
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    assert!(
        screen.contains(&fours.join(" ")),
        "card in fours:\n{screen}"
    );
    assert!(
        screen.contains("中国工商银行"),
        "bank from the card number:\n{screen}"
    );
    assert!(screen.contains("from the card number"));
    assert!(
        screen.contains("(•) Debit"),
        "card type from the card number"
    );

    let mut rig = at_form(Lang::En, false);
    type_form(&mut rig, &f);
    let review = rig.screen(80, 24);
    assert!(review.contains("Review"), "{review}");
    assert!(
        !review.contains(&f.id_number),
        "the ID number is masked:\n{review}"
    );
    assert!(
        !review.contains(&f.card_number),
        "the card number is masked"
    );
    assert!(!review.contains(&f.phone), "the phone is masked");
    assert!(review.contains("138****0001"), "{review}");
    assert!(review.contains("F10 submits"), "{review}");
    let id = *drafts(&rig).last().expect("a draft");
    rig.press(KeyCode::F(10));
    assert_eq!(rig.top(), "home.title");
    assert_eq!(state(&rig, id), "submitted");
    let home = rig.screen(80, 24);
    assert!(
        home.contains(&format!("AP{id:08} submitted for review.")),
        "{home}"
    );
}

#[test]
fn a_bad_id_number_shows_its_error_and_submit_is_refused() {
    let mut rig = at_form(Lang::En, false);
    let mut f = sample_form(2);
    let last = if f.id_number.ends_with('1') { '2' } else { '1' };
    f.id_number = format!("{}{last}", &f.id_number[..17]);
    rig.type_text(&f.full_name)
        .press(KeyCode::Tab)
        .type_text(&f.id_number);
    let screen = rig.screen(120, 40);
    assert!(
        screen.contains("✗ The last character of the ID number does not match"),
        "{screen}"
    );
    assert!(
        screen.contains("✗ Applicant"),
        "the stepper marks the section:\n{screen}"
    );
    rig.press(KeyCode::BackTab).press(KeyCode::BackTab);
    let mut rest = f.clone();
    rest.full_name.clear();
    rest.id_number.clear();
    type_form(&mut rig, &rest);
    let id = *drafts(&rig).last().expect("a draft");
    rig.press(KeyCode::F(10));
    assert_eq!(rig.top(), "appform.title", "still on the form");
    let screen = rig.screen(120, 40);
    assert!(
        screen.contains("1 problem(s) to fix before submitting"),
        "{screen}"
    );
    insta::assert_snapshot!("form_review_refused_80x24_en", rig.screen(80, 24));
    rig.press(KeyCode::PageUp).press(KeyCode::PageUp);
    rig.press(KeyCode::PageUp)
        .press(KeyCode::PageUp)
        .press(KeyCode::PageUp);
    rig.press(KeyCode::Tab);
    insta::assert_snapshot!("form_applicant_bad_id_80x24_en", rig.screen(80, 24));
    assert_eq!(state(&rig, id), "draft", "nothing changed");
}

#[test]
fn a_luhn_failure_needs_an_explicit_confirmation() {
    let mut rig = at_form(Lang::En, false);
    let mut f = sample_form(3);
    let last = f.card_number.pop().unwrap_or('0');
    f.card_number.push(if last == '9' { '0' } else { '9' });
    type_form(&mut rig, &f);
    let review = rig.screen(120, 40);
    assert!(review.contains("✗ Card number"), "{review}");
    rig.press(KeyCode::F(10));
    assert_eq!(rig.top(), "appform.title", "refused until confirmed");
    rig.press(KeyCode::PageUp)
        .press(KeyCode::PageUp)
        .press(KeyCode::PageUp);
    let screen = rig.screen(80, 24);
    assert!(screen.contains("! Fails the Luhn check"), "{screen}");
    assert!(
        screen.contains("F4 Confirm card"),
        "the footer offers F4:\n{screen}"
    );
    insta::assert_snapshot!("form_card_luhn_80x24_en", screen);
    rig.press(KeyCode::F(4));
    assert_eq!(rig.top(), "confirm.title");
    rig.press(KeyCode::Enter);
    assert!(rig
        .screen(80, 24)
        .contains("✓ Confirmed with the card in hand."));
    rig.press(KeyCode::F(10)).press(KeyCode::F(10));
    assert_eq!(rig.top(), "home.title");
    let id = rig.app.desk.find(&f.phone, 5).expect("find")[0].id;
    assert_eq!(state(&rig, id), "submitted");
    let stored = rig.app.desk.application(id).expect("view").form;
    assert!(stored.card_luhn_confirmed);
}

#[test]
fn leaving_with_unsaved_changes_asks_first() {
    let mut rig = at_form(Lang::En, false);
    rig.press(KeyCode::Esc);
    assert_eq!(rig.top(), "home.title", "nothing typed: straight back");

    rig.type_text("n").type_text("张伟");
    rig.press(KeyCode::Esc);
    assert_eq!(rig.top(), "confirm.title");
    assert!(rig.screen(80, 24).contains("Save them as a draft"));
    rig.press(KeyCode::Esc);
    assert_eq!(
        rig.top(),
        "confirm.title",
        "not saving asks whether to discard"
    );
    assert!(rig.screen(80, 24).contains("Leave without saving?"));
    rig.press(KeyCode::Esc);
    assert_eq!(rig.top(), "appform.title", "two Esc keep the work");
    assert!(rig.screen(80, 24).contains("张伟"));

    rig.press(KeyCode::Esc).type_text("n").type_text("y");
    assert_eq!(rig.top(), "home.title");
    assert!(drafts(&rig).is_empty(), "discarded");

    rig.type_text("n")
        .type_text("李娜")
        .press(KeyCode::Esc)
        .press(KeyCode::Enter);
    assert_eq!(rig.top(), "home.title");
    assert_eq!(drafts(&rig).len(), 1, "saved on the way out");
    assert!(rig.screen(80, 24).contains("saved as a draft"));
}

#[test]
fn a_saved_draft_is_resumed_from_home_with_its_values() {
    let mut rig = at_form(Lang::En, false);
    let f = sample_form(4);
    rig.type_text(&f.full_name)
        .press(KeyCode::Tab)
        .type_text(&f.id_number);
    rig.ctrl('s');
    assert!(rig.screen(80, 24).contains("AP00000001 saved as a draft."));
    rig.press(KeyCode::PageDown)
        .type_text(&f.phone)
        .press(KeyCode::PageDown);
    rig.press(KeyCode::Esc);
    assert_eq!(
        rig.top(),
        "home.title",
        "saved when leaving the section: no question"
    );
    assert!(rig.screen(80, 24).contains("Draft (1)"));
    rig.press(KeyCode::Enter);
    assert_eq!(rig.top(), "detail.title");
    rig.press(KeyCode::Enter);
    assert_eq!(rig.top(), "appform.title");
    let screen = rig.screen(80, 24);
    assert!(screen.contains("AP00000001 · Draft"), "{screen}");
    assert!(screen.contains(&f.full_name), "{screen}");
    assert!(screen.contains("110105 19850314"), "{screen}");
    rig.press(KeyCode::PageDown);
    assert!(rig.screen(80, 24).contains("138 1234 0004"));
    rig.press(KeyCode::Esc);
    assert_eq!(rig.top(), "detail.title", "unchanged: straight back");
}

#[test]
fn a_refusal_at_submit_shows_inline_and_changes_nothing() {
    let mut rig = Rig::new(Lang::ZhCn, false);
    for _ in 0..3 {
        rig.application_in(S::Submitted, 5);
    }
    rig.login(CLERK);
    rig.type_text("n");
    type_form(&mut rig, &sample_form(5));
    let id = *drafts(&rig).last().expect("a draft");
    rig.press(KeyCode::F(10));
    assert_eq!(rig.top(), "appform.title");
    let screen = rig.screen(120, 40);
    assert!(
        screen.contains("此身份证号名下已有 0 台机具、另有 3 份办理中的申请，每人上限为 3 台"),
        "{screen}"
    );
    assert_eq!(state(&rig, id), "draft");
}

#[test]
fn paste_and_chinese_go_into_the_focused_field() {
    let mut rig = at_form(Lang::ZhCn, false);
    rig.type_text("阿卜杜·热合曼").press(KeyCode::Tab);
    rig.paste("11010519491231002x\n");
    rig.press(KeyCode::PageDown).paste("+86 138-1234-5678");
    let screen = rig.screen(80, 24);
    assert!(screen.contains("138 1234 5678"), "{screen}");
    rig.press(KeyCode::PageUp);
    let screen = rig.screen(80, 24);
    assert!(screen.contains("阿卜杜·热合曼"), "{screen}");
    assert!(screen.contains("110105 19491231 002X"), "{screen}");
    assert!(screen.contains("1949-12-31 出生 · 女 · 76 岁"), "{screen}");
}

#[test]
fn keys_while_typing_stay_in_the_field() {
    let mut rig = at_form(Lang::En, false);
    // "n", "q", "y" and "?" are shortcuts elsewhere; here they are letters.
    rig.type_text("Anny Quy?");
    assert_eq!(rig.top(), "appform.title");
    assert!(rig.screen(80, 24).contains("Anny Quy?"));
    rig.press(KeyCode::PageDown);
    assert!(
        rig.screen(80, 24).contains("Mobile phone"),
        "PgDn: next section"
    );
    rig.press(KeyCode::PageUp);
    assert!(rig.screen(80, 24).contains("ID valid until"));
    // Space is typed in a text field, and chooses in a choice field.
    rig.press(KeyCode::PageDown)
        .press(KeyCode::PageDown)
        .press(KeyCode::PageDown);
    rig.type_text(" ");
    assert!(rig.screen(80, 24).contains("(•) LD-A8"));
    key(&mut rig, KeyCode::Right, KeyModifiers::NONE);
    assert!(rig.screen(80, 24).contains("(•) NL-ME31"));
    key(&mut rig, KeyCode::Left, KeyModifiers::NONE);
    assert!(rig.screen(80, 24).contains("(•) LD-A8"));
}

#[test]
fn every_section_and_the_review_page() {
    for (lang, tag) in [(Lang::En, "en"), (Lang::ZhCn, "zh")] {
        let mut rig = at_form(lang, false);
        type_form(&mut rig, &sample_form(1));
        rig.app
            .handle_key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE));
        insta::assert_snapshot!(format!("form_help_80x24_{tag}"), rig.screen(80, 24));
        rig.press(KeyCode::Esc);
        let pages = ["review", "terms", "device", "card", "contact", "applicant"];
        for (i, page) in pages.iter().enumerate() {
            if i > 0 {
                rig.press(KeyCode::PageUp);
            }
            for (w, h) in [(80, 24), (120, 40)] {
                insta::assert_snapshot!(format!("form_{page}_{w}x{h}_{tag}"), rig.screen(w, h));
            }
        }
    }
}

#[test]
fn monochrome_marks_focus_and_errors_without_colour() {
    let mut rig = at_form(Lang::En, true);
    let id = sample_form(1).id_number;
    let wrong = format!("{}{}", &id[..17], if id.ends_with('1') { '2' } else { '1' });
    rig.type_text("张伟").press(KeyCode::Tab).type_text(&wrong);
    let screen = rig.screen(80, 24);
    assert!(screen.contains("▶ ID number"), "{screen}");
    assert!(screen.contains("✗ "), "{screen}");
    assert!(has_no_colour(&rig.buffer(80, 24)));
    rig.press(KeyCode::F(10));
    assert!(has_no_colour(&rig.buffer(120, 40)));
}
