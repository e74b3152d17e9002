//! What a screen is: it draws itself, handles keys when it is on top, and
//! returns an `Action`; only the app changes the stack.

use super::i18n::I18n;
use super::keymap::{Binding, KeyOverrides};
use super::theme::Theme;
use crate::config::Config;
use crate::desk::{Actor, Desk, SearchAnswer, SearchWorker};
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

pub enum Action {
    None,
    Push(Box<dyn Screen>),
    Pop,
    Replace(Box<dyn Screen>),
    /// Ask a yes/no question; the answer comes back to this screen's `on_answer`
    /// with the same tag (the thing to confirm travels with the question).
    Confirm {
        question: String,
        tag: &'static str,
    },
    /// A dialog's answer: pop the dialog, deliver to the screen below.
    Answer {
        tag: &'static str,
        yes: bool,
    },
    /// Someone logged in (or unlocked): the session starts or resumes.
    LoggedIn(Actor),
    Logout,
    /// A one-line note for the status line (already translated).
    Notice(Notice),
    /// Pop this screen (the one below resumes), then show a notice: a step is done.
    PopWith(Notice),
    Quit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    Info(String),
    Error(String),
}

/// What every screen can reach.
pub struct Cx<'a> {
    pub desk: &'a mut Desk,
    pub actor: Option<&'a Actor>,
    pub t: &'a I18n,
    pub theme: &'a Theme,
    pub config: &'a Config,
    pub keys: &'a KeyOverrides,
    /// Quick find off the frame; `None` (in-memory test stores) means search inline.
    pub search: Option<&'a SearchWorker>,
}

impl Cx<'_> {
    pub fn tr<'s>(&'s self, key: &'s str) -> &'s str {
        self.t.t(key)
    }
}

pub trait Screen {
    /// i18n key of the title.
    fn title(&self) -> &'static str;
    /// This screen's key table (before config overrides).
    fn bindings(&self) -> Vec<Binding>;
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action;
    /// Bracketed paste (a barcode scanner may arrive this way too).
    fn on_paste(&mut self, _text: &str, _cx: &mut Cx) -> Action {
        Action::None
    }
    fn render(&mut self, frame: &mut Frame, area: Rect, cx: &Cx);
    /// A focused text field owns printable keys: no single-letter shortcut fires.
    fn text_focused(&self) -> bool {
        false
    }
    /// The screen above was closed: refresh what may have changed.
    fn on_resume(&mut self, _cx: &mut Cx) {}
    fn on_answer(&mut self, _tag: &'static str, _yes: bool, _cx: &mut Cx) -> Action {
        Action::None
    }
    /// Drawn over the screen below instead of replacing it (dialogs).
    fn is_overlay(&self) -> bool {
        false
    }
    /// An answer from the search worker, delivered to the screen on top as
    /// soon as it comes; the screen drops any it no longer waits for.
    fn on_search(&mut self, _answer: SearchAnswer, _cx: &mut Cx) -> Action {
        Action::None
    }
    /// Called about once a second (clocks, kiosk timers).
    fn on_tick(&mut self, _cx: &mut Cx) -> Action {
        Action::None
    }
}
