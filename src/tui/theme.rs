//! Styles by meaning. Screens ask for a meaning, never a colour. The mono theme
//! (NO_COLOR) uses modifiers and text markers only and sends no colour at all.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    Normal,
    Title,
    Focus,
    Selected,
    Error,
    Warning,
    Success,
    Muted,
    Key,
    Border,
    Heading,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub mono: bool,
}

impl Theme {
    pub fn color() -> Theme {
        Theme { mono: false }
    }

    pub fn mono() -> Theme {
        Theme { mono: true }
    }

    /// `NO_COLOR` (any value) wins over the config file.
    pub fn choose(config_theme: Option<&str>) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        if no_color || config_theme == Some("mono") {
            Theme::mono()
        } else {
            Theme::color()
        }
    }

    pub fn style(&self, m: Meaning) -> Style {
        let s = Style::default();
        if self.mono {
            return match m {
                Meaning::Normal | Meaning::Border => s,
                Meaning::Title | Meaning::Heading => s.add_modifier(Modifier::BOLD),
                Meaning::Focus => s.add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
                Meaning::Selected => s.add_modifier(Modifier::REVERSED),
                Meaning::Error => s.add_modifier(Modifier::BOLD),
                Meaning::Warning => s.add_modifier(Modifier::ITALIC),
                Meaning::Success => s,
                Meaning::Muted => s.add_modifier(Modifier::DIM),
                Meaning::Key => s.add_modifier(Modifier::BOLD),
            };
        }
        match m {
            Meaning::Normal => s,
            Meaning::Title => s.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            Meaning::Heading => s.add_modifier(Modifier::BOLD),
            Meaning::Focus => s.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            Meaning::Selected => s.add_modifier(Modifier::REVERSED),
            Meaning::Error => s.fg(Color::Red).add_modifier(Modifier::BOLD),
            Meaning::Warning => s.fg(Color::Yellow),
            Meaning::Success => s.fg(Color::Green),
            Meaning::Muted => s.fg(Color::DarkGray),
            Meaning::Key => s.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            Meaning::Border => s.fg(Color::DarkGray),
        }
    }

    /// A text marker so meaning survives without colour (and for colour-blind staff).
    pub fn marker(&self, m: Meaning) -> &'static str {
        match m {
            Meaning::Error => "✗ ",
            Meaning::Warning => "! ",
            Meaning::Success => "✓ ",
            Meaning::Focus => "▶ ",
            _ => "",
        }
    }
}
