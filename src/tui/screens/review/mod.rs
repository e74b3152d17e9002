//! The supervisor's decision on a submitted application: the application
//! (masked), what the store already knows about this person, then approve with
//! an optional note or reject with a reason the merchant is told by SMS.

mod lines;

use super::checklist::refusal;
use crate::desk::{Applicant, ApplicationView, ReviewFacts};
use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::screen::{Action, Cx, Notice, Screen};
use crate::tui::theme::Meaning;
use crate::tui::widgets::text_field::{Grouping, TextField};
use crate::tui::widgets::width::width;
use crate::tui::widgets::wrap::{marked, wrap};
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Browse,
    Approving,
    Rejecting,
}

pub struct Review {
    id: i64,
    view: ApplicationView,
    facts: ReviewFacts,
    applicant: Option<Applicant>,
    mode: Mode,
    input: TextField,
    error: Option<String>,
    scroll: u16,
}

pub(crate) const KEYS: &[Binding] = &[
    Binding::new(Key::ch('a'), "review.approve", "approval.key_approve"),
    Binding::new(Key::ch('r'), "review.reject", "approval.key_reject"),
    Binding::new(Key::plain(KeyCode::Esc), "review.back", "key.back"),
    Binding::extra(Key::plain(KeyCode::Down), "review.down", "key.down"),
    Binding::extra(Key::plain(KeyCode::Up), "review.up", "key.up"),
];

pub(crate) const APPROVE_KEYS: &[Binding] = &[
    Binding::new(
        Key::plain(KeyCode::Enter),
        "review.confirm",
        "approval.key_approve",
    ),
    Binding::new(
        Key::plain(KeyCode::Esc),
        "review.cancel",
        "approval.key_cancel",
    ),
];

pub(crate) const REJECT_KEYS: &[Binding] = &[
    Binding::new(
        Key::plain(KeyCode::Enter),
        "review.confirm",
        "approval.key_reject",
    ),
    Binding::new(
        Key::plain(KeyCode::Esc),
        "review.cancel",
        "approval.key_cancel",
    ),
];

impl Review {
    pub fn new(id: i64, cx: &mut Cx) -> Result<Review, String> {
        let view = cx.desk.application(id).map_err(|e| refusal(e, cx))?;
        let facts = cx.desk.review_facts(id).map_err(|e| refusal(e, cx))?;
        let applicant = cx.desk.applicant_age(id).ok().flatten();
        Ok(Review {
            id,
            view,
            facts,
            applicant,
            mode: Mode::Browse,
            input: TextField::new(Grouping::None, 200),
            error: None,
            scroll: 0,
        })
    }

    /// The review screen for a supervisor; a clerk has no next step here.
    pub fn open(id: i64, cx: &mut Cx) -> Option<Box<dyn Screen>> {
        if !cx.actor.is_some_and(|a| a.is_supervisor()) {
            return None;
        }
        Review::new(id, cx)
            .ok()
            .map(|r| Box::new(r) as Box<dyn Screen>)
    }

    fn decide(&mut self, cx: &mut Cx) -> Action {
        let Some(actor) = cx.actor.cloned() else {
            return Action::None;
        };
        let text = self.input.value();
        let result = match self.mode {
            Mode::Approving => cx.desk.approve(&actor, self.id, Some(&text)),
            Mode::Rejecting => cx.desk.reject(&actor, self.id, &text),
            Mode::Browse => return Action::None,
        };
        match result {
            Ok(_) => {
                let key = if self.mode == Mode::Approving {
                    "approval.approved"
                } else {
                    "approval.rejected"
                };
                Action::PopWith(Notice::Info(
                    cx.t.f(key, &[("reference", &self.view.reference)]),
                ))
            }
            Err(e) => {
                self.error = Some(refusal(e, cx));
                Action::None
            }
        }
    }
}

impl Screen for Review {
    fn title(&self) -> &'static str {
        "approval.title"
    }

    fn bindings(&self) -> Vec<Binding> {
        match self.mode {
            Mode::Browse => KEYS,
            Mode::Approving => APPROVE_KEYS,
            Mode::Rejecting => REJECT_KEYS,
        }
        .to_vec()
    }

    fn text_focused(&self) -> bool {
        self.mode != Mode::Browse
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        let table = cx.keys.resolve(&self.bindings());
        match lookup(&table, &key) {
            Some("review.back") => return Action::Pop,
            Some("review.approve") => self.mode = Mode::Approving,
            Some("review.reject") => self.mode = Mode::Rejecting,
            Some("review.down") => self.scroll = self.scroll.saturating_add(1),
            Some("review.up") => self.scroll = self.scroll.saturating_sub(1),
            Some("review.cancel") => {
                self.mode = Mode::Browse;
                self.input.clear();
            }
            Some("review.confirm") => return self.decide(cx),
            _ if self.mode != Mode::Browse => {
                if self.input.on_key(&key) {
                    self.error = None;
                }
                return Action::None;
            }
            _ => return Action::None,
        }
        self.error = None;
        Action::None
    }

    fn on_paste(&mut self, text: &str, _cx: &mut Cx) -> Action {
        if self.mode != Mode::Browse {
            self.input.insert(text.trim());
        }
        Action::None
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let [head, body, action] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Min(3),
            Constraint::Length(4),
        ])
        .areas(area);
        let v = &self.view;
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(
                    format!(" {}  ", v.reference),
                    cx.theme.style(Meaning::Title),
                ),
                Span::styled(
                    cx.tr(&format!("state.{}", v.state)).to_string(),
                    cx.theme.style(Meaning::Focus),
                ),
                Span::styled(
                    format!(
                        "  {} · {}",
                        v.pickup_point,
                        super::local_time(&v.updated_at, true)
                    ),
                    cx.theme.style(Meaning::Muted),
                ),
            ])),
            head,
        );
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                .areas(body);
        let block = Block::default()
            .borders(Borders::RIGHT)
            .border_style(cx.theme.style(Meaning::Border));
        let cols = usize::from(left.width.saturating_sub(3));
        frame.render_widget(
            Paragraph::new(self.application_lines(cx, cols))
                .block(block)
                .scroll((self.scroll, 0)),
            Rect {
                x: left.x + 1,
                width: left.width.saturating_sub(1),
                ..left
            },
        );
        let mut facts = vec![
            Line::from(Span::styled(
                cx.tr("approval.facts").to_string(),
                cx.theme.style(Meaning::Heading),
            )),
            Line::default(),
        ];
        let right = Rect {
            x: right.x + 1,
            width: right.width.saturating_sub(2),
            ..right
        };
        for (m, text) in self.fact_lines(cx) {
            facts.extend(marked(cx.theme, m, &text, right.width));
        }
        frame.render_widget(Paragraph::new(facts), right);
        self.render_action(frame, action, cx);
    }
}

impl Review {
    fn render_action(&self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let block = Block::default()
            .borders(Borders::TOP)
            .border_style(cx.theme.style(Meaning::Border));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let row = |i: u16| Rect::new(inner.x + 1, inner.y + i, inner.width.saturating_sub(2), 1);
        match self.mode {
            Mode::Browse => {
                let r = row(0);
                let hint: Vec<Line> = wrap(cx.tr("approval.hint"), usize::from(r.width), 0)
                    .into_iter()
                    .map(|l| Line::styled(l, cx.theme.style(Meaning::Muted)))
                    .collect();
                frame.render_widget(Paragraph::new(hint), Rect { height: 2, ..r });
            }
            Mode::Approving | Mode::Rejecting => {
                let label = cx.tr(if self.mode == Mode::Approving {
                    "approval.note_label"
                } else {
                    "approval.reason_label"
                });
                let label = format!("{}{label} ", cx.theme.marker(Meaning::Focus));
                let lw = width(&label) as u16;
                let r = row(0);
                frame.render_widget(
                    Paragraph::new(Span::styled(label, cx.theme.style(Meaning::Focus))),
                    Rect {
                        width: lw.min(r.width),
                        ..r
                    },
                );
                self.input.render(
                    frame,
                    Rect::new(r.x + lw, r.y, r.width.saturating_sub(lw), 1),
                    true,
                    cx.theme,
                );
                if self.mode == Mode::Rejecting && self.error.is_none() {
                    frame.render_widget(
                        Paragraph::new(Span::styled(
                            cx.tr("approval.reason_sms").to_string(),
                            cx.theme.style(Meaning::Muted),
                        )),
                        row(1),
                    );
                }
            }
        }
        if let Some(e) = &self.error {
            let r = row(1);
            frame.render_widget(
                Paragraph::new(marked(cx.theme, Meaning::Error, e, r.width)),
                Rect { height: 2, ..r },
            );
        }
    }
}
