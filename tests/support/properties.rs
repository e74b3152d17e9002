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

// ---- config_fields: config.toml and bins.toml ------------------------------

const LANGUAGES: &[&str] = &["zh-CN", "en", "zh", "en-GB", "fr"];
const THEMES: &[&str] = &["color", "mono", "Mono", "colour"];
const PICKUP_POINTS: &[&str] = &["SH-01", "北京朝阳", "p"];
const PHONES: &[&str] = &["95516", "400-800-1234", "+86 21 5555 0000"];
/// Commands a `[keys]` table may name…
const COMMANDS: &[&str] = &["appform.save", "home.new", "refund.confirm", "kiosk.help"];
/// …and misspelt or made-up ones the key map must refuse.
const NOT_COMMANDS: &[&str] = &["form.save", "home.quit", "appform.", "x", "HOME.NEW"];
const NAMED_KEYS: &[&str] = &[
    "enter", "esc", "tab", "backtab", "up", "down", "left", "right", "pageup", "pagedown", "space",
];
/// Key texts the key map must refuse.
const NOT_KEYS: &[&str] = &[
    "hyper-q",
    "ctrl-",
    "alt-",
    "",
    "  ",
    "ctrl-alt-x",
    "enterr",
    "f256",
    "fx",
    "f-1",
    "shift-tab",
    "ab",
    "ctrl-ctrl-s",
];

/// A `[keys]` override and whether the key map must take it (`None`: can't tell).
#[derive(Debug)]
struct KeyText {
    text: String,
    valid: Option<bool>,
}

fn key_text(d: &mut Dice) -> Gen<KeyText> {
    if d.fault(6)? {
        return Ok(if d.coin()? {
            KeyText {
                text: d.pick(NOT_KEYS)?.to_string(),
                valid: Some(false),
            }
        } else {
            KeyText {
                text: d.odd_text()?,
                valid: None,
            }
        });
    }
    let prefix = d.pick(&["", "ctrl-", "alt-", "Ctrl-", "ALT-"])?;
    let key = match d.int(0..=2u8)? {
        0 => d.pick(NAMED_KEYS)?.to_string(),
        1 => format!("f{}", d.int(1..=24u8)?),
        _ => d
            .pick(&['a', 's', 'Q', '0', '9', ';', '/', '-', 'é', '中'])?
            .to_string(),
    };
    let mut text = format!("{prefix}{key}");
    if d.coin()? {
        text = text.to_uppercase();
    }
    if d.one_in(4)? {
        text = format!(" {text} ");
    }
    Ok(KeyText {
        text,
        valid: Some(true),
    })
}

#[derive(Debug)]
struct ConfigFile {
    language: Field<String>,
    theme: Field<String>,
    idle_minutes: Field<i64>,
    pickup_point: Field<String>,
    service_phone: Field<String>,
    /// Overrides by command id; the last of the same id wins, as in a table.
    keys: Field<BTreeMap<String, KeyText>>,
    unknown: Option<&'static str>,
    bins: Field<Vec<BinRow>>,
    bins_unknown: Option<&'static str>,
}

#[derive(Debug)]
struct BinRow {
    prefix: Field<String>,
    length: Field<i64>,
    bank: Field<String>,
    bank_code: Field<String>,
    kind: Field<String>,
    unknown: Option<&'static str>,
}

/// A BIN entry the table must hold.
type BinWant = (String, u8, String, String, CardKind);

impl ConfigFile {
    fn draw(d: &mut Dice) -> Gen<ConfigFile> {
        Ok(ConfigFile {
            language: d.field(true, Kind::Str, |d| d.text(LANGUAGES))?,
            theme: d.field(true, Kind::Str, |d| d.text(THEMES))?,
            idle_minutes: d.field(true, Kind::Int, |d| {
                if d.fault(5)? {
                    let max = i64::from(u32::MAX);
                    d.pick(&[-1, max, max + 1, i64::MIN, i64::MAX])
                } else {
                    d.int(0..=120)
                }
            })?,
            pickup_point: d.field(true, Kind::Str, |d| d.text(PICKUP_POINTS))?,
            service_phone: d.field(true, Kind::Str, |d| d.text(PHONES))?,
            keys: d.field(true, Kind::Table, |d| {
                let mut keys = BTreeMap::new();
                for _ in 0..d.int(0..=4u8)? {
                    let id = if !d.fault(6)? {
                        d.pick(COMMANDS)?.to_string()
                    } else if d.coin()? {
                        d.pick(NOT_COMMANDS)?.to_string()
                    } else {
                        d.odd_text()?
                    };
                    keys.insert(id, key_text(d)?);
                }
                Ok(keys)
            })?,
            unknown: d.unknown_key()?,
            bins: d.field(true, Kind::List, |d| {
                let mut rows: Vec<BinRow> = Vec::new();
                for _ in 0..d.int(0..=4u8)? {
                    let row = BinRow::draw(d, &rows)?;
                    let key = |r: &BinRow| (r.prefix.given().cloned(), r.length.given().copied());
                    if d.clean && rows.iter().any(|r| key(r) == key(&row)) {
                        continue;
                    }
                    rows.push(row);
                }
                Ok(rows)
            })?,
            bins_unknown: d.unknown_key()?,
        })
    }

    fn config_text(&self) -> String {
        let mut t = Table::new();
        self.language.write(&mut t, "language", text_value);
        self.theme.write(&mut t, "theme", text_value);
        self.idle_minutes
            .write(&mut t, "idle_minutes", |n| Value::Integer(*n));
        self.pickup_point.write(&mut t, "pickup_point", text_value);
        self.service_phone
            .write(&mut t, "service_phone", text_value);
        self.keys.write(&mut t, "keys", |keys| {
            Value::Table(
                keys.iter()
                    .map(|(id, k)| (id.clone(), Value::String(k.text.clone())))
                    .collect(),
            )
        });
        if let Some(k) = self.unknown {
            t.insert(k.into(), Value::Integer(1));
        }
        write_toml(&t)
    }

    /// The config the reader must give; `None`: it must refuse the file.
    /// `unknown` stands in for the file's unknown key.
    fn expected(&self, unknown: Option<&str>) -> Option<Config> {
        if unknown.is_some() {
            return None;
        }
        let text = |f: &Field<String>| match f {
            Field::Wrong(_) => Err(()),
            f => Ok(f.given().cloned()),
        };
        let default = Config::default();
        Some(Config {
            language: text(&self.language).ok()?,
            theme: text(&self.theme).ok()?,
            idle_minutes: match &self.idle_minutes {
                Field::Wrong(_) => return None,
                Field::Given(n) => u32::try_from(*n).ok()?,
                Field::Missing => default.idle_minutes,
            },
            pickup_point: text(&self.pickup_point).ok()?,
            service_phone: text(&self.service_phone)
                .ok()?
                .unwrap_or(default.service_phone),
            keys: match &self.keys {
                Field::Wrong(_) => return None,
                Field::Given(keys) => keys
                    .iter()
                    .map(|(id, k)| (id.clone(), k.text.clone()))
                    .collect(),
                Field::Missing => default.keys,
            },
        })
    }

    fn bins_text(&self) -> String {
        let mut t = Table::new();
        self.bins.write(&mut t, "bin", |rows| {
            Value::Array(rows.iter().map(|r| Value::Table(r.table())).collect())
        });
        if let Some(k) = self.bins_unknown {
            t.insert(k.into(), Value::Integer(1));
        }
        write_toml(&t)
    }

    /// The entries the BIN table must hold; `None`: it must refuse the file.
    fn expected_bins(&self) -> Option<Vec<BinWant>> {
        if self.bins_unknown.is_some() {
            return None;
        }
        let rows = match &self.bins {
            Field::Missing => return Some(Vec::new()),
            Field::Wrong(_) => return None,
            Field::Given(rows) => rows,
        };
        let mut want: Vec<BinWant> = Vec::new();
        for r in rows {
            let (Some(prefix), Some(length), Some(bank), Some(code), Some(kind), None) = (
                r.prefix.given(),
                r.length.given(),
                r.bank.given(),
                r.bank_code.given(),
                r.kind.given(),
                r.unknown,
            ) else {
                return None;
            };
            let length = u8::try_from(*length).ok()?;
            let kind = match kind.as_str() {
                "debit" => CardKind::Debit,
                "credit" => CardKind::Credit,
                _ => return None,
            };
            let prefix_ok = (3..=10).contains(&prefix.len())
                && prefix.bytes().all(|b| b.is_ascii_digit())
                && prefix.len() < usize::from(length);
            if !prefix_ok
                || !(15..=19).contains(&length)
                || bank.trim().is_empty()
                || code.trim().is_empty()
                || want.iter().any(|w| w.0 == *prefix && w.1 == length)
            {
                return None;
            }
            want.push((
                prefix.clone(),
                length,
                bank.trim().to_string(),
                code.trim().to_string(),
                kind,
            ));
        }
        Some(want)
    }
}

impl BinRow {
    fn draw(d: &mut Dice, earlier: &[BinRow]) -> Gen<BinRow> {
        let reused = if earlier.is_empty() || !d.fault(4)? {
            None
        } else {
            d.u.choose(earlier)?.prefix.given().cloned()
        };
        Ok(BinRow {
            prefix: d.field(false, Kind::Str, |d| {
                if let Some(p) = reused {
                    return Ok(p);
                }
                if d.fault(5)? {
                    return Ok(d
                        .pick(&["62", "62220200001", "62a222", "６２２２０２", "", " 622202"])?
                        .to_string());
                }
                let n = d.int(3..=10usize)?;
                (0..n)
                    .map(|_| Ok(char::from(b'0' + d.int(0..=9u8)?)))
                    .collect()
            })?,
            length: d.field(false, Kind::Int, |d| {
                if d.fault(5)? {
                    d.pick(&[0, 14, 20, 255, 256, -1])
                } else {
                    d.int(15..=19)
                }
            })?,
            bank: d.field(false, Kind::Str, |d| d.text(&["中国工商银行", "ICBC Test"]))?,
            bank_code: d.field(false, Kind::Str, |d| d.text(&["ICBC", "ABC"]))?,
            kind: d.field(false, Kind::Str, |d| {
                if d.fault(5)? {
                    Ok(d.pick(&["Debit", "prepaid", ""])?.to_string())
                } else {
                    Ok(d.pick(&["debit", "credit"])?.to_string())
                }
            })?,
            unknown: d.unknown_key()?,
        })
    }

    fn table(&self) -> Table {
        let mut t = Table::new();
        self.prefix.write(&mut t, "prefix", text_value);
        self.length.write(&mut t, "length", |n| Value::Integer(*n));
        self.bank.write(&mut t, "bank", text_value);
        self.bank_code.write(&mut t, "bank_code", text_value);
        self.kind.write(&mut t, "kind", text_value);
        if let Some(k) = self.unknown {
            t.insert(k.into(), Value::Integer(1));
        }
        t
    }
}

/// A config file of arbitrary typed values, then a BIN table file: each read
/// as posdesk reads it, and held to what the values say it must answer.
pub fn config_fields(data: &[u8]) {
    let mut d = Dice::new(data);
    let Ok(file) = ConfigFile::draw(&mut d) else {
        return;
    };
    let text = file.config_text();
    let want = file.expected(file.unknown);
    if d.clean {
        assert!(want.is_some(), "a clean draw is a good config:\n{text}");
    }
    match (Config::from_toml_str(&text), want) {
        (Ok(got), Some(want)) => {
            assert_eq!(got, want, "{text}");
            config_keys_hold(&file, &got, &text);
        }
        (Err(e), None) => {
            assert!(!e.trim().is_empty(), "a refusal says why:\n{text}");
            if let Some(k) = file.unknown.filter(|_| file.expected(None).is_some()) {
                assert!(e.contains(k), "{e:?} names the unknown key {k:?}");
            }
        }
        (Ok(got), None) => panic!("accepted a bad config as {got:?}:\n{text}"),
        (Err(e), Some(_)) => panic!("refused a good config: {e}\n{text}"),
    }
    bins_hold(&file, d.clean);
}

/// The key map takes every key the config names, and refuses a config with
/// one that is not a key, or for a command no screen has, naming it.
fn config_keys_hold(file: &ConfigFile, config: &Config, text: &str) {
    let verdicts: Vec<(&String, Option<bool>)> = match &file.keys {
        Field::Given(keys) => keys
            .iter()
            .map(|(id, k)| {
                let verdict = if COMMANDS.contains(&id.as_str()) {
                    k.valid
                } else if NOT_COMMANDS.contains(&id.as_str()) {
                    Some(false)
                } else {
                    None // odd text: whether a screen has it is the key table's to say
                };
                (id, verdict)
            })
            .collect(),
        _ => Vec::new(),
    };
    match KeyOverrides::from_config(&config.keys, &posdesk::tui::screens::command_ids()) {
        Ok(_) => assert!(
            verdicts.iter().all(|(_, v)| *v != Some(false)),
            "took a key that is not one:\n{text}"
        ),
        Err(e) => {
            assert!(
                verdicts.iter().any(|(_, v)| *v != Some(true)),
                "refused good keys: {e}\n{text}"
            );
            let named = verdicts
                .iter()
                .any(|(id, v)| *v != Some(true) && e.contains(&format!("keys.{id}")));
            assert!(named, "{e:?} names the key it refuses:\n{text}");
        }
    }
}

fn bins_hold(file: &ConfigFile, clean: bool) {
    let text = file.bins_text();
    let want = file.expected_bins();
    if clean {
        assert!(want.is_some(), "a clean draw is a good BIN table:\n{text}");
    }
    match (BinTable::from_toml_str(&text), want) {
        (Ok(table), Some(want)) => {
            assert_eq!(table.len(), want.len(), "{text}");
            for (prefix, length, bank, code, kind) in &want {
                let held = table.iter().any(|b| {
                    (&b.prefix, b.length, &b.bank, &b.bank_code, b.kind)
                        == (prefix, *length, bank, code, *kind)
                });
                assert!(held, "{prefix}/{length} is in the table:\n{text}");
                let card = format!("{prefix:0<width$}", width = usize::from(*length));
                let hit = table.lookup(&card).expect("a listed prefix finds its bank");
                assert!(
                    card.starts_with(&hit.prefix)
                        && hit.length == *length
                        && hit.prefix.len() >= prefix.len(),
                    "{card} found {hit:?}"
                );
            }
        }
        (Err(p), None) => problem_holds(&p, "card.bin_table", &text),
        (Ok(table), None) => panic!(
            "accepted a bad BIN table ({} entries):\n{text}",
            table.len()
        ),
        (Err(p), Some(_)) => panic!("refused a good BIN table: {}\n{text}", p.message),
    }
}

// ---- holiday_fields: a holiday schedule -------------------------------------

/// How a date is written; only `YYYY-MM-DD` (blanks around it aside) reads.
#[derive(Arbitrary, Clone, Copy, Debug)]
enum DateStyle {
    Iso,
    Spaced,
    Unpadded,
    Slashes,
    Compact,
}

#[derive(Clone, Debug)]
struct DateText {
    y: i64,
    m: u32,
    d: u32,
    style: DateStyle,
}

impl DateText {
    fn of(date: NaiveDate) -> DateText {
        DateText {
            y: date.year().into(),
            m: date.month(),
            d: date.day(),
            style: DateStyle::Iso,
        }
    }

    fn text(&self) -> String {
        let (y, m, d) = (self.y, self.m, self.d);
        match self.style {
            DateStyle::Iso => format!("{y:04}-{m:02}-{d:02}"),
            DateStyle::Spaced => format!(" {y:04}-{m:02}-{d:02} "),
            DateStyle::Unpadded => format!("{y}-{m}-{d}"),
            DateStyle::Slashes => format!("{y:04}/{m:02}/{d:02}"),
            DateStyle::Compact => format!("{y:04}{m:02}{d:02}"),
        }
    }

    /// The day the reader must read: a real day written as `YYYY-MM-DD`.
    fn date(&self) -> Option<NaiveDate> {
        let canonical = format!("{:04}-{:02}-{:02}", self.y, self.m, self.d);
        let shape = (0..=9999).contains(&self.y) && self.text().trim() == canonical;
        if !shape {
            return None;
        }
        NaiveDate::from_ymd_opt(i32::try_from(self.y).ok()?, self.m, self.d)
    }
}

/// The Saturday or Sunday of `date`'s week, in its year.
fn weekend_of(date: NaiveDate, sunday: bool) -> NaiveDate {
    let target = if sunday { Weekday::Sun } else { Weekday::Sat };
    let ahead = (7 + target.num_days_from_monday() - date.weekday().num_days_from_monday()) % 7;
    let forward = date.checked_add_days(Days::new(ahead.into()));
    match forward {
        Some(f) if f.year() == date.year() => f,
        _ => forward
            .and_then(|f| f.checked_sub_days(Days::new(7)))
            .unwrap_or(date),
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

#[derive(Clone, Debug)]
enum DayEntry {
    One(DateText),
    Span(DateText, DateText),
    /// Text that is not a date; `true` when surely not one.
    Raw(String, bool),
}

/// Entries the reader must refuse as "not a real date or range".
const NOT_DATES: &[&str] = &[
    "",
    "tomorrow",
    "2026-01-01..",
    "..2026-01-01",
    "2026-01-01..2026-01-02..2026-01-03",
    "２０２６-01-01",
    "2026-01-01...2026-01-02",
];

impl DayEntry {
    fn text(&self) -> String {
        match self {
            DayEntry::One(a) => a.text(),
            DayEntry::Span(a, b) => format!("{}..{}", a.text(), b.text()),
            DayEntry::Raw(s, _) => s.clone(),
        }
    }

    /// The days it lists in `year`, or its fault; `None` when that can't be told.
    fn days(&self, year: i32) -> Option<Result<Vec<NaiveDate>, &'static str>> {
        let (a, b) = match self {
            DayEntry::One(a) => (a.date(), a.date()),
            DayEntry::Span(a, b) => (a.date(), b.date()),
            DayEntry::Raw(_, true) => return Some(Err("calendar.date")),
            DayEntry::Raw(_, false) => return None,
        };
        let (Some(a), Some(b)) = (a, b) else {
            return Some(Err("calendar.date"));
        };
        Some(if a.year() != year || b.year() != year {
            Err("calendar.year_mismatch")
        } else if b < a {
            Err("calendar.range")
        } else {
            Ok(a.iter_days().take_while(|d| *d <= b).collect())
        })
    }

    /// Its days whatever the year, for keeping a clean draw free of repeats.
    fn any_days(&self) -> Vec<NaiveDate> {
        match self.days(self.first_year()) {
            Some(Ok(days)) => days,
            _ => Vec::new(),
        }
    }

    fn first_year(&self) -> i32 {
        match self {
            DayEntry::One(a) | DayEntry::Span(a, _) => i32::try_from(a.y).unwrap_or(0),
            DayEntry::Raw(..) => 0,
        }
    }
}

#[derive(Debug)]
struct YearSection {
    year: Field<i64>,
    days_off: Field<Vec<DayEntry>>,
    working_weekends: Field<Vec<DayEntry>>,
    unknown: Option<&'static str>,
}

#[derive(Debug)]
struct HolidayFile {
    years: Field<Vec<YearSection>>,
    unknown: Option<&'static str>,
}

/// Each loaded year: its days off and its working weekends.
type Schedules = BTreeMap<i32, (BTreeSet<NaiveDate>, BTreeSet<NaiveDate>)>;

fn draw_day(d: &mut Dice, year: i64, weekend: bool) -> Gen<DateText> {
    let y = if d.fault(10)? {
        d.pick(&[
            year.saturating_sub(1),
            year.saturating_add(1),
            0,
            10_000,
            -1,
        ])?
    } else {
        year
    };
    let (m, day) = if d.fault(10)? {
        (d.pick(&[0, 2, 2, 4, 13])?, d.pick(&[0, 29, 30, 31, 32])?)
    } else {
        (d.int(1..=12)?, d.int(1..=28)?)
    };
    let mut text = DateText {
        y,
        m,
        d: day,
        style: DateStyle::Iso,
    };
    if let Some(date) = text.date().filter(|_| weekend) {
        text = DateText::of(weekend_of(date, d.coin()?));
    }
    if d.fault(10)? {
        text.style = d.arbitrary()?;
    } else if d.one_in(8)? {
        text.style = DateStyle::Spaced;
    }
    Ok(text)
}

fn draw_entry(d: &mut Dice, year: i64, weekend: bool, earlier: &[DayEntry]) -> Gen<DayEntry> {
    if d.fault(12)? {
        return Ok(match d.int(0..=2u8)? {
            0 if !earlier.is_empty() => d.pick(earlier)?,
            1 => DayEntry::Raw(d.odd_text()?, false),
            _ => DayEntry::Raw(d.pick(NOT_DATES)?.to_string(), true),
        });
    }
    let start = draw_day(d, year, weekend)?;
    if weekend || d.coin()? {
        return Ok(DayEntry::One(start));
    }
    let Some(first) = start.date() else {
        let end = draw_day(d, year, false)?;
        return Ok(DayEntry::Span(start, end));
    };
    let mut end = first
        .checked_add_days(Days::new(d.int(0..=9)?))
        .unwrap_or(first);
    if end.year() != first.year() && !d.fault(3)? {
        end = first;
    }
    let (a, b) = if d.fault(10)? {
        (DateText::of(end), start)
    } else {
        (start, DateText::of(end))
    };
    Ok(DayEntry::Span(a, b))
}

/// A list of entries; in a clean draw no day repeats one in `taken`.
fn draw_entries(
    d: &mut Dice,
    year: i64,
    weekend: bool,
    at_least: u8,
    taken: &mut BTreeSet<NaiveDate>,
) -> Gen<Vec<DayEntry>> {
    let mut entries = Vec::new();
    for _ in 0..d.int(at_least..=6)? {
        let entry = if d.fault(8)? && !taken.is_empty() {
            // A day listed again, or listed both as a day off and as a working day.
            let days: Vec<NaiveDate> = taken.iter().copied().collect();
            DayEntry::One(DateText::of(d.pick(&days)?))
        } else {
            draw_entry(d, year, weekend, &entries)?
        };
        let days = entry.any_days();
        if d.clean && days.iter().any(|day| taken.contains(day)) {
            continue;
        }
        taken.extend(days);
        entries.push(entry);
    }
    Ok(entries)
}

impl YearSection {
    fn draw(d: &mut Dice, used: &mut BTreeSet<i64>) -> Gen<YearSection> {
        let mut year = if d.fault(8)? {
            d.pick(&[0, 9999, 10_000, -1, 1 << 31, -(1 << 31) - 1, i64::MAX])?
        } else {
            d.int(2020..=2030)?
        };
        while d.clean && used.contains(&year) {
            year += 1;
        }
        used.insert(year);
        let mut taken = BTreeSet::new();
        let at_least = if d.fault(6)? { 0 } else { 1 };
        Ok(YearSection {
            year: d.field(false, Kind::Int, |_| Ok(year))?,
            days_off: d.field(false, Kind::List, |d| {
                draw_entries(d, year, false, at_least, &mut taken)
            })?,
            working_weekends: d.field(false, Kind::List, |d| {
                let weekend = !d.fault(6)?;
                draw_entries(d, year, weekend, 0, &mut taken)
            })?,
            unknown: d.unknown_key()?,
        })
    }

    fn table(&self) -> Table {
        let list = |entries: &Vec<DayEntry>| {
            Value::Array(entries.iter().map(|e| Value::String(e.text())).collect())
        };
        let mut t = Table::new();
        self.year.write(&mut t, "year", |y| Value::Integer(*y));
        self.days_off.write(&mut t, "days_off", list);
        self.working_weekends
            .write(&mut t, "working_weekends", list);
        if let Some(k) = self.unknown {
            t.insert(k.into(), Value::Integer(1));
        }
        t
    }

    /// The year and both lists, when the file's shape lets the reader see them.
    fn parts(&self) -> Option<(i32, &Vec<DayEntry>, &Vec<DayEntry>)> {
        let year = i32::try_from(*self.year.given()?).ok()?;
        match (
            self.unknown,
            self.days_off.given(),
            self.working_weekends.given(),
        ) {
            (None, Some(off), Some(work)) => Some((year, off, work)),
            _ => None,
        }
    }
}

/// The days of `entries` in `year`, adding the faults it has to `faults`.
/// `None` when an entry's verdict can't be told.
fn listed_days(
    year: i32,
    entries: &[DayEntry],
    faults: &mut BTreeSet<&'static str>,
) -> Option<BTreeSet<NaiveDate>> {
    let mut days = BTreeSet::new();
    for e in entries {
        match e.days(year)? {
            Err(code) => {
                faults.insert(code);
            }
            Ok(list) => {
                for day in list {
                    if !days.insert(day) {
                        faults.insert("calendar.duplicate");
                    }
                }
            }
        }
    }
    Some(days)
}

impl HolidayFile {
    fn draw(d: &mut Dice) -> Gen<HolidayFile> {
        Ok(HolidayFile {
            years: d.field(false, Kind::List, |d| {
                let mut used = BTreeSet::new();
                let at_least = if d.fault(8)? { 0 } else { 1 };
                (0..d.int(at_least..=3u8)?)
                    .map(|_| YearSection::draw(d, &mut used))
                    .collect()
            })?,
            unknown: d.unknown_key()?,
        })
    }

    fn text(&self) -> String {
        let mut t = Table::new();
        self.years.write(&mut t, "year", |sections| {
            Value::Array(sections.iter().map(|s| Value::Table(s.table())).collect())
        });
        if let Some(k) = self.unknown {
            t.insert(k.into(), Value::Integer(1));
        }
        write_toml(&t)
    }

    fn expected(&self) -> Expect<Schedules> {
        let sections = match (&self.years, self.unknown) {
            (Field::Given(s), None) => s,
            (Field::Missing, None) => return Expect::refuse("calendar.empty"),
            _ => return Expect::refuse("calendar.file"),
        };
        let Some(parts) = sections
            .iter()
            .map(YearSection::parts)
            .collect::<Option<Vec<_>>>()
        else {
            return Expect::refuse("calendar.file");
        };
        if parts.is_empty() {
            return Expect::refuse("calendar.empty");
        }
        let mut faults = BTreeSet::new();
        let mut years = Schedules::new();
        for (year, off, work) in parts {
            if off.is_empty() {
                faults.insert("calendar.no_days_off");
            }
            let (Some(off), Some(work)) = (
                listed_days(year, off, &mut faults),
                listed_days(year, work, &mut faults),
            ) else {
                return Expect::Unknown;
            };
            if !work.iter().copied().all(is_weekend) {
                faults.insert("calendar.not_weekend");
            }
            if off.intersection(&work).next().is_some() {
                faults.insert("calendar.overlap");
            }
            if years.insert(year, (off, work)).is_some() {
                faults.insert("calendar.duplicate_year");
            }
        }
        if faults.is_empty() {
            Expect::Accept(years)
        } else {
            Expect::Refuse(faults)
        }
    }
}

/// A holiday file of arbitrary typed values, held to what they say the
/// reader must answer; what it accepts obeys the calendar's rules and
/// round-trips through the writer.
pub fn holiday_fields(data: &[u8]) {
    let mut d = Dice::new(data);
    let Ok(file) = HolidayFile::draw(&mut d) else {
        return;
    };
    let text = file.text();
    let want = file.expected();
    if d.clean {
        assert!(
            want.accepts(),
            "a clean draw is a good schedule ({want:?}):\n{text}"
        );
    }
    let got = HolidayCalendar::from_toml_str(&text);
    match (&got, &want) {
        (Ok(c), Expect::Accept(years)) => {
            assert_eq!(
                c.years(),
                years.keys().copied().collect::<Vec<_>>(),
                "{text}"
            );
            for (y, (off, work)) in years {
                let s = c.year(*y).expect("a loaded year");
                assert_eq!((&s.days_off, &s.working_weekends), (off, work), "{text}");
            }
        }
        (Err(p), Expect::Refuse(codes)) => {
            assert!(
                codes.contains(p.code),
                "{} not in {codes:?}:\n{text}",
                p.code
            );
        }
        (_, Expect::Unknown) => {}
        (Ok(_), Expect::Refuse(codes)) => panic!("accepted a schedule with {codes:?}:\n{text}"),
        (Err(p), Expect::Accept(_)) => {
            panic!(
                "refused a good schedule: {} ({})\n{text}",
                p.message, p.code
            )
        }
    }
    match got {
        Ok(c) => calendar_holds(&c, &text),
        Err(p) => problem_holds(&p, "calendar.", &text),
    }
}

fn calendar_holds(c: &HolidayCalendar, text: &str) {
    for y in c.years() {
        let s = c.year(y).expect("a loaded year");
        assert!(!s.days_off.is_empty(), "{text}");
        let days = s.days_off.iter().chain(&s.working_weekends);
        assert!(days.clone().all(|d| d.year() == y), "{text}");
        assert!(s.working_weekends.iter().copied().all(is_weekend), "{text}");
        assert!(s.days_off.is_disjoint(&s.working_weekends), "{text}");
        let written = c.to_toml_string(y).expect("a loaded year");
        let back = HolidayCalendar::from_toml_str(&written).expect("written back reads");
        assert_eq!(back.year(y), c.year(y), "{written}");
        for d in days {
            assert_eq!(c.is_workday(*d), Some(s.working_weekends.contains(d)));
        }
    }
}

// ---- policy_fields: device models and rules ---------------------------------

const MODEL_CODES: &[&str] = &["LD-A8", "NL-ME31", "PAX-S90", "SM-P2", "X-1", "X-2"];
const MODEL_NAMES: &[&str] = &["联迪 A8 智能POS", "Test model"];
const VERSIONS: &[&str] = &["2026.1", "2027.0-rc"];

/// Literal pieces of a serial pattern, with the text they match.
const LITERALS: &[(&str, &str)] = &[
    ("LDA8", "LDA8"),
    ("S90-", "S90-"),
    ("P2M", "P2M"),
    ("N31", "N31"),
    ("X", "X"),
    ("0", "0"),
    ("\\-", "-"),
    ("\\.", "."),
    ("ab", "ab"),
    ("张", "张"),
];
/// Classes, with characters they match.
const CLASSES: &[(&str, &str)] = &[
    ("[0-9]", "0123456789"),
    ("[A-Z]", "AQZ"),
    ("[0-9A-F]", "09AF"),
    ("\\d", "05"),
    ("[A-Z0-9]", "A9"),
];
/// Pieces that may break a pattern or change what it matches; `)|(` and
/// a verbose-mode comment test the group posdesk wraps a pattern in.
const ODD_PIECES: &[&str] = &[
    ")|(",
    "(?x) # note",
    "(",
    ")",
    "[",
    "]",
    "{3}",
    "*",
    "+",
    "?",
    "|",
    "\\",
    "(?x)",
    "#",
    " ",
    "(?i)",
    ".",
    "\\p{Han}",
    "[z-a]",
    "X{5,2}",
    "\\Q",
    "(?P<n>A)",
    "\\1",
    "[[:upper:]]",
    "(?",
    "\\b",
];

/// A `serial_pattern`, and a serial it matches when the generator knows one.
#[derive(Clone, Debug)]
struct SerialPattern {
    text: String,
    sample: Option<String>,
}

fn class_piece(d: &mut Dice) -> Gen<(String, Option<String>)> {
    let (class, members) = d.pick(CLASSES)?;
    let members: Vec<char> = members.chars().collect();
    Ok((class.to_string(), Some(d.pick(&members)?.to_string())))
}

/// One piece of a pattern from a small grammar, and text it matches.
fn pattern_piece(d: &mut Dice, depth: u8) -> Gen<(String, Option<String>)> {
    // Odd pieces come from a closed list: free text would send the run
    // exploring the regex crates' parser (policy_toml feeds that raw bytes),
    // not posdesk's checks of a policy.
    if d.fault(8)? {
        return Ok((d.pick(ODD_PIECES)?.to_string(), None));
    }
    Ok(match d.int(0..=7u8)? {
        0..=2 => {
            let (piece, matched) = d.pick(LITERALS)?;
            (piece.to_string(), Some(matched.to_string()))
        }
        3 | 4 => class_piece(d)?,
        5 => {
            let (inner, once) = if d.coin()? {
                class_piece(d)?
            } else {
                let (piece, matched) = d.pick(LITERALS)?;
                (format!("(?:{piece})"), Some(matched.to_string()))
            };
            let n = d.int(0..=12usize)?;
            let (bounds, times) = match d.int(0..=2u8)? {
                0 => (format!("{{{n}}}"), n),
                1 => {
                    let m = n + d.int(0..=4usize)?;
                    (format!("{{{n},{m}}}"), d.int(n..=m)?)
                }
                _ => (format!("{{{n},}}"), n + d.int(0..=3usize)?),
            };
            (format!("{inner}{bounds}"), once.map(|s| s.repeat(times)))
        }
        6 if depth < 2 => {
            let (a, a_matches) = pattern_piece(d, depth + 1)?;
            let (b, b_matches) = pattern_piece(d, depth + 1)?;
            let first = d.coin()?;
            let sample = a_matches
                .zip(b_matches)
                .map(|(a, b)| if first { a } else { b });
            (format!("(?:{a}|{b})"), sample)
        }
        _ if depth == 0 => (d.pick(&["^", "$"])?.to_string(), Some(String::new())),
        _ => class_piece(d)?,
    })
}

fn serial_pattern(d: &mut Dice) -> Gen<SerialPattern> {
    let mut text = String::new();
    let mut sample = Some(String::new());
    let mut ended = false;
    for _ in 0..d.int(1..=6u8)? {
        let (piece, matched) = pattern_piece(d, 0)?;
        let known = match piece.as_str() {
            "^" => text.is_empty(),
            "$" => {
                ended = true;
                true
            }
            _ => !ended || matched.as_deref() == Some(""),
        };
        sample = sample.zip(matched).filter(|_| known).map(|(s, m)| s + &m);
        text.push_str(&piece);
    }
    Ok(SerialPattern { text, sample })
}

#[derive(Clone, Debug)]
enum Amount {
    Text(AmountText),
    /// A TOML number, where the file wants money as text.
    Number(i64),
}

impl Amount {
    fn value(&self) -> Value {
        match self {
            Amount::Text(a) => Value::String(a.text.clone()),
            Amount::Number(n) => Value::Integer(*n),
        }
    }

    fn text(&self) -> Option<&AmountText> {
        match self {
            Amount::Text(a) => Some(a),
            Amount::Number(_) => None,
        }
    }
}

fn draw_amount(d: &mut Dice) -> Gen<Amount> {
    Ok(if d.fault(8)? {
        Amount::Number(d.int(0..=1000)?)
    } else {
        Amount::Text(amount_text(d)?)
    })
}

#[derive(Debug)]
struct RulesSection {
    earliest: Field<i64>,
    latest: Field<i64>,
    max_active: Field<i64>,
    adult_age: Field<i64>,
    supervised_min_age: Field<i64>,
    fee_waived: Field<bool>,
    terms_version: Field<String>,
    contract_version: Field<String>,
    unknown: Option<&'static str>,
}

#[derive(Debug)]
struct ModelSection {
    code: Field<String>,
    name: Field<String>,
    serial_pattern: Field<SerialPattern>,
    deposit: Field<Amount>,
    device_fee: Field<Amount>,
    monthly_fee: Field<Amount>,
    volume_target: Field<Amount>,
    volume_days: Field<i64>,
    unknown: Option<&'static str>,
}

#[derive(Debug)]
struct PolicyFile {
    rules: Field<RulesSection>,
    models: Field<Vec<ModelSection>>,
    unknown: Option<&'static str>,
}

/// A model as the policy must hold it.
#[derive(Debug)]
struct ModelWant {
    code: String,
    name: String,
    deposit: Fen,
    device_fee: Fen,
    monthly_fee: Fen,
    volume_target: Option<(Fen, u32)>,
    sample: Option<String>,
}

/// The rules, the model codes in order, and the models the file set.
type PolicyWant = (Rules, Vec<String>, Vec<ModelWant>);

/// A rule's number: `good`, or (as a fault) one of `bad`.
fn rule_number(d: &mut Dice, good: i64, bad: &[i64]) -> Gen<i64> {
    if d.fault(6)? {
        d.pick(bad)
    } else {
        Ok(good)
    }
}

impl RulesSection {
    fn draw(d: &mut Dice) -> Gen<RulesSection> {
        // A clean draw names every rule, so a whole policy file is complete.
        let optional = !d.clean;
        let max = i64::from(u32::MAX);
        let earliest = d.int(0..=10i64)?;
        let latest = earliest + d.int(0..=10i64)?;
        let adult = d.int(1..=30i64)?;
        let supervised = d.int(0..=adult)?;
        Ok(RulesSection {
            earliest: d.field(optional, Kind::Int, |d| {
                rule_number(d, earliest, &[-1, 30, max + 1])
            })?,
            latest: d.field(optional, Kind::Int, |d| {
                rule_number(d, latest, &[0, 2, max, max + 1])
            })?,
            max_active: d.field(optional, Kind::Int, |d| {
                let n = d.int(0..=10)?;
                rule_number(d, n, &[-5, max, max + 1])
            })?,
            adult_age: d.field(optional, Kind::Int, |d| {
                rule_number(d, adult, &[0, 15, -1, 1 << 32])
            })?,
            supervised_min_age: d.field(optional, Kind::Int, |d| {
                rule_number(d, supervised, &[0, 17, 40, -1])
            })?,
            fee_waived: d.field(optional, Kind::Bool, |d| d.coin())?,
            terms_version: d.field(optional, Kind::Str, |d| d.text(VERSIONS))?,
            contract_version: d.field(optional, Kind::Str, |d| d.text(VERSIONS))?,
            unknown: d.unknown_key()?,
        })
    }

    fn table(&self) -> Table {
        let int = |n: &i64| Value::Integer(*n);
        let mut t = Table::new();
        self.earliest.write(&mut t, "refund_window_earliest", int);
        self.latest.write(&mut t, "refund_window_latest", int);
        self.max_active
            .write(&mut t, "max_active_terminals_per_id", int);
        self.adult_age.write(&mut t, "adult_age", int);
        self.supervised_min_age
            .write(&mut t, "supervised_min_age", int);
        self.fee_waived
            .write(&mut t, "first_terminal_device_fee_waived", |b| {
                Value::Boolean(*b)
            });
        self.terms_version
            .write(&mut t, "terms_version", text_value);
        self.contract_version
            .write(&mut t, "contract_version", text_value);
        if let Some(k) = self.unknown {
            t.insert(k.into(), Value::Integer(1));
        }
        t
    }

    fn reads(&self) -> bool {
        let ints = [
            &self.earliest,
            &self.latest,
            &self.max_active,
            &self.adult_age,
            &self.supervised_min_age,
        ];
        self.unknown.is_none()
            && ints.into_iter().all(fits_u32)
            && !self.fee_waived.is_wrong()
            && !self.terms_version.is_wrong()
            && !self.contract_version.is_wrong()
    }

    /// `base` with the rules this section names.
    fn over(&self, base: &Rules) -> Rules {
        let n =
            |f: &Field<i64>, old: u32| f.given().map_or(old, |n| u32::try_from(*n).unwrap_or(old));
        Rules {
            refund_window_earliest: n(&self.earliest, base.refund_window_earliest),
            refund_window_latest: n(&self.latest, base.refund_window_latest),
            max_active_terminals_per_id: n(&self.max_active, base.max_active_terminals_per_id),
            adult_age: n(&self.adult_age, base.adult_age),
            supervised_min_age: n(&self.supervised_min_age, base.supervised_min_age),
            first_terminal_device_fee_waived: *self
                .fee_waived
                .given()
                .unwrap_or(&base.first_terminal_device_fee_waived),
            terms_version: self
                .terms_version
                .given()
                .unwrap_or(&base.terms_version)
                .clone(),
            contract_version: self
                .contract_version
                .given()
                .unwrap_or(&base.contract_version)
                .clone(),
        }
    }
}

impl ModelSection {
    fn draw(d: &mut Dice) -> Gen<ModelSection> {
        let max = i64::from(u32::MAX);
        let (volume_target, volume_days) = if d.fault(6)? {
            (
                d.field(true, Kind::Str, draw_amount)?,
                d.field(true, Kind::Int, |d| d.pick(&[0, -1, 30, max + 1]))?,
            )
        } else if d.coin()? {
            (
                Field::Given(Amount::Text(amount_text(d)?)),
                Field::Given(d.int(1..=365)?),
            )
        } else {
            (Field::Missing, Field::Missing)
        };
        Ok(ModelSection {
            code: d.field(false, Kind::Str, |d| d.text(MODEL_CODES))?,
            name: d.field(false, Kind::Str, |d| d.text(MODEL_NAMES))?,
            serial_pattern: d.field(false, Kind::Str, serial_pattern)?,
            deposit: d.field(false, Kind::Str, draw_amount)?,
            device_fee: d.field(false, Kind::Str, draw_amount)?,
            monthly_fee: d.field(false, Kind::Str, draw_amount)?,
            volume_target,
            volume_days,
            unknown: d.unknown_key()?,
        })
    }

    fn table(&self) -> Table {
        let mut t = Table::new();
        self.code.write(&mut t, "code", text_value);
        self.name.write(&mut t, "name", text_value);
        self.serial_pattern
            .write(&mut t, "serial_pattern", |p| Value::String(p.text.clone()));
        self.deposit.write(&mut t, "deposit", Amount::value);
        self.device_fee.write(&mut t, "device_fee", Amount::value);
        self.monthly_fee.write(&mut t, "monthly_fee", Amount::value);
        self.volume_target
            .write(&mut t, "volume_target", Amount::value);
        self.volume_days
            .write(&mut t, "volume_days", |n| Value::Integer(*n));
        if let Some(k) = self.unknown {
            t.insert(k.into(), Value::Integer(1));
        }
        t
    }

    fn reads(&self) -> bool {
        let money = [&self.deposit, &self.device_fee, &self.monthly_fee];
        let target_reads = match &self.volume_target {
            Field::Missing => true,
            Field::Given(a) => a.text().is_some(),
            Field::Wrong(_) => false,
        };
        self.unknown.is_none()
            && self.code.given().is_some()
            && self.name.given().is_some()
            && self.serial_pattern.given().is_some()
            && money
                .into_iter()
                .all(|f| f.given().and_then(Amount::text).is_some())
            && target_reads
            && fits_u32(&self.volume_days)
    }

    /// The model, or its faults; call only when `reads()`.
    fn want(&self, faults: &mut BTreeSet<&'static str>) -> Option<ModelWant> {
        let pattern = self.serial_pattern.given()?;
        let pattern_ok = regex::Regex::new(&pattern.text).is_ok();
        if !pattern_ok {
            faults.insert("policy.serial_pattern");
        }
        let fen = |f: &Field<Amount>| f.given().and_then(Amount::text).and_then(|a| a.value);
        let volume_target = match (&self.volume_target, self.volume_days.given()) {
            (Field::Given(_), Some(&days)) if days > 0 => match fen(&self.volume_target) {
                Some(amount) => Some((amount, u32::try_from(days).ok()?)),
                None => {
                    faults.insert("policy.money");
                    None
                }
            },
            (Field::Missing, None) => None,
            _ => {
                faults.insert("policy.volume_target");
                None
            }
        };
        let (deposit, device_fee, monthly_fee) = (
            fen(&self.deposit),
            fen(&self.device_fee),
            fen(&self.monthly_fee),
        );
        if deposit.is_none() || device_fee.is_none() || monthly_fee.is_none() {
            faults.insert("policy.money");
        }
        Some(ModelWant {
            code: self.code.given()?.clone(),
            name: self.name.given()?.clone(),
            deposit: deposit?,
            device_fee: device_fee?,
            monthly_fee: monthly_fee?,
            volume_target,
            sample: pattern.sample.clone().filter(|_| pattern_ok),
        })
    }
}

impl PolicyFile {
    fn draw(d: &mut Dice) -> Gen<PolicyFile> {
        // A whole policy file needs its rules; an overlay may leave them out.
        let rules = if d.clean {
            Field::Given(RulesSection::draw(d)?)
        } else {
            d.field(true, Kind::Table, RulesSection::draw)?
        };
        Ok(PolicyFile {
            rules,
            models: d.field(true, Kind::List, |d| {
                (0..d.int(0..=3u8)?)
                    .map(|_| ModelSection::draw(d))
                    .collect()
            })?,
            unknown: d.unknown_key()?,
        })
    }

    fn text(&self) -> String {
        let mut t = Table::new();
        self.rules
            .write(&mut t, "rules", |r| Value::Table(r.table()));
        self.models.write(&mut t, "model", |models| {
            Value::Array(models.iter().map(|m| Value::Table(m.table())).collect())
        });
        if let Some(k) = self.unknown {
            t.insert(k.into(), Value::Integer(1));
        }
        write_toml(&t)
    }

    /// What reading the file over `base` (rules and model codes) must give;
    /// `whole`: as a policy file of its own, which must set every rule.
    fn expected(&self, base: &Rules, codes: &[String], whole: bool) -> Expect<PolicyWant> {
        let no_models = Vec::new();
        let (rules, models) = match (&self.rules, &self.models, self.unknown) {
            (Field::Wrong(_), ..) | (_, Field::Wrong(_), _) | (.., Some(_)) => {
                return Expect::refuse("policy.file")
            }
            (rules, models, None) => (rules.given(), models.given().unwrap_or(&no_models)),
        };
        if !rules.is_none_or(RulesSection::reads) || !models.iter().all(ModelSection::reads) {
            return Expect::refuse("policy.file");
        }
        let rules = rules.map_or_else(|| base.clone(), |r| r.over(base));
        let mut faults = BTreeSet::new();
        if rules.refund_window_earliest > rules.refund_window_latest {
            faults.insert("policy.refund_window");
        }
        if rules.supervised_min_age > rules.adult_age {
            faults.insert("policy.ages");
        }
        let mut codes = codes.to_vec();
        let mut wants: Vec<ModelWant> = Vec::new();
        for m in models {
            let Some(want) = m.want(&mut faults) else {
                continue;
            };
            if !codes.contains(&want.code) {
                codes.push(want.code.clone());
            }
            wants.retain(|w| w.code != want.code);
            wants.push(want);
        }
        if whole && (rules.adult_age == 0 || rules.terms_version.is_empty()) {
            faults.insert("policy.incomplete");
        }
        if faults.is_empty() {
            Expect::Accept((rules, codes, wants))
        } else {
            Expect::Refuse(faults)
        }
    }
}

fn model_codes(p: &Policy) -> Vec<String> {
    p.models.iter().map(|m| m.code.clone()).collect()
}

/// A policy file of arbitrary typed values, read as a whole policy and as an
/// overlay on the built-in one, each held to what the values say it must
/// answer. Every pattern that is a valid pattern on its own must be taken,
/// and only those; a model must take a serial its pattern matches, in
/// either case and with blanks around it.
pub fn policy_fields(data: &[u8]) {
    let mut d = Dice::new(data);
    let Ok(file) = PolicyFile::draw(&mut d) else {
        return;
    };
    let text = file.text();
    let none = Rules {
        refund_window_earliest: 0,
        refund_window_latest: 0,
        max_active_terminals_per_id: 0,
        adult_age: 0,
        supervised_min_age: 0,
        first_terminal_device_fee_waived: false,
        terms_version: String::new(),
        contract_version: String::new(),
    };
    let want = file.expected(&none, &[], true);
    if d.clean {
        assert!(
            want.accepts(),
            "a clean draw is a good policy ({want:?}):\n{text}"
        );
    }
    policy_holds(Policy::from_toml_str(&text).as_ref(), &want, &text);

    static BUILTIN: OnceLock<Policy> = OnceLock::new();
    let builtin = BUILTIN.get_or_init(Policy::builtin);
    let want = file.expected(&builtin.rules, &model_codes(builtin), false);
    if d.clean {
        assert!(
            want.accepts(),
            "a clean draw is a good overlay ({want:?}):\n{text}"
        );
    }
    let mut p = builtin.clone();
    match p.overlay(&text) {
        Ok(()) => policy_holds(Ok(&p), &want, &text),
        Err(e) => {
            assert_eq!(p.rules, builtin.rules, "a refused overlay changes nothing");
            assert_eq!(model_codes(&p), model_codes(builtin));
            policy_holds(Err(&e), &want, &text);
        }
    }
}

fn policy_holds(got: Result<&Policy, &Problem>, want: &Expect<PolicyWant>, text: &str) {
    match (got, want) {
        (Ok(p), Expect::Accept((rules, codes, models))) => {
            assert_eq!(&p.rules, rules, "{text}");
            assert_eq!(&model_codes(p), codes, "{text}");
            for w in models {
                let m = p.model(&w.code).expect("a model the file set");
                let got = (&m.name, m.deposit, m.device_fee, m.monthly_fee);
                assert_eq!(
                    got,
                    (&w.name, w.deposit, w.device_fee, w.monthly_fee),
                    "{text}"
                );
                let target = m.volume_target.map(|t| (t.amount, t.days));
                assert_eq!(target, w.volume_target, "{text}");
                if let Some(serial) = &w.sample {
                    let normal = serial.to_ascii_uppercase();
                    assert_eq!(
                        m.check_serial(serial).ok(),
                        Some(normal.clone()),
                        "{serial:?} fits {:?}:\n{text}",
                        m.serial_pattern.as_str()
                    );
                    let typed = format!(" {} ", serial.to_ascii_lowercase());
                    assert_eq!(m.check_serial(&typed).ok(), Some(normal), "{typed:?}");
                }
            }
            let r = &p.rules;
            assert!(r.refund_window_earliest <= r.refund_window_latest);
            assert!(r.supervised_min_age <= r.adult_age);
        }
        (Err(e), Expect::Refuse(codes)) => {
            assert!(
                codes.contains(e.code),
                "{} not in {codes:?}:\n{text}",
                e.code
            );
            problem_holds(e, "policy.", text);
        }
        (_, Expect::Unknown) => {}
        (Ok(p), Expect::Refuse(codes)) => panic!(
            "accepted a policy with {codes:?} (models {:?}):\n{text}",
            p.models
                .iter()
                .map(|m| m.serial_pattern.as_str())
                .collect::<Vec<_>>()
        ),
        (Err(e), Expect::Accept(_)) => panic!("refused a good policy: {}\n{text}", e.message),
    }
}

// ---- settlement_fields: the bank's settlement results ------------------------

/// Each column the reader needs, by the names it knows it by.
const SETTLEMENT_COLUMNS: [[&str; 2]; 5] = [
    ["refund_ref", "退款编号"],
    ["result", "结果"],
    ["bank_ref", "银行流水号"],
    ["amount", "金额"],
    ["reason", "原因"],
];
/// Columns the reader doesn't use (none is a name it knows).
const EXTRA_COLUMNS: &[&str] = &["memo", "备注", "", "refund ref", "amount2"];
const RESULT_WORDS: &[&str] = &[
    "success", "SUCCESS", "Ok", "成功", "failed", "Failure", "FAIL", "失败",
];
const NOT_RESULTS: &[&str] = &["maybe", "", "succes", "ＯＫ", "done", "成 功"];
const REASONS: &[&str] = &["账户冻结", "account closed", "x", "closed,\nsee \"notes\""];

#[derive(Arbitrary, Clone, Copy, Debug)]
enum Quoting {
    Necessary,
    Always,
    NonNumeric,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Column {
    /// One of `SETTLEMENT_COLUMNS`.
    Needed(usize),
    Extra,
}

#[derive(Debug)]
struct SettlementRow {
    /// Blank lines written before it.
    blank_before: u8,
    /// Its cells, in the header's order; cut short or run long at times.
    cells: Vec<String>,
    /// The amount as drawn, for when its cell is there.
    amount: AmountText,
}

#[derive(Debug)]
struct SettlementFile {
    bom: bool,
    crlf: bool,
    quoting: Quoting,
    header: Vec<(Column, String)>,
    rows: Vec<SettlementRow>,
}

/// Where a row is: the line it starts on and its row in a spreadsheet
/// (the same unless a cell holds a line break). A clerk is told either.
#[derive(Clone, Copy, Debug)]
struct Place {
    line: usize,
    row: usize,
}

impl Place {
    const HEADER: Place = Place { line: 1, row: 1 };

    fn is(self, n: usize) -> bool {
        n == self.line || n == self.row
    }
}

/// A line the reader must accept: refund ref, success, bank ref, amount, reason.
type LineWant = (String, bool, String, Fen, Option<String>);

/// The lines the reader must accept and the faults it must report, with places.
type SettlementWant = (Vec<(Place, LineWant)>, Vec<(Place, &'static str)>);

fn result_word(cell: &str) -> Option<bool> {
    match cell.trim().to_lowercase().as_str() {
        "success" | "ok" | "成功" => Some(true),
        "failed" | "failure" | "fail" | "失败" => Some(false),
        _ => None,
    }
}

impl SettlementFile {
    fn draw(d: &mut Dice) -> Gen<SettlementFile> {
        let mut header = Vec::new();
        for (i, names) in SETTLEMENT_COLUMNS.iter().enumerate() {
            let name = d.pick(names)?;
            let name = match d.int(0..=3u8)? {
                0 => name.to_uppercase(),
                1 => format!(" {name} "),
                _ => name.to_string(),
            };
            header.push((Column::Needed(i), name));
        }
        for _ in 0..d.int(0..=2u8)? {
            let at = d.int(0..=header.len())?;
            header.insert(at, (Column::Extra, d.pick(EXTRA_COLUMNS)?.to_string()));
        }
        if d.coin()? {
            for i in (1..header.len()).rev() {
                header.swap(i, d.int(0..=i)?);
            }
        }
        if d.fault(10)? {
            let needed: Vec<usize> = (0..header.len())
                .filter(|&i| header[i].0 != Column::Extra)
                .collect();
            header.remove(d.pick(&needed)?);
        }
        let mut rows = Vec::new();
        let mut refs = Vec::new();
        let at_least = if d.clean { 1 } else { 0 };
        for i in 0..d.int(at_least..=6usize)? {
            rows.push(SettlementRow::draw(d, i, &header, &mut refs)?);
        }
        Ok(SettlementFile {
            bom: d.coin()?,
            crlf: d.coin()?,
            quoting: d.arbitrary()?,
            header,
            rows,
        })
    }

    /// The file, and where each row is in it.
    fn bytes(&self) -> (Vec<u8>, Vec<Place>) {
        let mut out = if self.bom {
            b"\xEF\xBB\xBF".to_vec()
        } else {
            Vec::new()
        };
        let (terminator, newline): (_, &[u8]) = if self.crlf {
            (csv::Terminator::CRLF, b"\r\n")
        } else {
            (csv::Terminator::Any(b'\n'), b"\n")
        };
        let quoting = match self.quoting {
            Quoting::Necessary => csv::QuoteStyle::Necessary,
            Quoting::Always => csv::QuoteStyle::Always,
            Quoting::NonNumeric => csv::QuoteStyle::NonNumeric,
        };
        let mut writer = csv::WriterBuilder::new();
        writer
            .flexible(true)
            .terminator(terminator)
            .quote_style(quoting);
        let record = |cells: &[String]| {
            let mut w = writer.from_writer(Vec::new());
            w.write_record(cells).expect("writing to memory");
            w.into_inner().expect("writing to memory")
        };
        let names: Vec<String> = self.header.iter().map(|(_, name)| name.clone()).collect();
        out.extend(record(&names));
        let mut places = Vec::new();
        let mut row = 1;
        for r in &self.rows {
            for _ in 0..r.blank_before {
                out.extend_from_slice(newline);
                row += 1;
            }
            row += 1;
            let line = 1 + out.iter().filter(|&&b| b == b'\n').count();
            places.push(Place { line, row });
            out.extend(record(&r.cells));
        }
        (out, places)
    }

    /// The lines the reader must accept and its faults, each with its place.
    fn expected(&self, places: &[Place]) -> SettlementWant {
        let mut idx = [0; 5];
        for (k, at) in idx.iter_mut().enumerate() {
            match self
                .header
                .iter()
                .position(|(c, _)| *c == Column::Needed(k))
            {
                Some(i) => *at = i,
                None => return (Vec::new(), vec![(Place::HEADER, "import.column")]),
            }
        }
        let mut lines: Vec<(Place, LineWant)> = Vec::new();
        let mut faults = Vec::new();
        for (r, &place) in self.rows.iter().zip(places) {
            if r.cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let cell = |k: usize| r.cells.get(idx[k]).map_or("", |c| c.trim());
            let amount = r.amount.value.filter(|_| idx[3] < r.cells.len());
            let refund_ref = cell(0).to_ascii_uppercase();
            let fault = if refund_ref.is_empty() {
                Some("import.no_refund_ref")
            } else {
                match (result_word(cell(1)), amount) {
                    (None, _) => Some("import.result"),
                    (_, None) => Some("import.amount"),
                    (Some(true), _) if cell(2).is_empty() => Some("import.no_bank_ref"),
                    (Some(false), _) if cell(4).is_empty() => Some("import.no_reason"),
                    (Some(success), Some(amount)) => {
                        if lines.iter().any(|(_, l)| l.0 == refund_ref) {
                            faults.push((place, "import.duplicate"));
                        }
                        let reason = Some(cell(4).to_string()).filter(|r| !r.is_empty());
                        let line = (refund_ref, success, cell(2).to_string(), amount, reason);
                        lines.push((place, line));
                        None
                    }
                }
            };
            if let Some(code) = fault {
                faults.push((place, code));
            }
        }
        if lines.is_empty() && faults.is_empty() {
            faults.push((Place::HEADER, "import.no_lines"));
        }
        (lines, faults)
    }
}

impl SettlementRow {
    fn draw(
        d: &mut Dice,
        index: usize,
        header: &[(Column, String)],
        refs: &mut Vec<String>,
    ) -> Gen<SettlementRow> {
        let refund_ref = if d.fault(6)? {
            match d.int(0..=2u8)? {
                0 if !refs.is_empty() => d.pick(refs)?,
                1 => d.odd_text()?,
                _ => d.pick(&["", " ", "hello", "RF123", "退款1"])?.to_string(),
            }
        } else {
            let r = format!("RF{index:04}{:04}", d.int(0..=9999u16)?);
            if d.coin()? {
                r.to_ascii_lowercase()
            } else {
                r
            }
        };
        refs.push(refund_ref.clone());
        let result = if d.fault(8)? {
            if d.coin()? {
                d.odd_text()?
            } else {
                d.pick(NOT_RESULTS)?.to_string()
            }
        } else {
            d.pick(RESULT_WORDS)?.to_string()
        };
        let success = result_word(&result) == Some(true);
        let bank_ref = if d.fault(8)? {
            d.pick(&["", " "])?.to_string()
        } else if success || d.coin()? {
            format!("B{}", d.int(0..=999_999u32)?)
        } else {
            String::new()
        };
        let amount = amount_text(d)?;
        let reason = if d.fault(8)? {
            d.pick(&["", " ", "\t"])?.to_string()
        } else if !success || d.coin()? {
            d.pick(REASONS)?.to_string()
        } else {
            String::new()
        };
        let values = [refund_ref, result, bank_ref, amount.text.clone(), reason];
        let mut cells = Vec::new();
        for (column, _) in header {
            cells.push(match column {
                Column::Needed(k) => values[*k].clone(),
                Column::Extra if d.one_in(4)? => d.odd_text()?,
                Column::Extra => d.pick(&["", "note", "备注"])?.to_string(),
            });
        }
        if d.fault(8)? && cells.len() > 1 {
            cells.truncate(d.int(1..=cells.len() - 1)?);
        } else if d.one_in(8)? {
            cells.push(d.odd_text()?);
        }
        Ok(SettlementRow {
            blank_before: if d.one_in(8)? { d.int(1..=2)? } else { 0 },
            cells,
            amount,
        })
    }
}

/// A settlement file of arbitrary typed rows, written with correct CSV
/// quoting and held to what the rows say the reader must answer: the same
/// lines accepted, the same faults, each at the row it is on.
pub fn settlement_fields(data: &[u8]) {
    let mut d = Dice::new(data);
    let Ok(file) = SettlementFile::draw(&mut d) else {
        return;
    };
    let (bytes, places) = file.bytes();
    let (want_lines, want_faults) = file.expected(&places);
    let text = String::from_utf8_lossy(&bytes);
    if d.clean {
        assert!(
            want_faults.is_empty(),
            "a clean draw is a good file:\n{text}"
        );
    }
    let (lines, errors) = scan_settlement(&bytes);
    assert_eq!(read_settlement(&bytes).is_ok(), errors.is_empty());
    let codes: Vec<&str> = errors.iter().map(|e| e.problem.code).collect();
    let want_codes: Vec<&str> = want_faults.iter().map(|(_, code)| *code).collect();
    assert_eq!(codes, want_codes, "{text}");
    let got: Vec<LineWant> = lines
        .iter()
        .map(|l| {
            let l = l.clone();
            (l.refund_ref, l.success, l.bank_ref, l.amount, l.reason)
        })
        .collect();
    let want: Vec<&LineWant> = want_lines.iter().map(|(_, l)| l).collect();
    assert_eq!(got.iter().collect::<Vec<_>>(), want, "{text}");
    for (e, (place, _)) in errors.iter().zip(&want_faults) {
        assert!(!e.problem.message.is_empty());
        assert!(
            place.is(e.line),
            "{} reported on line {}, but it is on {place:?}:\n{text}",
            e.problem.code,
            e.line
        );
    }
    for (l, (place, _)) in lines.iter().zip(&want_lines) {
        assert!(place.is(l.line), "line {} is on {place:?}:\n{text}", l.line);
    }
}
