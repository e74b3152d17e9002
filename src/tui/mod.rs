//! The counter in the terminal: a ratatui screen stack over `desk/`.

pub mod app;
pub mod i18n;
pub mod keymap;
pub mod screen;
pub mod screens;
pub mod terminal;
#[doc(hidden)]
pub mod testing;
pub mod theme;
pub mod widgets;

use crate::config::Config;
use crate::desk::{Desk, Setup};
use app::App;
use i18n::{I18n, Lang};
use ratatui::crossterm::event::{self, Event};
use std::path::Path;
use std::time::{Duration, Instant};
use theme::Theme;

/// Open the TUI on the store at `db`.
pub fn run(db: &Path) -> anyhow::Result<()> {
    let config_dir = crate::paths::config_dir();
    let config = Config::load(config_dir.as_deref())?;
    let setup = Setup::from_config_dir(config_dir.as_deref())?;
    let desk = Desk::open(db, setup)?;
    crate::logging::init(db);
    let t = I18n::new(Lang::choose(config.language.as_deref()));
    let theme = Theme::choose(config.theme.as_deref());
    let mut app = App::new(desk, config, t, theme)?;
    // Without the worker, find still works, on the frame's thread.
    app.search = crate::desk::SearchWorker::open(db, 100)
        .inspect_err(|e| tracing::warn!("search runs inline: {e:#}"))
        .ok();
    tracing::info!("tui started");
    let (mut terminal, _guard) = terminal::enter()?;
    let panic_after_first_frame =
        std::env::var_os("POSDESK_TEST_PANIC_AFTER_FIRST_FRAME").is_some();
    loop {
        terminal.draw(|f| app.draw(f))?;
        if panic_after_first_frame {
            panic!("test-only panic after the first frame (POSDESK_TEST_PANIC_AFTER_FIRST_FRAME)");
        }
        if app.quit {
            break;
        }
        // While a search is out, look for its answer every few milliseconds.
        let wait = if app.search_pending() { 2 } else { 250 };
        if event::poll(Duration::from_millis(wait))? {
            match event::read()? {
                Event::Key(k) => app.handle_key(k),
                Event::Paste(s) => app.handle_paste(&s),
                _ => {}
            }
        }
        app.tick(Instant::now());
    }
    tracing::info!("tui closed");
    Ok(())
}

/// Open the merchant kiosk on the store at `db`: no staff session, Ctrl-C asks
/// for a staff PIN instead of quitting.
pub fn run_kiosk(db: &Path) -> anyhow::Result<()> {
    let config_dir = crate::paths::config_dir();
    let config = Config::load(config_dir.as_deref())?;
    let setup = Setup::from_config_dir(config_dir.as_deref())?;
    let desk = Desk::open(db, setup)?;
    crate::logging::init(db);
    let t = I18n::new(Lang::choose(config.language.as_deref()));
    let theme = Theme::choose(config.theme.as_deref());
    let mut app = App::kiosk(desk, config, t, theme)?;
    tracing::info!("kiosk started");
    let (mut terminal, _guard) = terminal::enter()?;
    loop {
        terminal.draw(|f| app.draw(f))?;
        if app.quit {
            break;
        }
        if event::poll(Duration::from_millis(250))? {
            match event::read()? {
                Event::Key(k) => app.handle_key(k),
                Event::Paste(s) => app.handle_paste(&s),
                _ => {}
            }
        }
        app.tick(Instant::now());
    }
    tracing::info!("kiosk closed");
    Ok(())
}
