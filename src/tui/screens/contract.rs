//! The contract and its e-signature: the text of the policy's contract version,
//! scrollable, in either language; the applicant types their own full name and
//! the desk records the version and the time.

use super::checklist::refusal;
use crate::desk::ApplicationView;
use crate::tui::i18n::Lang;
use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::screen::{Action, Cx, Notice, Screen};
use crate::tui::theme::Meaning;
use crate::tui::widgets::text_field::{Grouping, TextField};
use crate::tui::widgets::width::{fit, width};
use crate::tui::widgets::wrap::{wrap, Wrapped};
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// The texts shipped with this build, by contract version.
pub fn contract_text(version: &str, lang: Lang) -> Option<&'static str> {
    match (version, lang) {
        ("2026.1", Lang::ZhCn) => Some(include_str!("../../../assets/contract/2026.1.zh-CN.md")),
        ("2026.1", Lang::En) => Some(include_str!("../../../assets/contract/2026.1.en.md")),
        _ => None,
    }
}

const SCHEDULE: [&str; 5] = [
    "contract.device",
    "contract.deposit",
    "contract.fees",
    "contract.target",
    "contract.refund",
];

pub struct Contract {
    id: i64,
    view: ApplicationView,
    version: String,
    lang: Lang,
    signature: TextField,
    error: Option<String>,
    scroll: usize,
    /// Rows of text visible at the last draw, for paging.
    page: usize,
}

pub(crate) const KEYS: &[Binding] = &[
    Binding::new(
        Key::plain(KeyCode::Enter),
        "contract.sign",
        "contract.key_sign",
    ),
    Binding::new(
        Key::plain(KeyCode::PageDown),
        "contract.page_down",
        "key.page_down",
    ),
    Binding::new(
        Key::plain(KeyCode::PageUp),
        "contract.page_up",
        "key.page_up",
    ),
    Binding::new(Key::f(2), "contract.language", "contract.key_language"),
    Binding::new(Key::plain(KeyCode::Esc), "contract.back", "key.back"),
    Binding::extra(Key::plain(KeyCode::Down), "contract.down", "key.down"),
    Binding::extra(Key::plain(KeyCode::Up), "contract.up", "key.up"),
];

impl Contract {
    pub fn new(id: i64, cx: &mut Cx) -> Result<Contract, String> {
        let view = cx.desk.application(id).map_err(|e| refusal(e, cx))?;
        Ok(Contract {
            id,
            view,
            version: cx.desk.policy.rules.contract_version.clone(),
            lang: cx.t.lang,
            signature: TextField::new(Grouping::None, 40),
            error: None,
            scroll: 0,
            page: 10,
        })
    }

    pub fn open(id: i64, cx: &mut Cx) -> Option<Box<dyn Screen>> {
        Contract::new(id, cx)
            .ok()
            .map(|c| Box::new(c) as Box<dyn Screen>)
    }

    fn sign(&mut self, cx: &mut Cx) -> Action {
        if contract_text(&self.version, self.lang).is_none() {
            self.error = Some(cx.t.f("contract.no_text", &[("version", &self.version)]));
            return Action::None;
        }
        let Some(actor) = cx.actor.cloned() else {
            return Action::None;
        };
        match cx
            .desk
            .sign_contract(&actor, self.id, &self.signature.value())
        {
            Ok(_) => Action::PopWith(Notice::Info(cx.t.f(
                "contract.signed",
                &[
                    ("version", &self.version),
                    ("name", &self.view.form.full_name),
                    ("reference", &self.view.reference),
                ],
            ))),
            Err(e) => {
                self.error = Some(refusal(e, cx));
                Action::None
            }
        }
    }

    /// The schedule (this application's device and money) above the clauses.
    /// Each row with the indent its wrapped lines take.
    fn schedule(&self, cx: &Cx) -> Vec<(Style, String, usize)> {
        let rules = &cx.desk.policy.rules;
        let mut out = vec![(
            cx.theme.style(Meaning::Heading),
            cx.tr("contract.schedule").to_string(),
            0,
        )];
        let label_w = SCHEDULE.iter().map(|k| width(cx.tr(k))).max().unwrap_or(12);
        let row = |k: &str, v: String| {
            (
                cx.theme.style(Meaning::Normal),
                format!("  {} {v}", fit(cx.tr(k), label_w)),
                label_w + 3,
            )
        };
        if let Some(m) = cx.desk.policy.model(&self.view.form.model_code) {
            out.push(row("contract.device", format!("{} {}", m.code, m.name)));
            out.push(row(
                "contract.deposit",
                cx.t.f(
                    "contract.deposit_value",
                    &[("amount", &m.deposit.to_string())],
                ),
            ));
            out.push(row(
                "contract.fees",
                cx.t.f(
                    "contract.fees_value",
                    &[
                        ("device", &m.device_fee.to_string()),
                        ("monthly", &m.monthly_fee.to_string()),
                    ],
                ),
            ));
            out.push(row(
                "contract.target",
                match m.volume_target {
                    Some(t) => cx.t.f(
                        "contract.target_value",
                        &[
                            ("amount", &t.amount.to_string()),
                            ("days", &t.days.to_string()),
                        ],
                    ),
                    None => cx.tr("contract.no_target").to_string(),
                },
            ));
        }
        out.push(row(
            "contract.refund",
            cx.t.f(
                "contract.refund_value",
                &[
                    ("from", &rules.refund_window_earliest.to_string()),
                    ("to", &rules.refund_window_latest.to_string()),
                ],
            ),
        ));
        out.push((Style::default(), String::new(), 0));
        out
    }

    /// Everything in the scrolling box, wrapped to `cols`.
    fn lines(&self, cx: &Cx, cols: usize) -> Vec<Line<'static>> {
        let mut out = Vec::new();
        for (style, text, hang) in self.schedule(cx) {
            for l in wrap(&text, cols, hang) {
                out.push(Line::styled(l, style));
            }
        }
        let Some(text) = contract_text(&self.version, self.lang) else {
            out.push(Line::styled(
                format!(
                    "{}{}",
                    cx.theme.marker(Meaning::Error),
                    cx.t.f("contract.no_text", &[("version", &self.version)])
                ),
                cx.theme.style(Meaning::Error),
            ));
            return out;
        };
        for raw in text.lines() {
            let (style, body) = if let Some(h) = raw.strip_prefix("# ") {
                (cx.theme.style(Meaning::Title), h)
            } else if let Some(h) = raw.strip_prefix("## ") {
                (cx.theme.style(Meaning::Heading), h)
            } else {
                (cx.theme.style(Meaning::Normal), raw)
            };
            // A numbered clause wraps under its own text, not under its number.
            let hang = body
                .find(". ")
                .filter(|&i| i > 0 && i <= 3 && body[..i].chars().all(|c| c.is_ascii_digit()))
                .map_or(0, |i| i + 2);
            for l in wrap(body, cols, hang) {
                out.push(Line::styled(l, style));
            }
        }
        out
    }
}

impl Screen for Contract {
    fn title(&self) -> &'static str {
        "contract.title"
    }

    fn bindings(&self) -> Vec<Binding> {
        KEYS.to_vec()
    }

    fn text_focused(&self) -> bool {
        true
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> Action {
        match lookup(&cx.keys.resolve(KEYS), &key) {
            Some("contract.sign") => return self.sign(cx),
            Some("contract.back") if self.signature.is_empty() => return Action::Pop,
            Some("contract.back") => {
                return Action::Confirm {
                    question: cx.tr("contract.leave").to_string(),
                    tag: "contract.leave",
                }
            }
            Some("contract.page_down") => self.scroll += self.page.max(1),
            Some("contract.page_up") => self.scroll = self.scroll.saturating_sub(self.page.max(1)),
            Some("contract.down") => self.scroll += 1,
            Some("contract.up") => self.scroll = self.scroll.saturating_sub(1),
            Some("contract.language") => {
                self.lang = match self.lang {
                    Lang::ZhCn => Lang::En,
                    Lang::En => Lang::ZhCn,
                };
                self.scroll = 0;
            }
            _ => {
                if self.signature.on_key(&key) {
                    self.error = None;
                }
            }
        }
        Action::None
    }

    fn on_paste(&mut self, text: &str, _cx: &mut Cx) -> Action {
        self.signature.insert(text.trim());
        Action::None
    }

    fn on_answer(&mut self, tag: &'static str, yes: bool, _cx: &mut Cx) -> Action {
        if tag == "contract.leave" && yes {
            Action::Pop
        } else {
            Action::None
        }
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let [head, body, sign] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(3),
        ])
        .areas(area);
        let v = &self.view;
        let text_lang = match self.lang {
            Lang::ZhCn => "contract.text_zh",
            Lang::En => "contract.text_en",
        };
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(
                    format!(" {}  ", v.reference),
                    cx.theme.style(Meaning::Title),
                ),
                Span::styled(
                    format!("{}  ", v.form.full_name),
                    cx.theme.style(Meaning::Heading),
                ),
                Span::raw(cx.t.f("contract.version", &[("version", &self.version)])),
                Span::styled(
                    format!("  {}", cx.tr(text_lang)),
                    cx.theme.style(Meaning::Muted),
                ),
            ])),
            head,
        );
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(cx.theme.style(Meaning::Border));
        let inner = block.inner(body);
        let lines = self.lines(cx, usize::from(inner.width.saturating_sub(2)));
        let height = usize::from(inner.height);
        self.page = height.saturating_sub(1).max(1);
        self.scroll = self.scroll.min(lines.len().saturating_sub(height));
        let last = (self.scroll + height).min(lines.len());
        let block = block.title_bottom(Line::styled(
            format!(
                " {} ",
                cx.t.f(
                    "contract.position",
                    &[
                        ("from", &(self.scroll + 1).to_string()),
                        ("to", &last.to_string()),
                        ("n", &lines.len().to_string()),
                    ],
                )
            ),
            cx.theme.style(Meaning::Muted),
        ));
        frame.render_widget(block, body);
        let visible: Vec<Line> = lines.into_iter().skip(self.scroll).take(height).collect();
        frame.render_widget(
            Paragraph::new(visible),
            Rect::new(
                inner.x + 1,
                inner.y,
                inner.width.saturating_sub(2),
                inner.height,
            ),
        );
        self.render_signature(frame, sign, cx);
    }
}

impl Contract {
    fn render_signature(&self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let r = Rect::new(area.x + 1, area.y, area.width.saturating_sub(2), 1);
        let label = format!(
            "{}{} ",
            cx.theme.marker(Meaning::Focus),
            cx.tr("contract.signature_label")
        );
        let lw = (width(&label) as u16).min(r.width);
        frame.render_widget(
            Paragraph::new(Span::styled(label, cx.theme.style(Meaning::Focus))),
            Rect { width: lw, ..r },
        );
        self.signature.render(
            frame,
            Rect::new(r.x + lw, r.y, r.width.saturating_sub(lw), 1),
            true,
            cx.theme,
        );
        let below = Rect::new(r.x, r.y + 1, r.width, area.height.saturating_sub(1));
        let line = match &self.error {
            Some(e) => Span::styled(
                format!("{}{e}", cx.theme.marker(Meaning::Error)),
                cx.theme.style(Meaning::Error),
            ),
            None => Span::styled(
                cx.tr("contract.signature_hint").to_string(),
                cx.theme.style(Meaning::Muted),
            ),
        };
        frame.render_widget(Wrapped::new(line).trim(true), below);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_texts_wrap_within_the_width() {
        for lang in [Lang::ZhCn, Lang::En] {
            let text = contract_text("2026.1", lang).unwrap_or_default();
            assert!(text.contains("2026.1"));
            for raw in text.lines() {
                for l in wrap(raw, 40, 3) {
                    assert!(width(&l) <= 40, "{l:?}");
                }
            }
        }
    }
}
