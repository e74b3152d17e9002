//! Working days under the State Council's official holiday schedule.
//!
//! A working day is a Monday–Friday that is not an official day off, plus every
//! weekend day that the notice makes a working day (调休上班). "N working days
//! after D" is the N-th working day strictly after D.
//!
//! Each year's schedule is published around November of the year before, so a
//! year may not be loaded yet. Nothing here silently assumes "weekends only"
//! for such a year: every answer says whether it is complete, and which years
//! were missing.

use crate::domain::problem::Problem;
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// The schedules shipped with this release (2024, 2025, 2026).
const BUILTIN_TOML: &str = include_str!("../../assets/holidays.toml");

/// One year's official schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearSchedule {
    pub year: i32,
    /// Official days off (放假), weekend days included.
    pub days_off: BTreeSet<NaiveDate>,
    /// Saturdays and Sundays that are working days (调休上班).
    pub working_weekends: BTreeSet<NaiveDate>,
}

impl YearSchedule {
    fn is_workday(&self, d: NaiveDate) -> bool {
        self.working_weekends.contains(&d) || (!is_weekend(d) && !self.days_off.contains(&d))
    }
}

/// The loaded schedules, one per year. Only built from validated files.
#[derive(Debug, Clone, Default)]
pub struct HolidayCalendar {
    years: BTreeMap<i32, YearSchedule>,
}

/// The result of counting working days forward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkdayAnswer {
    pub date: NaiveDate,
    /// `false` when the count went through a year with no schedule loaded
    /// (those days were counted as plain Monday–Friday).
    pub complete: bool,
    /// Years counted through without a schedule, ascending.
    pub missing_years: Vec<i32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    year: Vec<RawYear>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i32,
    days_off: Vec<String>,
    working_weekends: Vec<String>,
}

fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

impl HolidayCalendar {
    /// The schedules shipped in `assets/holidays.toml`.
    ///
    /// The file is checked by the tests; should it ever fail to load, the
    /// calendar is empty and every answer is marked incomplete (never wrong
    /// silently, never a panic).
    pub fn builtin() -> HolidayCalendar {
        HolidayCalendar::from_toml_str(BUILTIN_TOML).unwrap_or_default()
    }

    /// Reads and validates a schedule file (the `assets/holidays.toml` format).
    pub fn from_toml_str(s: &str) -> Result<HolidayCalendar, Problem> {
        let raw: RawFile = toml::from_str(s).map_err(|e| file_problem(s, &e))?;
        if raw.year.is_empty() {
            return Err(Problem::new(
                "calendar.empty",
                "The holiday file has no [[year]] section, so there is nothing to load.",
            ));
        }
        let mut years = BTreeMap::new();
        for raw_year in raw.year {
            let schedule = validate_year(raw_year)?;
            if years.contains_key(&schedule.year) {
                return Err(Problem::new(
                    "calendar.duplicate_year",
                    format!(
                        "The holiday file has the year {} twice; keep one [[year]] section per year.",
                        schedule.year
                    ),
                ));
            }
            years.insert(schedule.year, schedule);
        }
        Ok(HolidayCalendar { years })
    }

    /// Adds the other calendar's years; a year in `other` replaces the same year here.
    pub fn merge(&mut self, other: HolidayCalendar) {
        self.years.extend(other.years);
    }

    pub fn years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    pub fn has_year(&self, y: i32) -> bool {
        self.years.contains_key(&y)
    }

    pub fn year(&self, y: i32) -> Option<&YearSchedule> {
        self.years.get(&y)
    }

    /// `None` when `d`'s year has no schedule loaded.
    pub fn is_workday(&self, d: NaiveDate) -> Option<bool> {
        self.years.get(&d.year()).map(|s| s.is_workday(d))
    }

    /// The answer, and whether it is known. For a year with no schedule the
    /// answer is plain Monday–Friday and `known` is `false`.
    pub fn is_workday_assuming_weekends(&self, d: NaiveDate) -> (bool, bool) {
        match self.is_workday(d) {
            Some(w) => (w, true),
            None => (!is_weekend(d), false),
        }
    }

    /// The `n`-th working day strictly after `from`; `n = 0` gives `from`
    /// itself, complete. In the (unreachable in practice) case that the count
    /// runs past the last date chrono can represent, that date is returned
    /// with `complete = false`.
    pub fn add_workdays(&self, from: NaiveDate, n: u32) -> WorkdayAnswer {
        let mut missing = BTreeSet::new();
        let mut d = from;
        let mut left = n;
        let mut ran_out = false;
        while left > 0 {
            match d.succ_opt() {
                Some(next) => d = next,
                None => {
                    ran_out = true;
                    break;
                }
            }
            let (work, known) = self.is_workday_assuming_weekends(d);
            if !known {
                missing.insert(d.year());
            }
            if work {
                left -= 1;
            }
        }
        WorkdayAnswer {
            date: d,
            complete: missing.is_empty() && !ran_out,
            missing_years: missing.into_iter().collect(),
        }
    }

    /// The number of working days in `(from, to]` (0 when `to <= from`), and
    /// whether every year in that span has a schedule loaded.
    pub fn workdays_between(&self, from: NaiveDate, to: NaiveDate) -> (u32, bool) {
        let mut count: u32 = 0;
        let mut complete = true;
        let mut d = from;
        while d < to {
            match d.succ_opt() {
                Some(next) => d = next,
                None => break,
            }
            let (work, known) = self.is_workday_assuming_weekends(d);
            complete &= known;
            if work {
                count = count.saturating_add(1);
            }
        }
        (count, complete)
    }

    /// One loaded year in the file format, so it can be stored and read back
    /// with [`HolidayCalendar::from_toml_str`]. Consecutive days become ranges.
    pub fn to_toml_string(&self, year: i32) -> Option<String> {
        let s = self.years.get(&year)?;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# Official holiday schedule for {year}, as loaded into posdesk."
        );
        let _ = writeln!(out, "[[year]]");
        let _ = writeln!(out, "year = {year}");
        write_list(&mut out, "days_off", &s.days_off);
        write_list(&mut out, "working_weekends", &s.working_weekends);
        Some(out)
    }
}

fn write_list(out: &mut String, key: &str, dates: &BTreeSet<NaiveDate>) {
    let mut entries: Vec<String> = Vec::new();
    let mut run: Option<(NaiveDate, NaiveDate)> = None;
    for &d in dates {
        run = match run {
            Some((start, end)) if end.succ_opt() == Some(d) => Some((start, d)),
            Some(done) => {
                entries.push(range_text(done));
                Some((d, d))
            }
            None => Some((d, d)),
        };
    }
    if let Some(done) = run {
        entries.push(range_text(done));
    }
    if entries.is_empty() {
        let _ = writeln!(out, "{key} = []");
        return;
    }
    let _ = writeln!(out, "{key} = [");
    for e in entries {
        let _ = writeln!(out, "    \"{e}\",");
    }
    let _ = writeln!(out, "]");
}

fn range_text((start, end): (NaiveDate, NaiveDate)) -> String {
    let fmt = |d: NaiveDate| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
    if start == end {
        fmt(start)
    } else {
        format!("{}..{}", fmt(start), fmt(end))
    }
}

fn file_problem(s: &str, e: &toml::de::Error) -> Problem {
    let place = super::toml_mistake::place_and_detail(s, e);
    Problem::new(
        "calendar.file",
        format!("The holiday file could not be read{place}."),
    )
}

/// A date written exactly as `YYYY-MM-DD`.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    let year = text.get(0..4)?.parse().ok()?;
    let month = text.get(5..7)?.parse().ok()?;
    let day = text.get(8..10)?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Every date of one entry (`"2026-01-01"` or `"2026-01-01..2026-01-03"`).
fn parse_entry(year: i32, key: &str, entry: &str) -> Result<Vec<NaiveDate>, Problem> {
    let (start_text, end_text) = match entry.split_once("..") {
        Some((a, b)) => (a.trim(), b.trim()),
        None => (entry.trim(), entry.trim()),
    };
    let (Some(start), Some(end)) = (parse_date(start_text), parse_date(end_text)) else {
        return Err(Problem::new(
            "calendar.date",
            format!(
                "In {key} for {year}, \"{entry}\" is not a real date or range; write YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD."
            ),
        ));
    };
    if start.year() != year || end.year() != year {
        return Err(Problem::new(
            "calendar.year_mismatch",
            format!(
                "In {key} for {year}, \"{entry}\" is not in {year}; list only {year}'s dates here and put other years' dates in their own [[year]] section."
            ),
        ));
    }
    if end < start {
        return Err(Problem::new(
            "calendar.range",
            format!("In {key} for {year}, the range \"{entry}\" ends before it starts."),
        ));
    }
    let mut dates = Vec::new();
    let mut d = start;
    loop {
        dates.push(d);
        if d >= end {
            break;
        }
        match d.succ_opt() {
            Some(next) => d = next,
            None => break,
        }
    }
    Ok(dates)
}

fn collect(year: i32, key: &str, entries: &[String]) -> Result<BTreeSet<NaiveDate>, Problem> {
    let mut set = BTreeSet::new();
    for entry in entries {
        for d in parse_entry(year, key, entry)? {
            if !set.insert(d) {
                return Err(Problem::new(
                    "calendar.duplicate",
                    format!(
                        "In {key} for {year}, {d} is listed more than once (check \"{entry}\")."
                    ),
                ));
            }
        }
    }
    Ok(set)
}

fn validate_year(raw: RawYear) -> Result<YearSchedule, Problem> {
    let year = raw.year;
    if raw.days_off.is_empty() {
        return Err(Problem::new(
            "calendar.no_days_off",
            format!("The schedule for {year} has no days off; copy them from the State Council notice before loading it."),
        ));
    }
    let days_off = collect(year, "days_off", &raw.days_off)?;
    let working_weekends = collect(year, "working_weekends", &raw.working_weekends)?;
    if let Some(d) = working_weekends.iter().find(|d| !is_weekend(**d)) {
        return Err(Problem::new(
            "calendar.not_weekend",
            format!(
                "In working_weekends for {year}, {d} is a {}, not a Saturday or Sunday; list only weekend days that become working days.",
                weekday_name(d.weekday())
            ),
        ));
    }
    if let Some(d) = days_off.intersection(&working_weekends).next() {
        return Err(Problem::new(
            "calendar.overlap",
            format!("For {year}, {d} is listed both as a day off and as a working weekend; it can only be one."),
        ));
    }
    Ok(YearSchedule {
        year,
        days_off,
        working_weekends,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(s: &str) -> NaiveDate {
        parse_date(s).unwrap_or_else(|| panic!("bad test date {s}"))
    }

    /// facts.md, "Working days and the official holiday schedule", copied by hand.
    const TABLE: [(i32, &str, &str); 3] = [
        (
            2024,
            "01-01; 02-10..02-17; 04-04..04-06; 05-01..05-05; 06-10; 09-15..09-17; 10-01..10-07",
            "02-04, 02-18, 04-07, 04-28, 05-11, 09-14, 09-29, 10-12",
        ),
        (
            2025,
            "01-01; 01-28..02-04; 04-04..04-06; 05-01..05-05; 05-31..06-02; 10-01..10-08",
            "01-26, 02-08, 04-27, 09-28, 10-11",
        ),
        (
            2026,
            "01-01..01-03; 02-15..02-23; 04-04..04-06; 05-01..05-05; 06-19..06-21; 09-25..09-27; 10-01..10-07",
            "01-04, 02-14, 02-28, 05-09, 09-20, 10-10",
        ),
    ];

    fn table_dates(year: i32, list: &str, sep: char) -> BTreeSet<NaiveDate> {
        let mut out = BTreeSet::new();
        for item in list.split(sep).map(str::trim) {
            let (a, b) = item.split_once("..").unwrap_or((item, item));
            let mut d = date(&format!("{year}-{a}"));
            let end = date(&format!("{year}-{b}"));
            while d <= end {
                out.insert(d);
                d = d.succ_opt().unwrap();
            }
        }
        out
    }

    fn cal() -> HolidayCalendar {
        HolidayCalendar::builtin()
    }

    fn err(toml: &str) -> Problem {
        match HolidayCalendar::from_toml_str(toml) {
            Ok(c) => panic!("accepted: {:?}", c.years()),
            Err(p) => p,
        }
    }

    #[test]
    fn builtin_matches_the_published_table_exactly() {
        let c = cal();
        assert_eq!(c.years(), vec![2024, 2025, 2026]);
        for (year, off, work) in TABLE {
            let s = c.year(year).unwrap();
            assert_eq!(s.year, year);
            assert_eq!(s.days_off, table_dates(year, off, ';'), "{year} days off");
            assert_eq!(
                s.working_weekends,
                table_dates(year, work, ','),
                "{year} working weekends"
            );
            for d in table_dates(year, off, ';') {
                assert_eq!(c.is_workday(d), Some(false), "{d} is a day off");
            }
            for d in table_dates(year, work, ',') {
                assert!(is_weekend(d), "{d} is a weekend day");
                assert_eq!(c.is_workday(d), Some(true), "{d} is a working weekend");
            }
        }
    }

    #[test]
    fn ordinary_days() {
        let c = cal();
        assert_eq!(c.is_workday(date("2025-09-26")), Some(true)); // Friday
        assert_eq!(c.is_workday(date("2025-09-27")), Some(false)); // Saturday
        assert_eq!(c.is_workday(date("2027-01-04")), None);
        assert_eq!(
            c.is_workday_assuming_weekends(date("2027-01-04")),
            (true, false)
        );
        assert_eq!(
            c.is_workday_assuming_weekends(date("2027-01-02")),
            (false, false)
        );
        assert_eq!(
            c.is_workday_assuming_weekends(date("2026-02-14")),
            (true, true)
        );
        assert!(c.has_year(2025) && !c.has_year(2027));
    }

    #[test]
    fn published_check_values() {
        let c = cal();
        for (from, n, expected) in [
            ("2025-09-26", 3, "2025-09-30"),
            ("2025-09-26", 7, "2025-10-13"),
            ("2025-01-24", 3, "2025-02-05"),
            ("2025-01-24", 7, "2025-02-10"),
            ("2026-02-13", 3, "2026-02-25"),
            ("2026-02-13", 7, "2026-03-02"),
        ] {
            let a = c.add_workdays(date(from), n);
            assert_eq!(
                a,
                WorkdayAnswer {
                    date: date(expected),
                    complete: true,
                    missing_years: vec![]
                },
                "{from} + {n}"
            );
            assert_eq!(c.workdays_between(date(from), date(expected)), (n, true));
        }
    }

    #[test]
    fn zero_days_is_the_same_day() {
        let c = cal();
        for d in ["2025-10-01", "2030-06-01"] {
            assert_eq!(
                c.add_workdays(date(d), 0),
                WorkdayAnswer {
                    date: date(d),
                    complete: true,
                    missing_years: vec![]
                }
            );
        }
        assert_eq!(
            c.workdays_between(date("2025-10-13"), date("2025-09-26")),
            (0, true)
        );
        assert_eq!(
            c.workdays_between(date("2025-10-13"), date("2025-10-13")),
            (0, true)
        );
    }

    #[test]
    fn crossing_into_an_unloaded_year_says_so() {
        let mut c = cal();
        let a = c.add_workdays(date("2026-12-24"), 7);
        assert!(!a.complete);
        assert_eq!(a.missing_years, vec![2027]);
        // Plain Mon–Fri assumption: 12-25, 28, 29, 30, 31, 2027-01-01, 01-04.
        assert_eq!(a.date, date("2027-01-04"));
        assert_eq!(c.workdays_between(date("2026-12-24"), a.date), (7, false));

        // 2027 is loaded by staff (a sample schedule for the test, not the real one).
        let y2027 = HolidayCalendar::from_toml_str(
            r#"
            [[year]]
            year = 2027
            days_off = ["2027-01-01..2027-01-03"]
            working_weekends = []
            "#,
        )
        .unwrap();
        c.merge(y2027);
        assert_eq!(c.years(), vec![2024, 2025, 2026, 2027]);
        let a = c.add_workdays(date("2026-12-24"), 7);
        assert_eq!(
            a,
            WorkdayAnswer {
                date: date("2027-01-05"),
                complete: true,
                missing_years: vec![]
            }
        );
        assert_eq!(c.workdays_between(date("2026-12-24"), a.date), (7, true));
    }

    #[test]
    fn several_missing_years_are_all_listed() {
        let c = cal();
        let a = c.add_workdays(date("2023-12-29"), 600);
        assert!(!a.complete);
        assert_eq!(a.missing_years, vec![2023]);
        let a = c.add_workdays(date("2026-12-31"), 600);
        assert_eq!(a.missing_years, vec![2027, 2028, 2029]);
        let a = HolidayCalendar::default().add_workdays(date("2025-01-01"), 1);
        assert_eq!(a.missing_years, vec![2025]);
        assert_eq!(a.date, date("2025-01-02"));
    }

    #[test]
    fn merge_replaces_a_year() {
        let mut c = cal();
        let replacement = HolidayCalendar::from_toml_str(
            "[[year]]\nyear = 2026\ndays_off = [\"2026-01-01\"]\nworking_weekends = []\n",
        )
        .unwrap();
        c.merge(replacement);
        assert_eq!(c.years(), vec![2024, 2025, 2026]);
        assert_eq!(c.year(2026).unwrap().days_off.len(), 1);
        assert!(c.year(2026).unwrap().working_weekends.is_empty());
        assert_eq!(c.is_workday(date("2026-02-16")), Some(true));
    }

    #[test]
    fn round_trip_through_toml() {
        let c = cal();
        for y in c.years() {
            let text = c.to_toml_string(y).unwrap();
            let back = HolidayCalendar::from_toml_str(&text).unwrap();
            assert_eq!(back.years(), vec![y]);
            assert_eq!(back.year(y), c.year(y), "{text}");
        }
        let text = c.to_toml_string(2026).unwrap();
        assert!(text.contains("\"2026-02-15..2026-02-23\""), "{text}");
        assert!(text.contains("\"2026-01-04\""), "{text}");
        assert_eq!(c.to_toml_string(2027), None);

        let no_weekends = HolidayCalendar::from_toml_str(
            "[[year]]\nyear = 2030\ndays_off = [\"2030-01-01\"]\nworking_weekends = []\n",
        )
        .unwrap();
        let text = no_weekends.to_toml_string(2030).unwrap();
        let back = HolidayCalendar::from_toml_str(&text).unwrap();
        assert_eq!(back.year(2030), no_weekends.year(2030));
    }

    fn one_year(days_off: &str, working: &str) -> String {
        format!("[[year]]\nyear = 2026\ndays_off = [{days_off}]\nworking_weekends = [{working}]\n")
    }

    #[test]
    fn validation_errors() {
        let p = err(&one_year("\"2026-02-30\"", ""));
        assert_eq!(p.code, "calendar.date");
        assert!(p.message.contains("2026-02-30"), "{}", p.message);

        for bad in [
            "\"2026-1-1\"",
            "\"26-01-01\"",
            "\"2026/01/01\"",
            "\"2026-01-01..\"",
            "\"2026-01-01...2026-01-02\"",
            "\"\"",
            "\"+2026-01-01\"",
        ] {
            assert_eq!(err(&one_year(bad, "")).code, "calendar.date", "{bad}");
        }

        let p = err(&one_year("\"2026-02-23..2026-02-15\"", ""));
        assert_eq!(p.code, "calendar.range");
        assert!(p.message.contains("2026-02-23..2026-02-15"));

        let p = err(&one_year("\"2025-12-31..2026-01-02\"", ""));
        assert_eq!(p.code, "calendar.year_mismatch");
        assert!(p.message.contains("2025-12-31..2026-01-02"));
        assert_eq!(
            err(&one_year("\"2026-01-01\"", "\"2027-01-02\"")).code,
            "calendar.year_mismatch"
        );

        let p = err(&one_year("\"2026-01-01\"", "\"2026-01-05\""));
        assert_eq!(p.code, "calendar.not_weekend");
        assert!(
            p.message.contains("2026-01-05") && p.message.contains("Monday"),
            "{}",
            p.message
        );

        let p = err(&one_year("\"2026-01-01..2026-01-04\"", "\"2026-01-04\""));
        assert_eq!(p.code, "calendar.overlap");
        assert!(p.message.contains("2026-01-04"));

        let p = err(&one_year("\"2026-01-01..2026-01-03\", \"2026-01-03\"", ""));
        assert_eq!(p.code, "calendar.duplicate");
        assert!(p.message.contains("2026-01-03"));

        let p = err(&one_year("", ""));
        assert_eq!(p.code, "calendar.no_days_off");

        let twice = format!(
            "{}{}",
            one_year("\"2026-01-01\"", ""),
            one_year("\"2026-01-02\"", "")
        );
        let p = err(&twice);
        assert_eq!(p.code, "calendar.duplicate_year");
        assert!(p.message.contains("2026"));

        let p = err("[[year]]\nyear = 2026\ndays_off = [\"2026-01-01\"]\nworking_weekends = []\nworkdays = []\n");
        assert_eq!(p.code, "calendar.file");
        assert!(
            p.message.contains("workdays") && p.message.contains("line 5"),
            "{}",
            p.message
        );

        let p = err("[[yaer]]\nyear = 2026\n");
        assert_eq!(p.code, "calendar.file");
        assert!(p.message.contains("yaer"), "{}", p.message);

        let p = err("[[year]]\nyear = 2026\ndays_off = [\"2026-01-01\"]\n");
        assert_eq!(p.code, "calendar.file");
        assert!(p.message.contains("working_weekends"), "{}", p.message);

        assert_eq!(err("[[year]]\nyear = \"2026\"\n").code, "calendar.file");
        assert_eq!(err("this is not toml").code, "calendar.file");
        assert_eq!(err("").code, "calendar.empty");
        assert_eq!(err("# only a comment\n").code, "calendar.empty");

        for p in [err(""), err("x = 1"), err(&one_year("\"2026-02-30\"", ""))] {
            assert!(!p.message.contains('\n'), "{}", p.message);
            assert!(p.message.ends_with('.'), "{}", p.message);
        }
    }

    fn loaded_date() -> impl Strategy<Value = NaiveDate> {
        // 2024-01-01 .. 2025-06-30, so that +300 working days stays inside 2026.
        (0i64..547).prop_map(|k| date("2024-01-01") + chrono::Duration::days(k))
    }

    proptest! {
        #[test]
        fn adding_is_associative(d in loaded_date(), a in 0u32..150, b in 0u32..150) {
            let c = cal();
            let whole = c.add_workdays(d, a + b);
            let first = c.add_workdays(d, a);
            let second = c.add_workdays(first.date, b);
            prop_assert!(whole.complete && first.complete && second.complete);
            prop_assert_eq!(whole.date, second.date);
        }

        #[test]
        fn result_is_a_later_workday(d in loaded_date(), n in 1u32..300) {
            let c = cal();
            let a = c.add_workdays(d, n);
            prop_assert!(a.complete);
            prop_assert!(a.date > d);
            prop_assert_eq!(c.is_workday(a.date), Some(true));
            prop_assert_eq!(c.workdays_between(d, a.date), (n, true));
            // The day before the answer is still short of n.
            prop_assert_eq!(c.workdays_between(d, a.date.pred_opt().unwrap()).0, n - 1);
        }

        #[test]
        fn missing_years_compose(days in 0i64..3000, a in 0u32..400, b in 0u32..400) {
            let c = cal();
            let d = date("2022-01-01") + chrono::Duration::days(days);
            let whole = c.add_workdays(d, a + b);
            let first = c.add_workdays(d, a);
            let second = c.add_workdays(first.date, b);
            prop_assert_eq!(whole.date, second.date);
            let mut union: BTreeSet<i32> = first.missing_years.iter().copied().collect();
            union.extend(second.missing_years.iter().copied());
            prop_assert_eq!(whole.missing_years, union.into_iter().collect::<Vec<_>>());
            prop_assert_eq!(c.workdays_between(d, whole.date), (a + b, whole.complete));
        }

        #[test]
        fn arbitrary_files_never_panic(s in any::<String>()) {
            let _ = HolidayCalendar::from_toml_str(&s);
        }

        #[test]
        fn arbitrary_entries_never_panic(s in "[0-9.\\-]{0,24}") {
            let _ = HolidayCalendar::from_toml_str(&one_year(&format!("{s:?}"), ""));
        }
    }

    #[test]
    fn extreme_dates_do_not_panic() {
        let c = cal();
        let a = c.add_workdays(NaiveDate::MAX, 1);
        assert_eq!(a.date, NaiveDate::MAX);
        assert!(!a.complete);
        let _ = c.workdays_between(NaiveDate::MAX - chrono::Duration::days(10), NaiveDate::MAX);
    }
}
