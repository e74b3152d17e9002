//! The strip at the top: count and amount per deposit state, and what is
//! overdue, laid out in as many columns as the width allows.

use crate::desk::Totals;
use crate::domain::lifecycle::DepositState;
use crate::domain::money::Fen;
use crate::tui::screen::Cx;
use crate::tui::theme::Meaning;
use crate::tui::widgets::width::{fit, width};
use ratatui::text::{Line, Span};

const GAP: usize = 3;

struct Cell {
    label: String,
    count: String,
    amount: String,
    meaning: Meaning,
}

pub fn lines(
    totals: &Totals,
    chosen: Option<DepositState>,
    cols: u16,
    cx: &Cx,
) -> Vec<Line<'static>> {
    let mut cells: Vec<Cell> = DepositState::ALL
        .iter()
        .map(|s| {
            let (count, amount) = totals
                .by_state
                .iter()
                .find(|(state, _, _)| state == s.as_str())
                .map_or((0, Fen::ZERO), |(_, n, a)| (*n, *a));
            let meaning = if chosen == Some(*s) {
                Meaning::Focus
            } else if count == 0 {
                Meaning::Muted
            } else {
                Meaning::Normal
            };
            Cell {
                label: cx
                    .tr(&format!("dashboard.state.{}", s.as_str()))
                    .to_string(),
                count: count.to_string(),
                amount: amount.to_string(),
                meaning,
            }
        })
        .collect();
    let (n, amount) = totals.overdue;
    let marker = if n > 0 {
        cx.theme.marker(Meaning::Error)
    } else {
        ""
    };
    cells.push(Cell {
        label: format!("{marker}{}", cx.tr("dashboard.overdue")),
        count: n.to_string(),
        amount: amount.to_string(),
        meaning: if n > 0 {
            Meaning::Error
        } else {
            Meaning::Muted
        },
    });

    let lw = cells.iter().map(|c| width(&c.label)).max().unwrap_or(0);
    let cw = cells.iter().map(|c| c.count.len()).max().unwrap_or(0);
    let aw = cells.iter().map(|c| width(&c.amount)).max().unwrap_or(0);
    let cell_w = lw + 1 + cw + 1 + aw;
    let fits = ((usize::from(cols).saturating_sub(1) + GAP) / (cell_w + GAP)).max(1);
    // Rows of equal length read better than a full row and a stray cell.
    let rows = cells.len().div_ceil(fits);
    let per_row = cells.len().div_ceil(rows.max(1));
    cells
        .chunks(per_row)
        .map(|row| {
            let mut spans = vec![Span::raw(" ")];
            for (i, c) in row.iter().enumerate() {
                if i > 0 {
                    spans.push(Span::raw(" ".repeat(GAP)));
                }
                let style = cx.theme.style(c.meaning);
                spans.push(Span::styled(
                    fit(&c.label, lw),
                    style.patch(cx.theme.style(Meaning::Heading)),
                ));
                spans.push(Span::styled(
                    format!(" {:>cw$} {:>aw$}", c.count, c.amount),
                    style,
                ));
            }
            Line::from(spans)
        })
        .collect()
}
