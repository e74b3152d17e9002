//! The merchant kiosk: a locked-down screen where merchants look up their own
//! terminal and deposit by mobile number + the last 6 characters of their ID
//! number. It shows nothing of anyone else, says the same "no record found" for
//! an unknown phone and a wrong ID, waits a minute after 5 wrong tries, clears
//! itself after 60 idle seconds, and only a staff PIN leaves it.

pub(crate) mod exit;
mod help;
mod lookup;
mod result;

pub use exit::ExitPrompt;
pub use result::unmet_text;

use crate::desk::MerchantStatus;
use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::screen::{Action, Cx, Screen};
use crate::tui::widgets::text_field::{Grouping, TextField, PHONE_GROUPS};
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::Frame;
use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// Wrong pairs in a row before the kiosk makes people wait.
pub const MAX_TRIES: u32 = 5;
pub const LOCK_OUT: Duration = Duration::from_secs(60);
pub const IDLE_RESET: Duration = Duration::from_secs(60);

/// The kiosk's sense of time. Shared (cheaply cloned) between the kiosk and its
/// staff prompt; tests move it forward with `advance` instead of sleeping.
#[derive(Debug, Clone, Default)]
pub struct KioskClock {
    skew: Rc<Cell<Duration>>,
}

impl KioskClock {
    pub fn now(&self) -> Instant {
        Instant::now() + self.skew.get()
    }

    pub fn advance(&self, by: Duration) {
        self.skew.set(self.skew.get() + by);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Focus {
    Phone,
    IdLast6,
}

enum Page {
    Prompt,
    Result(Box<MerchantStatus>),
    Help,
}

pub struct Kiosk {
    clock: KioskClock,
    phone: TextField,
    id_last6: TextField,
    focus: Focus,
    /// The phone filled up and focus moved on by itself: the Tab a merchant
    /// presses out of habit right after must not send it back.
    moved_on_by_itself: bool,
    page: Page,
    /// Where Esc on the help page goes back to.
    before_help: Option<Box<MerchantStatus>>,
    help_scroll: u16,
    /// Already translated; `true` when it is an error.
    message: Option<(bool, String)>,
    wrong_tries: u32,
    locked_until: Option<Instant>,
    last_key: Instant,
}

pub(crate) const PROMPT_KEYS: &[Binding] = &[
    Binding::new(
        Key::plain(KeyCode::Enter),
        "kiosk.look_up",
        "kiosk.key.look_up",
    ),
    Binding::new(Key::plain(KeyCode::Tab), "kiosk.next", "key.next_field"),
    Binding::new(Key::plain(KeyCode::Esc), "kiosk.clear", "kiosk.key.clear"),
    Binding::extra(Key::plain(KeyCode::BackTab), "kiosk.prev", "key.prev_field"),
    Binding::extra(Key::f(1), "kiosk.help", "kiosk.key.help"),
    Binding::extra(Key::ch('?'), "kiosk.help", "kiosk.key.help"),
    Binding::extra(Key::ctrl('c'), "kiosk.staff", "kiosk.key.staff"),
];

pub(crate) const RESULT_KEYS: &[Binding] = &[
    Binding::new(Key::plain(KeyCode::Enter), "kiosk.done", "kiosk.key.done"),
    Binding::extra(Key::plain(KeyCode::Esc), "kiosk.done", "kiosk.key.done"),
    Binding::extra(Key::f(1), "kiosk.help", "kiosk.key.help"),
    Binding::extra(Key::ch('?'), "kiosk.help", "kiosk.key.help"),
    Binding::extra(Key::ctrl('c'), "kiosk.staff", "kiosk.key.staff"),
];

pub(crate) const HELP_KEYS: &[Binding] = &[
    Binding::new(Key::plain(KeyCode::Esc), "kiosk.back", "key.back"),
    Binding::new(Key::plain(KeyCode::Down), "kiosk.down", "key.down"),
    Binding::new(Key::plain(KeyCode::Up), "kiosk.up", "key.up"),
    Binding::extra(Key::plain(KeyCode::Enter), "kiosk.back", "key.back"),
    Binding::extra(
        Key::plain(KeyCode::PageDown),
        "kiosk.page_down",
        "key.page_down",
    ),
    Binding::extra(Key::plain(KeyCode::PageUp), "kiosk.page_up", "key.page_up"),
    Binding::extra(Key::ctrl('c'), "kiosk.staff", "kiosk.key.staff"),
];

impl Kiosk {
    pub fn new() -> Kiosk {
        Kiosk::with_clock(KioskClock::default())
    }

    pub fn with_clock(clock: KioskClock) -> Kiosk {
        let now = clock.now();
        Kiosk {
            clock,
            phone: TextField::new(PHONE_GROUPS, 11),
            id_last6: TextField::new(Grouping::None, 6),
            focus: Focus::Phone,
            moved_on_by_itself: false,
            page: Page::Prompt,
            before_help: None,
            help_scroll: 0,
            message: None,
            wrong_tries: 0,
            locked_until: None,
            last_key: now,
        }
    }

    /// Seconds left in a lock-out, if one is running.
    pub fn locked_for(&self) -> Option<u64> {
        let until = self.locked_until?;
        let left = until.checked_duration_since(self.clock.now())?;
        (!left.is_zero()).then(|| left.as_millis().div_ceil(1000) as u64)
    }

    /// Back to the empty prompt: nothing of the last merchant stays on screen.
    fn clear(&mut self) {
        self.phone.clear();
        self.id_last6.clear();
        self.focus = Focus::Phone;
        self.page = Page::Prompt;
        self.before_help = None;
        self.help_scroll = 0;
        self.message = None;
    }

    fn is_clear(&self) -> bool {
        matches!(self.page, Page::Prompt)
            && self.phone.is_empty()
            && self.id_last6.is_empty()
            && self.message.is_none()
    }

    fn look_up(&mut self, cx: &mut Cx) -> Action {
        if self.locked_for().is_some() {
            return Action::None;
        }
        let phone = self.phone.value();
        let last6 = self.id_last6.value();
        if phone.len() != 11 {
            self.focus = Focus::Phone;
            self.message = Some((true, cx.tr("kiosk.need_phone").to_string()));
            return Action::None;
        }
        if last6.chars().count() != 6 {
            self.focus = Focus::IdLast6;
            self.message = Some((true, cx.tr("kiosk.need_id").to_string()));
            return Action::None;
        }
        let found = cx.desk.merchant_status(&phone, &last6);
        // Never log the pair itself: it identifies a person.
        tracing::info!(found = matches!(found, Ok(Some(_))), "kiosk lookup");
        match found {
            Ok(Some(status)) => {
                self.clear();
                self.wrong_tries = 0;
                self.page = Page::Result(Box::new(status));
            }
            Ok(None) => {
                self.wrong_tries += 1;
                self.id_last6.clear();
                self.focus = Focus::IdLast6;
                self.message = Some((true, cx.tr("kiosk.not_found").to_string()));
                if self.wrong_tries >= MAX_TRIES {
                    tracing::info!("kiosk locked for a minute after {MAX_TRIES} wrong tries");
                    self.wrong_tries = 0;
                    self.locked_until = Some(self.clock.now() + LOCK_OUT);
                    self.phone.clear();
                    self.focus = Focus::Phone;
                    self.message = None;
                }
            }
            Err(e) => {
                tracing::error!("kiosk lookup failed: {e:#}");
                self.message = Some((true, cx.tr("kiosk.unavailable").to_string()));
            }
        }
        Action::None
    }

    fn open_help(&mut self) {
        if let Page::Result(s) = std::mem::replace(&mut self.page, Page::Help) {
            self.before_help = Some(s);
        }
        self.help_scroll = 0;
    }

    fn close_help(&mut self) {
        self.page = match self.before_help.take() {
            Some(s) => Page::Result(s),
            None => Page::Prompt,
        };
    }

    /// Only digits go into the phone; digits and X into the ID's last six.
    fn type_key(&mut self, key: &KeyEvent) {
        if let KeyCode::Char(c) = key.code {
            let c = c.to_ascii_uppercase();
            let fits = match self.focus {
                Focus::Phone => c.is_ascii_digit(),
                Focus::IdLast6 => c.is_ascii_digit() || c == 'X',
            };
            if !fits {
                return;
            }
            let field = self.field();
            field.insert(&c.to_string());
        } else {
            self.field().on_key(key);
        }
        self.message = None;
        // A full phone number moves on by itself, as on a phone keypad.
        if self.focus == Focus::Phone && self.phone.value().len() == 11 {
            self.focus = Focus::IdLast6;
            self.moved_on_by_itself = true;
        }
    }

    fn field(&mut self) -> &mut TextField {
        match self.focus {
            Focus::Phone => &mut self.phone,
            Focus::IdLast6 => &mut self.id_last6,
        }
    }

    fn table(&self) -> &'static [Binding] {
        match self.page {
            Page::Prompt => PROMPT_KEYS,
            Page::Result(_) => RESULT_KEYS,
            Page::Help => HELP_KEYS,
        }
    }
}

impl Default for Kiosk {
    fn default() -> Self {
        Kiosk::new()
    }
}

impl Screen for Kiosk {
    fn title(&self) -> &'static str {
        match self.page {
            Page::Help => "kiosk.help.title",
            _ => "kiosk.title",
        }
    }

    fn bindings(&self) -> Vec<Binding> {
        self.table().to_vec()
    }

    fn text_focused(&self) -> bool {
        matches!(self.page, Page::Prompt)
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        self.last_key = self.clock.now();
        let command = lookup(&cx.keys.resolve(self.table()), &key);
        if std::mem::take(&mut self.moved_on_by_itself) && command == Some("kiosk.next") {
            return Action::None;
        }
        match command {
            Some("kiosk.staff") => {
                return Action::Push(Box::new(ExitPrompt::new(self.clock.clone())))
            }
            Some("kiosk.help") => self.open_help(),
            Some("kiosk.back") => self.close_help(),
            Some("kiosk.done") => self.clear(),
            Some("kiosk.down") => self.help_scroll = self.help_scroll.saturating_add(1),
            Some("kiosk.up") => self.help_scroll = self.help_scroll.saturating_sub(1),
            Some("kiosk.page_down") => self.help_scroll = self.help_scroll.saturating_add(10),
            Some("kiosk.page_up") => self.help_scroll = self.help_scroll.saturating_sub(10),
            _ if self.locked_for().is_some() => {}
            Some("kiosk.look_up")
                if self.focus == Focus::Phone
                    && self.id_last6.is_empty()
                    && self.phone.value().len() == 11 =>
            {
                self.focus = Focus::IdLast6;
            }
            Some("kiosk.look_up") => return self.look_up(cx),
            Some("kiosk.next") | Some("kiosk.prev") => {
                self.focus = match self.focus {
                    Focus::Phone => Focus::IdLast6,
                    Focus::IdLast6 => Focus::Phone,
                };
            }
            Some("kiosk.clear") => self.clear(),
            _ if matches!(self.page, Page::Prompt) => self.type_key(&key),
            _ => {}
        }
        Action::None
    }

    fn on_paste(&mut self, text: &str, _cx: &mut Cx) -> Action {
        self.last_key = self.clock.now();
        if matches!(self.page, Page::Prompt) && self.locked_for().is_none() {
            for c in text.chars().filter(|c| !c.is_whitespace()) {
                self.type_key(&KeyEvent::from(KeyCode::Char(c)));
            }
        }
        Action::None
    }

    fn on_resume(&mut self, _cx: &mut Cx) {
        self.last_key = self.clock.now();
    }

    fn on_tick(&mut self, _cx: &mut Cx) -> Action {
        let now = self.clock.now();
        if self.locked_until.is_some() && self.locked_for().is_none() {
            self.locked_until = None;
        }
        if !self.is_clear() && now.duration_since(self.last_key) >= IDLE_RESET {
            tracing::debug!("kiosk cleared after idle time");
            self.clear();
        }
        Action::None
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        match &self.page {
            Page::Prompt => lookup::render(self, frame, area, cx),
            Page::Result(s) => result::render(s, frame, area, cx),
            Page::Help => {
                let lines = help::lines(cx, area.width.saturating_sub(5));
                let max = (lines.len() as u16).saturating_sub(area.height.saturating_sub(2));
                self.help_scroll = self.help_scroll.min(max);
                help::render(lines, self.help_scroll, frame, area, cx);
            }
        }
    }
}
