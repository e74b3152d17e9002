//! A holiday schedule: the holiday_fields target.

use super::*;

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
