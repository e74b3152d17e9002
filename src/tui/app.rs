//! The screen stack and the one place that changes it.

use super::i18n::I18n;
use super::keymap::KeyOverrides;
use super::screen::{Action, Cx, Notice, Screen};
use super::screens;
use super::theme::Theme;
use super::widgets::chrome::{split, Chrome, MIN_HEIGHT, MIN_WIDTH};
use super::widgets::dialog::Confirm;
use crate::config::Config;
use crate::desk::{Actor, Desk, SearchWorker};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use std::time::{Duration, Instant};

pub struct App {
    pub desk: Desk,
    pub stack: Vec<Box<dyn Screen>>,
    pub actor: Option<Actor>,
    pub t: I18n,
    pub theme: Theme,
    pub config: Config,
    pub keys: KeyOverrides,
    pub help_open: bool,
    pub notice: Option<Notice>,
    pub quit: bool,
    /// Quick find on its own connection (set where the TUI starts on a store file).
    pub search: Option<SearchWorker>,
    last_input: Instant,
    last_tick: Instant,
    locked: bool,
    /// Merchant kiosk: no staff session; Ctrl-C and F1 go to the kiosk itself.
    kiosk: bool,
}

/// Build a `Cx` from the app's fields, leaving `stack` free to borrow.
macro_rules! cx {
    ($app:expr) => {
        Cx {
            desk: &mut $app.desk,
            actor: $app.actor.as_ref(),
            t: &$app.t,
            theme: &$app.theme,
            config: &$app.config,
            keys: &$app.keys,
            search: $app.search.as_ref(),
        }
    };
}

impl App {
    pub fn new(desk: Desk, config: Config, t: I18n, theme: Theme) -> anyhow::Result<App> {
        let keys = KeyOverrides::from_config(&config.keys, &screens::command_ids())
            .map_err(|e| anyhow::anyhow!("config.toml: {e}"))?;
        let first = screens::start_screen(&desk);
        let now = Instant::now();
        Ok(App {
            desk,
            stack: vec![first],
            actor: None,
            t,
            theme,
            config,
            keys,
            help_open: false,
            notice: None,
            quit: false,
            search: None,
            last_input: now,
            last_tick: now,
            locked: false,
            kiosk: false,
        })
    }

    /// The merchant kiosk on this store (`posdesk kiosk`).
    pub fn kiosk(desk: Desk, config: Config, t: I18n, theme: Theme) -> anyhow::Result<App> {
        let mut app = App::new(desk, config, t, theme)?;
        app.enter_kiosk(screens::kiosk::Kiosk::new());
        Ok(app)
    }

    /// Turn this app into the kiosk: no one logged in, the kiosk the only screen.
    pub fn enter_kiosk(&mut self, kiosk: screens::kiosk::Kiosk) {
        self.kiosk = true;
        self.actor = None;
        self.locked = false;
        self.help_open = false;
        self.stack = vec![Box::new(kiosk)];
    }

    pub fn is_kiosk(&self) -> bool {
        self.kiosk
    }

    pub fn top_title(&self) -> &'static str {
        self.stack.last().map(|s| s.title()).unwrap_or("app.name")
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        self.last_input = Instant::now();
        if !self.kiosk
            && key.modifiers.contains(KeyModifiers::CONTROL)
            && matches!(key.code, KeyCode::Char('c' | 'C'))
        {
            tracing::info!("quit by Ctrl-C");
            self.quit = true;
            return;
        }
        if self.help_open {
            self.help_open = false;
            return;
        }
        self.notice = None;
        let text_focused = self.stack.last().is_some_and(|s| s.text_focused());
        if !self.kiosk
            && (key.code == KeyCode::F(1)
                || (key.code == KeyCode::Char('?') && !text_focused && key.modifiers.is_empty()))
        {
            self.help_open = true;
            return;
        }
        let Some(top) = self.stack.last_mut() else {
            return;
        };
        let action = top.on_key(key, &mut cx!(self));
        self.apply(action);
    }

    pub fn handle_paste(&mut self, text: &str) {
        self.last_input = Instant::now();
        if self.help_open {
            return;
        }
        let Some(top) = self.stack.last_mut() else {
            return;
        };
        let action = top.on_paste(text, &mut cx!(self));
        self.apply(action);
    }

    /// Hand the search worker's answers to the screen on top.
    pub fn deliver_search(&mut self) {
        let answers: Vec<_> = match &self.search {
            Some(w) => std::iter::from_fn(|| w.try_recv()).collect(),
            None => return,
        };
        for answer in answers {
            if let Some(top) = self.stack.last_mut() {
                let action = top.on_search(answer, &mut cx!(self));
                self.apply(action);
            }
        }
    }

    /// A search is on its way: the event loop should look again soon.
    pub fn search_pending(&self) -> bool {
        self.search.as_ref().is_some_and(|w| w.is_busy())
    }

    /// Clocks and the idle lock; `now` is passed in so tests can move time.
    pub fn tick(&mut self, now: Instant) {
        self.deliver_search();
        let idle = Duration::from_secs(u64::from(self.config.idle_minutes.max(1)) * 60);
        if self.actor.is_some() && !self.locked && now.duration_since(self.last_input) >= idle {
            if let Some(actor) = &self.actor {
                tracing::info!(staff = %actor.staff_no, "session locked after idle time");
                self.locked = true;
                self.help_open = false;
                let lock = screens::login::Login::lock(actor);
                self.stack.push(Box::new(lock));
            }
        }
        if now.duration_since(self.last_tick) >= Duration::from_millis(900) {
            self.last_tick = now;
            if let Some(top) = self.stack.last_mut() {
                let action = top.on_tick(&mut cx!(self));
                self.apply(action);
            }
        }
    }

    /// Pretend the last key was pressed at `at` (tests of the idle lock).
    pub fn set_last_input(&mut self, at: Instant) {
        self.last_input = at;
    }

    pub fn is_locked(&self) -> bool {
        self.locked
    }

    pub fn apply(&mut self, action: Action) {
        match action {
            Action::None => {}
            Action::Push(s) => {
                tracing::debug!(screen = s.title(), "push");
                self.stack.push(s);
            }
            Action::Pop => self.pop(),
            Action::Replace(s) => {
                self.stack.pop();
                self.stack.push(s);
            }
            Action::Confirm { question, tag } => {
                self.stack.push(Box::new(Confirm { question, tag }))
            }
            Action::Answer { tag, yes } => {
                self.stack.pop();
                if let Some(top) = self.stack.last_mut() {
                    let next = top.on_answer(tag, yes, &mut cx!(self));
                    self.apply(next);
                }
            }
            Action::LoggedIn(mut actor) => {
                // A supervisor without a point of their own works at this counter's point.
                if actor.point_id.is_none() {
                    if let Some(code) = &self.config.pickup_point {
                        actor.point_id = crate::store::point::by_code(
                            self.desk.conn(),
                            &code.to_ascii_uppercase(),
                        )
                        .ok()
                        .flatten()
                        .map(|p| p.id);
                    }
                }
                tracing::info!(staff = %actor.staff_no, role = actor.role.as_str(), "logged in");
                if self.locked
                    && self
                        .actor
                        .as_ref()
                        .is_some_and(|a| a.staff_id == actor.staff_id)
                {
                    // Unlocked: the drafts under the lock screen are as they were.
                    self.locked = false;
                    self.stack.pop();
                    self.actor = Some(actor);
                } else {
                    self.locked = false;
                    self.actor = Some(actor);
                    self.stack = vec![screens::home::Home::boxed(&mut cx!(self))];
                }
            }
            Action::Logout => {
                tracing::info!("logged out");
                self.actor = None;
                self.locked = false;
                self.stack = vec![screens::start_screen(&self.desk)];
            }
            Action::Notice(n) => self.notice = Some(n),
            Action::PopWith(n) => {
                self.pop();
                self.notice = Some(n);
            }
            Action::Quit => self.quit = true,
        }
    }

    fn pop(&mut self) {
        if self.stack.len() > 1 {
            self.stack.pop();
            if let Some(top) = self.stack.last_mut() {
                top.on_resume(&mut cx!(self));
            }
        }
    }

    pub fn draw(&mut self, frame: &mut Frame) {
        let area = frame.area();
        let chrome = Chrome {
            t: &self.t,
            theme: &self.theme,
        };
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            chrome.too_small(frame, area);
            return;
        }
        let [title, body, status, footer] = split(area);
        // Draw from the topmost full screen up through the overlays above it.
        let base = self
            .stack
            .iter()
            .rposition(|s| !s.is_overlay())
            .unwrap_or(0);
        let title_key = self
            .stack
            .get(base)
            .map(|s| s.title())
            .unwrap_or("app.name");
        let who = match &self.actor {
            Some(a) => format!("{} {}", a.staff_no, a.name),
            None => String::new(),
        };
        chrome.title_bar(frame, title, self.t.t(title_key), &who);
        chrome.status(frame, status, self.notice.as_ref());
        let bindings = self
            .stack
            .last()
            .map(|s| self.keys.resolve(&s.bindings()))
            .unwrap_or_default();
        let typing = self.stack.last().is_some_and(|s| s.text_focused());
        chrome.footer(frame, footer, &bindings, typing);
        let top_title = self.t.t(self.top_title()).to_string();
        let help_open = self.help_open;
        let len = self.stack.len();
        for i in base..len {
            let cx = cx!(self);
            self.stack[i].render(frame, body, &cx);
        }
        if help_open {
            let chrome = Chrome {
                t: &self.t,
                theme: &self.theme,
            };
            chrome.help_overlay(frame, body, &top_title, &bindings, typing);
        }
    }
}
