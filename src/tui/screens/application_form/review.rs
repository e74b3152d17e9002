//! The review page: everything on one page, personal numbers masked, and what
//! still stands in the way of submitting.

use super::fields::{problem_for, FieldId, ALL_FIELDS};
use super::ApplicationFormScreen;
use crate::domain::application_form::{FormCheck, LONG_TERM};
use crate::domain::bank_card::BankCard;
use crate::domain::phone::Phone;
use crate::domain::resident_id::{ResidentId, Sex};
use crate::tui::screen::Cx;
use crate::tui::theme::Meaning;
use crate::tui::widgets::width::{fit, width};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

impl ApplicationFormScreen {
    pub(super) fn draw_review(
        &mut self,
        frame: &mut Frame,
        area: Rect,
        cx: &Cx,
        complete: &FormCheck,
    ) {
        let label_w = usize::from(Self::label_width(cx));
        let mut lines = Vec::new();
        let row = |label: &str, value: String, problem: Option<(bool, String)>| {
            let (mark, m) = match &problem {
                Some((true, _)) => (cx.theme.marker(Meaning::Error), Meaning::Error),
                Some((false, _)) => (cx.theme.marker(Meaning::Warning), Meaning::Warning),
                None => ("  ", Meaning::Normal),
            };
            let used = 2 + label_w + 1 + width(&value) + 2;
            let mut spans = vec![
                Span::styled(mark.to_string(), cx.theme.style(m)),
                Span::styled(fit(label, label_w), cx.theme.style(Meaning::Heading)),
                Span::raw(format!(" {value}")),
            ];
            if let Some((_, text)) = problem {
                let room = usize::from(area.width).saturating_sub(used);
                spans.push(Span::styled(
                    format!("  {}", fit(&text, room).trim_end()),
                    cx.theme.style(m),
                ));
            }
            Line::from(spans)
        };
        for field in ALL_FIELDS {
            let problem = problem_for(complete, field).map(|(err, p)| {
                let text = if p.code == "card.luhn_unconfirmed" {
                    cx.tr("appform.luhn_warning").to_string()
                } else {
                    cx.t.problem(p)
                };
                (err, text)
            });
            lines.push(row(
                cx.tr(field.label()),
                self.review_value(field, cx),
                problem,
            ));
            if field == FieldId::Model {
                lines.push(row(cx.tr("appform.pickup_point"), self.point.clone(), None));
            }
        }
        let max = u16::try_from(lines.len())
            .unwrap_or(0)
            .saturating_sub(area.height);
        self.scroll = self.scroll.min(max);
        frame.render_widget(Paragraph::new(lines).scroll((self.scroll, 0)), area);
    }

    /// What the review page shows: personal numbers masked, choices in words.
    fn review_value(&self, field: FieldId, cx: &Cx) -> String {
        let value = self.inputs.value(field);
        let stars = |v: &str| "*".repeat(v.chars().count().min(19));
        let shown = match field {
            FieldId::IdNumber if !value.is_empty() => {
                let masked = ResidentId::parse(&value, chrono::NaiveDate::MAX)
                    .map(|id| id.masked())
                    .unwrap_or_else(|_| stars(&value));
                match id_hint(&value, cx) {
                    Some(h) => format!("{masked}  {h}"),
                    None => masked,
                }
            }
            FieldId::Phone if !value.is_empty() => Phone::parse(&value)
                .map(|p| p.masked())
                .unwrap_or_else(|_| stars(&value)),
            FieldId::CardNumber if !value.is_empty() => {
                BankCard::parse(&value, &Default::default())
                    .map(|c| c.card.masked())
                    .unwrap_or_else(|_| stars(&value))
            }
            FieldId::IdValidUntil if value.trim() == LONG_TERM => {
                cx.tr("appform.long_term").to_string()
            }
            FieldId::CardKind => match self.inputs.card_kind.as_str() {
                "debit" => cx.tr("appform.debit").to_string(),
                "credit" => cx.tr("appform.credit").to_string(),
                _ => String::new(),
            },
            FieldId::Model => match cx.desk.policy.model(&self.inputs.model_code) {
                Some(m) => format!(
                    "{} {} · {}",
                    m.code,
                    m.name,
                    cx.t.f("appform.deposit", &[("amount", &m.deposit.to_string())])
                ),
                None => self.inputs.model_code.clone(),
            },
            FieldId::Terms if self.inputs.terms => cx.t.f(
                "appform.agreed_version",
                &[("version", &cx.desk.policy.rules.terms_version)],
            ),
            FieldId::Terms => cx.tr("appform.not_agreed").to_string(),
            _ => value,
        };
        if shown.trim().is_empty() {
            "—".to_string()
        } else {
            shown
        }
    }
}

/// Birth date, sex and age read from a valid ID number.
pub(super) fn id_hint(value: &str, cx: &Cx) -> Option<String> {
    let today = cx.desk.clock.today();
    let id = ResidentId::parse(value, today).ok()?;
    let sex = match id.sex() {
        Sex::Male => cx.tr("appform.male"),
        Sex::Female => cx.tr("appform.female"),
    };
    Some(cx.t.f(
        "appform.id_hint",
        &[
            ("birth", &id.birth_date().format("%Y-%m-%d").to_string()),
            ("sex", sex),
            ("age", &id.age_on(today).to_string()),
        ],
    ))
}
