//! The refund dashboard: totals per state and overdue, filters, a search, a
//! keyset-paged table with the selected deposit's refund and timeline, and a
//! chart of refunds per day. It only reads; money moves on the bank screens.

mod chart;
mod detail;
mod filters;
mod pager;
mod table;
mod totals;
mod view;

use super::binding::desk_error;
use crate::desk::{DeskResult, Totals};
use crate::domain::money::Fen;
use crate::store::audit::AuditRow;
use crate::store::dashboard::Filter;
use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::screen::{Action, Cx, Screen};
use crate::tui::widgets::text_field::{Grouping, TextField};
use chrono::NaiveDate;
use filters::Filters;
use pager::Pager;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::Frame;

pub struct Dashboard {
    filters: Filters,
    filter: Filter,
    search: TextField,
    searching: bool,
    totals: Option<Totals>,
    matching: Option<(i64, Fen)>,
    days: Vec<(NaiveDate, i64, i64)>,
    pager: Pager,
    /// The selected deposit's timeline, by deposit id.
    timeline: Option<(i64, Vec<AuditRow>)>,
    error: Option<String>,
    point: Option<i64>,
    point_label: String,
    today: NaiveDate,
}

pub(crate) const KEYS: &[Binding] = &[
    Binding::new(Key::plain(KeyCode::Enter), "dashboard.open", "key.open"),
    Binding::new(Key::ch('/'), "dashboard.search", "dashboard.search_key"),
    Binding::new(Key::ch('s'), "dashboard.state", "dashboard.state_key"),
    Binding::new(Key::ch('o'), "dashboard.overdue", "dashboard.overdue_key"),
    Binding::new(Key::ch('x'), "dashboard.export", "dashboard.export_key"),
    Binding::new(Key::ch('i'), "dashboard.import", "dashboard.import_key"),
    Binding::extra(Key::ch('p'), "dashboard.point", "dashboard.point_key"),
    Binding::extra(Key::ch('t'), "dashboard.dates", "dashboard.dates_key"),
    Binding::extra(Key::ch('c'), "dashboard.clear", "dashboard.clear_key"),
    Binding::extra(
        Key::plain(KeyCode::PageDown),
        "dashboard.next_page",
        "key.page_down",
    ),
    Binding::extra(
        Key::plain(KeyCode::PageUp),
        "dashboard.prev_page",
        "key.page_up",
    ),
    Binding::extra(Key::plain(KeyCode::Down), "dashboard.down", "key.down"),
    Binding::extra(Key::plain(KeyCode::Up), "dashboard.up", "key.up"),
    Binding::extra(Key::f(5), "dashboard.refresh", "key.refresh"),
    Binding::extra(Key::plain(KeyCode::Esc), "dashboard.back", "key.back"),
];

/// While the search box has the focus, letters are text.
pub(crate) const SEARCH_KEYS: &[Binding] = &[
    Binding::new(
        Key::plain(KeyCode::Enter),
        "dashboard.search_go",
        "dashboard.search_go",
    ),
    Binding::new(
        Key::plain(KeyCode::Esc),
        "dashboard.search_clear",
        "dashboard.search_clear",
    ),
];

/// A first guess at the table's height; the first frame corrects it.
const FIRST_PAGE: usize = 10;

impl Dashboard {
    pub fn open(cx: &mut Cx) -> Action {
        let point = cx.actor.and_then(|a| a.point_id);
        let point_label = point
            .and_then(|p| cx.desk.point_label(p).ok().flatten())
            .unwrap_or_default();
        let mut d = Dashboard {
            filters: Filters::default(),
            filter: Filter::default(),
            search: TextField::new(Grouping::None, 40),
            searching: false,
            totals: None,
            matching: None,
            days: Vec::new(),
            pager: Pager::new(FIRST_PAGE),
            timeline: None,
            error: None,
            point,
            point_label,
            today: cx.desk.clock.today(),
        };
        d.reload(cx, false);
        Action::Push(Box::new(d))
    }

    fn keep<T>(&mut self, r: DeskResult<T>, cx: &Cx) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.error = Some(desk_error(&e, cx));
                None
            }
        }
    }

    /// Everything again; `keep_page` stays on the page shown (after a resume).
    fn reload(&mut self, cx: &Cx, keep_page: bool) {
        self.today = cx.desk.clock.today();
        self.error = None;
        self.totals = self.keep(cx.desk.refund_totals(), cx);
        let per_day = self
            .keep(cx.desk.refunds_per_day(chart::DAYS), cx)
            .unwrap_or_default();
        self.days = chart::fill(&per_day, self.today);
        self.filter = self.filters.to_filter(self.today, self.point);
        self.matching = self.keep(cx.desk.dashboard_filtered_totals(&self.filter), cx);
        let r = if keep_page {
            self.pager.reload(cx.desk, &self.filter)
        } else {
            self.pager.reset(cx.desk, &self.filter)
        };
        self.keep(r, cx);
        self.timeline = None;
    }

    /// A filter changed: new totals for it, and back to its newest rows.
    fn refilter(&mut self, cx: &Cx) {
        self.error = None;
        self.filter = self.filters.to_filter(self.today, self.point);
        self.matching = self.keep(cx.desk.dashboard_filtered_totals(&self.filter), cx);
        let r = self.pager.reset(cx.desk, &self.filter);
        self.keep(r, cx);
    }

    fn page(&mut self, cx: &Cx, op: fn(&mut Pager, &crate::desk::Desk, &Filter) -> DeskResult<()>) {
        let r = op(&mut self.pager, cx.desk, &self.filter);
        self.keep(r, cx);
    }

    /// The page follows the table's height, and the detail the selection.
    fn fit(&mut self, rows: usize, cx: &Cx) {
        let r = self.pager.resize(rows, cx.desk, &self.filter);
        self.keep(r, cx);
        let id = self.pager.selected_row().map(|r| r.deposit_id);
        if id != self.timeline.as_ref().map(|t| t.0) {
            self.timeline = match id {
                Some(id) => {
                    let rows = cx.desk.deposit_timeline(id).unwrap_or_default();
                    Some((id, rows))
                }
                None => None,
            };
        }
    }

    fn on_search_key(&mut self, command: Option<&str>, key: &KeyEvent, cx: &Cx) {
        match command {
            // On Enter, not per key: a name search may scan many rows, and typing must not wait.
            Some("dashboard.search_go") => {
                self.searching = false;
                self.filters.search = self.search.value();
                self.refilter(cx);
            }
            Some("dashboard.search_clear") => {
                self.searching = false;
                self.search.clear();
                if !self.filters.search.is_empty() {
                    self.filters.search.clear();
                    self.refilter(cx);
                }
            }
            _ => {
                self.search.on_key(key);
            }
        }
    }
}

impl Screen for Dashboard {
    fn title(&self) -> &'static str {
        "dashboard.title"
    }

    fn bindings(&self) -> Vec<Binding> {
        if self.searching { SEARCH_KEYS } else { KEYS }.to_vec()
    }

    fn text_focused(&self) -> bool {
        self.searching
    }

    fn on_resume(&mut self, cx: &mut Cx) {
        self.reload(cx, true);
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        let table = cx.keys.resolve(&self.bindings());
        let command = lookup(&table, &key);
        if self.searching {
            self.on_search_key(command, &key, cx);
            return Action::None;
        }
        match command {
            Some("dashboard.back") => return Action::Pop,
            Some("dashboard.open") => {
                if let Some(id) = self.pager.selected_row().map(|r| r.application_id) {
                    return super::open_application(id, cx);
                }
            }
            Some("dashboard.search") => self.searching = true,
            Some("dashboard.state") => {
                self.filters.next_state();
                self.refilter(cx);
            }
            Some("dashboard.point") => {
                self.filters.mine = !self.filters.mine && self.point.is_some();
                self.refilter(cx);
            }
            Some("dashboard.dates") => {
                self.filters.dates = self.filters.dates.next();
                self.refilter(cx);
            }
            Some("dashboard.overdue") => {
                self.filters.overdue = !self.filters.overdue;
                self.refilter(cx);
            }
            Some("dashboard.clear") => {
                self.filters = Filters::default();
                self.search.clear();
                self.refilter(cx);
            }
            Some("dashboard.next_page") => self.page(cx, |p, d, f| p.next(d, f).map(|_| ())),
            Some("dashboard.prev_page") => self.page(cx, |p, d, f| p.prev(d, f).map(|_| ())),
            Some("dashboard.down") => self.page(cx, |p, d, f| p.step(true, d, f)),
            Some("dashboard.up") => self.page(cx, |p, d, f| p.step(false, d, f)),
            Some("dashboard.refresh") => self.reload(cx, true),
            Some("dashboard.export") => return super::bank::open_export(cx),
            Some("dashboard.import") => return super::bank::open_import(cx),
            _ => {}
        }
        Action::None
    }

    fn on_paste(&mut self, text: &str, cx: &mut Cx) -> Action {
        // A scanner's paste is a search for that serial or reference.
        self.search.set(text.trim());
        self.searching = false;
        self.filters.search = self.search.value();
        self.refilter(cx);
        Action::None
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        self.draw(frame, area, cx);
    }
}
