//! Quick find: every kind of query a clerk types finds exactly the right
//! applications among many similar people, and the search worker answers the
//! newest query and stops a stale one.

use posdesk::desk::search_worker::ReadWorker;
use posdesk::desk::{Desk, SearchWorker, Setup};
use posdesk::store::search::{find, find_page};
use posdesk::tui::i18n::Lang;
use posdesk::tui::testing::{sample_form, Rig, CLERK, NOW};
use ratatui::crossterm::event::KeyCode;
use rusqlite::Connection;
use std::path::PathBuf;
use std::time::Duration;

const ALL: i64 = 100_000;

struct Store {
    _dir: tempfile::TempDir,
    path: PathBuf,
    desk: Desk,
    /// Hand-made applicants by name → application id.
    made: Vec<(&'static str, i64)>,
}

/// A few hundred demo merchants (many 张, 王, 伟…) plus the names that are
/// hard to search for.
fn store() -> Store {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("posdesk.db");
    let setup = Setup::builtin().at(NOW.parse().expect("instant"));
    let mut desk = Desk::open(&path, setup).expect("store");
    desk.load_demo(300, 11).expect("demo");
    let clerk = desk.login(CLERK.0, CLERK.1).expect("clerk");
    let mut made = Vec::new();
    for (i, name) in ["张伟", "张伟伟", "欧阳娜", "阿卜杜·热合曼"]
        .into_iter()
        .enumerate()
    {
        let mut form = sample_form(900 + i as u32);
        form.full_name = name.into();
        form.card_holder = name.into();
        form.phone = format!("1770000{:04}", i);
        let id = desk.create_draft(&clerk, None, &form).expect("draft").id;
        made.push((name, id));
    }
    Store {
        _dir: dir,
        path,
        desk,
        made,
    }
}

impl Store {
    fn conn(&self) -> &Connection {
        self.desk.conn()
    }

    fn made(&self, name: &str) -> i64 {
        self.made.iter().find(|(n, _)| *n == name).expect("made").1
    }

    fn found(&self, q: &str) -> Vec<i64> {
        find(self.conn(), q, ALL)
            .expect("find")
            .into_iter()
            .map(|r| r.id)
            .collect()
    }

    /// The truth, by scanning: ids where `filter` holds, newest first.
    fn scan(&self, filter: &str, key: &str) -> Vec<i64> {
        let sql = format!("SELECT id FROM application WHERE {filter} ORDER BY id DESC");
        let mut stmt = self.conn().prepare(&sql).expect("scan");
        let ids = stmt
            .query_map([key], |r| r.get(0))
            .expect("scan")
            .collect::<Result<Vec<i64>, _>>()
            .expect("scan");
        ids
    }

    fn one(&self, sql: &str) -> (String, i64) {
        self.conn()
            .query_row(sql, [], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect(sql)
    }
}

#[test]
fn every_kind_of_number_finds_its_applications() {
    let s = store();
    let (phone, _) = s.one(
        "SELECT phone, count(*) FROM application WHERE phone IS NOT NULL
         GROUP BY phone ORDER BY count(*) DESC, phone LIMIT 1",
    );
    assert_eq!(s.found(&phone), s.scan("phone = ?1", &phone));
    assert!(!s.found(&phone).is_empty());
    // Grouped as a clerk types it.
    let grouped = format!("{} {} {}", &phone[..3], &phone[3..7], &phone[7..]);
    assert_eq!(s.found(&grouped), s.scan("phone = ?1", &phone));

    let (id_number, app) = s.one(
        "SELECT id_number, id FROM application WHERE id_number IS NOT NULL ORDER BY id LIMIT 1 OFFSET 17",
    );
    assert_eq!(s.found(&id_number), s.scan("id_number = ?1", &id_number));
    assert!(s.found(&id_number).contains(&app));
    let last6 = &id_number[12..];
    assert_eq!(s.found(last6), s.scan("id_number LIKE '%' || ?1", last6));
    let last4 = &id_number[14..];
    assert_eq!(s.found(last4), s.scan("id_number LIKE '%' || ?1", last4));
    assert!(s.found(last4).len() >= s.found(last6).len());

    assert_eq!(s.found(&format!("ap{app}")), vec![app]);
    assert_eq!(s.found(&format!("AP{app:08}")), vec![app]);
}

#[test]
fn serial_and_refund_reference_find_their_application() {
    let mut s = store();
    let (serial, app) = s.one(
        "SELECT d.serial, b.application_id FROM binding b JOIN device d ON d.id = b.device_id
         ORDER BY b.id LIMIT 1",
    );
    assert_eq!(s.found(&serial), vec![app]);
    assert_eq!(s.found(&serial.to_lowercase()), vec![app]);
    // A device put aside for an application, not yet bound.
    let (app, point, model): (i64, i64, String) = s
        .conn()
        .query_row(
            "SELECT id, pickup_point_id, model_code FROM application WHERE state = 'contracted'
             ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("a contracted application");
    let serial: String = s
        .conn()
        .query_row(
            "SELECT serial FROM device WHERE state = 'in_stock' AND pickup_point_id = ?1
             AND model_code = ?2 LIMIT 1",
            rusqlite::params![point, model],
            |r| r.get(0),
        )
        .expect("stock");
    let sup = s.desk.login("S001", "900001").expect("supervisor");
    s.desk.reserve_device(&sup, app, &serial).expect("reserve");
    assert_eq!(s.found(&serial), vec![app]);
    let (reference, app) = s.one(
        "SELECT r.ref, d.application_id FROM refund r JOIN deposit d ON d.id = r.deposit_id
         ORDER BY r.id LIMIT 1",
    );
    assert_eq!(s.found(&reference), vec![app]);
    // RF7 is read as RF00000007.
    let short = format!("rf{}", reference[2..].trim_start_matches('0'));
    assert_eq!(s.found(&short), vec![app]);
}

#[test]
fn a_surname_and_a_two_character_name_return_every_match() {
    let s = store();
    for q in ["王", "张", "伟", "张伟", "欧阳", "娜"] {
        let truth = s.scan("instr(full_name, ?1) > 0", q);
        assert!(!truth.is_empty(), "{q} is in the store");
        assert_eq!(s.found(q), truth, "{q}");
    }
    let zhang_wei = s.found("张伟");
    assert!(zhang_wei.contains(&s.made("张伟")));
    assert!(zhang_wei.contains(&s.made("张伟伟")));
    // Newest first.
    assert!(zhang_wei.windows(2).all(|w| w[0] > w[1]));
}

#[test]
fn names_are_found_by_any_part_of_them() {
    let s = store();
    let abdu = s.made("阿卜杜·热合曼");
    for q in [
        "阿卜杜·热合曼",
        "热合",
        "热合曼",
        "杜·热",
        "卜杜·热合",
        "阿卜",
    ] {
        assert!(s.found(q).contains(&abdu), "{q}");
        assert_eq!(s.found(q), s.scan("instr(full_name, ?1) > 0", q), "{q}");
    }
    assert_eq!(s.found("张伟伟"), vec![s.made("张伟伟")]);
    assert_eq!(s.found("伟伟"), vec![s.made("张伟伟")]);
    assert_eq!(s.found("欧阳娜"), vec![s.made("欧阳娜")]);
    assert_eq!(s.found("阳娜"), vec![s.made("欧阳娜")]);
    assert!(s.found("  张伟伟 ").contains(&s.made("张伟伟")));
}

#[test]
fn what_is_not_there_finds_nothing() {
    let s = store();
    assert!(s.scan("phone = ?1", "13900000009").is_empty());
    assert!(s.found("13900000009").is_empty());
    assert!(s.found("110105199001019999").is_empty());
    assert!(s.found("RF99999999").is_empty());
    assert!(s.found("AP99999999").is_empty());
    assert!(s.found("LDA89999999999").is_empty());
    assert!(s.found("张伟伟伟").is_empty());
    assert!(s.found("鑫").is_empty());
    assert!(s.found("\"").is_empty());
    assert!(s.found("  ").is_empty());
}

#[test]
fn results_are_capped_and_the_next_page_follows_on() {
    let s = store();
    let all = s.found("王");
    assert!(all.len() > 5, "enough 王 for pages");
    let mut paged = Vec::new();
    let mut before = None;
    loop {
        let page = find_page(s.conn(), "王", before, 4).expect("page");
        assert!(page.len() <= 4);
        if page.is_empty() {
            break;
        }
        before = page.last().map(|r| r.id);
        paged.extend(page.into_iter().map(|r| r.id));
    }
    assert_eq!(paged, all);
}

#[test]
fn a_renamed_draft_is_found_by_its_new_name_only() {
    let mut s = store();
    let id = s.made("张伟伟");
    let clerk = s.desk.login(CLERK.0, CLERK.1).expect("clerk");
    let mut form = s.desk.draft_form(id).expect("form");
    form.full_name = "李四海".into();
    form.card_holder = "李四海".into();
    s.desk.update_draft(&clerk, id, &form).expect("rename");
    assert_eq!(s.found("李四海"), vec![id]);
    assert!(s.found("四").contains(&id));
    assert!(!s.found("张伟").contains(&id));
    assert!(s.found("张伟伟").is_empty());
    assert!(!s.found("伟伟").contains(&id));
}

#[test]
fn the_migration_indexes_names_already_in_the_store() {
    let conn = Connection::open_in_memory().expect("memory");
    conn.execute_batch(include_str!("../src/store/migrations/001_foundation.sql"))
        .expect("001");
    conn.execute_batch(include_str!("../src/store/migrations/002_refunds.sql"))
        .expect("002");
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         INSERT INTO application (id, state, pickup_point_id, full_name, created_by, created_at, updated_at)
         VALUES (1, 'draft', 1, '阿卜杜·热合曼', 1, 'x', 'x'), (2, 'draft', 1, NULL, 1, 'x', 'x'),
                (3, 'draft', 1, '王芳', 1, 'x', 'x')",
    )
    .expect("old rows");
    conn.execute_batch(include_str!("../src/store/migrations/004_search.sql"))
        .expect("004");
    let ids = |q: &str| -> Vec<i64> { find(&conn, q, 10).unwrap().iter().map(|r| r.id).collect() };
    assert_eq!(ids("热合曼"), [1]);
    assert_eq!(ids("热"), [1]);
    assert_eq!(ids("王"), [3]);
    assert_eq!(ids("王芳"), [3]);
}

#[test]
fn the_worker_answers_the_newest_of_quick_queries() {
    let s = store();
    let worker = SearchWorker::open(&s.path, 100).expect("worker");
    let typed = ["张", "张伟", "张伟伟", "欧", "欧阳", "欧阳娜"];
    let tickets: Vec<u64> = typed.iter().map(|q| worker.send(q.to_string())).collect();
    let last = *tickets.last().expect("sent");
    let answer = worker
        .wait_for(last, Duration::from_secs(10))
        .expect("an answer to the last query");
    assert_eq!(answer.query, "欧阳娜");
    let ids: Vec<i64> = answer.result.expect("rows").iter().map(|r| r.id).collect();
    assert_eq!(ids, vec![s.made("欧阳娜")]);
    std::thread::sleep(Duration::from_millis(50));
    assert!(!worker.is_busy());
    assert!(worker.try_recv().is_none(), "nothing after the newest");
}

#[test]
fn a_stale_query_is_interrupted() {
    let s = store();
    let conn = posdesk::store::open_read_only(&s.path).expect("read connection");
    // "slow" counts to ten billion unless stopped; anything else is quick.
    let worker = ReadWorker::spawn(conn, |conn: &Connection, q: &String| {
        let sql = if q == "slow" {
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000000000)
             SELECT count(*) FROM c"
        } else {
            "SELECT count(*) FROM application"
        };
        Ok(conn.query_row(sql, [], |r| r.get::<_, i64>(0))?)
    })
    .expect("worker");
    let slow = worker.send("slow".to_string());
    let start = std::time::Instant::now();
    while worker.running() != Some(slow) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "slow query started"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    std::thread::sleep(Duration::from_millis(20));
    let quick = worker.send("count".to_string());
    let answer = worker
        .recv_timeout(Duration::from_secs(10))
        .expect("the quick query is answered, not stuck behind the slow one");
    assert_eq!(answer.ticket, quick, "no answer for the stale query");
    assert!(answer.result.expect("count") > 300);
    assert_eq!(worker.interrupted(), 1);
}

#[test]
fn typing_in_the_find_box_shows_results_from_the_worker() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rig = Rig::on_file(&dir.path().join("posdesk.db"), Lang::En, true);
    let abdu = rig.application_in(posdesk::domain::lifecycle::ApplicationState::Submitted, 1);
    rig.application_in(posdesk::domain::lifecycle::ApplicationState::Draft, 2);
    rig.login(CLERK);
    rig.press(KeyCode::Char('/'));
    rig.type_text("热合曼");
    // The typed text is on screen at once, before any answer.
    assert!(rig.screen(80, 24).contains("热合曼"));
    rig.wait_for_search();
    let screen = rig.screen(80, 24);
    assert!(screen.contains(&format!("AP{abdu:08}")), "{screen}");
    assert!(screen.contains("阿卜杜·热合曼"), "{screen}");
    assert!(!screen.contains("欧阳浩然"), "{screen}");
    // Enter opens what was found.
    rig.press(KeyCode::Enter);
    assert_eq!(rig.top(), "detail.title");
    assert!(rig.screen(80, 24).contains("阿卜杜·热合曼"));
}

#[test]
fn enter_right_after_typing_opens_what_was_typed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rig = Rig::on_file(&dir.path().join("posdesk.db"), Lang::En, true);
    let first = rig.application_in(posdesk::domain::lifecycle::ApplicationState::Submitted, 1);
    let second = rig.application_in(posdesk::domain::lifecycle::ApplicationState::Submitted, 2);
    rig.login(CLERK);
    rig.press(KeyCode::Char('/'));
    rig.type_text(&format!("AP{first:08}"));
    rig.wait_for_search();
    rig.press(KeyCode::Esc).press(KeyCode::Char('/'));
    // A scanner: the reference and Enter at once, no answer waited for.
    rig.type_text(&format!("AP{second:08}"))
        .press(KeyCode::Enter);
    assert_eq!(rig.top(), "detail.title");
    assert!(rig.screen(80, 24).contains(&format!("AP{second:08}")));
    assert!(rig.screen(80, 24).contains("欧阳浩然"));
}

#[test]
fn a_bulk_load_can_pause_the_name_index_and_catch_up() {
    let conn = Connection::open_in_memory().expect("memory");
    for sql in [
        include_str!("../src/store/migrations/001_foundation.sql"),
        include_str!("../src/store/migrations/002_refunds.sql"),
        include_str!("../src/store/migrations/004_search.sql"),
        "PRAGMA foreign_keys = OFF;",
    ] {
        conn.execute_batch(sql).expect("schema");
    }
    let insert = |id: i64, name: &str| {
        conn.execute(
            "INSERT INTO application (id, state, pickup_point_id, full_name, created_by, created_at, updated_at)
             VALUES (?1, 'draft', 1, ?2, 1, 'x', 'x')",
            rusqlite::params![id, name],
        )
        .expect("insert");
    };
    let ids = |q: &str| -> Vec<i64> { find(&conn, q, 10).unwrap().iter().map(|r| r.id).collect() };
    insert(1, "张伟");
    let paused = posdesk::store::search_index::pause(&conn).expect("pause");
    insert(2, "张伟伟");
    insert(3, "阿卜杜·热合曼");
    assert_eq!(ids("张伟"), [1], "not indexed while paused");
    posdesk::store::search_index::resume(&conn, paused).expect("resume");
    assert_eq!(ids("张伟"), [2, 1]);
    assert_eq!(ids("热合曼"), [3]);
    insert(4, "王伟");
    assert_eq!(ids("伟"), [4, 2, 1], "triggers are back");
}
