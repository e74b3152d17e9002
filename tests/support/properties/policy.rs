//! Device models and rules: the policy_fields target.

use super::*;

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
            // Few sizes on purpose: each new count is new coverage inside
            // the regex crates, not in posdesk. These still give none, one,
            // some, many and open-ended repetitions.
            let n = d.pick(&[0, 1, 2, 4, 12usize])?;
            let (bounds, times) = match d.int(0..=2u8)? {
                0 => (format!("{{{n}}}"), n),
                1 => {
                    let m = n + d.pick(&[0, 1, 3usize])?;
                    (format!("{{{n},{m}}}"), d.int(n..=m)?)
                }
                _ => (format!("{{{n},}}"), n + d.int(0..=3usize)?),
            };
            (format!("{inner}{bounds}"), once.map(|s| s.repeat(times)))
        }
        6 if depth == 0 => {
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
    for _ in 0..d.int(1..=4u8)? {
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
