// Each test binary that includes this module uses only some of its checks.
#![allow(dead_code)]

//! The properties the fuzz targets (fuzz/fuzz_targets/*.rs) check, one
//! function per target, shared with `cargo test` (tests/fuzz_properties.rs),
//! which runs them as proptests and replays every saved input. Each takes
//! arbitrary bytes and panics only when a property fails: never a panic for
//! any input, and for what is accepted, the round trips the desk relies on.

use chrono::NaiveDate;
use posdesk::config::Config;
use posdesk::domain::bank_card::{luhn_check_digit, luhn_valid, BankCard, BinTable};
use posdesk::domain::bank_files::{read_settlement, read_volumes, scan_settlement, scan_volumes};
use posdesk::domain::calendar::HolidayCalendar;
use posdesk::domain::money::Fen;
use posdesk::domain::person_name::PersonName;
use posdesk::domain::phone::Phone;
use posdesk::domain::policy::Policy;
use posdesk::domain::resident_id::{
    capacity_on, check_character, upgrade_first_generation, ResidentId,
};
use std::sync::OnceLock;

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
