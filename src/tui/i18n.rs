//! Every string on screen comes from assets/i18n/{zh-CN,en}.toml.

use std::collections::HashMap;

const EN: &str = include_str!("../../assets/i18n/en.toml");
const ZH: &str = include_str!("../../assets/i18n/zh-CN.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    ZhCn,
    En,
}

impl Lang {
    /// The config's choice, else `LANG` / `LC_ALL`, else English.
    pub fn choose(configured: Option<&str>) -> Lang {
        let pick = |v: &str| {
            let v = v.to_ascii_lowercase();
            if v.starts_with("zh") {
                Some(Lang::ZhCn)
            } else if v.starts_with("en") {
                Some(Lang::En)
            } else {
                None
            }
        };
        if let Some(l) = configured.and_then(pick) {
            return l;
        }
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Some(l) = std::env::var(var).ok().as_deref().and_then(pick) {
                return l;
            }
        }
        Lang::En
    }
}

pub struct I18n {
    pub lang: Lang,
    map: HashMap<String, String>,
}

pub fn flatten(text: &str) -> Result<HashMap<String, String>, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut out = HashMap::new();
    fn walk(
        prefix: &str,
        t: &toml::Table,
        out: &mut HashMap<String, String>,
    ) -> Result<(), String> {
        for (k, v) in t {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                toml::Value::String(s) => {
                    out.insert(key, s.clone());
                }
                toml::Value::Table(inner) => walk(&key, inner, out)?,
                _ => return Err(format!("{key}: translations are text")),
            }
        }
        Ok(())
    }
    walk("", &table, &mut out)?;
    Ok(out)
}

impl I18n {
    pub fn new(lang: Lang) -> I18n {
        let text = match lang {
            Lang::ZhCn => ZH,
            Lang::En => EN,
        };
        I18n {
            lang,
            map: flatten(text).unwrap_or_default(),
        }
    }

    /// The text for `key`; a missing key shows as itself (and fails a test).
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.map.get(key).map(String::as_str).unwrap_or(key)
    }

    pub fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// `{name}` placeholders filled in.
    pub fn f(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.t(key).to_string();
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }

    /// A refusal in this language: by its code where translated, with the
    /// values the desk quoted filled in; else as the desk said it.
    pub fn problem(&self, p: &crate::domain::problem::Problem) -> String {
        use crate::domain::problem::Arg;
        let key = format!("problem.{}", p.code);
        let Some(text) = self.map.get(&key).filter(|_| self.lang == Lang::ZhCn) else {
            return p.message.clone();
        };
        let mut s = text.clone();
        for (name, arg) in &p.args {
            let value = match arg {
                Arg::Text(t) => t.clone(),
                Arg::Key(k) => self.t(k).to_string(),
                Arg::Keys(ks) => ks
                    .iter()
                    .map(|k| self.t(k).trim_end_matches('。'))
                    .collect::<Vec<_>>()
                    .join(self.t("app.list_separator")),
            };
            s = s.replace(&format!("{{{name}}}"), &value);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn a_chinese_refusal_quotes_the_values_the_desk_handed_on() {
        use crate::domain::problem::Problem;
        let zh = I18n::new(Lang::ZhCn);
        let overpay = Problem::new("payment.overpay", "¥300.00 is more than the ¥200.00 owed")
            .with("amount", "¥300.00")
            .with("owed", "¥200.00");
        assert_eq!(
            zh.problem(&overpay),
            "收款 ¥300.00 超过应收的 ¥200.00，最多收 ¥200.00。"
        );
        let incomplete = Problem::new("checklist.incomplete", "still to do: …").with_keys(
            "items",
            vec!["verify.item.face_check".into(), "verify.item.terms".into()],
        );
        assert_eq!(
            zh.problem(&incomplete),
            "尚未核验完成，还需办理：人脸比对、同意服务条款。"
        );
        let state = Problem::new("application.transition", "…").with_key("state", "state.draft");
        assert_eq!(zh.problem(&state), "申请当前为「草稿」，不能办理此操作。");
        // English is the desk's own sentence.
        assert_eq!(I18n::new(Lang::En).problem(&overpay), overpay.message);
    }

    /// The words a refusal may hand on by key (`Problem::with_key`) are there,
    /// in both languages, for every value they can take.
    #[test]
    fn every_word_a_refusal_names_is_translated() {
        use crate::domain::checklist::ChecklistItem;
        use crate::domain::lifecycle::{ApplicationState, DepositState, DeviceState};
        let mut keys: Vec<String> = Vec::new();
        keys.extend(
            ApplicationState::ALL
                .iter()
                .map(|s| format!("state.{}", s.as_str())),
        );
        keys.extend(
            DepositState::ALL
                .iter()
                .map(|s| format!("deposit.{}", s.as_str())),
        );
        keys.extend(
            DeviceState::ALL
                .iter()
                .map(|s| format!("device_state.{}", s.as_str())),
        );
        keys.extend(
            ChecklistItem::ALL
                .iter()
                .map(|i| format!("verify.item.{}", i.as_str())),
        );
        for state in ["requested", "confirmed", "sent", "refunded", "failed"] {
            keys.push(format!("refund_state.{state}"));
        }
        for code in ["not_activated", "volume", "volume_missed", "fees", "breach"] {
            keys.push(format!("unmet.eligibility.{code}"));
        }
        for field in crate::domain::application_form::FIELDS {
            keys.push(format!("field.{field}"));
        }
        use std::io::ErrorKind as K;
        for kind in [
            K::NotFound,
            K::PermissionDenied,
            K::AlreadyExists,
            K::StorageFull,
            K::IsADirectory,
            K::Other,
        ] {
            keys.push(crate::desk::io_reason_key(&kind.into()).to_string());
        }
        for lang in [Lang::ZhCn, Lang::En] {
            let t = I18n::new(lang);
            let missing: Vec<&String> = keys.iter().filter(|k| !t.has(k)).collect();
            assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
        }
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        let en: BTreeSet<String> = flatten(EN).unwrap().into_keys().collect();
        let zh: BTreeSet<String> = flatten(ZH).unwrap().into_keys().collect();
        let only_en: Vec<_> = en.difference(&zh).collect();
        let only_zh: Vec<_> = zh.difference(&en).collect();
        assert!(only_en.is_empty(), "missing from zh-CN: {only_en:?}");
        assert!(only_zh.is_empty(), "missing from en: {only_zh:?}");
    }

    #[test]
    fn every_key_the_code_uses_exists() {
        let en = flatten(EN).unwrap();
        let mut missing = Vec::new();
        let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src/tui");
        let mut stack = vec![std::path::PathBuf::from(src)];
        let re = regex::Regex::new(r#"\b(?:t|f|tr)\(\s*"([a-z_]+\.[a-z0-9_.]+)""#).unwrap();
        while let Some(p) = stack.pop() {
            for entry in std::fs::read_dir(&p).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for cap in re.captures_iter(&text) {
                        if !en.contains_key(&cap[1]) {
                            missing.push(format!("{}: {}", path.display(), &cap[1]));
                        }
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys used but not translated: {missing:?}"
        );
    }

    #[test]
    fn language_from_config_or_lang() {
        assert_eq!(Lang::choose(Some("zh-CN")), Lang::ZhCn);
        assert_eq!(Lang::choose(Some("en_US.UTF-8")), Lang::En);
    }
}
