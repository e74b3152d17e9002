//! config.toml and bins.toml: the config_fields target.

use super::*;

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
