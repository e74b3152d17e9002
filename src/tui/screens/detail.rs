//! Everything about one application and its merchant, with the timeline from
//! the audit log; Enter goes to where its next step is done.

use crate::desk::{ApplicationView, Revealable};
use crate::domain::checklist::ChecklistItem;
use crate::store::audit::AuditRow;
use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::screen::{Action, Cx, Notice, Screen};
use crate::tui::theme::Meaning;
use crate::tui::widgets::width::{clip, width};
use crate::tui::widgets::wrap::Wrapped;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub struct Detail {
    id: i64,
    view: ApplicationView,
    timeline: Vec<AuditRow>,
    scroll: u16,
    /// Full numbers a supervisor revealed; they live and die with this screen.
    revealed: Vec<(Revealable, String)>,
    choosing_reveal: bool,
}

pub(crate) const KEYS: &[Binding] = &[
    Binding::new(
        Key::plain(KeyCode::Enter),
        "detail.next",
        "detail.next_step",
    ),
    Binding::new(Key::plain(KeyCode::Esc), "detail.back", "key.back"),
    Binding::extra(Key::plain(KeyCode::Down), "detail.down", "key.down"),
    Binding::extra(Key::plain(KeyCode::Up), "detail.up", "key.up"),
    Binding::new(Key::ch('r'), "detail.reveal", "reveal.key"),
    Binding::extra(Key::ch('f'), "detail.fees", "fees_screen.key_open"),
    Binding::extra(Key::ch('m'), "detail.refund", "refund_screen.key_open"),
];

/// After `r`: which number to show in full.
pub(crate) const REVEAL_KEYS: &[Binding] = &[
    Binding::new(Key::ch('1'), "reveal.id_number", "reveal.id_number"),
    Binding::new(Key::ch('2'), "reveal.card_number", "reveal.card_number"),
    Binding::new(Key::ch('3'), "reveal.phone", "reveal.phone"),
    Binding::new(Key::plain(KeyCode::Esc), "reveal.cancel", "reveal.cancel"),
];

impl Detail {
    pub fn new(id: i64, cx: &mut Cx) -> Result<Detail, String> {
        let view = cx.desk.application(id).map_err(|e| e.to_string())?;
        let timeline = cx.desk.timeline(id).map_err(|e| e.to_string())?;
        Ok(Detail {
            id,
            view,
            timeline,
            scroll: 0,
            revealed: Vec::new(),
            choosing_reveal: false,
        })
    }

    fn reload(&mut self, cx: &mut Cx) {
        if let Ok(v) = cx.desk.application(self.id) {
            self.view = v;
        }
        if let Ok(t) = cx.desk.timeline(self.id) {
            self.timeline = t;
        }
    }

    pub fn state(&self) -> Option<crate::domain::lifecycle::ApplicationState> {
        crate::domain::lifecycle::ApplicationState::parse(&self.view.state)
    }

    fn on_reveal_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        let what = match lookup(&cx.keys.resolve(REVEAL_KEYS), &key) {
            Some("reveal.id_number") => Revealable::IdNumber,
            Some("reveal.card_number") => Revealable::CardNumber,
            Some("reveal.phone") => Revealable::Phone,
            Some("reveal.cancel") => {
                self.choosing_reveal = false;
                return Action::None;
            }
            _ => return Action::None,
        };
        self.choosing_reveal = false;
        let Some(actor) = cx.actor else {
            return Action::None;
        };
        match cx.desk.reveal(actor, self.id, what) {
            Ok(value) => {
                self.revealed.retain(|(w, _)| *w != what);
                self.revealed.push((what, value));
                // The look itself is now in the timeline.
                self.reload(cx);
                Action::Notice(Notice::Info(cx.tr("reveal.done").to_string()))
            }
            Err(e) => Action::Notice(Notice::Error(super::binding::desk_error(&e, cx))),
        }
    }

    /// The full value when revealed here (marked), else the masked one.
    fn shown(&self, what: Revealable, masked: String, cx: &Cx) -> Span<'static> {
        match self.revealed.iter().find(|(w, _)| *w == what) {
            // A one-column marker: the card line has no room for more at 80 columns.
            Some((_, full)) => Span::styled(
                format!("{}{full}", cx.theme.marker(Meaning::Warning).trim_end()),
                cx.theme.style(Meaning::Warning),
            ),
            None => Span::raw(masked),
        }
    }
}

impl Screen for Detail {
    fn title(&self) -> &'static str {
        "detail.title"
    }
    fn bindings(&self) -> Vec<Binding> {
        if self.choosing_reveal {
            REVEAL_KEYS.to_vec()
        } else {
            KEYS.to_vec()
        }
    }
    fn on_resume(&mut self, cx: &mut Cx) {
        self.reload(cx);
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        if self.choosing_reveal {
            return self.on_reveal_key(key, cx);
        }
        match lookup(&cx.keys.resolve(KEYS), &key) {
            Some("detail.back") => Action::Pop,
            Some("detail.fees") => match super::fees::Fees::new(self.id, cx) {
                Ok(s) => Action::Push(Box::new(s)),
                Err(e) => Action::Notice(Notice::Error(e)),
            },
            Some("detail.refund") => match super::refund::Refund::new(self.id, cx) {
                Ok(s) => Action::Push(Box::new(s)),
                Err(e) => Action::Notice(Notice::Error(e)),
            },
            Some("detail.reveal") => {
                // The footer now offers the choice.
                self.choosing_reveal = true;
                Action::None
            }
            Some("detail.down") => {
                self.scroll = self.scroll.saturating_add(1);
                Action::None
            }
            Some("detail.up") => {
                self.scroll = self.scroll.saturating_sub(1);
                Action::None
            }
            Some("detail.next") => {
                match self.state().and_then(|s| super::next_step(s, self.id, cx)) {
                    Some(screen) => Action::Push(screen),
                    None => Action::Notice(Notice::Info(cx.tr("detail.no_next_step").to_string())),
                }
            }
            _ => Action::None,
        }
    }
    fn render(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                .areas(area);
        let v = &self.view;
        let f = &v.form;
        let h = |k: &str| {
            Span::styled(
                crate::tui::widgets::width::fit(cx.tr(k), 12),
                cx.theme.style(Meaning::Heading),
            )
        };
        let dash = |s: &str| {
            if s.is_empty() {
                "—".to_string()
            } else {
                s.to_string()
            }
        };
        let mut lines = vec![
            Line::from(vec![
                Span::styled(format!("{}  ", v.reference), cx.theme.style(Meaning::Title)),
                Span::styled(
                    cx.tr(&format!("state.{}", v.state)).to_string(),
                    cx.theme.style(Meaning::Focus),
                ),
            ]),
            Line::from(Span::styled(
                v.pickup_point.clone(),
                cx.theme.style(Meaning::Muted),
            )),
            Line::from(vec![
                Span::styled(
                    format!("{} ", cx.tr("next.label")),
                    cx.theme.style(Meaning::Heading),
                ),
                Span::raw(cx.tr(&format!("next.{}", v.state)).to_string()),
            ]),
            Line::default(),
            Line::from(vec![h("field.full_name"), Span::raw(dash(&f.full_name))]),
            Line::from(vec![
                h("field.id_number"),
                self.shown(Revealable::IdNumber, dash(&f.id_number), cx),
            ]),
            Line::from(vec![
                h("field.phone"),
                self.shown(Revealable::Phone, dash(&f.phone), cx),
            ]),
            Line::from(vec![
                h("field.business_name"),
                Span::raw(dash(&f.business_name)),
            ]),
        ];
        // The bank after the card number, or under it when the two do not fit
        // one line: a bank's name is not broken in two.
        let card = self.shown(Revealable::CardNumber, dash(&f.card_number), cx);
        let room = usize::from(left.width.saturating_sub(1));
        if 12 + card.width() + 1 + width(&f.card_bank) <= room {
            lines.push(Line::from(vec![
                h("field.card_number"),
                card,
                Span::raw(format!(" {}", f.card_bank)),
            ]));
        } else {
            lines.push(Line::from(vec![h("field.card_number"), card]));
            lines.push(Line::from(format!("{:12}{}", "", f.card_bank)));
        }
        lines.extend([Line::from(vec![
            h("field.model_code"),
            Span::raw(format!(
                "{} {}",
                dash(&f.model_code),
                v.device_serial.clone().unwrap_or_default()
            )),
        ])]);
        if let Some(d) = &v.deposit {
            lines.push(Line::from(vec![
                h("detail.deposit"),
                Span::raw(format!(
                    "{} · {}",
                    d.amount,
                    cx.tr(&format!("deposit.{}", d.state))
                )),
            ]));
        }
        if let Some(r) = &v.reason {
            lines.push(Line::from(vec![
                h("detail.reason"),
                Span::styled(r.clone(), cx.theme.style(Meaning::Warning)),
            ]));
        }
        lines.push(Line::default());
        for item in ChecklistItem::ALL {
            let row = v.checklist.iter().find(|r| r.item == item.as_str());
            let (mark, m) = match row.map(|r| r.outcome.as_str()) {
                Some("passed") => ("[x]", Meaning::Success),
                Some(_) => ("[!]", Meaning::Error),
                None => ("[ ]", Meaning::Muted),
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{mark} "), cx.theme.style(m)),
                Span::raw(cx.tr(&format!("check.{}", item.as_str())).to_string()),
            ]));
        }
        let block = Block::default()
            .borders(Borders::RIGHT)
            .border_style(cx.theme.style(Meaning::Border));
        frame.render_widget(Wrapped::new(lines).block(block), left);

        let mut tl = vec![Line::from(Span::styled(
            cx.tr("detail.timeline").to_string(),
            cx.theme.style(Meaning::Heading),
        ))];
        let room = usize::from(right.width.saturating_sub(1));
        for row in &self.timeline {
            let when = super::local_time(&row.at, false);
            let outcome = match (row.action.starts_with("check "), row.to_state.as_deref()) {
                (true, Some("passed")) => " ✓".to_string(),
                (true, Some(_)) => " ✗".to_string(),
                (false, Some(to)) if row.from_state.is_some() => {
                    format!(" → {}", super::state_label(cx, to))
                }
                _ => String::new(),
            };
            let when = format!(" {when} ");
            let what = format!(" {}{outcome}", super::action_label(cx, &row.action));
            // A line cut at the pane's edge says so.
            let what = clip(&what, room.saturating_sub(width(&when) + 5));
            tl.push(Line::from(vec![
                Span::styled(when, cx.theme.style(Meaning::Muted)),
                Span::styled(
                    format!("{:<5}", row.staff_no.as_deref().unwrap_or("-")),
                    cx.theme.style(Meaning::Key),
                ),
                Span::raw(what),
            ]));
        }
        frame.render_widget(
            Paragraph::new(tl).scroll((self.scroll, 0)),
            Rect {
                x: right.x + 1,
                width: right.width.saturating_sub(1),
                ..right
            },
        );
    }
}
