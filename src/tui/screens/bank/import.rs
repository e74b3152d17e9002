//! The bank's settlement results back in: type the file's path, import, and
//! see what changed — or every bad line, scrollable, with nothing applied.

use super::super::binding::desk_error;
use crate::desk::{io_reason_key, DeskError, ImportReport};
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

pub struct SettlementImport {
    path: TextField,
    messages: Vec<(Meaning, String)>,
    scroll: usize,
    /// Rows the message area had at the last frame (for paging).
    rows: usize,
}

/// The path is always being typed, so no letter keys here.
pub(crate) const KEYS: &[Binding] = &[
    Binding::new(Key::plain(KeyCode::Enter), "bank.import", "bank.import_key"),
    Binding::new(Key::plain(KeyCode::Esc), "bank.back", "key.back"),
    Binding::extra(Key::plain(KeyCode::Down), "bank.down", "key.down"),
    Binding::extra(Key::plain(KeyCode::Up), "bank.up", "key.up"),
    Binding::extra(
        Key::plain(KeyCode::PageDown),
        "bank.page_down",
        "key.page_down",
    ),
    Binding::extra(Key::plain(KeyCode::PageUp), "bank.page_up", "key.page_up"),
];

impl SettlementImport {
    pub fn new() -> SettlementImport {
        SettlementImport {
            path: TextField::new(Grouping::None, 400),
            messages: Vec::new(),
            scroll: 0,
            rows: 1,
        }
    }

    fn report(r: &ImportReport, cx: &Cx) -> (Meaning, String) {
        if r.already_imported {
            return (
                Meaning::Warning,
                cx.t.f("bank.already", &[("lines", &r.lines.to_string())]),
            );
        }
        (
            Meaning::Success,
            cx.t.f(
                "bank.imported",
                &[
                    ("lines", &r.lines.to_string()),
                    ("refunded", &r.refunded.to_string()),
                    ("failed", &r.failed.to_string()),
                    ("unchanged", &r.unchanged.to_string()),
                ],
            ),
        )
    }

    fn refused(e: &DeskError, cx: &Cx) -> Vec<(Meaning, String)> {
        let lines = match e {
            DeskError::Refused(p) if p.code == "import.bad_lines" => p
                .lines
                .iter()
                .map(|l| (l.line, cx.t.problem(&l.problem)))
                .collect(),
            _ => Vec::new(),
        };
        if lines.is_empty() {
            return vec![(Meaning::Error, desk_error(e, cx))];
        }
        let mut out = vec![(
            Meaning::Error,
            cx.t.f("bank.bad_lines", &[("n", &lines.len().to_string())]),
        )];
        out.extend(lines.into_iter().map(|(n, text)| {
            (
                Meaning::Normal,
                cx.t.f(
                    "bank.bad_line",
                    &[("n", &n.to_string()), ("message", &text)],
                ),
            )
        }));
        out
    }

    fn import(&mut self, cx: &mut Cx) {
        self.scroll = 0;
        let path = self.path.value().trim().to_string();
        if path.is_empty() {
            self.messages = vec![(Meaning::Error, cx.tr("bank.need_path").to_string())];
            return;
        }
        let Some(actor) = cx.actor else {
            return;
        };
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                self.messages = vec![(
                    Meaning::Error,
                    cx.t.f(
                        "bank.cannot_read",
                        &[("file", &path), ("error", cx.tr(io_reason_key(&e)))],
                    ),
                )];
                return;
            }
        };
        let name = Path::new(&path)
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| path.clone());
        self.messages = match cx.desk.import_settlement(actor, &name, &bytes) {
            Ok(r) => vec![Self::report(&r, cx)],
            Err(e) => Self::refused(&e, cx),
        };
    }
}

impl Default for SettlementImport {
    fn default() -> Self {
        SettlementImport::new()
    }
}

impl Screen for SettlementImport {
    fn title(&self) -> &'static str {
        "bank.import_title"
    }

    fn bindings(&self) -> Vec<Binding> {
        KEYS.to_vec()
    }

    fn text_focused(&self) -> bool {
        true
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        let page = self.rows.saturating_sub(1).max(1);
        match lookup(&cx.keys.resolve(KEYS), &key) {
            Some("bank.back") => return Action::Pop,
            Some("bank.import") => self.import(cx),
            Some("bank.down") => self.scroll += 1,
            Some("bank.up") => self.scroll = self.scroll.saturating_sub(1),
            Some("bank.page_down") => self.scroll += page,
            Some("bank.page_up") => self.scroll = self.scroll.saturating_sub(page),
            _ => {
                self.path.on_key(&key);
            }
        }
        Action::None
    }

    fn on_paste(&mut self, text: &str, _cx: &mut Cx) -> Action {
        self.path.insert(text.trim());
        Action::None
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let [head, _, field, _, rest, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(2),
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area);
        frame.render_widget(
            Paragraph::new(Line::styled(
                format!(" {}", cx.tr("bank.import_intro")),
                cx.theme.style(Meaning::Muted),
            )),
            head,
        );
        super::path_field(frame, field, &self.path, cx.tr("bank.import_hint"), cx);
        let inner = Rect {
            x: rest.x + 1,
            width: rest.width.saturating_sub(2),
            ..rest
        };
        let lines = super::message_lines(&self.messages, inner.width, cx);
        let rows = usize::from(inner.height).max(1);
        self.rows = rows;
        self.scroll = self.scroll.min(lines.len().saturating_sub(rows));
        let total = lines.len();
        let shown: Vec<Line> = lines.into_iter().skip(self.scroll).take(rows).collect();
        frame.render_widget(Paragraph::new(shown), inner);
        if total > rows {
            let to = (self.scroll + rows).min(total);
            frame.render_widget(
                Paragraph::new(Line::styled(
                    format!(
                        " {}",
                        cx.t.f(
                            "bank.scroll",
                            &[
                                ("from", &(self.scroll + 1).to_string()),
                                ("to", &to.to_string()),
                                ("n", &total.to_string()),
                            ],
                        )
                    ),
                    cx.theme.style(Meaning::Muted),
                )),
                foot,
            );
        }
    }
}
