// Each test binary that includes this module uses only some of its checks.
#![allow(dead_code)]

//! The properties the fuzz targets (fuzz/fuzz_targets/*.rs) check, one
//! function per target, shared with `cargo test` (tests/fuzz_properties.rs),
//! which runs them as proptests and replays every saved input. Each takes
//! arbitrary bytes and panics only when a property fails: never a panic for
//! any input, and for what is accepted, the round trips the desk relies on.

use arbitrary::unstructured::Int;
use arbitrary::{Arbitrary, Unstructured};
use chrono::{Datelike, Days, NaiveDate, Weekday};
use posdesk::config::Config;
use posdesk::domain::bank_card::{luhn_check_digit, luhn_valid, BankCard, BinTable, CardKind};
use posdesk::domain::bank_files::{read_settlement, read_volumes, scan_settlement, scan_volumes};
use posdesk::domain::calendar::HolidayCalendar;
use posdesk::domain::money::Fen;
use posdesk::domain::person_name::PersonName;
use posdesk::domain::phone::Phone;
use posdesk::domain::policy::{Policy, Rules};
use posdesk::domain::problem::Problem;
use posdesk::domain::resident_id::{
    capacity_on, check_character, upgrade_first_generation, ResidentId,
};
use posdesk::tui::keymap::KeyOverrides;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::RangeInclusive;
use std::sync::OnceLock;
use toml::{Table, Value};

// The structure-aware targets, one file each; they use the typed-field
// machinery below (a child module sees its parent's private items).
mod config;
mod holiday;
mod policy;
mod settlement;
pub use config::config_fields;
pub use holiday::holiday_fields;
pub use policy::policy_fields;
pub use settlement::settlement_fields;

/// A property over one input.
pub type Check = fn(&[u8]);

/// Every target, by the name of its fuzz target and saved-input folder.
pub const TARGETS: &[(&str, Check)] = &[
    ("resident_id", resident_id),
    ("phone", phone),
    ("bank_card", bank_card),
    ("person_name", person_name),
    ("money", money),
    ("settlement_csv", settlement_csv),
    ("volume_csv", volume_csv),
    ("policy_toml", policy_toml),
    ("config_toml", config_toml),
    ("holiday_toml", holiday_toml),
    ("config_fields", config_fields),
    ("holiday_fields", holiday_fields),
    ("policy_fields", policy_fields),
    ("settlement_fields", settlement_fields),
];

fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).expect("a date")
}

fn bins() -> &'static BinTable {
    static BINS: OnceLock<BinTable> = OnceLock::new();
    BINS.get_or_init(BinTable::builtin)
}

pub fn resident_id(data: &[u8]) {
    let s = text(data);
    let _ = check_character(&s);
    if let Some(new) = upgrade_first_generation(&s) {
        assert_eq!(new.chars().count(), 18, "{s:?} → {new:?}");
    }
    let Ok(id) = ResidentId::parse(&s, today()) else {
        return;
    };
    let number = id.as_str();
    assert_eq!(number.len(), 18, "{s:?}");
    assert!(id.birth_date() <= today(), "{s:?}");
    let masked = id.masked();
    assert_eq!(masked.len(), 18);
    assert_eq!(&masked[6..14], "********");
    assert_eq!((&masked[..6], &masked[14..]), (&number[..6], &number[14..]));
    assert_eq!(id.last6(), &number[12..]);
    let _ = (id.sex(), id.age_on(today()), capacity_on(&id, today()));
    let again = ResidentId::parse(number, today()).expect("the normal form parses");
    assert_eq!(again.as_str(), number);
}

pub fn phone(data: &[u8]) {
    let s = text(data);
    let Ok(p) = Phone::parse(&s) else {
        return;
    };
    let number = p.as_str();
    assert!(
        number.len() == 11 && number.bytes().all(|b| b.is_ascii_digit()),
        "{s:?} → {number:?}"
    );
    let masked = p.masked();
    assert_eq!(masked, format!("{}****{}", &number[..3], &number[7..]));
    assert_eq!(Phone::parse(&p.grouped()).ok(), Some(p.clone()));
    assert_eq!(Phone::parse(number).ok(), Some(p));
}

pub fn bank_card(data: &[u8]) {
    let s = text(data);
    let _ = (luhn_valid(&s), luhn_check_digit(&s), bins().lookup(&s));
    let Ok(c) = BankCard::parse(&s, bins()) else {
        return;
    };
    let number = c.card.as_str();
    assert!(number.bytes().all(|b| b.is_ascii_digit()), "{s:?}");
    assert_eq!(c.luhn_ok, luhn_valid(number), "{s:?}");
    let masked = c.card.masked();
    assert_eq!(masked.len(), number.len(), "{s:?}");
    let again = BankCard::parse(&c.card.grouped(), bins()).expect("grouped parses");
    assert_eq!(again.card, c.card);
}

pub fn person_name(data: &[u8]) {
    let s = text(data);
    let (a, b) = s.split_at(
        s.char_indices()
            .nth(s.chars().count() / 2)
            .map_or(0, |(i, _)| i),
    );
    if let Ok(n) = PersonName::parse(a) {
        let _ = (n.width(), n.matches(b));
    }
    let Ok(n) = PersonName::parse(&s) else {
        return;
    };
    assert!(n.matches(&s), "a name matches itself as typed: {s:?}");
    assert!(n.matches(n.as_str()));
    assert_eq!(PersonName::parse(n.as_str()).ok(), Some(n.clone()));
    let _ = n.width();
}

pub fn money(data: &[u8]) {
    let s = text(data);
    let Ok(v) = Fen::parse(&s) else {
        return;
    };
    assert!(v.fen() >= 0, "{s:?} → {v:?}");
    assert_eq!(Fen::parse(&v.to_string()), Ok(v), "{s:?}");
    assert_eq!(Fen::parse(&v.plain()), Ok(v), "{s:?}");
}

fn lines_in_order(numbers: impl Iterator<Item = usize>) {
    let numbers: Vec<usize> = numbers.collect();
    assert!(
        numbers.iter().all(|&n| n >= 2),
        "line 1 is the header: {numbers:?}"
    );
}

pub fn settlement_csv(data: &[u8]) {
    let (lines, errors) = scan_settlement(data);
    assert_eq!(read_settlement(data).is_ok(), errors.is_empty());
    lines_in_order(lines.iter().map(|l| l.line));
    for l in &lines {
        assert!(l.amount.fen() >= 0, "{l:?}");
        assert!(!l.refund_ref.is_empty(), "{l:?}");
    }
    for e in &errors {
        assert!(!e.problem.message.is_empty());
    }
}

pub fn volume_csv(data: &[u8]) {
    let (lines, errors) = scan_volumes(data);
    assert_eq!(read_volumes(data).is_ok(), errors.is_empty());
    lines_in_order(lines.iter().map(|l| l.line));
    for l in &lines {
        assert!(l.amount.fen() >= 0, "{l:?}");
        assert!(!l.serial.is_empty(), "{l:?}");
    }
}

pub fn policy_toml(data: &[u8]) {
    let s = text(data);
    if let Ok(p) = Policy::from_toml_str(&s) {
        let r = &p.rules;
        assert!(r.refund_window_earliest <= r.refund_window_latest, "{s:?}");
        assert!(r.supervised_min_age <= r.adult_age, "{s:?}");
        for m in &p.models {
            assert!(m.deposit.fen() >= 0 && m.device_fee.fen() >= 0, "{s:?}");
            let _ = m.check_serial(&m.code);
        }
    }
    // Built once: compiling its serial patterns would dominate every run.
    static BUILTIN: OnceLock<Policy> = OnceLock::new();
    let mut p = BUILTIN.get_or_init(Policy::builtin).clone();
    let before = p.rules.clone();
    match p.overlay(&s) {
        Ok(()) => assert!(p.rules.refund_window_earliest <= p.rules.refund_window_latest),
        Err(_) => assert_eq!(p.rules, before, "a refused overlay changes nothing"),
    }
}

pub fn config_toml(data: &[u8]) {
    let s = text(data);
    let _ = Config::from_toml_str(&s);
    let _ = BinTable::from_toml_str(&s);
}

pub fn holiday_toml(data: &[u8]) {
    let s = text(data);
    let Ok(c) = HolidayCalendar::from_toml_str(&s) else {
        return;
    };
    for y in c.years() {
        let written = c.to_toml_string(y).expect("a loaded year");
        let back = HolidayCalendar::from_toml_str(&written).expect("written back reads");
        assert_eq!(back.year(y), c.year(y), "{s:?}");
        if let Some(first) = NaiveDate::from_ymd_opt(y, 1, 1) {
            let a = c.add_workdays(first, 10);
            assert!(a.date >= first);
        }
    }
}

// ---- Typed fields written out as well-formed files --------------------------
//
// The byte-level targets above spend nearly all their time inside the toml,
// csv and regex parsers. The `*_fields` targets draw typed field values from
// the fuzz bytes (good, missing, of the wrong type, out of range, odd), write
// them out as a well-formed file, and work out what the reader must answer,
// so coverage measures posdesk's own checks and a wrong answer is a failure.

type Gen<T> = arbitrary::Result<T>;

/// Field values drawn from fuzz bytes. A clean draw (one in four, and the
/// draw from no bytes at all) has no fault, so its file must be accepted.
struct Dice<'a> {
    u: Unstructured<'a>,
    clean: bool,
}

impl<'a> Dice<'a> {
    fn new(data: &'a [u8]) -> Dice<'a> {
        let mut u = Unstructured::new(data);
        let clean = u.int_in_range(0..=3u8).map_or(true, |n| n == 0);
        Dice { u, clean }
    }

    fn int<T: Int>(&mut self, range: RangeInclusive<T>) -> Gen<T> {
        self.u.int_in_range(range)
    }

    /// True about one time in `n` (false once the bytes run out).
    fn one_in(&mut self, n: u8) -> Gen<bool> {
        Ok(self.u.int_in_range(1..=n)? == n)
    }

    fn coin(&mut self) -> Gen<bool> {
        self.one_in(2)
    }

    /// A fault, about one time in `n`; never in a clean draw.
    fn fault(&mut self, n: u8) -> Gen<bool> {
        Ok(!self.clean && self.one_in(n)?)
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> Gen<T> {
        self.u.choose(items).cloned()
    }

    fn arbitrary<T: Arbitrary<'a>>(&mut self) -> Gen<T> {
        self.u.arbitrary()
    }

    /// Text a reader must survive: empty, blank, non-ASCII, very long, anything.
    fn odd_text(&mut self) -> Gen<String> {
        Ok(match self.int(0..=5u8)? {
            0 => String::new(),
            1 => self
                .pick(&[" ", "\t", " \n ", "\u{3000}", "\u{a0}"])?
                .to_string(),
            2 => self
                .pick(&[
                    "张伟",
                    "Zoë",
                    "ＡＢＣ",
                    "\u{200b}",
                    "🙂",
                    "a\"b'c\\d",
                    "x,y",
                ])?
                .to_string(),
            3 => {
                let c = self.pick(&['x', '中', ' ', '"'])?;
                c.to_string().repeat(self.int(100..=3000usize)?)
            }
            _ => self.arbitrary()?,
        })
    }

    /// Normal text from `normal`, or (as a fault) odd text.
    fn text(&mut self, normal: &[&str]) -> Gen<String> {
        if self.fault(5)? {
            self.odd_text()
        } else {
            Ok(self.pick(normal)?.to_string())
        }
    }

    /// A key of a file: left out (often when `optional`, else as a fault),
    /// given, or (as a fault) of the wrong type.
    fn field<T>(
        &mut self,
        optional: bool,
        kind: Kind,
        given: impl FnOnce(&mut Self) -> Gen<T>,
    ) -> Gen<Field<T>> {
        if self.fault(14)? {
            return Ok(Field::Wrong(self.wrong_value(kind)?));
        }
        let missing = if optional {
            self.one_in(6)?
        } else {
            self.fault(14)?
        };
        Ok(if missing {
            Field::Missing
        } else {
            Field::Given(given(self)?)
        })
    }

    /// A value that is not of `kind`.
    fn wrong_value(&mut self, kind: Kind) -> Gen<Value> {
        let values = [
            (Kind::Str, Value::String("5".into())),
            (Kind::Int, Value::Integer(5)),
            (Kind::Bool, Value::Boolean(true)),
            (Kind::Float, Value::Float(1.5)),
            (
                Kind::List,
                Value::Array(vec![Value::String("2026-01-01".into())]),
            ),
            (Kind::Table, Value::Table(Table::new())),
        ];
        let others: Vec<Value> = values
            .into_iter()
            .filter(|(k, _)| *k != kind)
            .map(|(_, v)| v)
            .collect();
        self.pick(&others)
    }

    /// Sometimes (as a fault) a key no reader knows.
    fn unknown_key(&mut self) -> Gen<Option<&'static str>> {
        Ok(if self.fault(16)? {
            Some(self.pick(&["colour", "Language", "idle_minuets", "", "备注", "x y"])?)
        } else {
            None
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Str,
    Int,
    Bool,
    Float,
    List,
    Table,
}

/// One key of a generated file.
#[derive(Debug)]
enum Field<T> {
    Missing,
    Given(T),
    Wrong(Value),
}

impl<T> Field<T> {
    fn given(&self) -> Option<&T> {
        match self {
            Field::Given(v) => Some(v),
            _ => None,
        }
    }

    fn is_wrong(&self) -> bool {
        matches!(self, Field::Wrong(_))
    }

    fn write(&self, table: &mut Table, key: &str, value: impl FnOnce(&T) -> Value) {
        match self {
            Field::Missing => {}
            Field::Given(v) => {
                table.insert(key.into(), value(v));
            }
            Field::Wrong(v) => {
                table.insert(key.into(), v.clone());
            }
        }
    }
}

/// An integer key that a `u32` must hold: missing, or given and in range.
fn fits_u32(f: &Field<i64>) -> bool {
    match f {
        Field::Missing => true,
        Field::Given(n) => u32::try_from(*n).is_ok(),
        Field::Wrong(_) => false,
    }
}

fn text_value(s: &impl AsRef<str>) -> Value {
    Value::String(s.as_ref().to_owned())
}

fn write_toml(table: &Table) -> String {
    toml::to_string(table).expect("a table writes as TOML")
}

/// What a reader must answer for a generated file.
#[derive(Debug)]
enum Expect<T> {
    Accept(T),
    /// Refused, with one of these codes (the file may have several faults).
    Refuse(BTreeSet<&'static str>),
    /// The file has text whose verdict the generator can't tell.
    Unknown,
}

impl<T> Expect<T> {
    fn refuse(code: &'static str) -> Expect<T> {
        Expect::Refuse(BTreeSet::from([code]))
    }

    fn accepts(&self) -> bool {
        matches!(self, Expect::Accept(_))
    }
}

/// A refusal a clerk can act on: a code of its reader and a message.
fn problem_holds(p: &Problem, prefix: &str, text: &str) {
    assert!(p.code.starts_with(prefix), "{} for:\n{text}", p.code);
    assert!(!p.message.trim().is_empty(), "{} has no message", p.code);
}

/// An amount as the money parser sees it, and the value it must read as
/// (`None`: refused).
#[derive(Clone, Debug)]
struct AmountText {
    text: String,
    value: Option<Fen>,
}

fn amount_text(d: &mut Dice) -> Gen<AmountText> {
    let fen = match d.int(0..=3u8)? {
        0 => 0,
        1 => d.int(0..=99_999i64)?,
        2 => d.int(0..=10_000_000_000i64)?,
        _ => d.int(0..=i64::MAX)?,
    };
    let (yuan, cents) = (fen / 100, fen % 100);
    if d.fault(5)? {
        return bad_amount(d, yuan, cents);
    }
    let int = if d.coin()? {
        thousands(yuan)
    } else {
        yuan.to_string()
    };
    let frac = match (cents, d.int(0..=2u8)?) {
        (0, 0) => String::new(),
        (c, 1) if c % 10 == 0 => format!(".{}", c / 10),
        (c, _) => format!(".{c:02}"),
    };
    let prefix = d.pick(&["", "", "¥", "￥"])?;
    let suffix = d.pick(&["", "", "元"])?;
    let pad = d.pick(&["", "", " ", "\t"])?;
    Ok(AmountText {
        text: format!("{pad}{prefix}{int}{frac}{suffix}{pad}"),
        value: Some(Fen(fen)),
    })
}

/// Amounts the money parser must refuse, built around a real one.
fn bad_amount(d: &mut Dice, yuan: i64, cents: i64) -> Gen<AmountText> {
    let plain = format!("{yuan}.{cents:02}");
    let text = match d.int(0..=13u8)? {
        0 => format!("-{plain}"),
        1 => format!("−{plain}"),
        2 => format!("+{plain}"),
        3 => format!("{plain}5"),
        4 => format!("0{plain}"),
        5 => format!("{yuan},{cents:02}"),
        6 => plain
            .chars()
            .map(|c| match c.to_digit(10) {
                Some(n) => char::from_u32(0xFF10 + n).unwrap_or(c),
                None => c,
            })
            .collect(),
        7 => format!("{yuan} {cents:02}"),
        8 => format!(".{cents:02}"),
        9 => format!("{yuan}."),
        10 => format!("{plain}.0"),
        11 => format!("{yuan}{}", "9".repeat(20)),
        12 => format!("¥-{plain}"),
        _ => d
            .pick(&["", " ", "元", "¥", "abc", "1e3", "NaN", "12元元", "1,2345"])?
            .to_string(),
    };
    Ok(AmountText { text, value: None })
}

fn thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
