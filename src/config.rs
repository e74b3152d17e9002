//! The counter's own settings: `config.toml` in the config directory.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// `zh-CN` or `en`; from `LANG` when not set.
    pub language: Option<String>,
    /// `color` (the terminal's 16 colours) or `mono`; `NO_COLOR` forces mono.
    pub theme: Option<String>,
    /// Minutes without a key before the session locks back to the PIN prompt.
    pub idle_minutes: u32,
    /// This counter's pickup point code, when staff may work at several.
    pub pickup_point: Option<String>,
    /// The service phone merchants can call, shown in help.
    pub service_phone: String,
    /// Key overrides by command id: `"appform.save" = "ctrl-w"`.
    pub keys: BTreeMap<String, String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            language: None,
            theme: None,
            idle_minutes: 5,
            pickup_point: None,
            service_phone: "95516".into(),
            keys: BTreeMap::new(),
        }
    }
}

impl Config {
    pub fn from_toml_str(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|e| match crate::domain::toml_mistake::describe(text, &e) {
            (Some(line), detail) => format!("line {line}: {detail}"),
            (None, detail) => detail,
        })
    }

    /// `config.toml` in `dir`, or the defaults when there is none.
    pub fn load(dir: Option<&Path>) -> Result<Config> {
        let Some(path) = dir.map(|d| d.join("config.toml")) else {
            return Ok(Config::default());
        };
        if !path.exists() {
            return Ok(Config::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Config::from_toml_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let c = Config::from_toml_str("").unwrap();
        assert_eq!(c, Config::default());
        assert_eq!(c.idle_minutes, 5);
        let c = Config::from_toml_str(
            "language = \"en\"\nidle_minutes = 2\n[keys]\n\"form.save\" = \"ctrl-w\"\n",
        )
        .unwrap();
        assert_eq!(c.language.as_deref(), Some("en"));
        assert_eq!(c.keys["form.save"], "ctrl-w");
    }

    #[test]
    fn an_unknown_key_is_named() {
        let err = Config::from_toml_str("idle_minuets = 3\n").unwrap_err();
        assert!(err.contains("idle_minuets"), "{err}");
    }
}
