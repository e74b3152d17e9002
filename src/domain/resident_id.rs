//! Resident identity card numbers (GB 11643-1999) and the civil capacity that
//! follows from the birth date in them (PRC Civil Code arts. 17, 18, 1259).
//!
//! Messages never repeat the number itself: problems may end up in logs, and an
//! ID number is sensitive personal information (PIPL art. 28).

use crate::domain::problem::Problem;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// Weights of ISO 7064 MOD 11-2 for the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for `S mod 11`.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Earliest birth date accepted. GB 11643-1999's own published example
/// (`440524188001010014`) is born in 1880, so the floor is 1800-01-01: it
/// still refuses typos such as year `0199` or `1099`.
const EARLIEST_BIRTH: (i32, u32, u32) = (1800, 1, 1);

/// Age from which a person is an adult (Civil Code art. 17).
pub const ADULT_AGE: u32 = 18;
/// Age from which a minor may be deemed fully capable (Civil Code art. 18).
pub const SUPERVISED_AGE: u32 = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Male,
    Female,
}

/// What the counter may do for a person of this age.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Capacity {
    /// 18 or over (the 18th birthday itself counts).
    Adult,
    /// 16 or 17: a supervisor decides and records the reason.
    NeedsSupervisor,
    /// Under 16: refused.
    Minor,
}

/// A checked 18-character resident ID number, upper-case `X`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResidentId(String);

impl ResidentId {
    /// Checks a number as typed at the counter. Surrounding and inner
    /// whitespace is dropped, full-width digits and a lower-case `x` are accepted.
    pub fn parse(input: &str, today: NaiveDate) -> Result<ResidentId, Problem> {
        let s = normalize(input);
        if s.is_empty() {
            return Err(
                Problem::new("id.length", "Enter the 18-character ID number.").with("count", 0),
            );
        }
        if !s.chars().all(|c| c.is_ascii_digit() || c == 'X') {
            return Err(characters_problem());
        }
        // From here on `s` is ASCII: byte indices are character indices.
        if s.len() == 15 && s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Problem::new(
                "id.first_generation",
                "This is a 15-digit first-generation number, not valid since 2013-01-01; \
                 ask for the current 18-digit ID card.",
            ));
        }
        if s.len() != 18 {
            return Err(Problem::new(
                "id.length",
                format!(
                    "The ID number must have 18 characters, but {} were entered.",
                    s.len()
                ),
            )
            .with("count", s.len()));
        }
        if s[..17].contains('X') {
            return Err(characters_problem());
        }
        if !province_ok(&s) {
            return Err(Problem::new(
                "id.province",
                "The first two digits of the ID number are not a province code; \
                 check them against the card.",
            ));
        }
        let birth = match birth_date_of(&s) {
            Some(d) if d >= earliest_birth() => d,
            _ => {
                return Err(Problem::new(
                    "id.birth_date",
                    "The birth date in the ID number (digits 7 to 14) is not a real date; \
                     check them against the card.",
                ))
            }
        };
        if birth > today {
            return Err(Problem::new(
                "id.future_birth",
                "The birth date in the ID number (digits 7 to 14) is after today; \
                 check them against the card.",
            ));
        }
        if check_character(&s[..17]) != s[17..].chars().next() {
            return Err(Problem::new(
                "id.checksum",
                "The last character of the ID number does not match the others; \
                 one digit was probably mistyped, so check each one against the card.",
            ));
        }
        Ok(ResidentId(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        // Checked by `parse`, the only constructor; the fallback is never used.
        birth_date_of(&self.0).unwrap_or(NaiveDate::MIN)
    }

    /// The 17th digit (sequence code): odd = male, even = female.
    pub fn sex(&self) -> Sex {
        match self.0.as_bytes().get(16) {
            Some(b) if (b.wrapping_sub(b'0')) % 2 == 1 => Sex::Male,
            _ => Sex::Female,
        }
    }

    /// Age in whole years on `date`. The birthday itself counts (Civil Code
    /// art. 1259); a 29 February birthday turns over on 1 March in common years.
    /// 0 for a date before the birth.
    pub fn age_on(&self, date: NaiveDate) -> u32 {
        age_between(self.birth_date(), date)
    }

    pub fn is_adult_on(&self, date: NaiveDate, adult_age: u32) -> bool {
        self.age_on(date) >= adult_age
    }

    /// First 6 and last 4 characters, the rest starred: `110105********002X`.
    pub fn masked(&self) -> String {
        format!("{}{}{}", &self.0[..6], "*".repeat(8), &self.0[14..])
    }

    /// The last six characters (used as a short reference by banks and carriers).
    pub fn last6(&self) -> &str {
        &self.0[12..]
    }
}

/// ISO 7064 MOD 11-2 check character for 17 ASCII digits; `None` otherwise.
pub fn check_character(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    CHECK_CHARS.get((sum % 11) as usize).copied()
}

/// The 18-character form of a 15-digit first-generation number: `19` goes
/// before the two-digit year and the check character is appended. The result
/// is not a valid document: first-generation cards expired on 2013-01-01.
pub fn upgrade_first_generation(old15: &str) -> Option<String> {
    if old15.len() != 15 || !old15.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let first17 = format!("{}19{}", &old15[..6], &old15[6..]);
    let check = check_character(&first17)?;
    Some(format!("{first17}{check}"))
}

/// Adult at 18 (the birthday counts), supervisor's decision at 16–17, refused under 16.
pub fn capacity_on(id: &ResidentId, date: NaiveDate) -> Capacity {
    let age = id.age_on(date);
    if age >= ADULT_AGE {
        Capacity::Adult
    } else if age >= SUPERVISED_AGE {
        Capacity::NeedsSupervisor
    } else {
        Capacity::Minor
    }
}

fn characters_problem() -> Problem {
    Problem::new(
        "id.characters",
        "The ID number may only contain digits, with an X allowed as the last character.",
    )
}

/// Drops every whitespace character, folds full-width digits and `Ｘ`/`ｘ`/`x` to `X`.
fn normalize(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' => {
                char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')).unwrap_or(c)
            }
            'x' | '\u{FF38}' | '\u{FF58}' => 'X',
            other => other,
        })
        .collect()
}

fn province_ok(s: &str) -> bool {
    match s.get(..2).and_then(|p| p.parse::<u8>().ok()) {
        Some(11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81 | 82) => true,
        // Residence permits for Taiwan residents: only the 830000 address code.
        Some(83) => s.get(..6) == Some("830000"),
        _ => false,
    }
}

/// Birth date from characters 7–14 of an 18-character ASCII number.
fn birth_date_of(s: &str) -> Option<NaiveDate> {
    let year: i32 = s.get(6..10)?.parse().ok()?;
    let month: u32 = s.get(10..12)?.parse().ok()?;
    let day: u32 = s.get(12..14)?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

fn earliest_birth() -> NaiveDate {
    let (y, m, d) = EARLIEST_BIRTH;
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn age_between(birth: NaiveDate, date: NaiveDate) -> u32 {
    if date < birth {
        return 0;
    }
    let mut years = date.year() - birth.year();
    if (date.month(), date.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("test date")
    }

    fn today() -> NaiveDate {
        d(2026, 1, 15)
    }

    /// A valid number for a birth date, built with the published algorithm.
    fn id_born(birth: NaiveDate, seq: u32) -> ResidentId {
        let first17 = format!("110105{}{:03}", birth.format("%Y%m%d"), seq);
        let check = check_character(&first17).expect("17 digits");
        ResidentId::parse(&format!("{first17}{check}"), today()).expect("valid id")
    }

    fn code(input: &str) -> &'static str {
        match ResidentId::parse(input, today()) {
            Ok(_) => "ok",
            Err(p) => p.code,
        }
    }

    #[test]
    fn published_valid_examples_parse() {
        for s in [
            "11010519491231002X",
            "440524188001010014",
            "34052419800101001X",
        ] {
            let id = ResidentId::parse(s, today()).expect(s);
            assert_eq!(id.as_str(), s);
        }
    }

    #[test]
    fn published_check_characters() {
        assert_eq!(check_character("11010519491231002"), Some('X'));
        assert_eq!(check_character("44052418800101001"), Some('4'));
        assert_eq!(check_character("34052419800101001"), Some('X'));
        assert_eq!(check_character("36042619911301007"), Some('9'));
        assert_eq!(check_character("1101051949123100"), None);
        assert_eq!(check_character("1101051949123100X"), None);
        assert_eq!(check_character("１1010519491231002"), None);
    }

    #[test]
    fn published_examples_birth_and_sex() {
        let a = ResidentId::parse("11010519491231002X", today()).expect("valid");
        assert_eq!(a.birth_date(), d(1949, 12, 31));
        assert_eq!(a.sex(), Sex::Female);
        let b = ResidentId::parse("440524188001010014", today()).expect("valid");
        assert_eq!(b.birth_date(), d(1880, 1, 1));
        assert_eq!(b.sex(), Sex::Male);
        let c = ResidentId::parse("34052419800101001X", today()).expect("valid");
        assert_eq!(c.sex(), Sex::Male);
    }

    #[test]
    fn month_13_with_correct_check_character_is_refused_for_the_date() {
        assert_eq!(code("360426199113010079"), "id.birth_date");
    }

    #[test]
    fn first_generation_number_is_refused_and_upgrades_as_published() {
        let p = ResidentId::parse("610104620927690", today()).expect_err("refused");
        assert_eq!(p.code, "id.first_generation");
        assert!(p
            .message
            .contains("first-generation number, not valid since 2013-01-01"));
        assert_eq!(
            upgrade_first_generation("610104620927690").as_deref(),
            Some("610104196209276908")
        );
        assert_eq!(upgrade_first_generation("61010462092769"), None);
        assert_eq!(upgrade_first_generation("61010462092769X"), None);
    }

    #[test]
    fn lower_case_x_spaces_and_full_width_are_accepted() {
        for s in [
            "11010519491231002x",
            " 110105 19491231 002X ",
            "110105\u{3000}19491231\t002x\n",
            "１１０１０５１９４９１２３１００２ｘ",
        ] {
            let id = ResidentId::parse(s, today()).expect(s);
            assert_eq!(id.as_str(), "11010519491231002X");
        }
    }

    #[test]
    fn masks_as_published() {
        let id = ResidentId::parse("11010519491231002X", today()).expect("valid");
        assert_eq!(id.masked(), "110105********002X");
        assert_eq!(id.last6(), "31002X");
    }

    #[test]
    fn refusal_codes() {
        assert_eq!(code(""), "id.length");
        assert_eq!(code("   "), "id.length");
        assert_eq!(code("11010519491231002"), "id.length");
        assert_eq!(code("11010519491231002X1"), "id.length");
        assert_eq!(code("11010519491231002Y"), "id.characters");
        assert_eq!(code("1101051949123100X2"), "id.characters");
        assert_eq!(code("11010519491231-02X"), "id.characters");
        assert_eq!(code("身份证11010519491231"), "id.characters");
        assert_eq!(code("11010519491231002A"), "id.characters");
        assert_eq!(code("11010519491231002Z"), "id.characters");
        // Checksum changed by hand so that only the property under test fails.
        let with = |first17: &str| {
            let c = check_character(first17).expect("17 digits");
            code(&format!("{first17}{c}"))
        };
        assert_eq!(with("00010519491231002"), "id.province");
        assert_eq!(with("16010519491231002"), "id.province");
        assert_eq!(with("72010519491231002"), "id.province");
        assert_eq!(with("83010519491231002"), "id.province");
        assert_eq!(with("83000019491231002"), "ok");
        assert_eq!(with("81000019491231002"), "ok");
        assert_eq!(with("82000019491231002"), "ok");
        assert_eq!(with("71000019491231002"), "ok");
        assert_eq!(with("11010519490230002"), "id.birth_date");
        assert_eq!(with("11010519490001002"), "id.birth_date");
        assert_eq!(with("11010517991231002"), "id.birth_date");
        assert_eq!(with("11010520230229002"), "id.birth_date");
        assert_eq!(with("11010520240229002"), "ok");
        assert_eq!(with("11010520260115002"), "ok");
        assert_eq!(with("11010520260116002"), "id.future_birth");
        assert_eq!(code("110105194912310021"), "id.checksum");
    }

    #[test]
    fn messages_do_not_repeat_the_number() {
        for s in [
            "110105194912310021",
            "360426199113010079",
            "610104620927690",
        ] {
            let p = ResidentId::parse(s, today()).expect_err(s);
            assert!(!p.message.contains(&s[..6]), "{}", p.message);
        }
    }

    #[test]
    fn eighteenth_birthday_counts_as_adult() {
        let id = id_born(d(2008, 3, 15), 12);
        assert_eq!(id.age_on(d(2026, 3, 14)), 17);
        assert!(!id.is_adult_on(d(2026, 3, 14), ADULT_AGE));
        assert_eq!(capacity_on(&id, d(2026, 3, 14)), Capacity::NeedsSupervisor);
        assert_eq!(id.age_on(d(2026, 3, 15)), 18);
        assert!(id.is_adult_on(d(2026, 3, 15), ADULT_AGE));
        assert_eq!(capacity_on(&id, d(2026, 3, 15)), Capacity::Adult);
    }

    #[test]
    fn capacity_by_age() {
        let id = id_born(d(2009, 6, 1), 31);
        assert_eq!(capacity_on(&id, d(2025, 5, 31)), Capacity::Minor); // 15
        assert_eq!(capacity_on(&id, d(2025, 6, 1)), Capacity::NeedsSupervisor); // 16
        assert_eq!(capacity_on(&id, d(2026, 6, 1)), Capacity::NeedsSupervisor); // 17
        assert_eq!(capacity_on(&id, d(2027, 5, 31)), Capacity::NeedsSupervisor);
        assert_eq!(capacity_on(&id, d(2027, 6, 1)), Capacity::Adult); // 18
        assert_eq!(capacity_on(&id, d(2009, 6, 1)), Capacity::Minor);
        assert_eq!(id.age_on(d(2000, 1, 1)), 0);
    }

    #[test]
    fn leap_day_birthday_turns_over_on_first_of_march() {
        let id = id_born(d(2008, 2, 29), 45);
        assert_eq!(id.age_on(d(2026, 2, 28)), 17);
        assert!(!id.is_adult_on(d(2026, 2, 28), 18));
        assert_eq!(id.age_on(d(2026, 3, 1)), 18);
        assert!(id.is_adult_on(d(2026, 3, 1), 18));
        // In a leap year the birthday itself exists and counts.
        assert_eq!(id.age_on(d(2028, 2, 28)), 19);
        assert_eq!(id.age_on(d(2028, 2, 29)), 20);
    }

    #[test]
    fn serialized_names() {
        let value = |v: toml::Value| v.as_str().map(str::to_owned);
        let ser = |r: Result<toml::Value, toml::ser::Error>| r.ok().and_then(value);
        assert_eq!(
            ser(toml::Value::try_from(Sex::Male)).as_deref(),
            Some("male")
        );
        assert_eq!(
            ser(toml::Value::try_from(Sex::Female)).as_deref(),
            Some("female")
        );
        assert_eq!(
            ser(toml::Value::try_from(Capacity::NeedsSupervisor)).as_deref(),
            Some("needs_supervisor")
        );
    }

    const PROVINCES: [&str; 35] = [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
        "65", "71", "81", "82", "83",
    ];

    fn valid_id() -> impl Strategy<Value = String> {
        let first = d(1900, 1, 1);
        let span = (today() - first).num_days();
        (0..PROVINCES.len(), 0u32..10_000, 0..=span, 0u32..1000).prop_map(
            move |(p, area, days, seq)| {
                let area = if PROVINCES[p] == "83" {
                    "0000".to_string()
                } else {
                    format!("{area:04}")
                };
                let birth = first + chrono::Duration::days(days);
                let first17 = format!(
                    "{}{}{}{:03}",
                    PROVINCES[p],
                    area,
                    birth.format("%Y%m%d"),
                    seq
                );
                let check = check_character(&first17).expect("17 digits");
                format!("{first17}{check}")
            },
        )
    }

    proptest! {
        #[test]
        fn generated_ids_parse(s in valid_id()) {
            let id = ResidentId::parse(&s, today());
            prop_assert!(id.is_ok(), "{s}: {id:?}");
            let id = id.expect("checked");
            prop_assert_eq!(id.as_str(), s.as_str());
            prop_assert!(id.birth_date() <= today());
        }

        #[test]
        fn any_single_character_change_is_refused(
            s in valid_id(),
            pos in 0usize..18,
            replacement in prop::sample::select(
                vec!['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X']
            ),
        ) {
            let mut chars: Vec<char> = s.chars().collect();
            prop_assume!(chars[pos] != replacement);
            chars[pos] = replacement;
            let changed: String = chars.into_iter().collect();
            prop_assert!(ResidentId::parse(&changed, today()).is_err(), "{changed}");
        }

        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            let _ = ResidentId::parse(&s, today());
            let _ = check_character(&s);
            let _ = upgrade_first_generation(&s);
        }

        #[test]
        fn id_like_strings_never_panic(s in "[0-9xX \u{3000}１ｘ]{0,25}") {
            if let Ok(id) = ResidentId::parse(&s, today()) {
                let _ = (id.masked(), id.last6(), id.sex(), id.age_on(today()));
            }
        }
    }

    #[test]
    fn huge_input_does_not_panic() {
        let big = "1".repeat(1_000_000);
        assert_eq!(code(&big), "id.length");
        let big = "字".repeat(100_000);
        assert_eq!(code(&big), "id.characters");
    }
}
