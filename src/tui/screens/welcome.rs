//! A fresh, empty store: load the demo, or set up this counter's first
//! pickup point and supervisor.

use super::login::Login;
use crate::desk::{NewPoint, NewStaffMember};
use crate::domain::checklist::Role;
use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::screen::{Action, Cx, Notice, Screen};
use crate::tui::theme::Meaning;
use crate::tui::widgets::chrome::centered;
use crate::tui::widgets::field_list::{Field, FieldList};
use crate::tui::widgets::text_field::{Grouping, TextField};
use crate::tui::widgets::wrap::Wrapped;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub const DEMO_MERCHANTS: usize = 200;

pub struct Welcome {
    selected: usize,
}

pub(crate) const KEYS: &[Binding] = &[
    Binding::new(Key::plain(KeyCode::Enter), "welcome.choose", "key.choose"),
    Binding::new(Key::ch('d'), "welcome.demo", "welcome.demo_key"),
    Binding::new(Key::ch('s'), "welcome.setup", "welcome.setup_key"),
    Binding::extra(Key::plain(KeyCode::Up), "welcome.up", "key.up"),
    Binding::extra(Key::plain(KeyCode::Down), "welcome.down", "key.down"),
];

impl Welcome {
    pub fn new() -> Welcome {
        Welcome { selected: 0 }
    }

    fn demo(&mut self, cx: &mut Cx) -> Action {
        match cx.desk.load_demo(DEMO_MERCHANTS, 42) {
            Ok(report) => {
                tracing::info!(merchants = report.merchants, "demo data loaded");
                let mut login = Login::new();
                let logins: Vec<String> = report
                    .logins
                    .iter()
                    .map(|(no, role, pin)| {
                        format!("{no}/{pin} ({})", cx.tr(&format!("role.{role}")))
                    })
                    .collect();
                login.hint = Some(cx.t.f("welcome.demo_logins", &[("logins", &logins.join("  "))]));
                Action::Replace(Box::new(login))
            }
            Err(e) => Action::Notice(Notice::Error(e.to_string())),
        }
    }
}

impl Default for Welcome {
    fn default() -> Self {
        Welcome::new()
    }
}

impl Screen for Welcome {
    fn title(&self) -> &'static str {
        "welcome.title"
    }
    fn bindings(&self) -> Vec<Binding> {
        KEYS.to_vec()
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        match lookup(&cx.keys.resolve(KEYS), &key) {
            Some("welcome.up") | Some("welcome.down") => {
                self.selected = 1 - self.selected;
                Action::None
            }
            Some("welcome.demo") => self.demo(cx),
            Some("welcome.setup") => Action::Push(Box::new(Setup::new())),
            Some("welcome.choose") if self.selected == 0 => self.demo(cx),
            Some("welcome.choose") => Action::Push(Box::new(Setup::new())),
            _ => Action::None,
        }
    }
    fn render(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let r = centered(area, 70, 14);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(cx.theme.style(Meaning::Border))
            .title(format!(" {} ", cx.tr("welcome.title")));
        let mut lines = vec![
            Line::from(cx.tr("welcome.intro").to_string()),
            Line::default(),
        ];
        for (i, key) in ["welcome.demo", "welcome.setup"].iter().enumerate() {
            let sel = i == self.selected;
            let style = if sel {
                cx.theme.style(Meaning::Selected)
            } else {
                cx.theme.style(Meaning::Normal)
            };
            let marker = if sel {
                cx.theme.marker(Meaning::Focus)
            } else {
                "  "
            };
            lines.push(Line::from(Span::styled(
                format!("{marker}{}", cx.tr(key)),
                style,
            )));
        }
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            cx.tr("welcome.note").to_string(),
            cx.theme.style(Meaning::Muted),
        )));
        frame.render_widget(Wrapped::new(lines).block(block), r);
    }
}

/// The first pickup point and its supervisor.
pub struct Setup {
    form: FieldList,
    error: Option<String>,
}

pub(crate) const SETUP_KEYS: &[Binding] = &[
    Binding::new(Key::ctrl('s'), "setup.save", "key.save"),
    Binding::new(Key::plain(KeyCode::Tab), "setup.next", "key.next_field"),
    Binding::new(Key::plain(KeyCode::Esc), "setup.back", "key.back"),
];

impl Setup {
    pub fn new() -> Setup {
        let plain = |n| TextField::new(Grouping::None, n);
        Setup {
            form: FieldList::new(vec![
                Field::new("setup.point_code", plain(16)),
                Field::new("setup.point_name", plain(60)),
                Field::new("setup.point_address", plain(120)),
                Field::new("setup.staff_no", plain(16)),
                Field::new("setup.name", plain(40)),
                Field::new("setup.pin", TextField::secret(12)),
                Field::new("setup.pin_again", TextField::secret(12)),
            ]),
            error: None,
        }
    }

    fn save(&mut self, cx: &mut Cx) -> Action {
        let v = |i| self.form.value(i);
        if v(5) != v(6) {
            self.error = Some(cx.tr("setup.pins_differ").to_string());
            return Action::None;
        }
        let (code, name, address, no, person, pin) = (v(0), v(1), v(2), v(3), v(4), v(5));
        let result = cx.desk.bootstrap(
            NewPoint {
                code: &code,
                name: &name,
                address: &address,
            },
            NewStaffMember {
                staff_no: &no,
                name: &person,
                role: Role::Supervisor,
                pin: &pin,
                point_code: Some(&code),
            },
        );
        match result {
            Ok(actor) => Action::LoggedIn(actor),
            Err(crate::desk::DeskError::Refused(p)) => {
                self.error = Some(cx.t.problem(&p));
                Action::None
            }
            Err(e) => {
                self.error = Some(e.to_string());
                Action::None
            }
        }
    }
}

impl Default for Setup {
    fn default() -> Self {
        Setup::new()
    }
}

impl Screen for Setup {
    fn title(&self) -> &'static str {
        "setup.title"
    }
    fn bindings(&self) -> Vec<Binding> {
        SETUP_KEYS.to_vec()
    }
    fn text_focused(&self) -> bool {
        true
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        match lookup(&cx.keys.resolve(SETUP_KEYS), &key) {
            Some("setup.save") => return self.save(cx),
            Some("setup.back") => return Action::Pop,
            _ => {}
        }
        if key.code == KeyCode::Enter {
            if self.form.focus + 1 == self.form.fields.len() {
                return self.save(cx);
            }
            self.form.focus += 1;
            return Action::None;
        }
        self.error = None;
        self.form.on_key(&key);
        Action::None
    }
    fn on_paste(&mut self, text: &str, _cx: &mut Cx) -> Action {
        self.form.paste(text);
        Action::None
    }
    fn render(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let r = centered(area, 76, 20);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(cx.theme.style(Meaning::Border))
            .title(format!(" {} ", cx.tr("setup.title")));
        let inner = block.inner(r);
        frame.render_widget(block, r);
        frame.render_widget(
            Paragraph::new(Span::styled(
                cx.tr("setup.intro").to_string(),
                cx.theme.style(Meaning::Muted),
            )),
            Rect::new(inner.x + 1, inner.y, inner.width.saturating_sub(2), 1),
        );
        let body = Rect::new(
            inner.x + 1,
            inner.y + 2,
            inner.width.saturating_sub(2),
            inner.height.saturating_sub(4),
        );
        self.form.render(frame, body, cx, 16);
        if let Some(e) = &self.error {
            frame.render_widget(
                Paragraph::new(Span::styled(
                    format!("{}{e}", cx.theme.marker(Meaning::Error)),
                    cx.theme.style(Meaning::Error),
                )),
                Rect::new(
                    inner.x + 1,
                    inner.y + inner.height.saturating_sub(1),
                    inner.width.saturating_sub(2),
                    1,
                ),
            );
        }
    }
}
