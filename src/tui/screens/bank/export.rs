//! Confirmed refunds out to the bank as one batch file: count and total first,
//! a file name, a confirmation that repeats both, then the batch reference.

use super::super::binding::desk_error;
use crate::desk::BatchPreview;
use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::screen::{Action, Cx, Screen};
use crate::tui::theme::Meaning;
use crate::tui::widgets::text_field::{Grouping, TextField};
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use std::path::Path;

const CONFIRM: &str = "bank.export";

pub struct BatchExport {
    preview: Option<BatchPreview>,
    path: TextField,
    messages: Vec<(Meaning, String)>,
}

/// The file name is always being typed, so no letter keys here.
pub(crate) const KEYS: &[Binding] = &[
    Binding::new(Key::plain(KeyCode::Enter), "bank.export", "bank.export_key"),
    Binding::new(Key::plain(KeyCode::Esc), "bank.back", "key.back"),
];

impl BatchExport {
    pub fn new(cx: &mut Cx) -> BatchExport {
        // The desk does not know where the store lives: the folder posdesk runs in.
        let today = cx.desk.clock.today().format("%Y-%m-%d");
        let mut s = BatchExport {
            preview: None,
            path: TextField::new(Grouping::None, 400)
                .with_value(&format!("refunds-RB-{today}.csv")),
            messages: Vec::new(),
        };
        s.refresh(cx);
        s
    }

    fn refresh(&mut self, cx: &Cx) {
        match cx.desk.batch_preview() {
            Ok(p) => self.preview = Some(p),
            Err(e) => self.messages = vec![(Meaning::Error, desk_error(&e, cx))],
        }
    }

    fn ask(&mut self, cx: &mut Cx) -> Action {
        self.messages.clear();
        self.refresh(cx);
        let path = self.path.value().trim().to_string();
        if path.is_empty() {
            self.messages = vec![(Meaning::Error, cx.tr("bank.need_path").to_string())];
            return Action::None;
        }
        match &self.preview {
            Some(p) if p.count > 0 => Action::Confirm {
                question: cx.t.f(
                    "bank.export_confirm",
                    &[
                        ("count", &p.count.to_string()),
                        ("total", &p.total.to_string()),
                        ("file", &path),
                    ],
                ),
                tag: CONFIRM,
            },
            Some(_) => {
                self.messages = vec![(Meaning::Warning, cx.tr("bank.nothing_waiting").to_string())];
                Action::None
            }
            None => Action::None,
        }
    }

    fn export(&mut self, cx: &mut Cx) {
        let Some(actor) = cx.actor else {
            return;
        };
        let path = self.path.value().trim().to_string();
        self.messages = match cx.desk.export_batch(actor, Path::new(&path)) {
            Ok(r) => vec![(
                Meaning::Success,
                cx.t.f(
                    "bank.exported",
                    &[
                        ("reference", &r.reference),
                        ("count", &r.count.to_string()),
                        ("total", &r.total.to_string()),
                        ("file", &r.file),
                    ],
                ),
            )],
            Err(e) => vec![(Meaning::Error, desk_error(&e, cx))],
        };
        self.refresh(cx);
    }
}

impl Screen for BatchExport {
    fn title(&self) -> &'static str {
        "bank.export_title"
    }

    fn bindings(&self) -> Vec<Binding> {
        KEYS.to_vec()
    }

    fn text_focused(&self) -> bool {
        true
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        match lookup(&cx.keys.resolve(KEYS), &key) {
            Some("bank.back") => Action::Pop,
            Some("bank.export") => self.ask(cx),
            _ => {
                self.path.on_key(&key);
                Action::None
            }
        }
    }

    fn on_paste(&mut self, text: &str, _cx: &mut Cx) -> Action {
        self.path.insert(text.trim());
        Action::None
    }

    fn on_answer(&mut self, tag: &'static str, yes: bool, cx: &mut Cx) -> Action {
        if tag == CONFIRM && yes {
            self.export(cx);
        }
        Action::None
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let [head, _, field, _, rest] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Length(1),
            Constraint::Length(2),
            Constraint::Length(1),
            Constraint::Min(1),
        ])
        .areas(area);
        let waiting = match &self.preview {
            Some(p) if p.count > 0 => Line::styled(
                format!(
                    " {}",
                    cx.t.f(
                        "bank.waiting",
                        &[
                            ("count", &p.count.to_string()),
                            ("total", &p.total.to_string())
                        ],
                    )
                ),
                cx.theme.style(Meaning::Heading),
            ),
            Some(_) => Line::styled(
                format!(" {}", cx.tr("bank.nothing_waiting")),
                cx.theme.style(Meaning::Muted),
            ),
            None => Line::default(),
        };
        frame.render_widget(
            Paragraph::new(vec![
                waiting,
                Line::styled(
                    format!(" {}", cx.tr("bank.export_intro")),
                    cx.theme.style(Meaning::Muted),
                ),
            ]),
            head,
        );
        super::path_field(frame, field, &self.path, cx.tr("bank.export_hint"), cx);
        let inner = Rect {
            x: rest.x + 1,
            width: rest.width.saturating_sub(2),
            ..rest
        };
        frame.render_widget(
            Paragraph::new(super::message_lines(&self.messages, inner.width, cx)),
            inner,
        );
    }
}
