//! The deposit's road back to the merchant, and the window in which a confirmed
//! refund lands (3rd to 7th working day after confirmation, from policy).

use super::calendar::HolidayCalendar;
use super::lifecycle::DepositState;
use super::problem::Problem;
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefundWindow {
    pub earliest: NaiveDate,
    pub latest: NaiveDate,
    /// False when a year in the window has no holiday schedule loaded.
    pub complete: bool,
    pub missing_years: Vec<i32>,
}

pub fn window(
    calendar: &HolidayCalendar,
    confirmed: NaiveDate,
    earliest: u32,
    latest: u32,
) -> RefundWindow {
    let a = calendar.add_workdays(confirmed, earliest);
    let b = calendar.add_workdays(confirmed, latest);
    let mut missing = a.missing_years.clone();
    for y in b.missing_years {
        if !missing.contains(&y) {
            missing.push(y);
        }
    }
    RefundWindow {
        earliest: a.date,
        latest: b.date,
        complete: a.complete && b.complete,
        missing_years: missing,
    }
}

/// Past its latest day and not yet refunded.
pub fn is_overdue(latest: NaiveDate, today: NaiveDate, state: DepositState) -> bool {
    today > latest
        && matches!(
            state,
            DepositState::RefundConfirmed | DepositState::RefundSent
        )
}

pub fn deposit_can_move(from: DepositState, to: DepositState) -> Result<(), Problem> {
    use DepositState as D;
    let ok = matches!(
        (from, to),
        (D::Held, D::Eligible)
            | (D::Eligible, D::Held)
            | (D::Eligible, D::RefundRequested)
            | (D::RefundRequested, D::RefundConfirmed)
            | (D::RefundRequested, D::Eligible)
            | (D::RefundConfirmed, D::RefundSent)
            | (D::RefundSent, D::Refunded)
            | (D::RefundSent, D::RefundFailed)
            | (D::RefundFailed, D::RefundRequested)
            | (D::Held | D::Eligible | D::RefundFailed, D::Forfeited)
    );
    if ok {
        Ok(())
    } else {
        Err(Problem::new(
            "deposit.transition",
            format!(
                "A deposit that is {} cannot become {} ({from} → {to} is not allowed).",
                from.as_str().replace('_', " "),
                to.as_str().replace('_', " ")
            ),
        )
        .with_key("from", format!("deposit.{}", from.as_str()))
        .with_key("to", format!("deposit.{}", to.as_str())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn windows_across_national_day_and_spring_festival() {
        let cal = HolidayCalendar::builtin();
        let w = window(&cal, d(2025, 9, 26), 3, 7);
        assert_eq!(
            (w.earliest, w.latest, w.complete),
            (d(2025, 9, 30), d(2025, 10, 13), true)
        );
        let w = window(&cal, d(2026, 2, 13), 3, 7);
        assert_eq!(
            (w.earliest, w.latest, w.complete),
            (d(2026, 2, 25), d(2026, 3, 2), true)
        );
        let w = window(&cal, d(2025, 1, 24), 3, 7);
        assert_eq!((w.earliest, w.latest), (d(2025, 2, 5), d(2025, 2, 10)));
    }

    #[test]
    fn a_window_into_an_unloaded_year_says_so() {
        let cal = HolidayCalendar::builtin();
        let w = window(&cal, d(2026, 12, 28), 3, 7);
        assert!(!w.complete);
        assert_eq!(w.missing_years, vec![2027]);
        let w = window(&cal, d(2026, 12, 21), 3, 7);
        assert!(w.complete, "21 Dec + 7 working days stays in 2026");
    }

    #[test]
    fn overdue_only_while_the_money_is_on_its_way() {
        let latest = d(2026, 3, 2);
        assert!(is_overdue(latest, d(2026, 3, 3), DepositState::RefundSent));
        assert!(is_overdue(
            latest,
            d(2026, 3, 3),
            DepositState::RefundConfirmed
        ));
        assert!(
            !is_overdue(latest, d(2026, 3, 2), DepositState::RefundSent),
            "the latest day itself is not late"
        );
        assert!(!is_overdue(latest, d(2026, 4, 1), DepositState::Refunded));
    }

    #[test]
    fn deposit_moves() {
        use DepositState as D;
        assert!(deposit_can_move(D::Held, D::Eligible).is_ok());
        assert!(deposit_can_move(D::RefundFailed, D::RefundRequested).is_ok());
        assert!(deposit_can_move(D::Refunded, D::Forfeited).is_err());
        assert!(deposit_can_move(D::Held, D::RefundRequested).is_err());
        let e = deposit_can_move(D::RefundSent, D::Held).unwrap_err();
        assert!(e.message.contains("refund_sent → held"));
    }
}
