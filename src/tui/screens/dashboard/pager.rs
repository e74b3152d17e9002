//! Keyset paging over the dashboard's rows: one page of about the table's
//! height is loaded at a time (never all rows), and a stack of page starts
//! lets PgUp come back the way PgDn went.

use crate::desk::{Desk, DeskResult};
use crate::store::dashboard::{DashboardRow, Filter};

pub struct Pager {
    pub rows: Vec<DashboardRow>,
    pub selected: usize,
    /// A page after this one exists.
    pub more: bool,
    /// Index (from the newest matching row) of this page's first row.
    pub first: usize,
    /// This page starts below this deposit id (`None`: the newest).
    before: Option<i64>,
    /// Where each earlier page started, and its `first`.
    back: Vec<(Option<i64>, usize)>,
    size: usize,
}

impl Pager {
    pub fn new(size: usize) -> Pager {
        Pager {
            rows: Vec::new(),
            selected: 0,
            more: false,
            first: 0,
            before: None,
            back: Vec::new(),
            size: size.max(1),
        }
    }

    pub fn selected_row(&self) -> Option<&DashboardRow> {
        self.rows.get(self.selected)
    }

    /// One row more than shown, to know whether a next page exists.
    fn fetch(
        &self,
        desk: &Desk,
        f: &Filter,
        before: Option<i64>,
    ) -> DeskResult<(Vec<DashboardRow>, bool)> {
        let mut rows = desk.dashboard_page(f, before, self.size as i64 + 1)?;
        let more = rows.len() > self.size;
        rows.truncate(self.size);
        Ok((rows, more))
    }

    /// Reload this page as it is now (after a change, a resize).
    pub fn reload(&mut self, desk: &Desk, f: &Filter) -> DeskResult<()> {
        let (rows, more) = self.fetch(desk, f, self.before)?;
        self.rows = rows;
        self.more = more;
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
        Ok(())
    }

    /// Back to the newest rows (the filter changed).
    pub fn reset(&mut self, desk: &Desk, f: &Filter) -> DeskResult<()> {
        let (rows, more) = self.fetch(desk, f, None)?;
        self.before = None;
        self.back.clear();
        self.first = 0;
        self.selected = 0;
        self.rows = rows;
        self.more = more;
        Ok(())
    }

    /// The page size follows the table's height.
    pub fn resize(&mut self, size: usize, desk: &Desk, f: &Filter) -> DeskResult<()> {
        let size = size.max(1);
        if size == self.size {
            return Ok(());
        }
        self.size = size;
        self.reload(desk, f)
    }

    pub fn next(&mut self, desk: &Desk, f: &Filter) -> DeskResult<bool> {
        let Some(last) = self.rows.last().filter(|_| self.more) else {
            return Ok(false);
        };
        let before = Some(last.deposit_id);
        let (rows, more) = self.fetch(desk, f, before)?;
        if rows.is_empty() {
            self.more = false;
            return Ok(false);
        }
        self.back.push((self.before, self.first));
        self.first += self.rows.len();
        self.before = before;
        self.rows = rows;
        self.more = more;
        self.selected = 0;
        Ok(true)
    }

    pub fn prev(&mut self, desk: &Desk, f: &Filter) -> DeskResult<bool> {
        let Some(&(before, first)) = self.back.last() else {
            return Ok(false);
        };
        let (rows, more) = self.fetch(desk, f, before)?;
        self.back.pop();
        self.before = before;
        self.first = first;
        self.rows = rows;
        self.more = more;
        self.selected = 0;
        Ok(true)
    }

    /// Up/Down; past either end of the page turns the page.
    pub fn step(&mut self, down: bool, desk: &Desk, f: &Filter) -> DeskResult<()> {
        if down {
            if self.selected + 1 < self.rows.len() {
                self.selected += 1;
            } else {
                self.next(desk, f)?;
            }
        } else if self.selected > 0 {
            self.selected -= 1;
        } else if self.prev(desk, f)? {
            self.selected = self.rows.len().saturating_sub(1);
        }
        Ok(())
    }
}
