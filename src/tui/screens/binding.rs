//! Bind a device to a contracted application: scan or type its serial, or
//! pick one from this point's stock. The desk checks model, stock and limit.

use crate::desk::{ApplicationView, DeskError};
use crate::store::device::DeviceRow;
use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::screen::{Action, Cx, Notice, Screen};
use crate::tui::theme::Meaning;
use crate::tui::widgets::text_field::{Grouping, TextField};
use crate::tui::widgets::width::fit;
use crate::tui::widgets::wrap::Wrapped;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

const STOCK_LIMIT: i64 = 200;
const LABEL_WIDTH: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Focus {
    Serial,
    Stock,
}

pub struct BindDevice {
    id: i64,
    view: ApplicationView,
    serial: TextField,
    stock: Vec<DeviceRow>,
    selected: usize,
    focus: Focus,
    /// The serial the desk last refused, kept on screen after the field clears.
    refused: Option<(String, String)>,
}

pub(crate) const KEYS: &[Binding] = &[
    Binding::new(Key::plain(KeyCode::Enter), "binding.bind", "binding.bind"),
    Binding::new(Key::plain(KeyCode::Tab), "binding.switch", "binding.switch"),
    Binding::new(Key::plain(KeyCode::Esc), "binding.back", "key.back"),
    Binding::extra(Key::plain(KeyCode::Up), "binding.up", "key.up"),
    Binding::extra(Key::plain(KeyCode::Down), "binding.down", "key.down"),
    Binding::extra(Key::f(5), "binding.refresh", "key.refresh"),
];

impl BindDevice {
    pub fn new(id: i64, cx: &mut Cx) -> Result<BindDevice, String> {
        let view = cx.desk.application(id).map_err(|e| e.to_string())?;
        let mut screen = BindDevice {
            id,
            view,
            serial: TextField::new(Grouping::None, 32),
            stock: Vec::new(),
            selected: 0,
            focus: Focus::Serial,
            refused: None,
        };
        screen.load_stock(cx);
        Ok(screen)
    }

    /// This counter's shelf, of the application's model only.
    fn load_stock(&mut self, cx: &Cx) {
        // The application's own point: its stock is where the merchant picks up.
        let point = Some(self.view.pickup_point_id);
        self.stock = match point {
            Some(p) => cx
                .desk
                .stock(p, Some(&self.view.form.model_code), STOCK_LIMIT)
                .unwrap_or_default(),
            None => Vec::new(),
        };
        self.selected = self.selected.min(self.stock.len().saturating_sub(1));
    }

    fn bind(&mut self, serial: String, cx: &mut Cx) -> Action {
        let serial = serial.trim().to_string();
        if serial.is_empty() {
            self.refused = Some((String::new(), cx.tr("binding.need_serial").to_string()));
            return Action::None;
        }
        let Some(actor) = cx.actor else {
            return Action::Notice(Notice::Error(cx.tr("app.internal_error").to_string()));
        };
        match cx.desk.bind_device(actor, self.id, &serial) {
            Ok(device) => Action::PopWith(Notice::Info(
                cx.t.f("binding.done", &[("serial", &device.serial)]),
            )),
            Err(e) => {
                // A scanner appends to the field: clear it so the next scan starts clean.
                self.serial.clear();
                self.refused = Some((serial, desk_error(&e, cx)));
                self.load_stock(cx);
                Action::None
            }
        }
    }

    fn chosen(&self) -> Option<String> {
        self.stock.get(self.selected).map(|d| d.serial.clone())
    }
}

/// A desk refusal in the clerk's language; anything else is logged, not shown.
pub(super) fn desk_error(e: &DeskError, cx: &Cx) -> String {
    match e {
        DeskError::Refused(p) => cx.t.problem(p),
        DeskError::Internal(err) => {
            tracing::error!("desk failed: {err:#}");
            cx.tr("app.internal_error").to_string()
        }
    }
}

/// Reference, name, state; then the device model and pickup point.
pub(super) fn header(view: &ApplicationView, cx: &Cx) -> Vec<Line<'static>> {
    let model = cx
        .desk
        .policy
        .model(&view.form.model_code)
        .map(|m| m.name.clone())
        .unwrap_or_default();
    vec![
        Line::from(vec![
            Span::styled(
                format!("{}  ", view.reference),
                cx.theme.style(Meaning::Title),
            ),
            Span::raw(format!("{}  ", view.form.full_name)),
            Span::styled(
                cx.tr(&format!("state.{}", view.state)).to_string(),
                cx.theme.style(Meaning::Focus),
            ),
        ]),
        Line::from(Span::styled(
            format!("{} {} · {}", view.form.model_code, model, view.pickup_point),
            cx.theme.style(Meaning::Muted),
        )),
    ]
}

/// `label` padded to the label column, marked when its row has focus.
pub(super) fn label(text: &str, focused: bool, cx: &Cx) -> Vec<Span<'static>> {
    let marker = if focused {
        cx.theme.marker(Meaning::Focus)
    } else {
        "  "
    };
    let m = if focused {
        Meaning::Focus
    } else {
        Meaning::Heading
    };
    vec![
        Span::styled(marker, cx.theme.style(Meaning::Focus)),
        Span::styled(fit(text, LABEL_WIDTH), cx.theme.style(m)),
        Span::raw(" "),
    ]
}

/// Where a field's value starts, after the marker and the label.
pub(super) const VALUE_X: u16 = 2 + LABEL_WIDTH as u16 + 1;

pub(super) fn error_line(text: &str, cx: &Cx) -> Line<'static> {
    Line::from(Span::styled(
        format!("{}{text}", cx.theme.marker(Meaning::Error)),
        cx.theme.style(Meaning::Error),
    ))
}

impl Screen for BindDevice {
    fn title(&self) -> &'static str {
        "binding.title"
    }
    fn bindings(&self) -> Vec<Binding> {
        KEYS.to_vec()
    }
    fn text_focused(&self) -> bool {
        self.focus == Focus::Serial
    }
    fn on_resume(&mut self, cx: &mut Cx) {
        self.load_stock(cx);
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        match lookup(&cx.keys.resolve(KEYS), &key) {
            Some("binding.back") => return Action::Pop,
            Some("binding.bind") => {
                let serial = match self.focus {
                    Focus::Serial => self.serial.value(),
                    Focus::Stock => self.chosen().unwrap_or_default(),
                };
                return self.bind(serial, cx);
            }
            Some("binding.switch") => {
                self.focus = match self.focus {
                    Focus::Serial => Focus::Stock,
                    Focus::Stock => Focus::Serial,
                };
                return Action::None;
            }
            Some("binding.up") => {
                self.focus = Focus::Stock;
                self.selected = self.selected.saturating_sub(1);
                return Action::None;
            }
            Some("binding.down") => {
                if self.focus == Focus::Stock {
                    self.selected = (self.selected + 1).min(self.stock.len().saturating_sub(1));
                }
                self.focus = Focus::Stock;
                return Action::None;
            }
            Some("binding.refresh") => {
                self.load_stock(cx);
                return Action::None;
            }
            _ => {}
        }
        // A scan may start while the list has focus: the characters go to the field.
        let typed = matches!(key.code, KeyCode::Char(_))
            && !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        if typed {
            self.focus = Focus::Serial;
        }
        if self.focus == Focus::Serial && self.serial.on_key(&key) {
            self.refused = None;
        }
        Action::None
    }
    fn on_paste(&mut self, text: &str, cx: &mut Cx) -> Action {
        self.focus = Focus::Serial;
        self.refused = None;
        let first = text.lines().map(str::trim).find(|l| !l.is_empty());
        let Some(first) = first else {
            return Action::None;
        };
        self.serial.insert(first);
        // A scanner that pastes ends with Enter, like one that types.
        if text.contains('\n') || text.contains('\r') {
            let serial = self.serial.value();
            return self.bind(serial, cx);
        }
        Action::None
    }
    fn render(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let inner = Rect {
            x: area.x + 1,
            width: area.width.saturating_sub(2),
            ..area
        };
        let row = |y: u16, h: u16| Rect {
            y: inner.y + y.min(inner.height),
            height: h.min(inner.height.saturating_sub(y)),
            ..inner
        };
        frame.render_widget(Paragraph::new(header(&self.view, cx)), row(0, 2));
        let focused = self.focus == Focus::Serial;
        frame.render_widget(
            Paragraph::new(Line::from(label(cx.tr("binding.serial"), focused, cx))),
            row(3, 1),
        );
        let field = row(3, 1);
        let field = Rect {
            x: field.x + VALUE_X,
            width: field.width.saturating_sub(VALUE_X).min(34),
            ..field
        };
        self.serial.render(frame, field, focused, cx.theme);
        let hint = match &self.refused {
            Some((serial, _)) if !serial.is_empty() => {
                cx.t.f("binding.refused_serial", &[("serial", serial)])
            }
            Some(_) => String::new(),
            None => cx.tr("binding.serial_hint").to_string(),
        };
        let indented = |r: Rect| Rect {
            x: r.x + VALUE_X,
            width: r.width.saturating_sub(VALUE_X),
            ..r
        };
        frame.render_widget(
            Paragraph::new(Span::styled(hint, cx.theme.style(Meaning::Muted))),
            indented(row(4, 1)),
        );
        if let Some((_, why)) = &self.refused {
            // Two rows so a long refusal stays readable on 80 columns.
            frame.render_widget(
                Wrapped::new(error_line(why, cx)).trim(true),
                indented(row(5, 2)),
            );
        }
        let model = &self.view.form.model_code;
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!(
                    "  {}",
                    cx.t.f(
                        "binding.stock",
                        &[("model", model), ("n", &self.stock.len().to_string())],
                    )
                ),
                cx.theme.style(if self.focus == Focus::Stock {
                    Meaning::Focus
                } else {
                    Meaning::Heading
                }),
            )),
            row(8, 1),
        );
        self.render_stock(frame, row(9, inner.height), cx);
    }
}

impl BindDevice {
    fn render_stock(&self, frame: &mut Frame, area: Rect, cx: &Cx) {
        if area.height == 0 {
            return;
        }
        if self.stock.is_empty() {
            frame.render_widget(
                Wrapped::new(Span::styled(
                    format!("    {}", cx.tr("binding.no_stock")),
                    cx.theme.style(Meaning::Muted),
                )),
                area,
            );
            return;
        }
        let rows = usize::from(area.height);
        let first = self.selected.saturating_sub(rows.saturating_sub(1));
        let lines: Vec<Line> = self
            .stock
            .iter()
            .enumerate()
            .skip(first)
            .take(rows)
            .map(|(i, d)| {
                let here = i == self.selected;
                let (marker, style) = match (here, self.focus == Focus::Stock) {
                    (true, true) => (cx.theme.marker(Meaning::Focus), Meaning::Selected),
                    (true, false) => ("· ", Meaning::Normal),
                    _ => ("  ", Meaning::Normal),
                };
                Line::from(vec![
                    Span::raw("  "),
                    Span::styled(marker, cx.theme.style(Meaning::Focus)),
                    Span::styled(d.serial.clone(), cx.theme.style(style)),
                ])
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), area);
    }
}
