//! Device models and the rules the counter follows, from `assets/policy.toml`,
//! optionally overlaid by `policy.toml` in the user's config directory.

use super::money::Fen;
use super::problem::Problem;
use super::toml_mistake::{amount_text, some_amount_text};
use regex::Regex;
use serde::Deserialize;

const BUILTIN: &str = include_str!("../../assets/policy.toml");

#[derive(Debug, Clone)]
pub struct Policy {
    pub rules: Rules,
    pub models: Vec<DeviceModel>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// Earliest and latest working day after confirmation that a refund lands.
    pub refund_window_earliest: u32,
    pub refund_window_latest: u32,
    pub max_active_terminals_per_id: u32,
    pub adult_age: u32,
    /// 16–17 year olds may be admitted by a supervisor (Civil Code art. 18).
    pub supervised_min_age: u32,
    pub first_terminal_device_fee_waived: bool,
    pub terms_version: String,
    pub contract_version: String,
}

#[derive(Debug, Clone)]
pub struct DeviceModel {
    pub code: String,
    pub name: String,
    pub serial_pattern: Regex,
    pub deposit: Fen,
    pub device_fee: Fen,
    pub monthly_fee: Fen,
    /// "达标": at least this much card volume within `volume_days` of activation.
    pub volume_target: Option<VolumeTarget>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VolumeTarget {
    pub amount: Fen,
    pub days: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    rules: Option<RulesFile>,
    #[serde(default)]
    model: Vec<ModelFile>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    refund_window_earliest: Option<u32>,
    refund_window_latest: Option<u32>,
    max_active_terminals_per_id: Option<u32>,
    adult_age: Option<u32>,
    supervised_min_age: Option<u32>,
    first_terminal_device_fee_waived: Option<bool>,
    terms_version: Option<String>,
    contract_version: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    code: String,
    name: String,
    serial_pattern: String,
    #[serde(deserialize_with = "amount_text")]
    deposit: String,
    #[serde(deserialize_with = "amount_text")]
    device_fee: String,
    #[serde(deserialize_with = "amount_text")]
    monthly_fee: String,
    #[serde(default, deserialize_with = "some_amount_text")]
    volume_target: Option<String>,
    volume_days: Option<u32>,
}

impl Policy {
    pub fn builtin() -> Policy {
        Policy::from_toml_str(BUILTIN).expect("assets/policy.toml is checked by tests")
    }

    pub fn from_toml_str(text: &str) -> Result<Policy, Problem> {
        let mut policy = Policy {
            rules: Rules {
                refund_window_earliest: 0,
                refund_window_latest: 0,
                max_active_terminals_per_id: 0,
                adult_age: 0,
                supervised_min_age: 0,
                first_terminal_device_fee_waived: false,
                terms_version: String::new(),
                contract_version: String::new(),
            },
            models: Vec::new(),
        };
        policy.overlay_in_place(text)?;
        if policy.rules.adult_age == 0 || policy.rules.terms_version.is_empty() {
            return Err(Problem::new(
                "policy.incomplete",
                "The policy file must set every rule (refund window, terminal limit, ages, versions).",
            ));
        }
        Ok(policy)
    }

    /// Apply an override file: rules it names replace ours, models replace by code.
    /// A file with any fault changes nothing.
    pub fn overlay(&mut self, text: &str) -> Result<(), Problem> {
        let mut next = self.clone();
        next.overlay_in_place(text)?;
        *self = next;
        Ok(())
    }

    fn overlay_in_place(&mut self, text: &str) -> Result<(), Problem> {
        let file: PolicyFile = toml::from_str(text).map_err(|e| {
            let place = super::toml_mistake::place_and_detail(text, &e);
            Problem::new(
                "policy.file",
                format!("The policy file cannot be read{place}."),
            )
        })?;
        let r = file.rules.unwrap_or_default();
        let rules = &mut self.rules;
        set(&mut rules.refund_window_earliest, r.refund_window_earliest);
        set(&mut rules.refund_window_latest, r.refund_window_latest);
        set(
            &mut rules.max_active_terminals_per_id,
            r.max_active_terminals_per_id,
        );
        set(&mut rules.adult_age, r.adult_age);
        set(&mut rules.supervised_min_age, r.supervised_min_age);
        set(
            &mut rules.first_terminal_device_fee_waived,
            r.first_terminal_device_fee_waived,
        );
        set(&mut rules.terms_version, r.terms_version);
        set(&mut rules.contract_version, r.contract_version);
        if rules.refund_window_earliest > rules.refund_window_latest {
            return Err(Problem::new(
                "policy.refund_window",
                "The refund window's earliest working day comes after its latest.",
            ));
        }
        if rules.supervised_min_age > rules.adult_age {
            return Err(Problem::new(
                "policy.ages",
                "supervised_min_age cannot be above adult_age.",
            ));
        }
        for m in file.model {
            let model = m.into_model()?;
            match self.models.iter_mut().find(|x| x.code == model.code) {
                Some(slot) => *slot = model,
                None => self.models.push(model),
            }
        }
        Ok(())
    }

    pub fn model(&self, code: &str) -> Option<&DeviceModel> {
        self.models.iter().find(|m| m.code == code)
    }

    pub fn require_model(&self, code: &str) -> Result<&DeviceModel, Problem> {
        self.model(code).ok_or_else(|| {
            let known: Vec<&str> = self.models.iter().map(|m| m.code.as_str()).collect();
            Problem::new(
                "policy.unknown_model",
                format!(
                    "There is no device model {code:?}; the models are: {}.",
                    known.join(", ")
                ),
            )
            .with("code", code)
            .with("models", known.join(", "))
        })
    }
}

impl DeviceModel {
    /// Serial numbers are typed or scanned; case and surrounding blanks don't count.
    pub fn normalize_serial(serial: &str) -> String {
        serial.trim().to_ascii_uppercase()
    }

    pub fn check_serial(&self, serial: &str) -> Result<String, Problem> {
        let serial = Self::normalize_serial(serial);
        if self.serial_pattern.is_match(&serial) {
            Ok(serial)
        } else {
            Err(Problem::new(
                "device.serial_format",
                format!(
                    "{serial} is not a serial number of a {} ({}).",
                    self.name, self.code
                ),
            )
            .with("serial", &serial)
            .with("model", &self.code))
        }
    }
}

fn set<T>(slot: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *slot = v;
    }
}

/// A model's serial pattern as the policy file gives it, matched against the
/// whole serial and regardless of case (serials are compared upper-cased).
/// It is parsed on its own first and anchored as parsed, not as text: as
/// text, `X)|(Y` would close the anchoring group and take any serial ending
/// in Y, and a verbose-mode comment (`(?x) … # note`) would swallow the `)$`
/// put after it.
fn serial_regex(pattern: &str) -> Option<Regex> {
    let hir = regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .build()
        .parse(pattern)
        .ok()?;
    Regex::new(&format!("^(?:{hir})$")).ok()
}

impl ModelFile {
    fn into_model(self) -> Result<DeviceModel, Problem> {
        let money = |field: &str, text: &str| {
            Fen::parse(text).map_err(|p| {
                Problem::new(
                    "policy.money",
                    format!("Model {}: {field} {text:?}: {}", self.code, p.message),
                )
            })
        };
        let serial_pattern = serial_regex(&self.serial_pattern).ok_or_else(|| {
            Problem::new(
                "policy.serial_pattern",
                format!(
                    "Model {}: serial_pattern {:?} is not a valid pattern.",
                    self.code, self.serial_pattern
                ),
            )
        })?;
        let volume_target = match (&self.volume_target, self.volume_days) {
            (Some(amount), Some(days)) if days > 0 => Some(VolumeTarget {
                amount: money("volume_target", amount)?,
                days,
            }),
            (None, None) => None,
            _ => {
                return Err(Problem::new(
                    "policy.volume_target",
                    format!(
                        "Model {}: volume_target and volume_days (above 0) go together.",
                        self.code
                    ),
                ))
            }
        };
        Ok(DeviceModel {
            deposit: money("deposit", &self.deposit)?,
            device_fee: money("device_fee", &self.device_fee)?,
            monthly_fee: money("monthly_fee", &self.monthly_fee)?,
            serial_pattern,
            volume_target,
            code: self.code,
            name: self.name,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_policy_loads_with_field_deposits() {
        let p = Policy::builtin();
        assert!(p.models.len() >= 3);
        let seen = [5_000, 9_900, 11_800, 29_800, 29_900];
        for m in &p.models {
            assert!(seen.contains(&m.deposit.fen()), "{} {}", m.code, m.deposit);
        }
        assert_eq!(p.rules.refund_window_earliest, 3);
        assert_eq!(p.rules.refund_window_latest, 7);
        assert_eq!(p.rules.adult_age, 18);
        assert_eq!(p.rules.supervised_min_age, 16);
    }

    #[test]
    fn unknown_key_is_named() {
        let mut p = Policy::builtin();
        let err = p.overlay("[rules]\nrefund_windw_latest = 9\n").unwrap_err();
        assert!(
            err.message.contains("refund_windw_latest"),
            "{}",
            err.message
        );
        let err = p
            .overlay("[[model]]\ncode='X'\nname='x'\nserial_pattern='X'\ndeposit='1'\ndevice_fee='0'\nmonthly_fee='0'\ncolour='red'\n")
            .unwrap_err();
        assert!(err.message.contains("colour"), "{}", err.message);
    }

    #[test]
    fn overlay_replaces_rules_and_models_by_code() {
        let mut p = Policy::builtin();
        let code = p.models[0].code.clone();
        let n = p.models.len();
        p.overlay(&format!(
            "[rules]\nmax_active_terminals_per_id = 1\n[[model]]\ncode = '{code}'\nname = 'Renamed'\nserial_pattern = 'Z[0-9]{{4}}'\ndeposit = '¥50'\ndevice_fee = '0'\nmonthly_fee = '0'\n"
        ))
        .unwrap();
        assert_eq!(p.rules.max_active_terminals_per_id, 1);
        assert_eq!(p.rules.refund_window_latest, 7, "untouched rules stay");
        assert_eq!(p.models.len(), n);
        let m = p.model(&code).unwrap();
        assert_eq!(m.deposit, Fen(5_000));
        assert_eq!(m.check_serial(" z1234 ").unwrap(), "Z1234");
        assert!(m.check_serial("Z12345").is_err(), "patterns are anchored");
        assert!(m.check_serial("AZ1234").is_err());
    }

    /// Found by the policy_fields fuzz target.
    #[test]
    fn serial_patterns_are_whole_valid_and_ignore_case() {
        let model = |pattern: &str| {
            let mut p = Policy::builtin();
            p.overlay(&format!(
                "[[model]]\ncode='Q'\nname='q'\nserial_pattern='''{pattern}'''\ndeposit='1'\ndevice_fee='0'\nmonthly_fee='0'\n"
            ))
            .map(|_| p.model("Q").unwrap().clone())
        };
        // Closing the anchoring group from inside took every serial ending in Y.
        let err = model("X)|(Y").unwrap_err();
        assert_eq!(err.code, "policy.serial_pattern");
        // A verbose-mode comment is a valid pattern.
        let m = model("(?x) LDA8 [0-9]{3} # model, then the number").unwrap();
        assert_eq!(m.check_serial("lda8123").unwrap(), "LDA8123");
        assert!(m.check_serial("LDA81234").is_err());
        // Serials are compared upper-cased, so a lower-case pattern must still match.
        let m = model("abLDA8").unwrap();
        assert_eq!(m.check_serial("abLDA8").unwrap(), "ABLDA8");
        assert!(m.check_serial("xABLDA8").is_err(), "still anchored");
        let m = model("A|AB").unwrap();
        assert!(
            m.check_serial("AB").is_ok(),
            "the whole serial, any alternative"
        );
    }

    #[test]
    fn an_amount_as_a_bare_number_is_refused_with_its_line_and_how_to_write_it() {
        let mut p = Policy::builtin();
        let before = p.clone();
        let err = p
            .overlay("[[model]]\ncode='Q'\nname='q'\nserial_pattern='Q'\ndeposit=299\ndevice_fee='0'\nmonthly_fee='0'\n")
            .unwrap_err();
        assert_eq!(err.code, "policy.file");
        assert!(
            err.message.contains("at line 5") && err.message.contains("\"299.00\""),
            "{}",
            err.message
        );
        assert_eq!(p.rules, before.rules);
    }

    #[test]
    fn bad_values_are_refused_with_the_field() {
        let mut p = Policy::builtin();
        let err = p
            .overlay("[[model]]\ncode='Q'\nname='q'\nserial_pattern='('\ndeposit='1'\ndevice_fee='0'\nmonthly_fee='0'\n")
            .unwrap_err();
        assert_eq!(err.code, "policy.serial_pattern");
        let err = p
            .overlay("[[model]]\ncode='Q'\nname='q'\nserial_pattern='Q'\ndeposit='1.999'\ndevice_fee='0'\nmonthly_fee='0'\n")
            .unwrap_err();
        assert!(err.message.contains("deposit"), "{}", err.message);
        let err = p
            .overlay("[rules]\nrefund_window_earliest = 8\n")
            .unwrap_err();
        assert_eq!(err.code, "policy.refund_window");
        assert_eq!(
            p.rules.refund_window_earliest, 3,
            "a refused file changes nothing"
        );
        let err = p
            .overlay("[[model]]\ncode='Q'\nname='q'\nserial_pattern='Q'\ndeposit='1'\ndevice_fee='0'\nmonthly_fee='0'\nvolume_target='10000'\n")
            .unwrap_err();
        assert_eq!(err.code, "policy.volume_target");
    }

    #[test]
    fn unknown_model_lists_the_known_ones() {
        let p = Policy::builtin();
        let err = p.require_model("NOPE").unwrap_err();
        assert!(err.message.contains(&p.models[0].code));
    }
}
