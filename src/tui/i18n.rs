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

    /// A refusal in this language: by its code where translated, else as the desk said it.
    pub fn problem(&self, p: &crate::domain::problem::Problem) -> String {
        let key = format!("problem.{}", p.code);
        match self.map.get(&key) {
            Some(s) if self.lang == Lang::ZhCn => s.clone(),
            _ => p.message.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

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
