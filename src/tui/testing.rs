//! A test rig for screens: a real desk on an in-memory store at a fixed time,
//! keys in, the screen out as text (TestBackend). Used by tests/tui_*.rs.

use super::app::App;
use super::i18n::{I18n, Lang};
use super::theme::Theme;
use crate::config::Config;
use crate::desk::{Actor, Desk, NewPoint, NewStaffMember, Setup};
use crate::domain::application_form::ApplicationForm;
use crate::domain::bank_card::luhn_check_digit;
use crate::domain::checklist::{ChecklistItem, Role};
use crate::domain::lifecycle::ApplicationState as S;
use crate::domain::resident_id::check_character;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

/// 2026-11-25 10:00 at the counter (UTC+8).
pub const NOW: &str = "2026-11-25T02:00:00Z";
pub const SUPERVISOR: (&str, &str) = ("S001", "900001");
pub const CLERK: (&str, &str) = ("C001", "100001");

pub struct Rig {
    pub app: App,
    pub sup: Actor,
    pub clerk: Actor,
}

pub fn desk() -> Desk {
    Desk::in_memory(Setup::builtin().at(NOW.parse().expect("NOW is a valid instant")))
        .expect("in-memory store")
}

impl Rig {
    /// A counter with one pickup point (BJ01), a supervisor, a clerk and stock.
    pub fn new(lang: Lang, mono: bool) -> Rig {
        Rig::set_up(desk(), lang, mono)
    }

    /// The same counter on a store file, with the search worker the real TUI runs.
    pub fn on_file(path: &std::path::Path, lang: Lang, mono: bool) -> Rig {
        let setup = Setup::builtin().at(NOW.parse().expect("NOW is a valid instant"));
        let desk = Desk::open(path, setup).expect("store file");
        let mut rig = Rig::set_up(desk, lang, mono);
        rig.app.search = Some(crate::desk::SearchWorker::open(path, 100).expect("search worker"));
        rig
    }

    /// Wait until the search worker has answered and the screen has its answer.
    pub fn wait_for_search(&mut self) -> &mut Rig {
        let start = std::time::Instant::now();
        loop {
            self.app.deliver_search();
            if !self.app.search_pending() || start.elapsed() > std::time::Duration::from_secs(10) {
                return self;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }

    fn set_up(mut desk: Desk, lang: Lang, mono: bool) -> Rig {
        let sup = desk
            .bootstrap(
                NewPoint {
                    code: "BJ01",
                    name: "朝阳门便利店",
                    address: "北京市朝阳区朝阳门外大街18号",
                },
                NewStaffMember {
                    staff_no: SUPERVISOR.0,
                    name: "王主管",
                    role: Role::Supervisor,
                    pin: SUPERVISOR.1,
                    point_code: Some("BJ01"),
                },
            )
            .expect("bootstrap");
        desk.add_staff(
            &sup,
            NewStaffMember {
                staff_no: CLERK.0,
                name: "李柜员",
                role: Role::Clerk,
                pin: CLERK.1,
                point_code: Some("BJ01"),
            },
        )
        .expect("clerk");
        for i in 0..4 {
            desk.add_device(&sup, &format!("LDA8{:010}", 1000 + i), "LD-A8", None)
                .expect("stock");
        }
        desk.add_device(&sup, "N31ABCDEF012345", "NL-ME31", None)
            .expect("stock");
        let clerk = desk.login(CLERK.0, CLERK.1).expect("clerk login");
        Rig::with_desk(desk, lang, mono, sup, clerk)
    }

    /// An empty store (the welcome screen).
    pub fn empty(lang: Lang, mono: bool) -> App {
        let theme = if mono { Theme::mono() } else { Theme::color() };
        App::new(desk(), Config::default(), I18n::new(lang), theme).expect("app")
    }

    fn with_desk(desk: Desk, lang: Lang, mono: bool, sup: Actor, clerk: Actor) -> Rig {
        let theme = if mono { Theme::mono() } else { Theme::color() };
        let app = App::new(desk, Config::default(), I18n::new(lang), theme).expect("app");
        Rig { app, sup, clerk }
    }

    /// Log in through the login screen's keys.
    pub fn login(&mut self, who: (&str, &str)) -> &mut Rig {
        self.type_text(who.0);
        self.press(KeyCode::Tab);
        self.type_text(who.1);
        self.press(KeyCode::Enter);
        self
    }

    pub fn press(&mut self, code: KeyCode) -> &mut Rig {
        self.app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
        self
    }

    pub fn ctrl(&mut self, c: char) -> &mut Rig {
        self.app
            .handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
        self
    }

    /// Type text key by key, as a person would.
    pub fn type_text(&mut self, text: &str) -> &mut Rig {
        for c in text.chars() {
            self.app
                .handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        self
    }

    pub fn paste(&mut self, text: &str) -> &mut Rig {
        self.app.handle_paste(text);
        self
    }

    /// The title key of the screen on top.
    pub fn top(&self) -> &'static str {
        self.app.top_title()
    }

    pub fn buffer(&mut self, w: u16, h: u16) -> Buffer {
        render(&mut self.app, w, h)
    }

    /// The screen as text, one line per row, trailing blanks trimmed.
    pub fn screen(&mut self, w: u16, h: u16) -> String {
        text(&self.buffer(w, h))
    }

    /// An application in `state` at BJ01, taken there through the desk.
    pub fn application_in(&mut self, state: S, seq: u32) -> i64 {
        let (sup, clerk) = (self.sup.clone(), self.clerk.clone());
        let form = sample_form(seq);
        let desk = &mut self.app.desk;
        let id = desk.create_draft(&clerk, None, &form).expect("draft").id;
        if state == S::Draft {
            return id;
        }
        let steps: &[S] = &[
            S::Submitted,
            S::Approved,
            S::Verified,
            S::Contracted,
            S::ReadyForPickup,
            S::PickedUp,
            S::Activated,
        ];
        for &step in steps {
            match step {
                S::Submitted => {
                    desk.submit(&clerk, id).expect("submit");
                }
                S::Approved => {
                    desk.approve(&sup, id, None).expect("approve");
                }
                S::Verified => {
                    desk.send_phone_code(&clerk, id).expect("code");
                    let body = desk
                        .messages_for(id)
                        .expect("outbox")
                        .pop()
                        .expect("code sms")
                        .body;
                    let code: String = body.chars().filter(char::is_ascii_digit).take(6).collect();
                    desk.confirm_phone_code(&clerk, id, &code).expect("confirm");
                    for item in ChecklistItem::ALL {
                        let note = (item == ChecklistItem::IdPhotos).then_some("IMG-1 front/back");
                        if item != ChecklistItem::PhoneCode {
                            desk.record_check(&clerk, id, item, true, note)
                                .expect("check");
                        }
                    }
                    desk.verify(&clerk, id).expect("verify");
                }
                S::Contracted => {
                    desk.sign_contract(&clerk, id, &form.full_name)
                        .expect("sign");
                }
                S::ReadyForPickup => {
                    let point = clerk.point_id.expect("point");
                    let serial = desk.stock(point, Some("LD-A8"), 1).expect("stock")[0]
                        .serial
                        .clone();
                    desk.bind_device(&clerk, id, &serial).expect("bind");
                }
                S::PickedUp => {
                    desk.hand_over(&clerk, id, &form.id_number, "cash")
                        .expect("hand over");
                }
                S::Activated => {
                    desk.activate(&clerk, id, "ACT-0001").expect("activate");
                }
                _ => {}
            }
            if step == state {
                break;
            }
        }
        id
    }
}

/// A complete, valid application form; `seq` varies the person.
pub fn sample_form(seq: u32) -> ApplicationForm {
    let first17 = format!("11010519850314{:03}", seq % 1000);
    let id = format!("{first17}{}", check_character(&first17).unwrap_or('0'));
    let payload = format!("622202{:012}", 4_000_000 + u64::from(seq));
    let card = format!("{payload}{}", luhn_check_digit(&payload).unwrap_or('0'));
    ApplicationForm {
        full_name: ["张伟", "阿卜杜·热合曼", "欧阳浩然", "李娜"][seq as usize % 4].into(),
        id_number: id,
        id_valid_until: "2035-06-30".into(),
        phone: format!("1381234{:04}", seq % 10_000),
        business_name: "朝阳便利店".into(),
        business_address: "北京市朝阳区建设路12号".into(),
        card_number: card,
        card_bank: String::new(),
        card_branch: "朝阳支行".into(),
        card_holder: ["张伟", "阿卜杜·热合曼", "欧阳浩然", "李娜"][seq as usize % 4].into(),
        card_kind: "debit".into(),
        card_luhn_confirmed: false,
        model_code: "LD-A8".into(),
        terms_agreed: true,
    }
}

pub fn render(app: &mut App, w: u16, h: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    terminal.draw(|f| app.draw(f)).expect("draw");
    terminal.backend().buffer().clone()
}

/// A buffer as plain text; wide characters occupy their cell and a skipped one.
pub fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buf[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
            line.push_str(symbol);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// No cell carries a colour: what the monochrome theme promises.
pub fn has_no_colour(buf: &Buffer) -> bool {
    use ratatui::style::Color;
    buf.content
        .iter()
        .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
}
