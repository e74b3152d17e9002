//! Which fees fall due for a terminal: the device fee on activation (waived for a
//! merchant's first terminal where the policy says so) and the monthly fee on the
//! same day of each following month.

use super::money::Fen;
use super::policy::DeviceModel;
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FeeKind {
    Device,
    Monthly,
}

impl FeeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FeeKind::Device => "device",
            FeeKind::Monthly => "monthly",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeeDue {
    pub kind: FeeKind,
    /// `YYYY-MM` of a monthly fee's month; none for the device fee.
    pub period: Option<String>,
    pub amount: Fen,
    pub due: NaiveDate,
}

/// Every fee due on or before `today` for a terminal activated on `activated`.
pub fn fees_due(
    model: &DeviceModel,
    device_fee_waived: bool,
    activated: NaiveDate,
    today: NaiveDate,
) -> Vec<FeeDue> {
    let mut out = Vec::new();
    if !device_fee_waived && !model.device_fee.is_zero() && activated <= today {
        out.push(FeeDue {
            kind: FeeKind::Device,
            period: None,
            amount: model.device_fee,
            due: activated,
        });
    }
    if model.monthly_fee.is_zero() {
        return out;
    }
    let mut k = 1u32;
    // Month-ends clamp (31 Jan → 28/29 Feb): checked_add_months does that.
    while let Some(due) = activated.checked_add_months(Months::new(k)) {
        if due > today {
            break;
        }
        out.push(FeeDue {
            kind: FeeKind::Monthly,
            period: Some(format!("{:04}-{:02}", due.year(), due.month())),
            amount: model.monthly_fee,
            due,
        });
        k += 1;
    }
    out
}

/// Spread a payment over the fees still open, oldest first. Refuses (None) a
/// payment larger than what is owed.
pub fn allocate(open: &[(usize, Fen)], payment: Fen) -> Option<Vec<(usize, Fen)>> {
    let mut left = payment;
    let mut out = Vec::new();
    for &(i, owed) in open {
        if left.is_zero() {
            break;
        }
        let take = if left < owed { left } else { owed };
        if !take.is_zero() {
            out.push((i, take));
            left = left.checked_sub(take)?;
        }
    }
    left.is_zero().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::Policy;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn device_fee_unless_waived_and_monthly_from_the_next_month() {
        let p = Policy::builtin();
        let pax = p.model("PAX-S90").unwrap();
        let due = fees_due(pax, false, d(2026, 1, 31), d(2026, 4, 1));
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].amount, Fen(19_900));
        assert!(fees_due(pax, true, d(2026, 1, 31), d(2026, 4, 1)).is_empty());
        let sm = p.model("SM-P2").unwrap();
        let due = fees_due(sm, true, d(2026, 1, 31), d(2026, 4, 30));
        let days: Vec<NaiveDate> = due.iter().map(|f| f.due).collect();
        assert_eq!(days, [d(2026, 2, 28), d(2026, 3, 31), d(2026, 4, 30)]);
        assert_eq!(due[0].period.as_deref(), Some("2026-02"));
        assert!(fees_due(sm, true, d(2026, 1, 31), d(2026, 2, 27)).is_empty());
    }

    #[test]
    fn payments_fill_the_oldest_first_and_never_overpay() {
        let open = [(0, Fen(500)), (1, Fen(500)), (2, Fen(19_900))];
        assert_eq!(
            allocate(&open, Fen(700)),
            Some(vec![(0, Fen(500)), (1, Fen(200))])
        );
        assert_eq!(allocate(&open, Fen(20_900)).map(|v| v.len()), Some(3));
        assert_eq!(allocate(&open, Fen(20_901)), None);
        assert_eq!(allocate(&[], Fen(1)), None);
    }

    proptest! {
        #[test]
        fn allocation_adds_up(owed in proptest::collection::vec(1i64..100_000, 0..8), pay in 0i64..500_000) {
            let open: Vec<(usize, Fen)> = owed.iter().enumerate().map(|(i, f)| (i, Fen(*f))).collect();
            let total: i64 = owed.iter().sum();
            match allocate(&open, Fen(pay)) {
                Some(parts) => {
                    prop_assert!(pay <= total);
                    prop_assert_eq!(parts.iter().map(|(_, f)| f.fen()).sum::<i64>(), pay);
                    for (i, f) in parts { prop_assert!(f.fen() <= owed[i]); }
                }
                None => prop_assert!(pay > total),
            }
        }
    }
}
