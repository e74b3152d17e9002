//! What the dashboard is narrowed to, and how each choice turns into the
//! desk's `Filter`.

use crate::desk::day_bounds;
use crate::domain::lifecycle::DepositState;
use crate::store::dashboard::Filter;
use chrono::{Days, NaiveDate};

/// Deposits taken in this range of counter days, ending today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dates {
    #[default]
    All,
    Today,
    Last7,
    Last30,
}

impl Dates {
    pub fn next(self) -> Dates {
        match self {
            Dates::All => Dates::Today,
            Dates::Today => Dates::Last7,
            Dates::Last7 => Dates::Last30,
            Dates::Last30 => Dates::All,
        }
    }

    /// i18n key of how the choice reads.
    pub fn label(self) -> &'static str {
        match self {
            Dates::All => "dashboard.all",
            Dates::Today => "dashboard.today",
            Dates::Last7 => "dashboard.last7",
            Dates::Last30 => "dashboard.last30",
        }
    }

    fn days(self) -> Option<u64> {
        match self {
            Dates::All => None,
            Dates::Today => Some(1),
            Dates::Last7 => Some(7),
            Dates::Last30 => Some(30),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub state: Option<DepositState>,
    /// Only the actor's own pickup point.
    pub mine: bool,
    pub dates: Dates,
    pub overdue: bool,
    pub search: String,
}

impl Filters {
    /// All states, then each state in lifecycle order, then all again.
    pub fn next_state(&mut self) {
        let all = DepositState::ALL;
        self.state = match self.state {
            None => all.first().copied(),
            Some(s) => all
                .iter()
                .position(|x| *x == s)
                .and_then(|i| all.get(i + 1))
                .copied(),
        };
    }

    pub fn to_filter(&self, today: NaiveDate, point: Option<i64>) -> Filter {
        let (from, to) = match self.dates.days() {
            Some(n) => {
                let first = today - Days::new(n - 1);
                (Some(day_bounds(first).0), Some(day_bounds(today).1))
            }
            None => (None, None),
        };
        let search = self.search.trim();
        Filter {
            states: self
                .state
                .map(|s| vec![s.as_str().to_string()])
                .unwrap_or_default(),
            point_id: if self.mine { point } else { None },
            from,
            to,
            overdue_on: self.overdue.then(|| today.format("%Y-%m-%d").to_string()),
            search: (!search.is_empty()).then(|| search.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_cycle_through_all_and_back() {
        let mut f = Filters::default();
        let mut seen = Vec::new();
        for _ in 0..=DepositState::ALL.len() {
            f.next_state();
            seen.push(f.state);
        }
        assert_eq!(seen.first(), Some(&Some(DepositState::Held)));
        assert_eq!(seen.last(), Some(&None));
    }

    #[test]
    fn dates_end_with_today_in_the_counter_calendar() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let f = Filters {
            dates: Dates::Last7,
            ..Filters::default()
        }
        .to_filter(today, Some(3));
        assert_eq!(f.from.as_deref(), Some("2026-11-18T16:00:00Z"));
        assert_eq!(f.to.as_deref(), Some("2026-11-25T16:00:00Z"));
        assert_eq!(f.point_id, None, "all points unless asked");
    }
}
