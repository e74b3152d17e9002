//! UnionPay bank card numbers: 15 to 19 digits, issuing bank by the longest
//! BIN prefix (3 to 10 digits) together with the card length. Luhn is not
//! guaranteed for UnionPay cards, so a Luhn failure is only a warning.

use crate::domain::problem::Problem;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

const BUILTIN_BINS: &str = include_str!("../../assets/bins.toml");
const MIN_CARD_LEN: usize = 15;
const MAX_CARD_LEN: usize = 19;
const MIN_PREFIX_LEN: usize = 3;
const MAX_PREFIX_LEN: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CardKind {
    Debit,
    Credit,
}

/// One BIN table entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Bin {
    pub prefix: String,
    /// Full card length this prefix is issued with.
    pub length: u8,
    /// Bank name as the clerk should see it (Chinese).
    pub bank: String,
    pub bank_code: String,
    pub kind: CardKind,
}

/// BIN prefixes keyed by (prefix, card length).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BinTable {
    entries: BTreeMap<(String, u8), Bin>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BinFile {
    #[serde(default)]
    bin: Vec<toml::Spanned<BinEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BinEntry {
    prefix: String,
    length: u8,
    bank: String,
    bank_code: String,
    kind: CardKind,
}

impl BinTable {
    /// The table shipped with posdesk (`assets/bins.toml`).
    pub fn builtin() -> BinTable {
        static BUILTIN: OnceLock<BinTable> = OnceLock::new();
        BUILTIN
            .get_or_init(|| BinTable::from_toml_str(BUILTIN_BINS).unwrap_or_default())
            .clone()
    }

    /// Reads a table in the `assets/bins.toml` format. A mistake is reported
    /// with the line it is on; unknown keys are mistakes too.
    pub fn from_toml_str(s: &str) -> Result<BinTable, Problem> {
        let file: BinFile = toml::from_str(s).map_err(|e| {
            let (line, detail) = super::toml_mistake::describe(s, &e);
            let place = line.map(|l| format!(" on line {l}")).unwrap_or_default();
            table_problem(format!(
                "The bank card list has a mistake{place}: {detail}."
            ))
        })?;
        let mut table = BinTable::default();
        for spanned in file.bin {
            let line = super::toml_mistake::line_of(s, spanned.span().start);
            let entry = spanned.into_inner();
            let fault = if !(MIN_PREFIX_LEN..=MAX_PREFIX_LEN).contains(&entry.prefix.len())
                || !entry.prefix.bytes().all(|b| b.is_ascii_digit())
            {
                Some("the prefix must be 3 to 10 digits")
            } else if !(MIN_CARD_LEN..=MAX_CARD_LEN).contains(&usize::from(entry.length)) {
                Some("the length must be 15 to 19")
            } else if entry.prefix.len() >= usize::from(entry.length) {
                Some("the prefix must be shorter than the card length")
            } else if entry.bank.trim().is_empty() || entry.bank_code.trim().is_empty() {
                Some("the bank and bank_code must not be empty")
            } else {
                None
            };
            if let Some(fault) = fault {
                return Err(table_problem(format!(
                    "The bank card list has a mistake in the entry on line {line}: {fault}."
                )));
            }
            let key = (entry.prefix.clone(), entry.length);
            if table.entries.contains_key(&key) {
                return Err(table_problem(format!(
                    "The bank card list has a mistake in the entry on line {line}: \
                     prefix {} with length {} is listed twice.",
                    entry.prefix, entry.length
                )));
            }
            table.entries.insert(
                key,
                Bin {
                    prefix: entry.prefix,
                    length: entry.length,
                    bank: entry.bank.trim().to_owned(),
                    bank_code: entry.bank_code.trim().to_owned(),
                    kind: entry.kind,
                },
            );
        }
        Ok(table)
    }

    /// Adds `other`'s entries; an entry with the same prefix and length replaces ours.
    pub fn extend(&mut self, other: BinTable) {
        self.entries.extend(other.entries);
    }

    /// The entry with the longest prefix (3 to 10 digits) of `digits` whose
    /// card length equals `digits.len()`.
    pub fn lookup(&self, digits: &str) -> Option<&Bin> {
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let length = u8::try_from(digits.len()).ok()?;
        let longest = MAX_PREFIX_LEN.min(digits.len());
        (MIN_PREFIX_LEN..=longest)
            .rev()
            .find_map(|n| self.entries.get(&(digits[..n].to_owned(), length)))
    }

    /// Entries ordered by prefix, then length.
    pub fn iter(&self) -> impl Iterator<Item = &Bin> {
        self.entries.values()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn table_problem(message: String) -> Problem {
    Problem::new("card.bin_table", message)
}

/// A card number of 15 to 19 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BankCard(String);

/// A card number with what is known about it. `warnings` are for the clerk to
/// confirm with the card in hand; they do not refuse the card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedCard {
    pub card: BankCard,
    pub bank: Option<Bin>,
    pub luhn_ok: bool,
    pub warnings: Vec<Problem>,
}

impl BankCard {
    /// Spaces and dashes are dropped; full-width digits are accepted.
    pub fn parse(input: &str, bins: &BinTable) -> Result<CheckedCard, Problem> {
        let digits: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && !is_dash(*c))
            .map(fold_full_width)
            .collect();
        if digits.is_empty() {
            return Err(Problem::new("card.length", "Enter the bank card number.").with("count", 0));
        }
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Problem::new(
                "card.digits",
                "The bank card number may only contain digits.",
            ));
        }
        if !(MIN_CARD_LEN..=MAX_CARD_LEN).contains(&digits.len()) {
            return Err(Problem::new(
                "card.length",
                format!(
                    "A bank card number has 15 to 19 digits, but {} were entered.",
                    digits.len()
                ),
            )
            .with("count", digits.len()));
        }
        let luhn_ok = luhn_valid(&digits);
        let bank = bins.lookup(&digits).cloned();
        let mut warnings = Vec::new();
        if !luhn_ok {
            warnings.push(Problem::new(
                "card.luhn",
                "The card number fails the Luhn check; UnionPay cards may, \
                 so confirm it with the card in hand.",
            ));
        }
        if bank.is_none() {
            warnings.push(Problem::new(
                "card.unknown_bank",
                "The bank for this card number is not in the list; \
                 confirm the number and the bank with the card in hand.",
            ));
        }
        Ok(CheckedCard {
            card: BankCard(digits),
            bank,
            luhn_ok,
            warnings,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// First 6 and last 4 digits, a `*` for each digit between:
    /// `622202*********0128`.
    pub fn masked(&self) -> String {
        let n = self.0.len();
        let middle = n.saturating_sub(10);
        format!(
            "{}{}{}",
            &self.0[..6.min(n)],
            "*".repeat(middle),
            &self.0[n.saturating_sub(4).max(6.min(n))..]
        )
    }

    /// Groups of four from the left: `6222 0200 0000 0000 128`.
    pub fn grouped(&self) -> String {
        let mut out = String::with_capacity(self.0.len() + self.0.len() / 4);
        for (i, c) in self.0.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push(' ');
            }
            out.push(c);
        }
        out
    }
}

/// Luhn (ISO/IEC 7812-1) over a non-empty string of ASCII digits; false otherwise.
pub fn luhn_valid(digits: &str) -> bool {
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && luhn_sum(digits.bytes().rev(), false).is_multiple_of(10)
}

/// The digit that makes `payload` + digit pass Luhn; `None` unless `payload`
/// is a non-empty string of ASCII digits.
pub fn luhn_check_digit(payload: &str) -> Option<char> {
    if payload.is_empty() || !payload.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum = luhn_sum(payload.bytes().rev(), true);
    char::from_digit((10 - sum % 10) % 10, 10)
}

/// Luhn sum mod 10 of digits given right to left; `double_first` when the
/// rightmost given digit sits just left of the check digit.
fn luhn_sum(rev_digits: impl Iterator<Item = u8>, double_first: bool) -> u32 {
    rev_digits.enumerate().fold(0, |sum, (i, b)| {
        let d = u32::from(b - b'0');
        let doubled = (i % 2 == 0) == double_first;
        let v = if doubled {
            if d * 2 > 9 {
                d * 2 - 9
            } else {
                d * 2
            }
        } else {
            d
        };
        (sum + v) % 10
    })
}

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'
            | '\u{2011}'
            | '\u{2012}'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{2212}'
            | '\u{FF0D}'
    )
}

fn fold_full_width(c: char) -> char {
    match c {
        '\u{FF10}'..='\u{FF19}' => {
            char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')).unwrap_or(c)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A number with the given prefix and length that passes Luhn.
    fn card_with(prefix: &str, length: usize) -> String {
        let payload = format!("{prefix}{}", "0".repeat(length - 1 - prefix.len()));
        let check = luhn_check_digit(&payload).expect("digits");
        format!("{payload}{check}")
    }

    fn bank_of(number: &str) -> Option<String> {
        BankCard::parse(number, &BinTable::builtin())
            .ok()
            .and_then(|c| c.bank)
            .map(|b| b.bank_code)
    }

    #[test]
    fn builtin_table_loads() {
        let t = BinTable::builtin();
        assert!(BinTable::from_toml_str(BUILTIN_BINS).is_ok());
        assert!((40..=80).contains(&t.len()), "{}", t.len());
        assert!(!t.is_empty());
        assert!(t.iter().all(|b| b.kind == CardKind::Debit));
    }

    #[test]
    fn published_prefixes_with_their_lengths() {
        let published = [
            ("622202", 19, "ICBC"),
            ("622208", 19, "ICBC"),
            ("621226", 19, "ICBC"),
            ("622848", 19, "ABC"),
            ("622845", 19, "ABC"),
            ("621661", 19, "BOC"),
            ("621785", 19, "BOC"),
            ("622700", 19, "CCB"),
            ("621700", 19, "CCB"),
            ("622260", 19, "COMM"),
            ("622258", 17, "COMM"),
            ("621799", 19, "PSBC"),
            ("622188", 19, "PSBC"),
            ("622588", 16, "CMB"),
            ("621486", 16, "CMB"),
            ("622908", 18, "CIB"),
            ("622690", 16, "CITIC"),
        ];
        for (prefix, length, code) in published {
            let number = card_with(prefix, length);
            assert_eq!(bank_of(&number).as_deref(), Some(code), "{prefix}");
            // The same prefix with another length is not that bank's card.
            let other = card_with(prefix, if length == 19 { 16 } else { 19 });
            assert_eq!(bank_of(&other), None, "{prefix}");
        }
        let icbc = BinTable::builtin();
        let bin = icbc.lookup(&card_with("622202", 19)).expect("ICBC");
        assert_eq!(bin.bank, "中国工商银行");
    }

    #[test]
    fn masks_as_published() {
        let c = BankCard::parse("6222020200000000128", &BinTable::builtin()).expect("card");
        assert_eq!(c.card.masked(), "622202*********0128");
        assert_eq!(c.card.grouped(), "6222 0202 0000 0000 128");
        let c = BankCard::parse("622588 0000 0000 00", &BinTable::builtin()).expect("card");
        assert_eq!(c.card.masked(), "622588******0000");
        let c = BankCard::parse("123456789012345", &BinTable::default()).expect("card");
        assert_eq!(c.card.masked(), "123456*****2345");
    }

    #[test]
    fn luhn_failure_and_unknown_bank_are_warnings_not_errors() {
        let good = card_with("622202", 19);
        let c = BankCard::parse(&good, &BinTable::builtin()).expect("card");
        assert!(c.luhn_ok);
        assert!(c.warnings.is_empty());
        assert_eq!(c.bank.map(|b| b.bank_code).as_deref(), Some("ICBC"));

        let mut bad = good.into_bytes();
        bad[18] = if bad[18] == b'9' { b'0' } else { bad[18] + 1 };
        let bad = String::from_utf8(bad).expect("ascii");
        let c = BankCard::parse(&bad, &BinTable::builtin()).expect("still accepted");
        assert!(!c.luhn_ok);
        let codes: Vec<_> = c.warnings.iter().map(|w| w.code).collect();
        assert_eq!(codes, ["card.luhn"]);
        assert!(c.warnings[0].message.contains("Luhn"));

        let c = BankCard::parse(&card_with("999999", 16), &BinTable::builtin()).expect("card");
        let codes: Vec<_> = c.warnings.iter().map(|w| w.code).collect();
        assert_eq!(codes, ["card.unknown_bank"]);
        assert!(c.bank.is_none());
    }

    #[test]
    fn refusals() {
        let code = |s: &str| {
            BankCard::parse(s, &BinTable::builtin())
                .map(|_| ())
                .map_err(|p| p.code)
        };
        assert_eq!(code(""), Err("card.length"));
        assert_eq!(code(" - "), Err("card.length"));
        assert_eq!(code("62220202000000"), Err("card.length"));
        assert_eq!(code("62220202000000001280"), Err("card.length"));
        assert_eq!(code("6222O20200000000128"), Err("card.digits"));
        assert_eq!(code("6222.0202.0000.0000.128"), Err("card.digits"));
        assert_eq!(code("卡号6222020200000000128"), Err("card.digits"));
        assert_eq!(code("6222-0202 0000-0000 128"), Ok(()));
        assert_eq!(code("６２２２０２０２００００００００１２８"), Ok(()));
    }

    const SAMPLE: &str = r#"
[[bin]]
prefix = "621"
length = 19
bank = "甲银行"
bank_code = "A"
kind = "debit"

[[bin]]
prefix = "621260"
length = 19
bank = "乙银行"
bank_code = "B"
kind = "debit"

[[bin]]
prefix = "621260001"
length = 19
bank = "丙银行"
bank_code = "C"
kind = "credit"

[[bin]]
prefix = "621260"
length = 16
bank = "丁银行"
bank_code = "D"
kind = "credit"
"#;

    #[test]
    fn longest_prefix_with_matching_length_wins() {
        let t = BinTable::from_toml_str(SAMPLE).expect("sample");
        assert_eq!(t.len(), 4);
        let code = |s: &str| t.lookup(s).map(|b| b.bank_code.as_str());
        assert_eq!(code("6212600010000000000"), Some("C"));
        assert_eq!(code("6212600020000000000"), Some("B"));
        assert_eq!(code("6212700000000000000"), Some("A"));
        assert_eq!(code("6212600010000000"), Some("D"));
        assert_eq!(code("6212700000000000"), None);
        assert_eq!(code("621260001000000000"), None);
        assert_eq!(code("62"), None);
        assert_eq!(code(""), None);
        assert_eq!(code("621260001000000000０"), None);
        assert_eq!(
            t.lookup("6212600010000000000").map(|b| b.kind),
            Some(CardKind::Credit)
        );
    }

    #[test]
    fn extend_adds_and_overrides() {
        let mut t = BinTable::builtin();
        let before = t.len();
        let user = BinTable::from_toml_str(
            r#"
[[bin]]
prefix = "622202"
length = 19
bank = "工行（本地）"
bank_code = "ICBC-LOCAL"
kind = "debit"

[[bin]]
prefix = "62220299"
length = 19
bank = "测试银行"
bank_code = "TEST"
kind = "credit"
"#,
        )
        .expect("user file");
        t.extend(user);
        assert_eq!(t.len(), before + 1);
        let code = |s: &str| t.lookup(s).map(|b| b.bank_code.as_str());
        assert_eq!(code(&card_with("622202", 19)), Some("ICBC-LOCAL"));
        assert_eq!(code(&card_with("62220299", 19)), Some("TEST"));
        assert_eq!(code(&card_with("622208", 19)), Some("ICBC"));
    }

    #[test]
    fn bad_files_name_the_line() {
        let entry = |extra: &str| {
            format!(
                "# comment\n\n[[bin]]\nprefix = \"622202\"\nlength = 19\nbank = \"x\"\n\
                 bank_code = \"X\"\nkind = \"debit\"\n{extra}"
            )
        };
        let err = |s: &str| BinTable::from_toml_str(s).expect_err("bad file");

        let p = err(&entry("colour = \"red\"\n"));
        assert_eq!(p.code, "card.bin_table");
        assert!(p.message.contains("line 9"), "{}", p.message);
        assert!(p.message.contains("colour"), "{}", p.message);

        let p = err(&entry("").replace("\"debit\"", "\"prepaid\""));
        assert!(p.message.contains("line 8"), "{}", p.message);

        let p = err(&entry("").replace("\"622202\"", "\"62a202\""));
        assert!(p.message.contains("line 3"), "{}", p.message);
        assert!(p.message.contains("prefix"), "{}", p.message);

        let p = err(&entry("").replace("19", "20"));
        assert!(
            p.message.contains("length must be 15 to 19"),
            "{}",
            p.message
        );

        let p = err(&format!("{}\n{}", entry(""), entry("")));
        assert!(p.message.contains("twice"), "{}", p.message);

        let p = err("[[bin]]\nprefix = \"622202\"\n");
        assert_eq!(p.code, "card.bin_table");
        let p = err("[[bank]]\nprefix = \"622202\"\n");
        assert!(p.message.contains("line 1"), "{}", p.message);
        let p = err("not toml at all");
        assert_eq!(p.code, "card.bin_table");

        assert!(BinTable::from_toml_str("").expect("empty file").is_empty());
    }

    #[test]
    fn luhn_known_values() {
        assert!(luhn_valid("79927398713"));
        assert!(!luhn_valid("79927398710"));
        assert_eq!(luhn_check_digit("7992739871"), Some('3'));
        assert_eq!(luhn_check_digit("0"), Some('0'));
        assert!(luhn_valid("0"));
        assert!(!luhn_valid(""));
        assert!(!luhn_valid("7992 7398 713"));
        assert_eq!(luhn_check_digit(""), None);
        assert_eq!(luhn_check_digit("12a"), None);
    }

    proptest! {
        #[test]
        fn luhn_check_digit_makes_a_valid_number(payload in "[0-9]{1,40}") {
            let check = luhn_check_digit(&payload);
            prop_assert!(check.is_some());
            let full = format!("{payload}{}", check.unwrap_or('?'));
            prop_assert!(luhn_valid(&full), "{full}");
        }

        #[test]
        fn any_single_digit_change_fails_luhn(
            payload in "[0-9]{14,18}",
            pos in any::<prop::sample::Index>(),
            delta in 1u8..10,
        ) {
            let check = luhn_check_digit(&payload).unwrap_or('0');
            let mut bytes = format!("{payload}{check}").into_bytes();
            let i = pos.index(bytes.len());
            bytes[i] = b'0' + (bytes[i] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap_or_default();
            prop_assert!(!luhn_valid(&changed), "{changed}");
        }

        #[test]
        fn valid_cards_round_trip(payload in "62[0-9]{13,16}") {
            let check = luhn_check_digit(&payload).unwrap_or('0');
            let number = format!("{payload}{check}");
            let bins = BinTable::builtin();
            let checked = BankCard::parse(&number, &bins);
            prop_assert!(checked.is_ok(), "{number}");
            let checked = checked.expect("checked");
            prop_assert!(checked.luhn_ok);
            prop_assert_eq!(checked.card.as_str(), number.as_str());
            let again = BankCard::parse(&checked.card.grouped(), &bins).map(|c| c.card);
            prop_assert_eq!(again.ok(), Some(checked.card.clone()));
            let masked = checked.card.masked();
            prop_assert_eq!(masked.len(), number.len());
            prop_assert_eq!(&masked[..6], &number[..6]);
            prop_assert_eq!(&masked[number.len() - 4..], &number[number.len() - 4..]);
        }

        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            let bins = BinTable::builtin();
            if let Ok(c) = BankCard::parse(&s, &bins) {
                let _ = (c.card.masked(), c.card.grouped());
            }
            let _ = bins.lookup(&s);
            let _ = luhn_valid(&s);
            let _ = luhn_check_digit(&s);
            let _ = BinTable::from_toml_str(&s);
        }

        #[test]
        fn digit_strings_never_panic(s in "[0-9 -]{0,30}") {
            let bins = BinTable::builtin();
            if let Ok(c) = BankCard::parse(&s, &bins) {
                let _ = (c.card.masked(), c.card.grouped());
            }
            let _ = bins.lookup(&s);
        }
    }
}
