//! `posdesk keys`: every command a key can be bound to, its key now (after
//! config.toml's `[keys]`) and what it does: the names `[keys]` takes.

use crate::config::Config;
use crate::tui::i18n::{I18n, Lang};
use crate::tui::keymap::KeyOverrides;
use crate::tui::screens;
use std::collections::BTreeMap;

pub fn run() -> anyhow::Result<i32> {
    let config = Config::load(crate::paths::config_dir().as_deref())?;
    let t = I18n::new(Lang::choose(config.language.as_deref()));
    let overrides = KeyOverrides::from_config(&config.keys, &screens::command_ids())
        .map_err(|e| anyhow::anyhow!("config.toml: {e}"))?;
    print!("{}", listing(&overrides, &t));
    Ok(0)
}

/// One line a command: its id, its keys (a command may have two, like F1
/// and `?`), and its description in the configured language.
pub fn listing(overrides: &KeyOverrides, t: &I18n) -> String {
    let mut commands: BTreeMap<&str, (Vec<String>, &str)> = BTreeMap::new();
    for table in screens::key_tables() {
        for b in overrides.resolve(table) {
            let (keys, _) = commands.entry(b.id).or_insert((Vec::new(), b.help));
            let key = b.key.to_string();
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    let mut out = String::new();
    for (id, (keys, help)) in commands {
        // Padded, never cut: the id is what goes into `[keys]`.
        let line = format!("{id:<31} {:<17} {}", keys.join(" / "), t.t(help));
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
