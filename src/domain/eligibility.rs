//! When a deposit may go back: activated, every fee due paid, no breach, and —
//! where the model's policy sets one — a volume target met within N days of
//! activation. Every unmet condition is said in plain words.

use super::money::Fen;
use super::policy::VolumeTarget;
use chrono::{Days, NaiveDate};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub activated_on: Option<NaiveDate>,
    pub fees_outstanding: Fen,
    pub open_breaches: Vec<String>,
    pub volume_target: Option<VolumeTarget>,
    /// Card volume within the target's days of activation.
    pub volume_in_window: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unmet {
    pub code: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Eligibility {
    pub eligible: bool,
    pub unmet: Vec<Unmet>,
    /// The last day that counts for the volume target, when there is one.
    pub volume_deadline: Option<NaiveDate>,
}

// The sentences' fixed parts, which `read` knows them back by (the audit log
// keeps the first unmet condition's sentence as the reason a deposit is held).
const NOT_ACTIVATED: &str = "The terminal has not been activated yet.";
const VOLUME_MISSED: &str = "The card volume target of ";
const VOLUME_SO_FAR: &str = "Card volume so far ";
const FEES: &str = "Fees of ";
const FEES_END: &str = " are still unpaid.";
const BREACH: &str = "A breach of the agreement is on record: ";

/// An unmet condition's code from its sentence, with the part a translation
/// can carry: the fees' amount, the breach's own words.
pub fn read(message: &str) -> Option<(&'static str, Option<&str>)> {
    if message == NOT_ACTIVATED {
        Some(("eligibility.not_activated", None))
    } else if message.starts_with(VOLUME_MISSED) {
        Some(("eligibility.volume_missed", None))
    } else if message.starts_with(VOLUME_SO_FAR) {
        Some(("eligibility.volume", None))
    } else if let Some(amount) = message
        .strip_prefix(FEES)
        .and_then(|m| m.strip_suffix(FEES_END))
    {
        Some(("eligibility.fees", Some(amount)))
    } else {
        message
            .strip_prefix(BREACH)
            .map(|reason| ("eligibility.breach", Some(reason)))
    }
}

pub fn evaluate(f: &Facts, today: NaiveDate) -> Eligibility {
    let mut unmet = Vec::new();
    let mut deadline = None;
    match f.activated_on {
        None => unmet.push(Unmet {
            code: "eligibility.not_activated",
            message: NOT_ACTIVATED.into(),
        }),
        Some(on) => {
            if let Some(t) = f.volume_target {
                let last = on
                    .checked_add_days(Days::new(u64::from(t.days)))
                    .unwrap_or(NaiveDate::MAX);
                deadline = Some(last);
                if f.volume_in_window < t.amount {
                    let left = t.amount.checked_sub(f.volume_in_window).unwrap_or(t.amount);
                    let message = if today > last {
                        format!(
                            "{VOLUME_MISSED}{} within {} days of activation was missed ({} by {last}).",
                            t.amount, t.days, f.volume_in_window
                        )
                    } else {
                        format!(
                            "{VOLUME_SO_FAR}{} of the {} needed by {last}; {left} to go.",
                            f.volume_in_window, t.amount
                        )
                    };
                    unmet.push(Unmet {
                        code: if today > last {
                            "eligibility.volume_missed"
                        } else {
                            "eligibility.volume"
                        },
                        message,
                    });
                }
            }
        }
    }
    if !f.fees_outstanding.is_zero() {
        unmet.push(Unmet {
            code: "eligibility.fees",
            message: format!("{FEES}{}{FEES_END}", f.fees_outstanding),
        });
    }
    for reason in &f.open_breaches {
        unmet.push(Unmet {
            code: "eligibility.breach",
            message: format!("{BREACH}{reason}"),
        });
    }
    Eligibility {
        eligible: unmet.is_empty(),
        unmet,
        volume_deadline: deadline,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Every combination of the four conditions: eligible only when all hold.
    #[test]
    fn every_combination_of_conditions() {
        let today = d(2026, 6, 1);
        let target = VolumeTarget {
            amount: Fen(1_000_000),
            days: 60,
        };
        for activated in [false, true] {
            for fees_paid in [false, true] {
                for no_breach in [false, true] {
                    for target_case in 0..3 {
                        // 0: no target; 1: target met; 2: target not met
                        let f = Facts {
                            activated_on: activated.then(|| d(2026, 3, 1)),
                            fees_outstanding: if fees_paid { Fen::ZERO } else { Fen(500) },
                            open_breaches: if no_breach {
                                vec![]
                            } else {
                                vec!["moved the device".into()]
                            },
                            volume_target: (target_case > 0).then_some(target),
                            volume_in_window: if target_case == 2 {
                                Fen(999_999)
                            } else {
                                Fen(1_000_000)
                            },
                        };
                        let e = evaluate(&f, today);
                        let volume_ok = target_case != 2 || !activated;
                        let want = activated && fees_paid && no_breach && target_case != 2;
                        assert_eq!(e.eligible, want, "{f:?}");
                        let codes: Vec<&str> = e.unmet.iter().map(|u| u.code).collect();
                        assert_eq!(codes.contains(&"eligibility.not_activated"), !activated);
                        assert_eq!(codes.contains(&"eligibility.fees"), !fees_paid);
                        assert_eq!(codes.contains(&"eligibility.breach"), !no_breach);
                        assert_eq!(
                            codes.iter().any(|c| c.starts_with("eligibility.volume")),
                            !volume_ok
                        );
                        // Each sentence reads back to its code, early in the
                        // volume window and after it.
                        for e in [&e, &evaluate(&f, d(2026, 3, 10))] {
                            for u in &e.unmet {
                                let (code, detail) = read(&u.message).expect(&u.message);
                                assert_eq!(code, u.code, "{}", u.message);
                                match code {
                                    "eligibility.fees" => assert_eq!(detail, Some("¥5.00")),
                                    "eligibility.breach" => {
                                        assert_eq!(detail, Some("moved the device"))
                                    }
                                    _ => assert_eq!(detail, None),
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_volume_message_says_how_much_and_by_when() {
        let f = Facts {
            activated_on: Some(d(2026, 3, 1)),
            fees_outstanding: Fen::ZERO,
            open_breaches: vec![],
            volume_target: Some(VolumeTarget {
                amount: Fen(1_000_000),
                days: 60,
            }),
            volume_in_window: Fen(250_000),
        };
        let e = evaluate(&f, d(2026, 3, 10));
        assert_eq!(e.volume_deadline, Some(d(2026, 4, 30)));
        assert!(
            e.unmet[0]
                .message
                .contains("¥2,500.00 of the ¥10,000.00 needed by 2026-04-30"),
            "{}",
            e.unmet[0].message
        );
        let late = evaluate(&f, d(2026, 5, 1));
        assert_eq!(late.unmet[0].code, "eligibility.volume_missed");
    }
}
