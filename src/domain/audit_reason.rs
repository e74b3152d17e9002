//! The reasons posdesk itself writes into the audit log; a clerk's own words
//! are stored as typed. posdesk's are stored in English, as they always were
//! — the log is one record whatever a counter's language, and an entry is
//! never rewritten — and read back here into their parts, so that a screen
//! can say them in its own language. Each writer has its reader beside it.

use super::eligibility;
use super::money::Fen;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said<'a> {
    /// Fees taken: `¥5.00 by wechat`.
    Paid { amount: &'a str, method: &'a str },
    /// A refund batch written for the bank: `13 refunds, ¥3,629.00`.
    Batch { refunds: u64, total: &'a str },
    /// A card-volume file read: `228 lines, ¥4,820,600.00`.
    Volumes { lines: u64, total: &'a str },
    /// A breach recorded: `breach 1: 机具被转借他人使用`.
    Breach { number: u64, text: &'a str },
    /// Why a deposit went back to held: the first unmet condition, by its
    /// code, with the part a translation can carry (a fee's amount, the
    /// breach's own words).
    Unmet {
        code: &'static str,
        detail: Option<&'a str>,
    },
    /// Made by `posdesk demo`.
    Demo,
}

pub const DEMO: &str = "demo";

pub fn paid(amount: Fen, method: &str) -> String {
    format!("{amount} by {method}")
}

pub fn batch(refunds: u64, total: Fen) -> String {
    format!("{refunds} refunds, {total}")
}

pub fn volumes(lines: u64, total: Fen) -> String {
    format!("{lines} lines, {total}")
}

pub fn breach(number: i64, text: &str) -> String {
    format!("breach {number}: {text}")
}

/// What posdesk said, when `reason` is one of its own for `action`. A
/// clerk's words, and anything not of these shapes, are `None`: shown as written.
pub fn read<'a>(action: &str, reason: &'a str) -> Option<Said<'a>> {
    match action {
        "pay fees" => {
            let (amount, method) = reason.rsplit_once(" by ")?;
            (amount_like(amount) && word_like(method)).then_some(Said::Paid { amount, method })
        }
        "export" => {
            let (n, total) = counted(reason, " refunds, ")?;
            Some(Said::Batch { refunds: n, total })
        }
        "import volumes" => {
            let (n, total) = counted(reason, " lines, ")?;
            Some(Said::Volumes { lines: n, total })
        }
        "record breach" => {
            let (number, text) = reason.strip_prefix("breach ")?.split_once(": ")?;
            Some(Said::Breach {
                number: digits(number)?,
                text,
            })
        }
        "eligibility" => {
            let (code, detail) = eligibility::read(reason)?;
            Some(Said::Unmet { code, detail })
        }
        "create" | "stock in" if reason == DEMO => Some(Said::Demo),
        _ => None,
    }
}

fn counted<'a>(reason: &'a str, between: &str) -> Option<(u64, &'a str)> {
    let (n, total) = reason.split_once(between)?;
    amount_like(total).then_some(())?;
    Some((digits(n)?, total))
}

fn digits(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// As `Fen` shows an amount: `¥1,299.50`, `-¥3.00`.
fn amount_like(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    s.strip_prefix('¥').is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b',' || b == b'.')
    })
}

fn word_like(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_back_what_the_desk_writes() {
        let fee = Fen(500);
        assert_eq!(
            read("pay fees", &paid(fee, "wechat")),
            Some(Said::Paid {
                amount: "¥5.00",
                method: "wechat"
            })
        );
        assert_eq!(
            read("export", &batch(13, Fen(362_900))),
            Some(Said::Batch {
                refunds: 13,
                total: "¥3,629.00"
            })
        );
        assert_eq!(
            read("import volumes", &volumes(228, Fen(482_060_000))),
            Some(Said::Volumes {
                lines: 228,
                total: "¥4,820,600.00"
            })
        );
        assert_eq!(
            read("record breach", &breach(1, "机具被转借他人使用")),
            Some(Said::Breach {
                number: 1,
                text: "机具被转借他人使用"
            })
        );
        assert_eq!(read("stock in", DEMO), Some(Said::Demo));
    }

    #[test]
    fn a_clerks_words_are_left_as_written() {
        for (action, reason) in [
            ("cancel", "申请人放弃申请"),
            ("reject", "demo"),
            ("pay fees", "paid by the neighbour"),
            ("export", "13 refunds, many"),
            ("record breach", "breach of trust: moved the device"),
            ("eligibility", "held by hand"),
            ("create", "demo data"),
        ] {
            assert_eq!(read(action, reason), None, "{action}: {reason}");
        }
    }

    proptest! {
        #[test]
        fn every_amount_and_text_round_trips(
            fen in any::<i64>(),
            n in any::<u64>(),
            id in 0i64..i64::MAX,
            text in "\\PC{0,40}",
            method in "[a-z_]{1,12}",
        ) {
            let amount = Fen(fen).to_string();
            let (p, b, v, r) = (
                paid(Fen(fen), &method),
                batch(n, Fen(fen)),
                volumes(n, Fen(fen)),
                breach(id, &text),
            );
            prop_assert_eq!(
                read("pay fees", &p),
                Some(Said::Paid { amount: &amount, method: &method })
            );
            prop_assert_eq!(
                read("export", &b),
                Some(Said::Batch { refunds: n, total: &amount })
            );
            prop_assert_eq!(
                read("import volumes", &v),
                Some(Said::Volumes { lines: n, total: &amount })
            );
            prop_assert_eq!(
                read("record breach", &r),
                Some(Said::Breach { number: id as u64, text: &text })
            );
        }
    }
}
