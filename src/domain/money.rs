//! Amounts of money as whole fen (分, 1/100 yuan), integers only.
//!
//! Deposits, fees and refunds are always held as [`Fen`]; there is no floating
//! point anywhere. [`Fen::parse`] is strict and accepts only non-negative
//! amounts typed the way a clerk or a price list writes them.

use crate::domain::problem::Problem;
use std::fmt;
use std::str::FromStr;

/// An amount of money in fen (1 yuan = 100 fen).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Fen(pub i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    /// Whole yuan to fen, meant for small literals such as `Fen::from_yuan(299)`.
    ///
    /// It never panics: beyond ±92,233,720,368,547,758 yuan it saturates at the
    /// i64 limits. Use [`Fen::checked_from_yuan`] for values that come from input.
    pub const fn from_yuan(yuan: i64) -> Fen {
        Fen(yuan.saturating_mul(100))
    }

    /// Whole yuan to fen, `None` if the amount does not fit.
    pub const fn checked_from_yuan(yuan: i64) -> Option<Fen> {
        match yuan.checked_mul(100) {
            Some(fen) => Some(Fen(fen)),
            None => None,
        }
    }

    /// Reads an amount typed at the counter: `299`, `299.00`, `¥1,299.5`,
    /// `￥50`, `118元`. Negative amounts and anything ambiguous are refused.
    pub fn parse(input: &str) -> Result<Fen, Problem> {
        parse_amount(input)
    }

    pub const fn checked_add(self, o: Fen) -> Option<Fen> {
        match self.0.checked_add(o.0) {
            Some(fen) => Some(Fen(fen)),
            None => None,
        }
    }

    pub const fn checked_sub(self, o: Fen) -> Option<Fen> {
        match self.0.checked_sub(o.0) {
            Some(fen) => Some(Fen(fen)),
            None => None,
        }
    }

    /// Adds up amounts; `None` if the total does not fit (never panics).
    pub fn sum_checked<I: IntoIterator<Item = Fen>>(it: I) -> Option<Fen> {
        it.into_iter()
            .try_fold(Fen::ZERO, |total, x| total.checked_add(x))
    }

    pub const fn fen(self) -> i64 {
        self.0
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// For CSV and bank files: no symbol, no separators, always two decimals,
    /// e.g. `1299.50`, `0.05`, `-1.00`.
    pub fn plain(self) -> String {
        let abs = self.0.unsigned_abs();
        let sign = if self.0 < 0 { "-" } else { "" };
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl fmt::Display for Fen {
    /// `¥1,299.50`, `¥0.05`, `-¥3.00`. Honours width/alignment (`{:>12}`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = self.0.unsigned_abs();
        let digits = (abs / 100).to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let sign = if self.0 < 0 { "-" } else { "" };
        f.pad(&format!("{sign}¥{grouped}.{:02}", abs % 100))
    }
}

impl FromStr for Fen {
    type Err = Problem;

    fn from_str(s: &str) -> Result<Fen, Problem> {
        Fen::parse(s)
    }
}

fn format_problem(message: &str) -> Problem {
    Problem::new("money.format", message)
}

fn is_full_width(c: char) -> bool {
    // Full-width digits ０-９, comma ，, full stop ．, plus ＋, minus －.
    matches!(
        c,
        '\u{FF10}'..='\u{FF19}' | '，' | '．' | '＋' | '－' | '。'
    )
}

fn parse_amount(input: &str) -> Result<Fen, Problem> {
    let s = input.trim();
    if s.is_empty() {
        return Err(Problem::new(
            "money.empty",
            "Please type an amount, for example 299 or 299.00.",
        ));
    }
    if s.chars().any(is_full_width) {
        return Err(Problem::new(
            "money.full_width",
            "The amount has full-width characters; switch the keyboard to half-width and type it again, like 299.00.",
        ));
    }
    let negative_sign = |t: &str| t.starts_with('-') || t.starts_with('−');
    if negative_sign(s) {
        return Err(Problem::new(
            "money.negative",
            "The amount cannot be negative.",
        ));
    }
    let body = s
        .strip_prefix('¥')
        .or_else(|| s.strip_prefix('￥'))
        .unwrap_or(s);
    let body = body.strip_suffix('元').unwrap_or(body);
    if negative_sign(body) {
        return Err(Problem::new(
            "money.negative",
            "The amount cannot be negative.",
        ));
    }
    if body.is_empty() {
        return Err(format_problem(
            "There is no number in the amount; type it like 299.00.",
        ));
    }
    if body.starts_with('+') {
        return Err(format_problem(
            "Type the amount without a plus sign, like 299.00.",
        ));
    }
    if body.chars().any(char::is_whitespace) {
        return Err(format_problem(
            "Type the amount without spaces, like 1299.50 or 1,299.50.",
        ));
    }
    if !body
        .chars()
        .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    {
        return Err(format_problem(
            "The amount may contain only digits, thousands commas and one decimal point, like 1,299.50.",
        ));
    }

    let (int_part, frac_part) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if let Some(frac) = frac_part {
        if frac.contains('.') {
            return Err(format_problem(
                "The amount has more than one decimal point.",
            ));
        }
        if frac.contains(',') {
            return Err(format_problem(
                "Commas go only before the decimal point, like 1,299.50.",
            ));
        }
        if frac.is_empty() {
            return Err(format_problem(
                "Add the digits after the decimal point, or leave the point out, like 299 or 299.00.",
            ));
        }
        if frac.len() > 2 {
            return Err(Problem::new(
                "money.too_many_decimals",
                "Amounts go down to the fen only, so use at most two decimals, like 299.50.",
            ));
        }
    }
    if int_part.is_empty() {
        return Err(format_problem(
            "Write a 0 before the decimal point, like 0.50.",
        ));
    }

    let groups: Vec<&str> = int_part.split(',').collect();
    if groups.len() > 1 {
        let first_ok = (1..=3).contains(&groups[0].len());
        let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
        if !first_ok || !rest_ok {
            return Err(format_problem(
                "The thousands commas are in the wrong place; put one every three digits, like 1,299.50, or leave them out.",
            ));
        }
    }
    let digits: String = groups.concat();
    if digits.len() > 1 && digits.starts_with('0') {
        return Err(format_problem(
            "The amount should not start with 0; type it like 50 or 0.50.",
        ));
    }

    let overflow = || {
        Problem::new(
            "money.overflow",
            "The amount is far too large to be a real amount; check it and type it again.",
        )
    };
    let mut yuan: i64 = 0;
    for b in digits.bytes() {
        yuan = yuan
            .checked_mul(10)
            .and_then(|y| y.checked_add(i64::from(b - b'0')))
            .ok_or_else(overflow)?;
    }
    let cents: i64 = match frac_part {
        None => 0,
        Some(frac) => {
            let mut c: i64 = 0;
            for b in frac.bytes() {
                c = c * 10 + i64::from(b - b'0');
            }
            if frac.len() == 1 {
                c * 10
            } else {
                c
            }
        }
    };
    yuan.checked_mul(100)
        .and_then(|f| f.checked_add(cents))
        .map(Fen)
        .ok_or_else(overflow)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(input: &str) -> &'static str {
        match Fen::parse(input) {
            Ok(v) => panic!("{input:?} was accepted as {v:?}"),
            Err(p) => p.code,
        }
    }

    #[test]
    fn published_deposits_parse() {
        for (text, yuan) in [
            ("¥50", 50),
            ("¥99", 99),
            ("¥118", 118),
            ("¥298", 298),
            ("¥299", 299),
        ] {
            assert_eq!(Fen::parse(text), Ok(Fen::from_yuan(yuan)), "{text}");
            assert_eq!(Fen::from_yuan(yuan).to_string(), format!("{text}.00"));
        }
    }

    #[test]
    fn accepted_forms() {
        assert_eq!(Fen::parse("299"), Ok(Fen(29900)));
        assert_eq!(Fen::parse("299.0"), Ok(Fen(29900)));
        assert_eq!(Fen::parse("299.00"), Ok(Fen(29900)));
        assert_eq!(Fen::parse("¥1,299.5"), Ok(Fen(129950)));
        assert_eq!(Fen::parse("￥1,299.50"), Ok(Fen(129950)));
        assert_eq!(Fen::parse("1299.50元"), Ok(Fen(129950)));
        assert_eq!(Fen::parse("¥118元"), Ok(Fen(11800)));
        assert_eq!(Fen::parse("  ¥50  "), Ok(Fen(5000)));
        assert_eq!(Fen::parse("0.5"), Ok(Fen(50)));
        assert_eq!(Fen::parse("0.05"), Ok(Fen(5)));
        assert_eq!(Fen::parse("0"), Ok(Fen::ZERO));
        assert_eq!(Fen::parse("1,234,567.89"), Ok(Fen(123_456_789)));
        assert_eq!("¥299".parse::<Fen>(), Ok(Fen(29900)));
        assert_eq!(Fen::parse("¥92,233,720,368,547,758.07"), Ok(Fen(i64::MAX)));
    }

    #[test]
    fn refusals() {
        for (input, expected) in [
            ("", "money.empty"),
            ("   ", "money.empty"),
            ("-1", "money.negative"),
            ("-¥3.00", "money.negative"),
            ("¥-3", "money.negative"),
            ("−3", "money.negative"),
            ("+5", "money.format"),
            ("¥+5", "money.format"),
            ("1.234", "money.too_many_decimals"),
            ("1.000", "money.too_many_decimals"),
            (".5", "money.format"),
            ("¥.50", "money.format"),
            ("5.", "money.format"),
            ("1 299", "money.format"),
            ("¥ 50", "money.format"),
            ("50 元", "money.format"),
            ("1e5", "money.format"),
            ("1E2", "money.format"),
            ("abc", "money.format"),
            ("12a", "money.format"),
            ("¥", "money.format"),
            ("元", "money.format"),
            ("12,99", "money.format"),
            ("1,2999", "money.format"),
            ("1234,567", "money.format"),
            (",299", "money.format"),
            ("299,", "money.format"),
            ("1,,299", "money.format"),
            ("1.2.3", "money.format"),
            ("1.2,0", "money.format"),
            ("007", "money.format"),
            ("0,299", "money.format"),
            ("$5", "money.format"),
            ("１２３", "money.full_width"),
            ("¥２９９", "money.full_width"),
            ("299．00", "money.full_width"),
            ("92233720368547758.08", "money.overflow"),
            ("92,233,720,368,547,758.08", "money.overflow"),
            ("99999999999999999999999", "money.overflow"),
        ] {
            assert_eq!(code(input), expected, "{input:?}");
        }
    }

    #[test]
    fn messages_are_one_sentence() {
        for input in [
            "",
            "-1",
            "+1",
            "1.234",
            ".5",
            "12,99",
            "１",
            "9".repeat(30).as_str(),
        ] {
            let p = Fen::parse(input).unwrap_err();
            assert!(p.message.ends_with('.'), "{}", p.message);
            assert!(!p.message.contains('\n'));
            assert_eq!(p.to_string(), p.message);
        }
    }

    #[test]
    fn display_and_plain() {
        assert_eq!(Fen(129950).to_string(), "¥1,299.50");
        assert_eq!(Fen(5).to_string(), "¥0.05");
        assert_eq!(Fen(0).to_string(), "¥0.00");
        assert_eq!(Fen(-300).to_string(), "-¥3.00");
        assert_eq!(Fen(100_000_000).to_string(), "¥1,000,000.00");
        assert_eq!(Fen(99_999).to_string(), "¥999.99");
        assert_eq!(Fen(i64::MIN).to_string(), "-¥92,233,720,368,547,758.08");
        assert_eq!(format!("{:>10}", Fen(5000)), "    ¥50.00");
        assert_eq!(Fen(129950).plain(), "1299.50");
        assert_eq!(Fen(5).plain(), "0.05");
        assert_eq!(Fen(-100).plain(), "-1.00");
        assert_eq!(Fen(i64::MIN).plain(), "-92233720368547758.08");
    }

    #[test]
    fn arithmetic_never_panics() {
        assert_eq!(Fen::from_yuan(299), Fen(29900));
        assert_eq!(Fen::from_yuan(i64::MAX), Fen(i64::MAX));
        assert_eq!(Fen::from_yuan(i64::MIN), Fen(i64::MIN));
        assert_eq!(Fen::checked_from_yuan(i64::MAX), None);
        assert_eq!(Fen::checked_from_yuan(-3), Some(Fen(-300)));
        assert_eq!(Fen(1).checked_add(Fen(2)), Some(Fen(3)));
        assert_eq!(Fen(i64::MAX).checked_add(Fen(1)), None);
        assert_eq!(Fen(1).checked_sub(Fen(2)), Some(Fen(-1)));
        assert_eq!(Fen(i64::MIN).checked_sub(Fen(1)), None);
        assert_eq!(
            Fen::sum_checked([Fen(5000), Fen(9900), Fen(11800)]),
            Some(Fen(26700))
        );
        assert_eq!(Fen::sum_checked([Fen(i64::MAX), Fen(1)]), None);
        assert_eq!(Fen::sum_checked(Vec::new()), Some(Fen::ZERO));
        assert!(Fen::ZERO.is_zero() && !Fen(1).is_zero());
        assert_eq!(Fen(42).fen(), 42);
    }

    #[test]
    fn serde_is_a_plain_integer() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct Row {
            deposit: Fen,
        }
        let text = toml::to_string(&Row {
            deposit: Fen(29900),
        })
        .unwrap();
        assert_eq!(text.trim(), "deposit = 29900");
        assert_eq!(
            toml::from_str::<Row>(&text).unwrap(),
            Row {
                deposit: Fen(29900)
            }
        );
    }

    proptest! {
        #[test]
        fn display_and_plain_round_trip(x in 0i64..=i64::MAX) {
            prop_assert_eq!(Fen::parse(&Fen(x).to_string()), Ok(Fen(x)));
            prop_assert_eq!(Fen::parse(&Fen(x).plain()), Ok(Fen(x)));
        }

        #[test]
        fn small_amounts_round_trip(x in 0i64..10_000_000) {
            prop_assert_eq!(Fen::parse(&Fen(x).to_string()), Ok(Fen(x)));
            prop_assert_eq!(Fen::parse(&Fen(x).plain()), Ok(Fen(x)));
        }

        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            let _ = Fen::parse(&s);
        }

        #[test]
        fn amount_like_strings_never_panic(s in "[-+¥￥元0-9,.eE １０，．]{0,30}") {
            if let Ok(v) = Fen::parse(&s) {
                prop_assert!(v.fen() >= 0);
                prop_assert_eq!(Fen::parse(&v.to_string()), Ok(v));
            }
        }
    }
}
