//! The CLI as a built binary: each test has its own store and an empty config
//! directory, and checks exit codes, stdout and stderr against the published
//! facts (shared/facts.md), not against the crate's own helpers.

use chrono::{Datelike, FixedOffset, Months, NaiveDate, Utc};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use tempfile::TempDir;

const ICBC: &str = "中国工商银行";

/// One private store and config directory.
struct Env {
    dir: TempDir,
    db: PathBuf,
    config: PathBuf,
}

/// What one run of the binary said.
#[derive(Debug)]
struct Run {
    args: String,
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn ok(self) -> Run {
        assert_eq!(self.code, 0, "expected success: {self:#?}");
        self
    }

    fn code(self, code: i32) -> Run {
        assert_eq!(self.code, code, "expected exit {code}: {self:#?}");
        self
    }

    /// A rule said no: exit 1 and `refused: …` on stderr containing every needle.
    fn refused(self, needles: &[&str]) -> Run {
        assert_eq!(self.code, 1, "expected a refusal: {self:#?}");
        assert!(
            self.stderr.starts_with("refused: "),
            "stderr should start with `refused:`: {self:#?}"
        );
        for n in needles {
            assert!(
                self.stderr.contains(n),
                "stderr should mention {n:?}: {self:#?}"
            );
        }
        self
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout of `{}` is not JSON ({e}): {self:#?}", self.args))
    }
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("config");
        std::fs::create_dir(&config).expect("config dir");
        let db = dir.path().join("store.db");
        Env { dir, db, config }
    }

    fn command(&self, envs: &[(&str, &str)], args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_posdesk"));
        for var in [
            "POSDESK_DB",
            "POSDESK_STAFF",
            "POSDESK_PIN",
            "POSDESK_NEW_PIN",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("POSDESK_CONFIG_DIR", &self.config)
            .arg("--db")
            .arg(&self.db)
            .args(args)
            .envs(envs.iter().copied())
            .stdin(Stdio::null());
        cmd
    }

    fn run_with(&self, envs: &[(&str, &str)], args: &[&str]) -> Run {
        let out = self
            .command(envs, args)
            .output()
            .expect("run the posdesk binary");
        Run {
            args: args.join(" "),
            code: out.status.code().expect("posdesk exited by a signal"),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_with(&[], args)
    }

    /// Act as a staff member: staff number in POSDESK_STAFF, PIN in POSDESK_PIN.
    fn as_staff(&self, staff: &(&str, &str), args: &[&str]) -> Run {
        self.run_with(
            &[("POSDESK_STAFF", staff.0), ("POSDESK_PIN", staff.1)],
            args,
        )
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn show(&self, reference: &str) -> Value {
        self.run(&["app", "show", reference, "--json"]).ok().json()
    }
}

const SUPERVISOR: (&str, &str) = ("S001", "4711");
const CLERK: (&str, &str) = ("C001", "2580");

/// init with a supervisor, add a clerk, take two devices of different models into stock.
fn set_up_counter(env: &Env) {
    env.run_with(
        &[("POSDESK_PIN", SUPERVISOR.1)],
        &[
            "init",
            "--point-code",
            "P001",
            "--point-name",
            "测试网点",
            "--point-address",
            "北京市朝阳区测试路1号",
            "--staff-no",
            SUPERVISOR.0,
            "--name",
            "张主管",
        ],
    )
    .ok();
    env.run_with(
        &[
            ("POSDESK_STAFF", SUPERVISOR.0),
            ("POSDESK_PIN", SUPERVISOR.1),
            ("POSDESK_NEW_PIN", CLERK.1),
        ],
        &[
            "staff",
            "add",
            "--no",
            CLERK.0,
            "--name",
            "李柜员",
            "--role",
            "clerk",
            "--point",
            "P001",
        ],
    )
    .ok();
    let models = env.run(&["device", "models"]).ok();
    for code in ["LD-A8", "NL-ME31"] {
        assert!(
            models.stdout.lines().any(|l| l.starts_with(code)),
            "{code} is a model: {models:#?}"
        );
    }
    env.as_staff(
        &SUPERVISOR,
        &["device", "add", "LDA81234567890", "--model", "LD-A8"],
    )
    .ok();
    env.as_staff(
        &SUPERVISOR,
        &["device", "add", "N3100000000ABCD", "--model", "NL-ME31"],
    )
    .ok();
}

// ---------------------------------------------------------------------------
// Independent implementations of the published rules, to make test data.

/// GB 11643-1999: ISO 7064 MOD 11-2 over the first 17 digits.
fn id_check_char(first17: &str) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let s: u32 = first17
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).expect("digit") * w)
        .sum();
    "10X98765432".chars().nth((s % 11) as usize).expect("index")
}

/// An 18-character ID number for an area, birth date and 3-digit sequence.
fn id_number(area: &str, birth: NaiveDate, seq: u32) -> String {
    let first17 = format!("{area}{}{seq:03}", birth.format("%Y%m%d"));
    format!("{first17}{}", id_check_char(&first17))
}

/// The Luhn check digit for `payload`.
fn luhn_digit(payload: &str) -> char {
    let sum: u32 = payload
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let d = c.to_digit(10).expect("digit");
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    char::from_digit((10 - sum % 10) % 10, 10).expect("digit")
}

/// Today at the counter (China Standard Time).
fn today() -> NaiveDate {
    Utc::now()
        .with_timezone(&FixedOffset::east_opt(8 * 3600).expect("UTC+8"))
        .date_naive()
}

fn years_ago(years: u32, extra_months: u32) -> NaiveDate {
    today()
        .checked_sub_months(Months::new(years * 12 + extra_months))
        .expect("a date")
}

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object()
        .expect("a JSON object")
        .keys()
        .map(String::as_str)
        .collect()
}

fn set<'a>(items: &[&'a str]) -> BTreeSet<&'a str> {
    items.iter().copied().collect()
}

fn check_json(env: &Env, kind: &str, value: &str, code: i32) -> Value {
    let v = env.run(&["check", kind, value, "--json"]).code(code).json();
    let mut expected = set(&["valid", "normalized", "errors", "warnings"]);
    match kind {
        "id" => expected.extend(["birth_date", "sex", "age", "adult"]),
        "card" => expected.extend(["bank", "luhn"]),
        _ => {}
    }
    assert_eq!(keys(&v), expected, "JSON shape of check {kind}: {v:#}");
    for list in ["errors", "warnings"] {
        for p in v[list].as_array().expect("a list") {
            assert_eq!(keys(p), set(&["code", "message"]), "{list} entry: {p:#}");
            assert!(p["code"].is_string() && p["message"].is_string());
        }
    }
    assert_eq!(v["valid"], Value::Bool(code == 0), "{v:#}");
    v
}

// ---------------------------------------------------------------------------
// posdesk check

#[test]
fn check_id_accepts_the_published_examples() {
    let env = Env::new();
    for (id, birth, sex) in [
        ("11010519491231002X", "1949-12-31", "female"),
        ("440524188001010014", "1880-01-01", "male"),
        ("34052419800101001X", "1980-01-01", "male"),
    ] {
        let v = check_json(&env, "id", id, 0);
        assert_eq!(v["normalized"], id);
        assert_eq!(v["birth_date"], birth, "{v:#}");
        assert_eq!(v["sex"], sex, "{v:#}");
        assert_eq!(v["adult"], true, "{v:#}");
        assert!(v["errors"].as_array().unwrap().is_empty(), "{v:#}");
    }
    // Born on 1949-12-31: 76 from that date in 2026, one more each year after.
    let v = check_json(&env, "id", "11010519491231002X", 0);
    let age = v["age"].as_u64().expect("age is a number");
    let this_year = u64::try_from(today().year()).unwrap();
    assert!(
        (this_year - 1950..=this_year - 1949).contains(&age) && age >= 76,
        "{v:#}"
    );
    // Text output says the same.
    let text = env.run(&["check", "id", "11010519491231002X"]).ok();
    assert!(text.stdout.contains("11010519491231002X"), "{text:#?}");
    assert!(text.stdout.contains("1949-12-31"), "{text:#?}");
}

#[test]
fn check_id_upper_cases_a_lower_case_x() {
    let env = Env::new();
    let v = check_json(&env, "id", "11010519491231002x", 0);
    assert_eq!(v["normalized"], "11010519491231002X");
    let v = check_json(&env, "id", "34052419800101001x", 0);
    assert_eq!(v["normalized"], "34052419800101001X");
}

#[test]
fn check_id_refuses_a_checksum_valid_number_with_month_13() {
    let env = Env::new();
    let v = check_json(&env, "id", "360426199113010079", 1);
    assert_eq!(v["normalized"], Value::Null);
    assert_eq!(v["birth_date"], Value::Null);
    assert_eq!(v["adult"], Value::Null);
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{v:#}");
    assert!(
        errors[0]["message"].as_str().unwrap().contains("date"),
        "the refusal is about the date: {v:#}"
    );
    // A checksum that does not match is refused too.
    check_json(&env, "id", "110105194912310021", 1);
}

#[test]
fn check_id_refuses_first_generation_numbers_since_2013() {
    let env = Env::new();
    let v = check_json(&env, "id", "610104620927690", 1);
    let message = v["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("2013-01-01"), "{v:#}");
    // Nor does the upgraded 18-character form of the number repeat it.
    assert!(!message.contains("610104620927690"), "{v:#}");
    let text = env.run(&["check", "id", "610104620927690"]).code(1);
    assert!(text.stdout.contains("2013-01-01"), "{text:#?}");
}

#[test]
fn check_id_reports_age_and_adulthood() {
    let env = Env::new();
    // Six months away from any birthday, so the age is the same all day long.
    let adult = id_number("440106", years_ago(40, 6), 124);
    let v = check_json(&env, "id", &adult, 0);
    assert_eq!(v["age"], 40, "{v:#}");
    assert_eq!(v["adult"], true, "{v:#}");
    assert_eq!(v["sex"], "female", "sequence 124: even is female; {v:#}");
    assert_eq!(
        v["birth_date"],
        years_ago(40, 6).format("%Y-%m-%d").to_string()
    );

    let child = id_number("310104", years_ago(10, 6), 457);
    let v = check_json(&env, "id", &child, 0);
    assert_eq!(v["age"], 10, "{v:#}");
    assert_eq!(v["adult"], false, "{v:#}");
    assert_eq!(v["sex"], "male", "{v:#}");

    let seventeen = id_number("110105", years_ago(17, 6), 458);
    let v = check_json(&env, "id", &seventeen, 0);
    assert_eq!(v["age"], 17, "{v:#}");
    assert_eq!(v["adult"], false, "{v:#}");

    // A birth date after today is refused.
    let unborn = id_number(
        "110105",
        today().checked_add_months(Months::new(6)).unwrap(),
        1,
    );
    check_json(&env, "id", &unborn, 1);
}

#[test]
fn check_phone_accepts_spaces_dashes_and_country_prefixes() {
    let env = Env::new();
    for typed in [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "0086 138-1234-5678",
        "008613812345678",
    ] {
        let v = check_json(&env, "phone", typed, 0);
        assert_eq!(v["normalized"], "13812345678", "{typed:?}: {v:#}");
    }
    for typed in [
        "12812345678",
        "1381234567",
        "138123456789",
        "+1 13812345678",
        "abc",
    ] {
        let v = check_json(&env, "phone", typed, 1);
        assert_eq!(v["normalized"], Value::Null, "{typed:?}: {v:#}");
        assert_eq!(v["errors"].as_array().unwrap().len(), 1, "{v:#}");
    }
}

#[test]
fn check_card_finds_the_bank_and_treats_luhn_as_a_warning() {
    let env = Env::new();
    // ICBC 622202, 19 digits, correct Luhn digit.
    let payload = "622202123456789012";
    let good = format!("{payload}{}", luhn_digit(payload));
    let v = check_json(&env, "card", &good, 0);
    assert_eq!(v["normalized"], good.as_str());
    assert_eq!(v["bank"], ICBC, "{v:#}");
    assert_eq!(v["luhn"], true, "{v:#}");
    assert!(v["warnings"].as_array().unwrap().is_empty(), "{v:#}");

    // Spaces are dropped.
    let grouped: String = good
        .chars()
        .enumerate()
        .flat_map(|(i, c)| (i > 0 && i % 4 == 0).then_some(' ').into_iter().chain([c]))
        .collect();
    let v = check_json(&env, "card", &grouped, 0);
    assert_eq!(v["normalized"], good.as_str());

    // The same number with another last digit fails Luhn: still valid, with a warning.
    let last = good.chars().last().unwrap().to_digit(10).unwrap();
    let bad = format!("{payload}{}", (last + 1) % 10);
    let v = check_json(&env, "card", &bad, 0);
    assert_eq!(v["luhn"], false, "{v:#}");
    assert_eq!(v["bank"], ICBC, "{v:#}");
    let codes: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"card.luhn"), "{v:#}");

    // A number no bank in the list has: bank null.
    let payload = "999999123456789";
    let unknown = format!("{payload}{}", luhn_digit(payload));
    let v = check_json(&env, "card", &unknown, 0);
    assert_eq!(v["bank"], Value::Null, "{v:#}");

    // Too short, too long, letters: invalid.
    for typed in [
        "62220212345678",
        "62220212345678901234",
        "6222021234567890abc",
    ] {
        check_json(&env, "card", typed, 1);
    }
}

#[test]
fn check_usage_errors_exit_2() {
    let env = Env::new();
    env.run(&["check", "passport", "X"]).code(2);
    env.run(&["check", "id"]).code(2);
    env.run(&["check"]).code(2);
    env.run(&["calendar", "add-workdays", "2025-13-01", "3"])
        .code(2);
    env.run(&["no-such-command"]).code(2);
}

// ---------------------------------------------------------------------------
// posdesk calendar

#[test]
fn calendar_is_workday_follows_the_official_schedule() {
    let env = Env::new();
    for (date, workday) in [
        ("2025-10-01", false), // National Day
        ("2025-10-08", false), // National Day 2025 runs to 10-08
        ("2025-09-28", true),  // Sunday, make-up working day
        ("2025-10-11", true),  // Saturday, make-up working day
        ("2025-09-27", false), // ordinary Saturday
        ("2025-09-26", true),  // ordinary Friday
        ("2026-02-14", true),  // Saturday, make-up working day
        ("2026-02-23", false), // Monday, Spring Festival
        ("2024-06-10", false), // Dragon Boat Festival
    ] {
        let r = env.run(&["calendar", "is-workday", date]);
        assert_eq!(r.code, if workday { 0 } else { 1 }, "{date}: {r:#?}");
        assert!(r.stderr.is_empty(), "{date} is in a loaded year: {r:#?}");
    }
}

fn add_workdays(env: &Env, date: &str, n: u32) -> (Run, Value) {
    let r = env
        .run(&["calendar", "add-workdays", date, &n.to_string(), "--json"])
        .ok();
    let v = r.json();
    assert_eq!(keys(&v), set(&["date", "complete"]), "{v:#}");
    (r, v)
}

#[test]
fn calendar_add_workdays_gives_the_published_check_values() {
    let env = Env::new();
    for (from, n, expected) in [
        ("2025-09-26", 3, "2025-09-30"),
        ("2025-09-26", 7, "2025-10-13"),
        ("2025-01-24", 3, "2025-02-05"),
        ("2025-01-24", 7, "2025-02-10"),
        ("2026-02-13", 3, "2026-02-25"),
        ("2026-02-13", 7, "2026-03-02"),
    ] {
        let (r, v) = add_workdays(&env, from, n);
        assert_eq!(v["date"], expected, "{from} + {n}: {v:#}");
        assert_eq!(v["complete"], true, "{from} + {n}: {v:#}");
        assert!(r.stderr.is_empty(), "{r:#?}");
    }
    let text = env
        .run(&["calendar", "add-workdays", "2025-09-26", "7"])
        .ok();
    assert_eq!(text.stdout.trim(), "2025-10-13");
}

/// A schedule for `year` in the format of assets/holidays.toml (test data, not
/// an official notice): 1–3 January off, and the first Saturday of February a
/// working day. Returns the file text and that Saturday.
fn test_schedule(year: i32) -> (String, NaiveDate) {
    let saturday = (1..=7)
        .map(|d| NaiveDate::from_ymd_opt(year, 2, d).unwrap())
        .find(|d| d.weekday() == chrono::Weekday::Sat)
        .unwrap();
    let text = format!(
        "# test schedule for {year}\n\
         [[year]]\n\
         year = {year}\n\
         days_off = [\n    \"{year}-01-01..{year}-01-03\", # 元旦\n]\n\
         working_weekends = [\n    \"{saturday}\",\n]\n"
    );
    (text, saturday)
}

/// The n-th Monday–Friday strictly after `from` that is not in `off`.
fn nth_weekday_after(from: NaiveDate, n: u32, off: &[NaiveDate]) -> NaiveDate {
    let mut d = from;
    let mut left = n;
    while left > 0 {
        d = d.succ_opt().unwrap();
        let weekend = matches!(d.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun);
        if !weekend && !off.contains(&d) {
            left -= 1;
        }
    }
    d
}

fn loaded_years(env: &Env) -> Vec<i32> {
    env.run(&["calendar", "years"])
        .ok()
        .stdout
        .lines()
        .map(|l| l.trim().parse().expect("a year per line"))
        .collect()
}

#[test]
fn calendar_says_when_a_year_is_not_loaded_and_load_fills_it() {
    let env = Env::new();
    let built_in = loaded_years(&env);
    for y in [2024, 2025, 2026] {
        assert!(built_in.contains(&y), "{built_in:?}");
    }
    // facts.md's case is 2026-12-28 + 7 crossing into 2027; once a release ships
    // 2027, the same holds for the year after the last one shipped.
    let last = *built_in.iter().max().unwrap();
    let next = last + 1;
    let from = NaiveDate::from_ymd_opt(last, 12, 28).unwrap();
    let from_text = from.to_string();

    let (r, v) = add_workdays(&env, &from_text, 7);
    assert_eq!(v["complete"], false, "{v:#}");
    assert_eq!(v["date"], nth_weekday_after(from, 7, &[]).to_string());
    if last == 2026 {
        assert_eq!(v["date"], "2027-01-06", "weekends only were assumed");
    }
    assert!(
        r.stderr.contains(&next.to_string()),
        "the warning names {next}: {r:#?}"
    );
    assert!(r.stderr.to_lowercase().contains("warning"), "{r:#?}");
    assert!(
        r.stderr.contains("calendar load"),
        "says how to fix it: {r:#?}"
    );

    let (schedule, saturday) = test_schedule(next);
    let file = env.path("next-year.toml");
    std::fs::write(&file, schedule).unwrap();
    let loaded = env.run(&["calendar", "load", file.to_str().unwrap()]).ok();
    assert!(loaded.stdout.contains(&next.to_string()), "{loaded:#?}");

    let mut expected = built_in.clone();
    expected.push(next);
    assert_eq!(loaded_years(&env), expected);

    // The same query is now complete, and skips 1–3 January.
    let new_year: Vec<NaiveDate> = (1..=3)
        .map(|d| NaiveDate::from_ymd_opt(next, 1, d).unwrap())
        .collect();
    let (r, v) = add_workdays(&env, &from_text, 7);
    assert_eq!(v["complete"], true, "{v:#}");
    assert_eq!(
        v["date"],
        nth_weekday_after(from, 7, &new_year).to_string(),
        "{v:#}"
    );
    if last == 2026 {
        // 12-29, 12-30, 12-31, then 2027-01-01..03 off: 01-04, 05, 06, 07.
        assert_eq!(v["date"], "2027-01-07", "{v:#}");
    }
    assert!(r.stderr.is_empty(), "{r:#?}");
    env.run(&["calendar", "is-workday", &new_year[0].to_string()])
        .code(1);
    env.run(&["calendar", "is-workday", &saturday.to_string()])
        .code(0);
}

#[test]
fn calendar_refuses_a_bad_file_and_changes_nothing() {
    let env = Env::new();
    let before = env.run(&["calendar", "years"]).ok().stdout;
    let bad_files = [
        ("syntax.toml", "this is not toml [[[\n", "line 1"),
        (
            "other_year.toml",
            "[[year]]\nyear = 2027\ndays_off = [\"2026-01-01\"]\nworking_weekends = []\n",
            "2026-01-01",
        ),
        (
            "weekday.toml",
            // 2027-01-05 is a Tuesday: not a weekend day.
            "[[year]]\nyear = 2027\ndays_off = [\"2027-01-01\"]\nworking_weekends = [\"2027-01-05\"]\n",
            "2027-01-05",
        ),
        ("empty.toml", "", "[[year]]"),
        (
            "two_years.toml",
            // The first year is fine, the second is not: nothing is loaded.
            "[[year]]\nyear = 2027\ndays_off = [\"2027-01-01\"]\nworking_weekends = []\n\
             [[year]]\nyear = 2028\ndays_off = [\"2028-02-30\"]\nworking_weekends = []\n",
            "",
        ),
    ];
    for (name, text, needle) in bad_files {
        let file = env.path(name);
        std::fs::write(&file, text).unwrap();
        let r = env
            .run(&["calendar", "load", file.to_str().unwrap()])
            .refused(&[needle]);
        assert!(r.stdout.is_empty(), "{r:#?}");
        assert_eq!(
            env.run(&["calendar", "years"]).ok().stdout,
            before,
            "{name} changed the loaded years"
        );
    }
    let r = env.run(&[
        "calendar",
        "load",
        env.path("missing.toml").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "{r:#?}");
    assert!(r.stderr.contains("missing.toml"), "{r:#?}");
    assert_eq!(env.run(&["calendar", "years"]).ok().stdout, before);
    let status = env.run(&["status", "--json"]).ok().json();
    let years: Vec<String> = status["holiday_years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| format!("{y}\n"))
        .collect();
    assert_eq!(years.concat(), before, "nothing was stored: {status:#}");
}

// ---------------------------------------------------------------------------
// posdesk with no subcommand, status, demo

#[test]
fn bare_posdesk_on_a_fresh_store_explains_how_to_start() {
    let env = Env::new();
    let db = env.path("fresh").join("posdesk.db");
    assert!(!db.exists());
    let out = Command::new(env!("CARGO_BIN_EXE_posdesk"))
        .env_remove("POSDESK_STAFF")
        .env_remove("POSDESK_PIN")
        .env("POSDESK_CONFIG_DIR", &env.config)
        .env("POSDESK_DB", &db)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains(db.to_str().unwrap()), "{stdout}");
    assert!(stdout.contains("posdesk demo"), "{stdout}");
    assert!(stdout.contains("init"), "{stdout}");
    assert!(db.is_file(), "the store file is created");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the store is readable by its owner only");
    }
}

/// The `state  n` lines that `posdesk demo` prints before the logins.
fn demo_states(stdout: &str) -> BTreeMap<String, i64> {
    stdout
        .lines()
        // The application states come first; deposits follow under their own heading.
        .take_while(|l| !l.starts_with("Deposits") && !l.starts_with("Demo logins"))
        .filter(|l| l.starts_with("  "))
        .map(|l| {
            let mut parts = l.split_whitespace();
            let state = parts.next().unwrap().to_string();
            let n = parts.next().unwrap().parse().unwrap();
            (state, n)
        })
        .collect()
}

fn pairs(v: &Value) -> BTreeMap<String, i64> {
    v.as_array()
        .expect("a list of pairs")
        .iter()
        .map(|p| (p[0].as_str().unwrap().to_string(), p[1].as_i64().unwrap()))
        .collect()
}

#[test]
fn demo_then_status_counts_every_state_reached() {
    let env = Env::new();
    let demo = env.run(&["demo", "--merchants", "30", "--seed", "7"]).ok();
    let reached = demo_states(&demo.stdout);
    assert_eq!(reached.values().sum::<i64>(), 30, "{demo:#?}");
    assert!(
        reached.len() >= 5,
        "the demo spreads over the lifecycle: {reached:?}"
    );
    assert!(demo.stdout.contains("S001"), "{demo:#?}");

    let status = env.run(&["status", "--json"]).ok().json();
    let counts = &status["counts"];
    let apps = pairs(&counts["applications_by_state"]);
    assert_eq!(apps, reached, "{status:#}");
    assert_eq!(counts["pickup_points"], 3);
    assert_eq!(counts["staff"], 4);

    // What the application states imply about devices and deposits.
    let n = |s: &str| apps.get(s).copied().unwrap_or(0);
    let devices = pairs(&counts["devices_by_state"]);
    assert_eq!(
        devices.get("bound").copied().unwrap_or(0),
        n("ready_for_pickup") + n("picked_up"),
        "{status:#}"
    );
    assert_eq!(
        devices.get("activated").copied().unwrap_or(0),
        n("activated"),
        "{status:#}"
    );
    let held: i64 = counts["deposits_by_state"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d[1].as_i64().unwrap())
        .sum();
    assert_eq!(held, n("picked_up") + n("activated"), "{status:#}");

    // The text status lists the same states.
    let text = env.run(&["status"]).ok();
    for state in reached.keys() {
        assert!(text.stdout.contains(state.as_str()), "{text:#?}");
    }
}

/// Drop every key ending in `_at` (timestamps), recursively.
fn without_timestamps(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|k, _| !k.ends_with("_at"));
            map.values_mut().for_each(without_timestamps);
        }
        Value::Array(items) => items.iter_mut().for_each(without_timestamps),
        _ => {}
    }
}

#[test]
fn demo_with_the_same_seed_gives_the_same_store() {
    let (a, b) = (Env::new(), Env::new());
    for env in [&a, &b] {
        env.run(&["demo", "--merchants", "30", "--seed", "7"]).ok();
    }
    for i in 1..=30 {
        let reference = format!("AP{i:08}");
        let (mut x, mut y) = (a.show(&reference), b.show(&reference));
        without_timestamps(&mut x);
        without_timestamps(&mut y);
        assert_eq!(x, y, "{reference} differs between two demos with seed 7");
    }
    let mut shown = a.show("AP00000005");
    without_timestamps(&mut shown);
    assert!(
        shown.get("state").is_some() && shown.get("created_at").is_none(),
        "{shown:#}"
    );
}

// ---------------------------------------------------------------------------
// A merchant from application to activated terminal, CLI only.

struct Applicant {
    name: &'static str,
    id: String,
    phone: &'static str,
    phone_typed: &'static str,
    card: String,
}

fn applicant() -> Applicant {
    let payload = "622202987654321098";
    Applicant {
        name: "王小明",
        // Born 35 years and 3 months ago: an adult whatever the day.
        id: id_number("110105", years_ago(35, 3), 237),
        phone: "13900001111",
        phone_typed: "+86 139-0000-1111",
        card: format!("{payload}{}", luhn_digit(payload)),
    }
}

fn valid_until() -> String {
    (today() + chrono::Duration::days(5 * 365))
        .format("%Y-%m-%d")
        .to_string()
}

/// A complete draft for `a`; returns its reference.
fn new_complete_draft(env: &Env, a: &Applicant) -> String {
    let until = valid_until();
    let r = env
        .as_staff(
            &CLERK,
            &[
                "app",
                "new",
                "--name",
                a.name,
                "--id",
                &a.id,
                "--id-valid-until",
                &until,
                "--phone",
                a.phone_typed,
                "--business",
                "王小明便利店",
                "--address",
                "北京市朝阳区建设路8号",
                "--card",
                &a.card,
                "--holder",
                a.name,
                "--card-kind",
                "debit",
                "--branch",
                "朝阳支行",
                "--model",
                "LD-A8",
                "--agree-terms",
            ],
        )
        .ok();
    let reference = r
        .stdout
        .split_whitespace()
        .next()
        .expect("the reference is printed first")
        .to_string();
    assert!(reference.starts_with("AP"), "{r:#?}");
    assert!(!r.stdout.contains("error"), "a complete form: {r:#?}");
    reference
}

fn state(env: &Env, reference: &str) -> String {
    env.show(reference)["state"].as_str().unwrap().to_string()
}

/// 139****1111.
fn masked_phone(phone: &str) -> String {
    format!("{}****{}", &phone[..3], &phone[7..])
}

/// The one-time code in the newest phone_code message to `phone` in the outbox.
fn code_from_outbox(env: &Env, phone: &str) -> String {
    let out = env.run(&["outbox"]).ok();
    let message = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("JSON lines"))
        // The outbox shows phones masked (only --drain hands the number over).
        .rfind(|m| m["template"] == "phone_code" && m["phone"] == masked_phone(phone))
        .unwrap_or_else(|| panic!("no code message for {phone}: {out:#?}"));
    let body = message["body"].as_str().unwrap();
    let runs: Vec<String> = body
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| s.len() == 6)
        .map(str::to_string)
        .collect();
    assert_eq!(runs.len(), 1, "one 6-digit code in {body:?}");
    runs.into_iter().next().unwrap()
}

#[test]
fn a_merchant_goes_from_application_to_activated_terminal() {
    let env = Env::new();
    set_up_counter(&env);
    let a = applicant();

    // An incomplete draft cannot be submitted, and the refusal names what is missing.
    let r = env
        .as_staff(
            &CLERK,
            &["app", "new", "--name", "赵六", "--phone", "13700002222"],
        )
        .ok();
    let incomplete = r.stdout.split_whitespace().next().unwrap().to_string();
    env.as_staff(&CLERK, &["app", "submit", &incomplete])
        .refused(&[
            "ID number",
            "Business name",
            "Business address",
            "Card number",
            "Account holder",
            "Device model",
            "Terms",
        ]);
    assert_eq!(state(&env, &incomplete), "draft");

    let ap = new_complete_draft(&env, &a);
    assert_eq!(state(&env, &ap), "draft");
    env.as_staff(&CLERK, &["app", "submit", &ap]).ok();
    assert_eq!(state(&env, &ap), "submitted");

    // A clerk cannot approve.
    env.as_staff(&CLERK, &["app", "approve", &ap])
        .refused(&["supervisor"]);
    assert_eq!(state(&env, &ap), "submitted");
    env.as_staff(&SUPERVISOR, &["app", "approve", &ap]).ok();
    assert_eq!(state(&env, &ap), "approved");

    // The one-time code goes to the applicant's phone through the outbox.
    env.as_staff(&CLERK, &["app", "send-code", &ap]).ok();
    let code = code_from_outbox(&env, a.phone);
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    env.as_staff(&CLERK, &["app", "confirm-code", &ap, &wrong])
        .refused(&["not the code"]);
    env.as_staff(&CLERK, &["app", "confirm-code", &ap, &code])
        .ok();

    // The checklist; a photo reference is needed for the ID photos.
    env.as_staff(&CLERK, &["app", "check", &ap, "id_photos"])
        .refused(&["photo"]);
    for item in [
        "id_document",
        "face_check",
        "capacity",
        "card_own_name",
        "terms",
    ] {
        env.as_staff(&CLERK, &["app", "check", &ap, item]).ok();
    }
    env.as_staff(
        &CLERK,
        &["app", "check", &ap, "id_photos", "--note", "IMG-0001-F/B"],
    )
    .ok();
    env.as_staff(&CLERK, &["app", "verify", &ap]).ok();
    assert_eq!(state(&env, &ap), "verified");

    // The applicant signs with their own name only.
    env.as_staff(&CLERK, &["app", "sign", &ap, "--name", "李四"])
        .refused(&["signature"]);
    assert_eq!(state(&env, &ap), "verified");
    env.as_staff(&CLERK, &["app", "sign", &ap, "--name", a.name])
        .ok();
    assert_eq!(state(&env, &ap), "contracted");

    // A device of another model cannot be bound.
    env.as_staff(&CLERK, &["app", "bind", &ap, "N3100000000ABCD"])
        .refused(&["NL-ME31", "LD-A8"]);
    assert_eq!(state(&env, &ap), "contracted");
    env.as_staff(&CLERK, &["app", "bind", &ap, "LDA81234567890"])
        .ok();
    assert_eq!(state(&env, &ap), "ready_for_pickup");

    // Only the applicant's own ID card gets the device.
    env.as_staff(
        &CLERK,
        &[
            "app",
            "hand-over",
            &ap,
            "--id",
            "11010519491231002X",
            "--method",
            "cash",
        ],
    )
    .refused(&["not the applicant"]);
    assert_eq!(state(&env, &ap), "ready_for_pickup");
    env.as_staff(
        &CLERK,
        &["app", "hand-over", &ap, "--id", &a.id, "--method", "cash"],
    )
    .ok();
    assert_eq!(state(&env, &ap), "picked_up");
    env.as_staff(&CLERK, &["app", "activate", &ap, "--code", "ACT0001"])
        .ok();

    let shown = env.show(&ap);
    assert_eq!(shown["state"], "activated", "{shown:#}");
    assert_eq!(shown["device_serial"], "LDA81234567890", "{shown:#}");
    // LD-A8's deposit is ¥299.00 (assets/policy.toml), kept in fen.
    assert_eq!(shown["deposit"]["amount"], 29900, "{shown:#}");
    assert_eq!(shown["deposit"]["state"], "held", "{shown:#}");
    assert_eq!(shown["contract"]["signed_name"], a.name, "{shown:#}");
    let checklist = shown["checklist"].as_array().unwrap();
    assert_eq!(checklist.len(), 7, "{shown:#}");
    assert!(
        checklist.iter().all(|c| c["outcome"] == "passed"),
        "{shown:#}"
    );

    // The timeline has every step, in order.
    let timeline = env.run(&["app", "timeline", &ap]).ok().stdout;
    let steps = [
        "create draft",
        "submit",
        "approve",
        "send phone code",
        "check phone_code",
        "verify",
        "sign contract",
        "bind device",
        "hand over",
        "activate",
    ];
    let mut from = 0;
    for step in steps {
        let at = timeline[from..]
            .find(step)
            .unwrap_or_else(|| panic!("{step:?} missing (or out of order) in:\n{timeline}"));
        from += at + step.len();
    }
    for item in [
        "check id_document",
        "check id_photos",
        "check face_check",
        "check capacity",
        "check card_own_name",
        "check terms",
    ] {
        assert!(timeline.contains(item), "{item:?} missing in:\n{timeline}");
    }
    assert!(
        timeline.contains("S001"),
        "the supervisor's approval: {timeline}"
    );
    assert!(!timeline.contains(&a.id), "{timeline}");

    // The merchant was told the device is ready.
    let outbox = env.run(&["outbox"]).ok().stdout;
    assert!(
        outbox
            .lines()
            .any(|l| l.contains("ready_for_pickup") && l.contains(&ap)),
        "{outbox}"
    );
}

#[test]
fn app_show_masks_id_card_and_phone_numbers() {
    let env = Env::new();
    set_up_counter(&env);
    let a = applicant();
    let ap = new_complete_draft(&env, &a);
    let masked_id = format!("{}********{}", &a.id[..6], &a.id[14..]);
    let masked_card = format!("{}{}{}", &a.card[..6], "*".repeat(9), &a.card[15..]);
    let masked_phone = format!("{}****{}", &a.phone[..3], &a.phone[7..]);

    for stage in ["draft", "submitted"] {
        if stage == "submitted" {
            env.as_staff(&CLERK, &["app", "submit", &ap]).ok();
        }
        let text = env.run(&["app", "show", &ap]).ok().stdout;
        let json = env.run(&["app", "show", &ap, "--json"]).ok().stdout;
        for out in [&text, &json] {
            assert!(!out.contains(&a.id), "full ID number printed:\n{out}");
            assert!(!out.contains(&a.card), "full card number printed:\n{out}");
            assert!(!out.contains(a.phone), "full phone number printed:\n{out}");
            assert!(out.contains(&masked_id), "{masked_id} expected:\n{out}");
            assert!(out.contains(&masked_card), "{masked_card} expected:\n{out}");
            assert!(
                out.contains(&masked_phone),
                "{masked_phone} expected:\n{out}"
            );
        }
        let v: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["form"]["id_number"], masked_id.as_str());
        assert_eq!(v["form"]["card_number"], masked_card.as_str());
        assert_eq!(v["form"]["phone"], masked_phone.as_str());
        assert_eq!(v["form"]["card_bank"], ICBC, "bank filled in from the BIN");
    }
    let queue = env.as_staff(&CLERK, &["app", "queue"]).ok().stdout;
    assert!(!queue.contains(a.phone), "{queue}");
}

// ---------------------------------------------------------------------------
// Login

#[test]
fn wrong_pins_are_refused_and_the_fifth_locks_the_account() {
    let env = Env::new();
    set_up_counter(&env);
    let wrong = (CLERK.0, "0000");
    let queue = ["app", "queue"];

    // An unknown staff number reads the same as a wrong PIN.
    env.as_staff(&("C999", CLERK.1), &queue)
        .refused(&["Wrong staff number or PIN"]);
    // No PIN at all is an error, not a login.
    let r = env.run_with(&[("POSDESK_STAFF", CLERK.0)], &queue);
    assert_eq!(r.code, 1, "{r:#?}");

    // Four wrong PINs, then the right one: the count starts again.
    for _ in 0..4 {
        env.as_staff(&wrong, &queue)
            .refused(&["Wrong staff number or PIN"]);
    }
    env.as_staff(&CLERK, &queue).ok();

    // Five wrong PINs in a row: the fifth locks the account.
    for _ in 0..4 {
        env.as_staff(&wrong, &queue)
            .refused(&["Wrong staff number or PIN"]);
    }
    env.as_staff(&wrong, &queue).refused(&["locked"]);
    env.as_staff(&CLERK, &queue).refused(&["locked"]);
    let list = env.run(&["staff", "list"]).ok().stdout;
    assert!(
        list.lines()
            .any(|l| l.starts_with(CLERK.0) && l.contains("locked")),
        "{list}"
    );

    // Only a supervisor unlocks it.
    env.as_staff(&SUPERVISOR, &["staff", "unlock", CLERK.0])
        .ok();
    env.as_staff(&CLERK, &queue).ok();
    env.as_staff(&CLERK, &["staff", "unlock", SUPERVISOR.0])
        .refused(&["supervisor"]);
}

/// A reader that stops early (`posdesk … | head`, a gateway that dies): a
/// listing ends quietly, and the drain marks nothing sent that it could not
/// hand over.
#[test]
fn a_closed_pipe_loses_no_message_and_panics_nothing() {
    let env = Env::new();
    env.run(&["demo", "--merchants", "40"]).ok();
    let pending = |env: &Env| {
        env.run(&["outbox", "--limit", "100000"])
            .ok()
            .stdout
            .lines()
            .count()
    };
    let before = pending(&env);
    assert!(before > 0, "the demo leaves messages to send");
    for args in [
        &["outbox", "--drain", "--limit", "100000"][..],
        &["refunds", "list", "--limit", "1000"][..],
    ] {
        let mut child = env
            .command(&[], args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run the posdesk binary");
        drop(child.stdout.take()); // gone before the first line
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    assert_eq!(pending(&env), before, "nothing was marked sent");
    let drained = env.run(&["outbox", "--drain", "--limit", "100000"]).ok();
    assert_eq!(
        drained.stdout.lines().count(),
        before,
        "all handed over at once"
    );
    assert_eq!(pending(&env), 0);
}

#[test]
fn keys_lists_every_command_with_its_key_and_takes_the_config_overrides() {
    let env = Env::new();
    let listed = env.run(&["keys"]).ok();
    let line = |run: &Run, id: &str| {
        run.stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("{id} listed: {}", run.stdout))
            .to_string()
    };
    assert!(line(&listed, "home.new").contains(" n "), "{listed:#?}");
    assert!(line(&listed, "appform.save").contains("Ctrl-S"));
    assert!(line(&listed, "kiosk.help").contains("F1 / ?"));
    std::fs::write(
        env.config.join("config.toml"),
        "language = \"zh\"\n[keys]\n\"home.new\" = \"ctrl-n\"\n",
    )
    .unwrap();
    let changed = env.run(&["keys"]).ok();
    assert!(
        line(&changed, "home.new").contains("Ctrl-N"),
        "{changed:#?}"
    );
    assert!(
        line(&changed, "appform.save").contains("保存"),
        "{changed:#?}"
    );
    // A misspelt command is refused by name, with the screen's real ones.
    std::fs::write(
        env.config.join("config.toml"),
        "[keys]\n\"home.neww\" = \"ctrl-n\"\n",
    )
    .unwrap();
    let bad = env.run(&["keys"]).code(1);
    assert!(
        bad.stderr.contains("keys.home.neww: there is no command")
            && bad.stderr.contains("home.new,"),
        "{bad:#?}"
    );
}
