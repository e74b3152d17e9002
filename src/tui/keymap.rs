//! Each screen declares its keys once, as (key, command, description); the
//! footer, the `?` overlay and key dispatch all read that one table.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            ctrl: false,
            alt: false,
        }
    }
    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
            alt: false,
        }
    }
    pub const fn ch(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }
    pub const fn f(n: u8) -> Key {
        Key::plain(KeyCode::F(n))
    }

    pub fn matches(&self, e: &KeyEvent) -> bool {
        let ctrl = e.modifiers.contains(KeyModifiers::CONTROL);
        let alt = e.modifiers.contains(KeyModifiers::ALT);
        let code = match e.code {
            KeyCode::Char(c) if ctrl || alt => KeyCode::Char(c.to_ascii_lowercase()),
            // Shift-Tab arrives as BackTab on most terminals.
            other => other,
        };
        code == self.code && ctrl == self.ctrl && alt == self.alt
    }

    /// `ctrl-s`, `alt-x`, `f2`, `enter`, `esc`, `tab`, `a`.
    pub fn parse(text: &str) -> Option<Key> {
        let t = text.trim().to_ascii_lowercase();
        let (ctrl, alt, rest) = if let Some(r) = t.strip_prefix("ctrl-") {
            (true, false, r.to_string())
        } else if let Some(r) = t.strip_prefix("alt-") {
            (false, true, r.to_string())
        } else {
            (false, false, t.clone())
        };
        let code = match rest.as_str() {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "space" => KeyCode::Char(' '),
            // F1–F24 only: "f0" or "f+1" would bind a key no keyboard sends.
            f if f.len() > 1 && f.starts_with('f') => {
                let n = f[1..]
                    .bytes()
                    .all(|b| b.is_ascii_digit())
                    .then(|| f[1..].parse::<u8>().ok())??;
                if !(1..=24).contains(&n) {
                    return None;
                }
                KeyCode::F(n)
            }
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next()?),
            _ => return None,
        };
        Some(Key { code, ctrl, alt })
    }

    /// Printable keys without Ctrl/Alt belong to a focused text field.
    pub fn is_printable(&self) -> bool {
        matches!(self.code, KeyCode::Char(_)) && !self.ctrl && !self.alt
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) if self.ctrl || self.alt => write!(f, "{}", c.to_ascii_uppercase()),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "F{n}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// One row of a screen's key table. `id` is `screen.command` (what config overrides
/// name); `help` is the i18n key of its description.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub key: Key,
    pub id: &'static str,
    pub help: &'static str,
    /// Shown in the footer (the rest only in the `?` overlay).
    pub footer: bool,
}

impl Binding {
    pub const fn new(key: Key, id: &'static str, help: &'static str) -> Binding {
        Binding {
            key,
            id,
            help,
            footer: true,
        }
    }
    pub const fn extra(key: Key, id: &'static str, help: &'static str) -> Binding {
        Binding {
            key,
            id,
            help,
            footer: false,
        }
    }
}

/// The config's `[keys]` overrides, applied on top of every screen's table.
#[derive(Debug, Clone, Default)]
pub struct KeyOverrides {
    map: BTreeMap<String, Key>,
}

impl KeyOverrides {
    /// The overrides a config names, each for one of the `commands` there are
    /// (a misspelt command would otherwise be ignored without a word).
    pub fn from_config(
        keys: &BTreeMap<String, String>,
        commands: &BTreeSet<&str>,
    ) -> Result<KeyOverrides, String> {
        let mut map = BTreeMap::new();
        for (id, text) in keys {
            if !commands.contains(id.as_str()) {
                return Err(unknown_command(id, commands));
            }
            let key =
                Key::parse(text).ok_or_else(|| format!("keys.{id}: {text:?} is not a key"))?;
            map.insert(id.clone(), key);
        }
        Ok(KeyOverrides { map })
    }

    pub fn resolve(&self, table: &[Binding]) -> Vec<Binding> {
        table
            .iter()
            .map(|b| match self.map.get(b.id) {
                Some(k) => Binding { key: *k, ..*b },
                None => *b,
            })
            .collect()
    }
}

/// What to say of a command id no screen has: the commands of the screen
/// it names, or the screens there are.
fn unknown_command(id: &str, commands: &BTreeSet<&str>) -> String {
    let screen = id.split('.').next().unwrap_or_default();
    let same: Vec<&str> = commands
        .iter()
        .copied()
        .filter(|c| c.split('.').next() == Some(screen))
        .collect();
    if same.is_empty() {
        let screens: BTreeSet<&str> = commands
            .iter()
            .filter_map(|c| c.split('.').next())
            .collect();
        let screens: Vec<&str> = screens.into_iter().collect();
        format!(
            "keys.{id}: there is no command {id:?}; a command is a screen and its command, \
             as in \"home.new\" (screens: {})",
            screens.join(", ")
        )
    } else {
        format!(
            "keys.{id}: there is no command {id:?}; {screen}'s commands are {}",
            same.join(", ")
        )
    }
}

/// The command bound to `e` in `table`, if any.
pub fn lookup(table: &[Binding], e: &KeyEvent) -> Option<&'static str> {
    table.iter().find(|b| b.key.matches(e)).map(|b| b.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_and_display() {
        assert_eq!(Key::parse("ctrl-s"), Some(Key::ctrl('s')));
        assert_eq!(Key::parse("F10"), Some(Key::f(10)));
        assert_eq!(Key::parse("enter"), Some(Key::plain(KeyCode::Enter)));
        assert_eq!(Key::parse("ctrl-"), None);
        // Found by the config_fields fuzz target.
        for bad in ["f0", "f+1", "f25", "f 1", "f1.0"] {
            assert_eq!(Key::parse(bad), None, "{bad}");
        }
        assert_eq!(Key::parse("f"), Some(Key::ch('f')));
        assert_eq!(Key::parse("f24"), Some(Key::f(24)));
        assert_eq!(Key::ctrl('s').to_string(), "Ctrl-S");
        assert!(Key::ctrl('s').matches(&KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
        assert!(!Key::ch('s').matches(&KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
    }

    #[test]
    fn overrides_replace_keys_by_id() {
        let table = [Binding::new(Key::ctrl('s'), "form.save", "key.save")];
        let mut cfg = BTreeMap::new();
        cfg.insert("form.save".to_string(), "ctrl-w".to_string());
        let commands = BTreeSet::from(["form.save", "form.next", "home.new"]);
        let o = KeyOverrides::from_config(&cfg, &commands).unwrap();
        let t = o.resolve(&table);
        assert_eq!(t[0].key, Key::ctrl('w'));
        cfg.insert("form.save".to_string(), "hyper-q".to_string());
        assert!(KeyOverrides::from_config(&cfg, &commands).is_err());
    }

    #[test]
    fn a_command_no_screen_has_is_refused_by_name() {
        let commands = BTreeSet::from(["form.save", "form.next", "home.new"]);
        let mut cfg = BTreeMap::new();
        cfg.insert("form.sav".to_string(), "ctrl-w".to_string());
        let e = KeyOverrides::from_config(&cfg, &commands).unwrap_err();
        assert!(e.starts_with("keys.form.sav: there is no command"), "{e}");
        assert!(e.contains("form.next, form.save"), "{e}");
        let mut cfg = BTreeMap::new();
        cfg.insert("save".to_string(), "ctrl-w".to_string());
        let e = KeyOverrides::from_config(&cfg, &commands).unwrap_err();
        assert!(e.contains("(screens: form, home)"), "{e}");
    }
}
