//! The refund dashboard and the supervisor's bank screens, driven by keys on
//! demo data (deposits in every state, at the rig's fixed time). Snapshots at
//! 80×24 and 120×40 in both languages.

use posdesk::desk::day_bounds;
use posdesk::domain::lifecycle::DepositState;
use posdesk::domain::money::Fen;
use posdesk::store::dashboard::{DashboardRow, Filter};
use posdesk::tui::i18n::Lang;
use posdesk::tui::testing::{has_no_colour, Rig, CLERK, SUPERVISOR};
use ratatui::crossterm::event::KeyCode;
use std::collections::BTreeSet;

fn langs() -> [(Lang, &'static str); 2] {
    [(Lang::En, "en"), (Lang::ZhCn, "zh")]
}

/// A counter with 120 demo merchants, logged in, on the dashboard.
fn dashboard(lang: Lang, mono: bool, who: (&str, &str)) -> Rig {
    let mut rig = Rig::new(lang, mono);
    rig.app.desk.load_demo(120, 5).expect("demo data");
    rig.login(who);
    rig.type_text("d");
    assert_eq!(rig.top(), "dashboard.title");
    rig
}

/// The application references on the table's rows (not the detail pane).
fn table_refs(screen: &str) -> Vec<String> {
    let row = regex::Regex::new(r"^(?:▶ |  )(?:✗ |  )(AP\d{8}) ").unwrap();
    screen
        .lines()
        .filter_map(|l| row.captures(l).map(|c| c[1].to_string()))
        .collect()
}

fn rows_in(rig: &Rig, state: &str) -> Vec<DashboardRow> {
    let filter = Filter {
        states: vec![state.to_string()],
        ..Filter::default()
    };
    rig.app
        .desk
        .dashboard_page(&filter, None, 100)
        .expect("page")
}

fn short_label(state: DepositState) -> &'static str {
    match state {
        DepositState::Held => "Held",
        DepositState::Eligible => "Refundable",
        DepositState::RefundRequested => "Requested",
        DepositState::RefundConfirmed => "Confirmed",
        DepositState::RefundSent => "Sent",
        DepositState::Refunded => "Refunded",
        DepositState::RefundFailed => "Failed",
        DepositState::Forfeited => "Forfeited",
    }
}

#[test]
fn totals_equal_the_rows_they_summarise() {
    let mut rig = dashboard(Lang::En, false, SUPERVISOR);
    let totals = rig.app.desk.refund_totals().expect("totals");
    let count: i64 = totals.by_state.iter().map(|s| s.1).sum();
    let amount = Fen(totals.by_state.iter().map(|s| s.2.fen()).sum());
    let screen = rig.screen(80, 24);
    assert!(
        screen.contains(&format!("{count} matching · {amount}")),
        "all states add up to every deposit: {screen}"
    );
    // Each state in turn: its total, and exactly that many rows of that state.
    for state in DepositState::ALL {
        rig.type_text("s");
        let (_, n, sum) = totals
            .by_state
            .iter()
            .find(|s| s.0 == state.as_str())
            .cloned()
            .expect("every state has a total");
        let screen = rig.screen(80, 24);
        assert!(
            screen.contains(&format!("State: {}", short_label(*state))),
            "{screen}"
        );
        assert!(
            screen.contains(&format!("{n} matching · {sum}")),
            "{state}: {screen}"
        );
        let mut seen = BTreeSet::new();
        loop {
            let screen = rig.screen(80, 24);
            for line in screen.lines().filter(|l| !table_refs(l).is_empty()) {
                assert!(line.contains(short_label(*state)), "{state}: {line}");
            }
            let refs = table_refs(&screen);
            let before = seen.len();
            seen.extend(refs);
            rig.press(KeyCode::PageDown);
            if seen.len() == before {
                break;
            }
        }
        assert_eq!(seen.len() as i64, n, "{state}: rows = its total");
    }
    rig.type_text("s");
    assert!(rig.screen(80, 24).contains("State: All"));
}

#[test]
fn a_state_filter_shows_only_that_state() {
    let mut rig = dashboard(Lang::En, false, SUPERVISOR);
    // held, eligible, requested, confirmed, sent, refunded
    rig.type_text("ssssss");
    let screen = rig.screen(120, 40);
    let refs = table_refs(&screen);
    let expected: Vec<String> = rows_in(&rig, "refunded")
        .into_iter()
        .map(|r| r.reference)
        .collect();
    assert_eq!(refs, expected, "{screen}");
    assert!(!refs.is_empty());
}

#[test]
fn search_by_refund_reference_finds_it() {
    let mut rig = dashboard(Lang::En, false, SUPERVISOR);
    let row = rows_in(&rig, "refund_sent").remove(0);
    let rf = row
        .refund_ref
        .clone()
        .expect("a sent refund has a reference");
    rig.type_text("/").type_text(&rf.to_lowercase());
    rig.press(KeyCode::Enter);
    let screen = rig.screen(80, 24);
    assert_eq!(table_refs(&screen), vec![row.reference.clone()], "{screen}");
    assert!(screen.contains(&format!("1 matching · {}", row.amount)));
    assert!(!screen.contains(&row.phone), "phones are masked");
    // Esc in the box clears the search.
    rig.type_text("/").press(KeyCode::Esc);
    assert!(rig.screen(80, 24).contains("76 matching"));
}

#[test]
fn while_a_search_is_typed_the_count_waits_for_enter() {
    let mut rig = dashboard(Lang::En, false, SUPERVISOR);
    assert!(rig.screen(80, 24).contains("76 matching"));
    rig.type_text("/").type_text("zzz999");
    let typing = rig.screen(80, 24);
    assert!(typing.contains("Enter: search"), "{typing}");
    assert!(
        !typing.contains("matching"),
        "not the last search's count: {typing}"
    );
    rig.press(KeyCode::Enter);
    let done = rig.screen(80, 24);
    assert!(
        done.contains("0 matching") && !done.contains("Enter: search"),
        "{done}"
    );
    // Back in the box with the same query, the count still holds.
    rig.type_text("/");
    assert!(rig.screen(80, 24).contains("0 matching"));
}

#[test]
fn help_in_the_search_box_says_what_esc_does_there_once() {
    let mut rig = dashboard(Lang::En, false, SUPERVISOR);
    rig.type_text("/").press(KeyCode::F(1));
    let help = rig.screen(100, 30);
    let overlay: Vec<&str> = help.lines().filter(|l| l.contains('│')).collect();
    let esc: Vec<&&str> = overlay.iter().filter(|l| l.contains(" Esc ")).collect();
    assert_eq!(esc.len(), 1, "{help}");
    assert!(
        esc[0].contains("Clear search") && !help.contains("Back"),
        "{help}"
    );
    assert!(help.contains("Ctrl-C") && help.contains("F1"), "{help}");
}

#[test]
fn typing_in_search_never_fires_shortcuts() {
    let mut rig = dashboard(Lang::En, false, SUPERVISOR);
    rig.type_text("/").type_text("xiso?");
    assert_eq!(rig.top(), "dashboard.title");
    let screen = rig.screen(80, 24);
    assert!(screen.contains("xiso?"), "{screen}");
    assert!(screen.contains("State: All") && screen.contains("Overdue only: no"));
    rig.press(KeyCode::Enter);
    assert!(rig.screen(80, 24).contains("No deposit matches"));
}

#[test]
fn keyset_pages_go_forward_and_come_back() {
    let mut rig = dashboard(Lang::En, false, SUPERVISOR);
    let first = table_refs(&rig.screen(80, 24));
    assert_eq!(first.len(), 7, "a page is the table's height");
    rig.press(KeyCode::PageDown);
    let screen = rig.screen(80, 24);
    let second = table_refs(&screen);
    assert_eq!(second.len(), 7);
    assert!(first.iter().all(|r| !second.contains(r)), "{screen}");
    assert!(first.last() > second.first(), "newest first");
    assert!(screen.contains("rows 8–14"), "{screen}");
    rig.press(KeyCode::PageDown);
    let third = table_refs(&rig.screen(80, 24));
    assert!(third.iter().all(|r| !second.contains(r)));
    rig.press(KeyCode::PageUp).press(KeyCode::PageUp);
    let screen = rig.screen(80, 24);
    assert_eq!(table_refs(&screen), first);
    assert!(screen.contains("rows 1–7"));
    // ↓ past the last row turns the page too, ↑ comes back.
    for _ in 0..7 {
        rig.press(KeyCode::Down);
    }
    assert_eq!(table_refs(&rig.screen(80, 24)), second);
    rig.press(KeyCode::Up);
    assert_eq!(table_refs(&rig.screen(80, 24)), first);
}

#[test]
fn the_overdue_filter_shows_the_late_refunds_marked() {
    let mut rig = dashboard(Lang::En, false, SUPERVISOR);
    let today = rig.app.desk.clock.today().format("%Y-%m-%d").to_string();
    let late = rig
        .app
        .desk
        .dashboard_page(
            &Filter {
                overdue_on: Some(today),
                ..Filter::default()
            },
            None,
            100,
        )
        .expect("page");
    let (n, amount) = rig.app.desk.refund_totals().expect("totals").overdue;
    assert_eq!(late.len() as i64, n, "the overdue total is its rows");
    assert!(n > 0, "the demo has an overdue refund");
    rig.type_text("o");
    let screen = rig.screen(80, 24);
    assert!(screen.contains("Overdue only: yes"));
    assert!(
        screen.contains(&format!("{n} matching · {amount}")),
        "{screen}"
    );
    let refs: Vec<String> = late.iter().map(|r| r.reference.clone()).collect();
    assert_eq!(table_refs(&screen), refs);
    assert!(
        screen.contains(&format!("▶ ✗ {}", refs[0])),
        "marked: {screen}"
    );
    assert!(screen.contains("Overdue: due by 2026-11-16"), "{screen}");
    insta::assert_snapshot!("dashboard_overdue_80x24_en", screen);
    insta::assert_snapshot!("dashboard_overdue_120x40_en", rig.screen(120, 40));
}

#[test]
fn the_overdue_filter_in_chinese() {
    let mut rig = dashboard(Lang::ZhCn, false, CLERK);
    let (n, _) = rig.app.desk.refund_totals().expect("totals").overdue;
    assert!(n > 0, "the demo has an overdue refund");
    rig.type_text("o");
    let screen = rig.screen(80, 24);
    assert!(screen.contains("▶ ✗ "), "marked: {screen}");
    insta::assert_snapshot!("dashboard_overdue_80x24_zh", screen);
    insta::assert_snapshot!("dashboard_overdue_120x40_zh", rig.screen(120, 40));
}

#[test]
fn point_and_date_filters_match_the_desk() {
    let mut rig = dashboard(Lang::En, false, SUPERVISOR);
    // S001 works at BJ01; the demo's deposits are at its own three points.
    rig.type_text("p");
    let screen = rig.screen(80, 24);
    assert!(screen.contains("Point: BJ01"), "{screen}");
    assert!(screen.contains("0 matching") && screen.contains("No deposit matches"));
    rig.type_text("p");
    assert!(rig.screen(80, 24).contains("Point: All points"));
    rig.type_text("ttt");
    let today = rig.app.desk.clock.today();
    let filter = Filter {
        from: Some(day_bounds(today - chrono::Days::new(29)).0),
        to: Some(day_bounds(today).1),
        ..Filter::default()
    };
    let (n, amount) = rig
        .app
        .desk
        .dashboard_filtered_totals(&filter)
        .expect("totals");
    let screen = rig.screen(80, 24);
    assert!(screen.contains("Dates: Last 30 days"), "{screen}");
    assert!(
        screen.contains(&format!("{n} matching · {amount}")),
        "{screen}"
    );
    rig.type_text("c");
    assert!(rig.screen(80, 24).contains("Dates: All"));
}

#[test]
fn enter_opens_the_application() {
    let mut rig = dashboard(Lang::En, false, SUPERVISOR);
    let first = table_refs(&rig.screen(80, 24)).remove(0);
    rig.press(KeyCode::Enter);
    assert_eq!(rig.top(), "detail.title");
    assert!(rig.screen(80, 24).contains(&first));
    rig.press(KeyCode::Esc);
    assert_eq!(rig.top(), "dashboard.title");
    rig.press(KeyCode::Esc);
    assert_eq!(rig.top(), "home.title");
}

#[test]
fn snapshots_in_both_languages() {
    for (lang, tag) in langs() {
        let mut rig = dashboard(lang, false, SUPERVISOR);
        insta::assert_snapshot!(format!("dashboard_80x24_{tag}"), rig.screen(80, 24));
        insta::assert_snapshot!(format!("dashboard_120x40_{tag}"), rig.screen(120, 40));
    }
}

#[test]
fn monochrome_sends_no_colour() {
    let mut rig = dashboard(Lang::En, true, SUPERVISOR);
    assert!(has_no_colour(&rig.buffer(80, 24)));
    assert!(has_no_colour(&rig.buffer(120, 40)));
    rig.type_text("o");
    assert!(has_no_colour(&rig.buffer(80, 24)));
    rig.type_text("x");
    assert!(has_no_colour(&rig.buffer(80, 24)));
    rig.press(KeyCode::Esc).type_text("i");
    assert_eq!(rig.top(), "bank.import_title");
    rig.type_text("nowhere.csv").press(KeyCode::Enter);
    assert!(has_no_colour(&rig.buffer(80, 24)));
}

// ---- the bank screens ------------------------------------------------------

#[test]
fn a_supervisor_exports_the_batch_after_confirming_count_and_total() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("batch.csv");
    let mut rig = dashboard(Lang::En, false, SUPERVISOR);
    let preview = rig.app.desk.batch_preview().expect("preview");
    assert!(preview.count > 0, "the demo has confirmed refunds");
    rig.type_text("x");
    assert_eq!(rig.top(), "bank.export_title");
    let screen = rig.screen(80, 24);
    let waiting = format!("{}, total {}", preview.count, preview.total);
    assert!(screen.contains(&waiting), "{screen}");
    // The path field owns `?`: the footer offers help on F1 here.
    assert!(
        screen.contains("F1 Help") && !screen.contains("? Help"),
        "{screen}"
    );
    insta::assert_snapshot!("bank_export_80x24_en", screen);
    insta::assert_snapshot!("bank_export_120x40_en", rig.screen(120, 40));
    // The field owns letters: typing the path fires nothing.
    rig.ctrl('u').type_text(&out.display().to_string());
    rig.press(KeyCode::Enter);
    assert_eq!(rig.top(), "confirm.title");
    let question = rig.screen(80, 24);
    assert!(
        question.contains(&format!(
            "Send {} refunds, total {}",
            preview.count, preview.total
        )),
        "{question}"
    );
    assert!(!out.exists(), "nothing is written before the answer");
    rig.press(KeyCode::Enter);
    assert_eq!(rig.top(), "bank.export_title");
    assert!(out.exists());
    let screen = rig.screen(80, 24);
    assert!(screen.contains("Batch RB"), "{screen}");
    assert!(
        screen.contains("No confirmed refund is waiting"),
        "{screen}"
    );
    assert_eq!(rig.app.desk.batch_preview().expect("preview").count, 0);
    // The same file again is refused, and said so.
    rig.press(KeyCode::Enter);
    assert!(rig
        .screen(80, 24)
        .contains("No confirmed refund is waiting"));
    rig.press(KeyCode::Esc);
    assert_eq!(rig.top(), "dashboard.title");
    let sent = rows_in(&rig, "refund_sent").len();
    let screen = rig.screen(80, 24);
    assert!(
        regex::Regex::new(&format!(r"Sent +{sent} "))
            .unwrap()
            .is_match(&screen),
        "the dashboard shows the batch as sent: {screen}"
    );
}

#[test]
fn saying_no_exports_nothing() {
    // Answered no, so never written: a fixed name keeps the snapshot the same everywhere.
    let out = std::path::Path::new("refunds-never-written.csv");
    let mut rig = dashboard(Lang::ZhCn, false, SUPERVISOR);
    rig.type_text("x")
        .ctrl('u')
        .type_text(&out.display().to_string());
    rig.press(KeyCode::Enter);
    assert_eq!(rig.top(), "confirm.title");
    insta::assert_snapshot!("bank_export_confirm_80x24_zh", rig.screen(80, 24));
    rig.type_text("n");
    assert_eq!(rig.top(), "bank.export_title");
    assert!(!out.exists());
    assert!(rig.app.desk.batch_preview().expect("preview").count > 0);
}

#[test]
fn an_export_to_a_missing_folder_is_said_so_in_chinese_and_sends_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("no-such-folder").join("batch.csv");
    let mut rig = dashboard(Lang::ZhCn, false, SUPERVISOR);
    let before = rig.app.desk.batch_preview().expect("preview").count;
    rig.type_text("x")
        .ctrl('u')
        .type_text(&out.display().to_string());
    rig.press(KeyCode::Enter);
    assert_eq!(rig.top(), "confirm.title");
    rig.type_text("y");
    let screen = rig.screen(120, 40);
    assert!(
        screen.contains("无法写入批次文件") && screen.contains("文件或文件夹不存在"),
        "{screen}"
    );
    assert_eq!(rig.app.desk.batch_preview().expect("preview").count, before);
}

#[test]
fn a_clerk_is_refused_the_bank_screens() {
    let mut rig = dashboard(Lang::En, false, CLERK);
    for key in ["x", "i"] {
        rig.type_text(key);
        assert_eq!(rig.top(), "dashboard.title", "{key}");
        let screen = rig.screen(80, 24);
        assert!(screen.contains("Only a supervisor can"), "{key}: {screen}");
    }
    assert!(rig.app.desk.batch_preview().expect("preview").count > 0);
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}

#[test]
fn a_settlement_file_with_a_bad_line_lists_it_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (lang, tag) in langs() {
        let mut rig = dashboard(lang, false, SUPERVISOR);
        let sent = rows_in(&rig, "refund_sent");
        let (a, b) = (&sent[0], &sent[1]);
        let text = format!(
            "refund_ref,result,bank_ref,amount,reason\n\
             {},success,BK1,{},\n\
             RF99999999,success,BK2,50.00,\n\
             {},maybe,BK3,{},\n",
            a.refund_ref.as_deref().unwrap_or(""),
            a.amount.plain(),
            b.refund_ref.as_deref().unwrap_or(""),
            b.amount.plain(),
        );
        let path = write(&dir, &format!("bad-{tag}.csv"), &text);
        let before = format!("{:?}", rig.app.desk.refund_totals().expect("totals"));
        rig.type_text("i").type_text(&path).press(KeyCode::Enter);
        assert_eq!(rig.top(), "bank.import_title");
        let screen = rig.screen(80, 24);
        let after = format!("{:?}", rig.app.desk.refund_totals().expect("totals"));
        assert_eq!(before, after, "nothing applied");
        let (three, four) = if lang == Lang::En {
            ("Line 3: RF99999999", "Line 4:")
        } else {
            ("第 3 行：RF99999999", "第 4 行：")
        };
        assert!(screen.contains(three) && screen.contains(four), "{screen}");
        assert!(!screen.contains("Line 2") && !screen.contains("第 2 行"));
        let screen = screen.replace(&dir.path().display().to_string(), "<tmp>");
        insta::assert_snapshot!(format!("bank_import_bad_80x24_{tag}"), screen);
        let wide = rig
            .screen(120, 40)
            .replace(&dir.path().display().to_string(), "<tmp>");
        insta::assert_snapshot!(format!("bank_import_bad_120x40_{tag}"), wide);

        // The good line alone goes through; the same file again changes nothing.
        let good = text.lines().take(2).collect::<Vec<_>>().join("\n");
        let path = write(&dir, &format!("good-{tag}.csv"), &good);
        rig.ctrl('u').type_text(&path).press(KeyCode::Enter);
        if lang == Lang::En {
            let screen = rig.screen(80, 24);
            assert!(screen.contains("Imported 1 lines: 1 refunded"), "{screen}");
            rig.press(KeyCode::Enter);
            assert!(rig.screen(80, 24).contains("imported before"));
        }
        assert_eq!(rows_in(&rig, "refund_sent").len(), sent.len() - 1);
    }
}

#[test]
fn every_bad_line_is_listed_and_scrolls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut rig = dashboard(Lang::En, false, SUPERVISOR);
    let mut text = String::from("refund_ref,result,bank_ref,amount,reason\n");
    for i in 0..30 {
        text.push_str(&format!("RF9{i:07},success,BK{i},50.00,\n"));
    }
    let path = write(&dir, "many.csv", &text);
    rig.type_text("i").type_text(&path).press(KeyCode::Enter);
    let screen = rig.screen(80, 24);
    assert!(screen.contains("30 bad lines") && screen.contains("Line 2:"));
    assert!(
        !screen.contains("Line 31:"),
        "the list is longer than the screen"
    );
    assert!(screen.contains("of 32"), "{screen}");
    rig.press(KeyCode::PageDown).press(KeyCode::PageDown);
    let screen = rig.screen(80, 24);
    assert!(
        screen.contains("Line 31:") && !screen.contains("Line 2:"),
        "{screen}"
    );
    rig.press(KeyCode::PageUp).press(KeyCode::PageUp);
    assert!(rig.screen(80, 24).contains("Line 2:"));
}

#[test]
fn home_footer_and_help_offer_the_dashboard() {
    let mut rig = Rig::new(Lang::En, false);
    rig.login(SUPERVISOR);
    assert!(rig.screen(120, 40).contains("d Refunds"));
    rig.type_text("d");
    assert_eq!(rig.top(), "dashboard.title");
    rig.type_text("?");
    let help = rig.screen(80, 24);
    for label in [
        "Search",
        "State",
        "Overdue",
        "Export",
        "Import",
        "Pickup point",
    ] {
        assert!(help.contains(label), "{label}: {help}");
    }
}

/// posdesk's own audit reasons (why a deposit went back to held, fees taken)
/// are said in the screen's language; they are stored in English.
#[test]
fn the_timeline_says_posdesks_own_reasons_in_chinese() {
    let mut rig = dashboard(Lang::ZhCn, false, SUPERVISOR);
    let reference: String = rig
        .app
        .desk
        .conn()
        .query_row(
            "SELECT printf('AP%08d', d.application_id) FROM audit_log l
             JOIN deposit d ON d.id = l.entity_id
             WHERE l.entity = 'deposit' AND l.action = 'eligibility'
               AND l.reason LIKE 'A breach of the agreement is on record: %'
             ORDER BY l.id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("the demo holds a deposit back for a breach");
    rig.type_text("/").type_text(&reference);
    rig.press(KeyCode::Enter);
    let screen = rig.screen(200, 50);
    assert!(screen.contains(&format!("▶   {reference}")), "{screen}");
    assert!(screen.contains("(存在违约记录："), "{screen}");
    assert!(!screen.contains("A breach of the agreement"), "{screen}");

    let mut rig = dashboard(Lang::En, false, SUPERVISOR);
    rig.type_text("/").type_text(&reference);
    rig.press(KeyCode::Enter);
    let screen = rig.screen(200, 50);
    assert!(
        screen.contains("(A breach of the agreement is on record: "),
        "{screen}"
    );
}
