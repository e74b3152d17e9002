//! This point's queue — applications waiting for their next step, grouped by
//! state — today's counts, and a quick find.

use super::masked_phone;
use crate::desk::SearchAnswer;
use crate::domain::lifecycle::ApplicationState as S;
use crate::store::application::QueueRow;
use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::screen::{Action, Cx, Notice, Screen};
use crate::tui::theme::Meaning;
use crate::tui::widgets::text_field::{Grouping, TextField};
use crate::tui::widgets::width::fit;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// The order a counter works through: oldest step first is not the point; the
/// next action is.
pub const QUEUE_STATES: [S; 7] = [
    S::Submitted,
    S::Approved,
    S::Verified,
    S::Contracted,
    S::ReadyForPickup,
    S::PickedUp,
    S::Draft,
];

const PER_STATE: i64 = 50;

enum Row {
    Group(S, usize),
    Item(QueueRow),
}

pub struct Home {
    rows: Vec<Row>,
    selected: usize,
    find: TextField,
    finding: bool,
    found: Option<Vec<QueueRow>>,
    /// The search worker's ticket for what is in the find box.
    asked: Option<u64>,
    today: Vec<(String, i64)>,
    point: String,
}

pub(crate) const KEYS: &[Binding] = &[
    Binding::new(Key::ch('n'), "home.new", "home.new"),
    Binding::new(Key::ch('/'), "home.find", "home.find"),
    Binding::new(Key::plain(KeyCode::Enter), "home.open", "key.open"),
    Binding::extra(Key::f(5), "home.refresh", "key.refresh"),
    Binding::extra(Key::f(9), "home.change_pin", "change_pin.open"),
    Binding::new(Key::f(10), "home.logout", "key.logout"),
    Binding::new(Key::ch('d'), "home.dashboard", "dashboard.open"),
    Binding::extra(Key::plain(KeyCode::Up), "home.up", "key.up"),
    Binding::extra(Key::plain(KeyCode::Down), "home.down", "key.down"),
    Binding::extra(Key::plain(KeyCode::PageUp), "home.page_up", "key.page_up"),
    Binding::extra(
        Key::plain(KeyCode::PageDown),
        "home.page_down",
        "key.page_down",
    ),
];

pub(crate) const FIND_KEYS: &[Binding] = &[
    Binding::new(Key::plain(KeyCode::Enter), "home.open", "key.open"),
    Binding::new(Key::plain(KeyCode::Esc), "home.clear", "home.clear_find"),
    Binding::extra(Key::plain(KeyCode::Up), "home.up", "key.up"),
    Binding::extra(Key::plain(KeyCode::Down), "home.down", "key.down"),
];

impl Home {
    pub fn boxed(cx: &mut Cx) -> Box<dyn Screen> {
        let mut h = Home {
            rows: Vec::new(),
            selected: 0,
            find: TextField::new(Grouping::None, 40),
            finding: false,
            found: None,
            asked: None,
            today: Vec::new(),
            point: String::new(),
        };
        h.reload(cx);
        Box::new(h)
    }

    fn point_id(cx: &Cx) -> Option<i64> {
        cx.actor.and_then(|a| a.point_id)
    }

    fn reload(&mut self, cx: &mut Cx) {
        let point = Self::point_id(cx);
        self.point = point
            .and_then(|p| crate::store::point::get(cx.desk.conn(), p).ok().flatten())
            .map(|p| format!("{} {}", p.code, p.name))
            .unwrap_or_default();
        self.today = cx.desk.today_counts(point).unwrap_or_default();
        let queue = cx
            .desk
            .queue(point, &QUEUE_STATES, PER_STATE)
            .unwrap_or_default();
        self.rows.clear();
        for s in QUEUE_STATES {
            let items: Vec<QueueRow> = queue
                .iter()
                .filter(|r| r.state == s.as_str())
                .cloned()
                .collect();
            if items.is_empty() {
                continue;
            }
            self.rows.push(Row::Group(s, items.len()));
            self.rows.extend(items.into_iter().map(Row::Item));
        }
        if self.found.is_some() {
            self.search(cx);
        }
        self.clamp();
    }

    fn search(&mut self, cx: &mut Cx) {
        let q = self.find.value();
        self.asked = None;
        if q.trim().is_empty() {
            self.found = None;
        } else if let Some(worker) = cx.search {
            // The answer comes to `on_search`; the typed text shows at once.
            self.asked = Some(worker.send(q));
            return;
        } else {
            self.found = cx.desk.find(&q, 100).ok();
        }
        self.selected = 0;
    }

    fn list_len(&self) -> usize {
        match &self.found {
            Some(f) => f.len(),
            None => self.rows.len(),
        }
    }

    fn selected_id(&self) -> Option<i64> {
        match &self.found {
            Some(f) => f.get(self.selected).map(|r| r.id),
            None => match self.rows.get(self.selected) {
                Some(Row::Item(r)) => Some(r.id),
                _ => None,
            },
        }
    }

    fn clamp(&mut self) {
        let n = self.list_len();
        self.selected = self.selected.min(n.saturating_sub(1));
        // Group headers are not selectable.
        if self.found.is_none()
            && matches!(self.rows.get(self.selected), Some(Row::Group(..)))
            && self.selected + 1 < n
        {
            self.selected += 1;
        }
    }

    fn step(&mut self, delta: isize) {
        let n = self.list_len() as isize;
        if n == 0 {
            return;
        }
        let mut i = (self.selected as isize + delta).clamp(0, n - 1);
        if self.found.is_none() {
            while let Some(Row::Group(..)) = self.rows.get(i as usize) {
                let next = i + delta.signum().max(if delta == 0 { 1 } else { -1 });
                if next < 0 || next >= n {
                    i = self.selected as isize;
                    break;
                }
                i = next;
            }
        }
        self.selected = i as usize;
    }

    fn open(&mut self, cx: &mut Cx) -> Action {
        // Enter right after typing (a scanner does) opens what was typed, not
        // the previous results: answer it here, the worker's answer is dropped.
        if self.asked.take().is_some() {
            self.found = cx.desk.find(&self.find.value(), 100).ok();
            self.selected = 0;
        }
        match self.selected_id() {
            Some(id) => super::open_application(id, cx),
            None => Action::None,
        }
    }
}

impl Screen for Home {
    fn title(&self) -> &'static str {
        "home.title"
    }

    fn bindings(&self) -> Vec<Binding> {
        if self.finding { FIND_KEYS } else { KEYS }.to_vec()
    }

    fn text_focused(&self) -> bool {
        self.finding
    }

    fn on_resume(&mut self, cx: &mut Cx) {
        self.reload(cx);
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        let table = cx.keys.resolve(&self.bindings());
        let command = lookup(&table, &key);
        match command {
            Some("home.up") => self.step(-1),
            Some("home.down") => self.step(1),
            Some("home.page_up") => self.step(-10),
            Some("home.page_down") => self.step(10),
            Some("home.open") => return self.open(cx),
            Some("home.clear") => {
                self.finding = false;
                self.find.clear();
                self.found = None;
                self.asked = None;
                self.selected = 0;
                self.clamp();
            }
            Some("home.find") => {
                self.finding = true;
                self.search(cx);
            }
            Some("home.new") => return super::new_application(cx),
            Some("home.refresh") => {
                self.reload(cx);
                return Action::Notice(Notice::Info(cx.tr("home.refreshed").to_string()));
            }
            Some("home.logout") => return Action::Logout,
            Some("home.change_pin") => {
                return Action::Push(Box::new(super::change_pin::ChangePin::new()))
            }
            Some("home.dashboard") => return super::dashboard::Dashboard::open(cx),
            _ if self.finding && self.find.on_key(&key) => self.search(cx),
            _ => {}
        }
        Action::None
    }

    fn on_search(&mut self, answer: SearchAnswer, _cx: &mut Cx) -> Action {
        if self.asked == Some(answer.ticket) {
            self.asked = None;
            self.found = Some(answer.result.unwrap_or_default());
            self.selected = 0;
        }
        Action::None
    }

    fn on_paste(&mut self, text: &str, cx: &mut Cx) -> Action {
        // A scanner's paste goes straight into the find box.
        self.finding = true;
        self.find.set(text.trim());
        self.search(cx);
        Action::None
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let [top, find, list] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Length(2),
            Constraint::Min(3),
        ])
        .areas(area);
        let count = |action: &str| {
            self.today
                .iter()
                .find(|(a, _)| a == action)
                .map_or(0, |x| x.1)
                .to_string()
        };
        let today = cx.t.f(
            "home.today",
            &[
                ("new", &count("create draft")),
                ("submitted", &count("submit")),
                ("approved", &count("approve")),
                ("picked_up", &count("hand over")),
                ("activated", &count("activate")),
            ],
        );
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(Span::styled(
                    format!(" {}", self.point),
                    cx.theme.style(Meaning::Heading),
                )),
                Line::from(Span::styled(
                    format!(" {today}"),
                    cx.theme.style(Meaning::Muted),
                )),
            ]),
            top,
        );
        let label = format!(" {} ", cx.tr("home.find_label"));
        let lw = crate::tui::widgets::width::width(&label) as u16;
        frame.render_widget(
            Paragraph::new(Span::styled(
                label,
                cx.theme.style(if self.finding {
                    Meaning::Focus
                } else {
                    Meaning::Heading
                }),
            )),
            Rect::new(find.x, find.y, lw, 1),
        );
        let field = Rect::new(find.x + lw, find.y, find.width.saturating_sub(lw + 1), 1);
        if self.find.is_empty() && !self.finding {
            frame.render_widget(
                Paragraph::new(Span::styled(
                    cx.tr("home.find_hint").to_string(),
                    cx.theme.style(Meaning::Muted),
                )),
                field,
            );
        } else {
            self.find.render(frame, field, self.finding, cx.theme);
        }

        let block = Block::default()
            .borders(Borders::TOP)
            .border_style(cx.theme.style(Meaning::Border))
            .title(match &self.found {
                Some(f) => cx.t.f("home.results", &[("n", &f.len().to_string())]),
                None => cx.tr("home.queue").to_string(),
            });
        let inner = block.inner(list);
        frame.render_widget(block, list);
        let height = usize::from(inner.height);
        let n = self.list_len();
        if n == 0 {
            let empty = if self.found.is_some() {
                "home.nothing_found"
            } else {
                "home.queue_empty"
            };
            frame.render_widget(
                Paragraph::new(Span::styled(
                    format!(" {}", cx.tr(empty)),
                    cx.theme.style(Meaning::Muted),
                )),
                inner,
            );
            return;
        }
        // Only the visible window is built into lines.
        let first = self.selected.saturating_sub(height.saturating_sub(1));
        let mut lines = Vec::with_capacity(height);
        for i in first..(first + height).min(n) {
            let selected = i == self.selected;
            let line = match &self.found {
                Some(f) => item_line(&f[i], selected, cx, true),
                None => match &self.rows[i] {
                    Row::Group(s, count) => Line::from(Span::styled(
                        format!(" {} ({count})", cx.tr(&format!("state.{}", s.as_str()))),
                        cx.theme.style(Meaning::Heading),
                    )),
                    Row::Item(r) => item_line(r, selected, cx, false),
                },
            };
            lines.push(line);
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

fn item_line<'a>(r: &QueueRow, selected: bool, cx: &Cx, with_state: bool) -> Line<'a> {
    let marker = if selected {
        cx.theme.marker(Meaning::Focus)
    } else {
        "  "
    };
    let state = if with_state {
        fit(cx.tr(&format!("state.{}", r.state)), 12)
    } else {
        String::new()
    };
    let when = super::local_time(&r.updated_at, true);
    let text = format!(
        " {marker}{}  {state}{}  {}  {}  {}",
        r.reference,
        fit(r.full_name.as_deref().unwrap_or("—"), 14),
        fit(&masked_phone(r.phone.as_deref()), 11),
        fit(r.model_code.as_deref().unwrap_or(""), 8),
        when
    );
    let style = if selected {
        cx.theme.style(Meaning::Selected)
    } else {
        cx.theme.style(Meaning::Normal)
    };
    Line::from(Span::styled(text, style))
}
