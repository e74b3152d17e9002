//! The table's lines: a header and one line per visible row (only the rows on
//! screen are ever built). Overdue rows carry the error meaning and a marker.

use super::super::masked_phone;
use crate::domain::lifecycle::DepositState;
use crate::domain::refund::is_overdue;
use crate::store::dashboard::DashboardRow;
use crate::tui::screen::Cx;
use crate::tui::theme::Meaning;
use crate::tui::widgets::width::fit;
use chrono::NaiveDate;
use ratatui::text::{Line, Span};

const REF: usize = 10;
const NAME: usize = 10;
const STATE: usize = 10;
const AMOUNT: usize = 9;
const REFUND: usize = 10;
const PHONE: usize = 11;
const POINT: usize = 8;

/// Past its latest day and not yet back (the domain's rule, on a row).
pub fn overdue(row: &DashboardRow, today: NaiveDate) -> bool {
    let latest = row
        .window_latest
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    match (latest, DepositState::parse(&row.state)) {
        (Some(latest), Some(state)) => is_overdue(latest, today, state),
        _ => false,
    }
}

/// Columns in the order they matter; a narrow table loses the last ones.
fn columns(cells: [&str; 7]) -> String {
    let [reference, name, state, amount, refund, phone, point] = cells;
    format!(
        "{} {} {} {:>AMOUNT$} {} {} {}",
        fit(reference, REF),
        fit(name, NAME),
        fit(state, STATE),
        amount,
        fit(refund, REFUND),
        fit(phone, PHONE),
        fit(point, POINT),
    )
}

pub fn header(cx: &Cx) -> Line<'static> {
    let text = columns([
        cx.tr("dashboard.col_ref"),
        cx.tr("dashboard.col_name"),
        cx.tr("dashboard.col_state"),
        &fit(cx.tr("dashboard.col_amount"), AMOUNT),
        cx.tr("dashboard.col_refund"),
        cx.tr("dashboard.col_phone"),
        cx.tr("dashboard.col_point"),
    ]);
    Line::from(Span::styled(
        format!("    {text}"),
        cx.theme.style(Meaning::Heading),
    ))
}

pub fn row_line(r: &DashboardRow, selected: bool, today: NaiveDate, cx: &Cx) -> Line<'static> {
    let late = overdue(r, today);
    let select = if selected {
        cx.theme.marker(Meaning::Focus)
    } else {
        "  "
    };
    let flag = if late {
        cx.theme.marker(Meaning::Error)
    } else {
        "  "
    };
    let text = columns([
        &r.reference,
        &r.full_name,
        cx.tr(&format!("dashboard.state.{}", r.state)),
        &r.amount.to_string(),
        r.refund_ref.as_deref().unwrap_or("—"),
        &masked_phone(Some(&r.phone)),
        &r.point_code,
    ]);
    let mut style = cx.theme.style(if late {
        Meaning::Error
    } else {
        Meaning::Normal
    });
    if selected {
        style = style.patch(cx.theme.style(Meaning::Selected));
    }
    Line::from(Span::styled(format!("{select}{flag}{text}"), style))
}
