//! PINs typed at a terminal: asked on stderr and read without echo, so a PIN
//! never shows on the screen or in a terminal's scrollback.

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::crossterm::terminal;
use std::io::Write;

/// Ask for a secret on the terminal; Esc or Ctrl-C gives up.
pub fn prompt(label: &str) -> anyhow::Result<String> {
    eprint!("{label}");
    std::io::stderr().flush().ok();
    terminal::enable_raw_mode()?;
    let typed = read_hidden();
    let _ = terminal::disable_raw_mode();
    eprintln!();
    typed
}

fn read_hidden() -> anyhow::Result<String> {
    let mut typed = String::new();
    loop {
        let Event::Key(key) = event::read()? else {
            continue;
        };
        if key.kind == KeyEventKind::Release {
            continue;
        }
        match key.code {
            KeyCode::Enter => return Ok(typed),
            KeyCode::Esc => anyhow::bail!("cancelled; nothing changed"),
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                anyhow::bail!("cancelled; nothing changed")
            }
            KeyCode::Backspace => {
                typed.pop();
            }
            KeyCode::Char(c) => typed.push(c),
            _ => {}
        }
    }
}
