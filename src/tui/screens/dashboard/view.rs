//! How the dashboard is drawn: totals, filters and search on top; the table
//! with the detail pane and the chart beside it from 110 columns, under it below.

use super::{chart, detail, filters, table, totals, Dashboard, KEYS};
use crate::tui::screen::Cx;
use crate::tui::theme::Meaning;
use crate::tui::widgets::lines::Lines;
use crate::tui::widgets::width::{fit, width};
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

impl Dashboard {
    pub(super) fn draw(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let totals = self
            .totals
            .as_ref()
            .map(|t| totals::lines(t, self.filters.state, area.width, cx))
            .unwrap_or_default();
        let [top, filter, search, rest] = Layout::vertical([
            Constraint::Length(totals.len() as u16),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(3),
        ])
        .areas(area);
        let border = cx.theme.style(Meaning::Border);
        let wide = area.width >= 110 && area.height >= 30;
        let (table_area, detail_area, chart_area) = if wide {
            let [upper, lower] =
                Layout::vertical([Constraint::Min(4), Constraint::Length(10)]).areas(rest);
            let [table_area, side] =
                Layout::horizontal([Constraint::Length(79), Constraint::Min(20)]).areas(upper);
            let side_block = Block::default().borders(Borders::LEFT).border_style(border);
            let lower_block = Block::default().borders(Borders::TOP).border_style(border);
            let (d, c) = (side_block.inner(side), lower_block.inner(lower));
            frame.render_widget(side_block, side);
            frame.render_widget(lower_block, lower);
            (table_area, indent(d), indent(c))
        } else {
            let [table_area, lower] =
                Layout::vertical([Constraint::Min(3), Constraint::Length(8)]).areas(rest);
            let lower_block = Block::default().borders(Borders::TOP).border_style(border);
            let inner = lower_block.inner(lower);
            frame.render_widget(lower_block, lower);
            let [d, c] =
                Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                    .areas(inner);
            let chart_block = Block::default().borders(Borders::LEFT).border_style(border);
            let c2 = chart_block.inner(c);
            frame.render_widget(chart_block, c);
            (table_area, indent(d), indent(c2))
        };
        // Only now is the table's height known: the page is sized to it (a read).
        self.fit(usize::from(table_area.height.saturating_sub(1)), cx);

        frame.render_widget(Lines(&totals), top);
        frame.render_widget(Lines(&[self.filter_line(cx)]), filter);
        self.render_search(frame, search, cx);
        self.render_table(frame, table_area, cx);
        self.render_detail(frame, detail_area, cx);
        chart::render(frame, chart_area, &self.days, cx);
    }

    fn filter_line(&self, cx: &Cx) -> Line<'static> {
        let keys = cx.keys.resolve(KEYS);
        let key_of = |id: &str| {
            keys.iter()
                .find(|b| b.id == id)
                .map(|b| b.key.to_string())
                .unwrap_or_default()
        };
        let state = match self.filters.state {
            Some(s) => cx
                .tr(&format!("dashboard.state.{}", s.as_str()))
                .to_string(),
            None => cx.tr("dashboard.all").to_string(),
        };
        let point = if self.filters.mine && self.point.is_some() {
            self.point_label.clone()
        } else {
            cx.tr("dashboard.all_points").to_string()
        };
        let overdue = cx.tr(if self.filters.overdue {
            "dashboard.yes"
        } else {
            "dashboard.no"
        });
        let items = [
            (
                "dashboard.state",
                "dashboard.f_state",
                state,
                self.filters.state.is_some(),
            ),
            (
                "dashboard.point",
                "dashboard.f_point",
                point,
                self.filters.mine,
            ),
            (
                "dashboard.dates",
                "dashboard.f_dates",
                cx.tr(self.filters.dates.label()).to_string(),
                self.filters.dates != filters::Dates::All,
            ),
            (
                "dashboard.overdue",
                "dashboard.f_overdue",
                overdue.to_string(),
                self.filters.overdue,
            ),
        ];
        let mut spans = vec![Span::raw(" ")];
        for (id, label, value, active) in items {
            spans.push(Span::styled(key_of(id), cx.theme.style(Meaning::Key)));
            spans.push(Span::styled(
                format!(" {} ", cx.tr(label)),
                cx.theme.style(Meaning::Muted),
            ));
            spans.push(Span::styled(
                format!("{value}  "),
                cx.theme.style(if active {
                    Meaning::Focus
                } else {
                    Meaning::Normal
                }),
            ));
        }
        Line::from(spans)
    }

    fn render_search(&self, frame: &mut Frame, area: Rect, cx: &Cx) {
        // The search applies on Enter: until then the count would be the
        // previous search's, beside a query it does not belong to.
        let pending = self.searching && self.search.value().trim() != self.filters.search.trim();
        let mut right = match self.matching {
            _ if pending => cx.tr("dashboard.search_pending").to_string(),
            Some((n, amount)) => cx.t.f(
                "dashboard.matching",
                &[("n", &n.to_string()), ("amount", &amount.to_string())],
            ),
            None => String::new(),
        };
        if !pending && !self.pager.rows.is_empty() {
            let from = self.pager.first + 1;
            let to = self.pager.first + self.pager.rows.len();
            right.push_str(" · ");
            right.push_str(&cx.t.f(
                "dashboard.rows",
                &[("from", &from.to_string()), ("to", &to.to_string())],
            ));
        }
        let right = format!("{right} ");
        let rw = (width(&right) as u16).min(area.width / 2);
        let label = format!(" {} ", cx.tr("dashboard.search_label"));
        let lw = width(&label) as u16;
        frame.render_widget(
            Paragraph::new(Span::styled(
                label,
                cx.theme.style(if self.searching {
                    Meaning::Focus
                } else {
                    Meaning::Heading
                }),
            )),
            Rect::new(area.x, area.y, lw.min(area.width), 1),
        );
        let field = Rect::new(
            area.x + lw,
            area.y,
            area.width.saturating_sub(lw + rw + 1),
            1,
        );
        if self.search.is_empty() && !self.searching {
            frame.render_widget(
                Paragraph::new(Span::styled(
                    fit(cx.tr("dashboard.search_hint"), usize::from(field.width)),
                    cx.theme.style(Meaning::Muted),
                )),
                field,
            );
        } else {
            self.search.render(frame, field, self.searching, cx.theme);
        }
        frame.render_widget(
            Paragraph::new(Span::styled(right, cx.theme.style(Meaning::Heading)))
                .alignment(Alignment::Right),
            Rect::new(area.right().saturating_sub(rw), area.y, rw, 1),
        );
    }

    fn render_table(&self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let mut lines = vec![table::header(cx)];
        if let Some(e) = &self.error {
            lines.push(Line::styled(
                format!(" {}{e}", cx.theme.marker(Meaning::Error)),
                cx.theme.style(Meaning::Error),
            ));
        } else if self.pager.rows.is_empty() {
            lines.push(Line::styled(
                format!(" {}", cx.tr("dashboard.nothing")),
                cx.theme.style(Meaning::Muted),
            ));
        }
        let visible = usize::from(area.height.saturating_sub(1));
        for (i, r) in self.pager.rows.iter().enumerate().take(visible) {
            lines.push(table::row_line(r, i == self.pager.selected, self.today, cx));
        }
        frame.render_widget(Lines(&lines), area);
    }

    fn render_detail(&self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let row = self.pager.selected_row();
        let late = row.is_some_and(|r| table::overdue(r, self.today));
        let timeline = self.timeline.as_ref().map_or(&[][..], |t| &t.1[..]);
        let size = (usize::from(area.width), usize::from(area.height));
        let lines = detail::lines(row, late, timeline, size, cx);
        frame.render_widget(Lines(&lines), area);
    }
}

/// One column of air after a border.
fn indent(r: Rect) -> Rect {
    Rect {
        x: r.x + 1,
        width: r.width.saturating_sub(1),
        ..r
    }
}
