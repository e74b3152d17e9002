//! The verification checklist: every item with who did it and when, the phone
//! confirmed by a one-time code through the SMS outbox, and verify once every
//! item has passed (so the face check never stands alone).

mod render;

use crate::desk::{Applicant, ApplicationView, DeskError, PhoneCodeStatus, CODE_MINUTES};
use crate::domain::checklist::ChecklistItem;
use crate::domain::resident_id::{Capacity, Sex};
use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::screen::{Action, Cx, Notice, Screen};
use crate::tui::theme::Meaning;
use crate::tui::widgets::text_field::{Grouping, TextField};
use crate::tui::widgets::wrap::marked;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use render::{inset, label};

/// A desk error in the clerk's words; faults go to the log, not the screen.
pub fn refusal(e: DeskError, cx: &Cx) -> String {
    match e {
        DeskError::Refused(p) => cx.t.problem(&p),
        DeskError::Internal(err) => {
            tracing::error!("desk failed: {err:#}");
            cx.tr("app.internal_error").to_string()
        }
    }
}

/// "38 years · male · born 1985-03-14", from the ID number.
pub fn applicant_text(a: &Applicant, cx: &Cx) -> String {
    let sex = match a.sex {
        Sex::Male => cx.tr("verify.male"),
        Sex::Female => cx.tr("verify.female"),
    };
    cx.t.f(
        "verify.applicant",
        &[
            ("age", &a.age.to_string()),
            ("sex", sex),
            ("birth", &a.birth_date.to_string()),
        ],
    )
}

/// What the text field is for while it is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    PassNote,
    FailNote,
    Code,
}

pub struct Checklist {
    id: i64,
    view: ApplicationView,
    applicant: Option<Applicant>,
    code: Option<PhoneCodeStatus>,
    selected: usize,
    input: Option<Input>,
    field: TextField,
    message: Option<(Meaning, String)>,
}

pub(crate) const KEYS: &[Binding] = &[
    Binding::new(Key::plain(KeyCode::Enter), "verify.pass", "verify.key_pass"),
    Binding::new(Key::ch('f'), "verify.fail", "verify.key_fail"),
    Binding::new(Key::ch('s'), "verify.send_code", "verify.key_send_code"),
    Binding::new(Key::ch('v'), "verify.verify", "verify.key_verify"),
    Binding::new(Key::plain(KeyCode::Esc), "verify.back", "key.back"),
    Binding::extra(Key::plain(KeyCode::Up), "verify.up", "key.up"),
    Binding::extra(Key::plain(KeyCode::Down), "verify.down", "key.down"),
];

pub(crate) const NOTE_KEYS: &[Binding] = &[
    Binding::new(
        Key::plain(KeyCode::Enter),
        "verify.record",
        "verify.key_record",
    ),
    Binding::new(
        Key::plain(KeyCode::Esc),
        "verify.cancel",
        "verify.key_cancel",
    ),
];

pub(crate) const CODE_KEYS: &[Binding] = &[
    Binding::new(
        Key::plain(KeyCode::Enter),
        "verify.record",
        "verify.key_confirm_code",
    ),
    Binding::new(Key::f(5), "verify.send_code", "verify.key_send_code"),
    Binding::new(
        Key::plain(KeyCode::Esc),
        "verify.cancel",
        "verify.key_cancel",
    ),
];

const PHONE: usize = 4;

impl Checklist {
    pub fn new(id: i64, cx: &mut Cx) -> Result<Checklist, String> {
        let view = cx.desk.application(id).map_err(|e| refusal(e, cx))?;
        let mut c = Checklist {
            id,
            view,
            applicant: None,
            code: None,
            selected: 0,
            input: None,
            field: TextField::new(Grouping::None, 200),
            message: None,
        };
        c.reload(cx);
        c.selected = c.first_open().unwrap_or(0);
        Ok(c)
    }

    pub fn open(id: i64, cx: &mut Cx) -> Option<Box<dyn Screen>> {
        Checklist::new(id, cx)
            .ok()
            .map(|c| Box::new(c) as Box<dyn Screen>)
    }

    fn reload(&mut self, cx: &mut Cx) {
        if let Ok(v) = cx.desk.application(self.id) {
            self.view = v;
        }
        self.applicant = cx.desk.applicant_age(self.id).ok().flatten();
        self.code = cx.desk.phone_code_status(self.id).ok().flatten();
    }

    fn outcome(&self, item: ChecklistItem) -> Option<&crate::store::checklist::ChecklistRow> {
        self.view.checklist.iter().find(|r| r.item == item.as_str())
    }

    fn passed(&self, item: ChecklistItem) -> bool {
        self.outcome(item).is_some_and(|r| r.outcome == "passed")
    }

    fn missing(&self) -> Vec<ChecklistItem> {
        ChecklistItem::ALL
            .into_iter()
            .filter(|i| !self.passed(*i))
            .collect()
    }

    fn first_open(&self) -> Option<usize> {
        ChecklistItem::ALL.iter().position(|i| !self.passed(*i))
    }

    fn item(&self) -> ChecklistItem {
        ChecklistItem::ALL[self.selected.min(ChecklistItem::ALL.len() - 1)]
    }

    fn is_supervisor(cx: &Cx) -> bool {
        cx.actor.is_some_and(|a| a.is_supervisor())
    }

    fn code_live(&self) -> bool {
        self.code
            .as_ref()
            .is_some_and(|c| !c.used && !c.expired && c.tries_left > 0)
    }

    fn start_input(&mut self, input: Input) {
        self.input = Some(input);
        self.field.clear();
    }

    /// Enter on an item: pass it, or open what passing it needs first.
    fn pass(&mut self, cx: &mut Cx) -> Action {
        match self.item() {
            ChecklistItem::PhoneCode if self.code_live() => self.start_input(Input::Code),
            ChecklistItem::PhoneCode => return self.send_code(cx),
            ChecklistItem::IdPhotos => self.start_input(Input::PassNote),
            ChecklistItem::Capacity => {
                match self.applicant.as_ref().map(|a| a.capacity) {
                    Some(Capacity::NeedsSupervisor) if Self::is_supervisor(cx) => {
                        self.start_input(Input::PassNote)
                    }
                    Some(Capacity::NeedsSupervisor) => {
                        self.message = Some((
                            Meaning::Error,
                            cx.tr("problem.role.supervisor_only").to_string(),
                        ))
                    }
                    // Adults pass; under 16 the desk refuses and says why.
                    _ => self.record(cx, true, None),
                }
            }
            _ => self.record(cx, true, None),
        }
        Action::None
    }

    fn record(&mut self, cx: &mut Cx, passed: bool, note: Option<&str>) {
        let Some(actor) = cx.actor.cloned() else {
            return;
        };
        let item = self.item();
        match cx.desk.record_check(&actor, self.id, item, passed, note) {
            Ok(()) => {
                self.reload(cx);
                self.input = None;
                self.field.clear();
                let (m, key) = if passed {
                    (Meaning::Success, "verify.recorded_pass")
                } else {
                    (Meaning::Warning, "verify.recorded_fail")
                };
                self.message = Some((m, cx.t.f(key, &[("item", &label(item, cx))])));
                if passed {
                    self.selected = self.first_open().unwrap_or(self.selected);
                }
            }
            Err(e) => self.message = Some((Meaning::Error, refusal(e, cx))),
        }
    }

    fn send_code(&mut self, cx: &mut Cx) -> Action {
        let Some(actor) = cx.actor.cloned() else {
            return Action::None;
        };
        self.selected = PHONE;
        match cx.desk.send_phone_code(&actor, self.id) {
            Ok(()) => {
                self.reload(cx);
                self.start_input(Input::Code);
                self.message = Some((
                    Meaning::Success,
                    cx.t.f(
                        "verify.code_sent",
                        &[
                            ("phone", &self.view.form.phone),
                            ("minutes", &CODE_MINUTES.to_string()),
                        ],
                    ),
                ));
            }
            Err(e) => self.message = Some((Meaning::Error, refusal(e, cx))),
        }
        Action::None
    }

    fn confirm_code(&mut self, cx: &mut Cx) {
        let Some(actor) = cx.actor.cloned() else {
            return;
        };
        let typed = self.field.value();
        let result = cx.desk.confirm_phone_code(&actor, self.id, &typed);
        self.reload(cx);
        self.field.clear();
        match result {
            Ok(()) => {
                self.input = None;
                self.message = Some((
                    Meaning::Success,
                    cx.tr("verify.phone_confirmed").to_string(),
                ));
                self.selected = self.first_open().unwrap_or(self.selected);
            }
            Err(e) => self.message = Some((Meaning::Error, refusal(e, cx))),
        }
    }

    fn verify(&mut self, cx: &mut Cx) -> Action {
        let Some(actor) = cx.actor.cloned() else {
            return Action::None;
        };
        match cx.desk.verify(&actor, self.id) {
            Ok(_) => Action::PopWith(Notice::Info(
                cx.t.f("verify.verified", &[("reference", &self.view.reference)]),
            )),
            Err(DeskError::Refused(p)) if p.code == "checklist.incomplete" => {
                // What is missing is listed under the items, in this language.
                self.message = Some((Meaning::Error, cx.tr("verify.incomplete").to_string()));
                self.selected = self.first_open().unwrap_or(self.selected);
                Action::None
            }
            Err(e) => {
                self.message = Some((Meaning::Error, refusal(e, cx)));
                Action::None
            }
        }
    }

    fn submit_input(&mut self, cx: &mut Cx) {
        let text = self.field.value();
        match self.input {
            Some(Input::Code) => self.confirm_code(cx),
            Some(Input::PassNote) => self.record(cx, true, Some(&text)),
            Some(Input::FailNote) => self.record(cx, false, Some(&text)),
            None => {}
        }
    }
}

impl Screen for Checklist {
    fn title(&self) -> &'static str {
        "verify.title"
    }

    fn bindings(&self) -> Vec<Binding> {
        match self.input {
            None => KEYS,
            Some(Input::Code) => CODE_KEYS,
            Some(_) => NOTE_KEYS,
        }
        .to_vec()
    }

    fn text_focused(&self) -> bool {
        self.input.is_some()
    }

    fn on_resume(&mut self, cx: &mut Cx) {
        self.reload(cx);
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        let table = cx.keys.resolve(&self.bindings());
        let command = lookup(&table, &key);
        if command.is_some() {
            self.message = None;
        }
        match command {
            Some("verify.back") => return Action::Pop,
            Some("verify.up") => self.selected = self.selected.saturating_sub(1),
            Some("verify.down") => {
                self.selected = (self.selected + 1).min(ChecklistItem::ALL.len() - 1)
            }
            Some("verify.pass") => return self.pass(cx),
            Some("verify.fail") => self.start_input(Input::FailNote),
            Some("verify.send_code") => return self.send_code(cx),
            Some("verify.verify") => return self.verify(cx),
            Some("verify.record") => self.submit_input(cx),
            Some("verify.cancel") => {
                self.input = None;
                self.field.clear();
            }
            _ if self.input.is_some() => {
                self.field.on_key(&key);
            }
            _ => {}
        }
        Action::None
    }

    fn on_paste(&mut self, text: &str, _cx: &mut Cx) -> Action {
        if self.input.is_some() {
            self.field.insert(text.trim());
        }
        Action::None
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let [head, list, detail, todo] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Length(ChecklistItem::ALL.len() as u16 + 1),
            Constraint::Length(6),
            Constraint::Min(1),
        ])
        .areas(area);
        self.render_head(frame, head, cx);
        self.render_items(frame, list, cx);
        self.render_detail(frame, detail, cx);
        let missing = self.missing();
        let (m, text) = if missing.is_empty() {
            (Meaning::Success, cx.tr("verify.all_passed").to_string())
        } else {
            let names: Vec<String> = missing.iter().map(|i| label(*i, cx)).collect();
            (
                Meaning::Warning,
                cx.t.f(
                    "verify.still_to_do",
                    &[("items", &names.join(cx.tr("verify.list_sep")))],
                ),
            )
        };
        let todo = inset(todo);
        frame.render_widget(Paragraph::new(marked(cx.theme, m, &text, todo.width)), todo);
    }
}
