//! Everything about one application and its merchant, with the timeline from
//! the audit log; Enter goes to where its next step is done.

use crate::desk::ApplicationView;
use crate::domain::checklist::ChecklistItem;
use crate::store::audit::AuditRow;
use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::screen::{Action, Cx, Notice, Screen};
use crate::tui::theme::Meaning;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

pub struct Detail {
    id: i64,
    view: ApplicationView,
    timeline: Vec<AuditRow>,
    scroll: u16,
}

const KEYS: &[Binding] = &[
    Binding::new(
        Key::plain(KeyCode::Enter),
        "detail.next",
        "detail.next_step",
    ),
    Binding::new(Key::plain(KeyCode::Esc), "detail.back", "key.back"),
    Binding::extra(Key::plain(KeyCode::Down), "detail.down", "key.down"),
    Binding::extra(Key::plain(KeyCode::Up), "detail.up", "key.up"),
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
}

impl Screen for Detail {
    fn title(&self) -> &'static str {
        "detail.title"
    }
    fn bindings(&self) -> Vec<Binding> {
        KEYS.to_vec()
    }
    fn on_resume(&mut self, cx: &mut Cx) {
        self.reload(cx);
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        match lookup(&cx.keys.resolve(KEYS), &key) {
            Some("detail.back") => Action::Pop,
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
                format!("{:<10}", cx.tr(k)),
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
            Line::default(),
            Line::from(vec![h("field.full_name"), Span::raw(dash(&f.full_name))]),
            Line::from(vec![h("field.id_number"), Span::raw(dash(&f.id_number))]),
            Line::from(vec![h("field.phone"), Span::raw(dash(&f.phone))]),
            Line::from(vec![
                h("field.business_name"),
                Span::raw(dash(&f.business_name)),
            ]),
            Line::from(vec![
                h("field.card_number"),
                Span::raw(format!("{} {}", dash(&f.card_number), f.card_bank)),
            ]),
            Line::from(vec![
                h("field.model_code"),
                Span::raw(format!(
                    "{} {}",
                    dash(&f.model_code),
                    v.device_serial.clone().unwrap_or_default()
                )),
            ]),
        ];
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
        frame.render_widget(
            Paragraph::new(lines)
                .block(block)
                .wrap(Wrap { trim: false }),
            left,
        );

        let mut tl = vec![Line::from(Span::styled(
            cx.tr("detail.timeline").to_string(),
            cx.theme.style(Meaning::Heading),
        ))];
        for row in &self.timeline {
            let when = super::local_time(&row.at, false);
            let moved = match (&row.from_state, &row.to_state) {
                (Some(a), Some(b)) => format!(" {a}→{b}"),
                (None, Some(b)) => format!(" →{b}"),
                _ => String::new(),
            };
            tl.push(Line::from(vec![
                Span::styled(format!(" {when} "), cx.theme.style(Meaning::Muted)),
                Span::styled(
                    format!("{:<5}", row.staff_no.as_deref().unwrap_or("-")),
                    cx.theme.style(Meaning::Key),
                ),
                Span::raw(format!(" {}{moved}", row.action)),
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
