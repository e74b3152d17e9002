//! What the review shows: the application as rows of label and value, and
//! the facts the store knows, each with the meaning that says if it matters.

use super::Review;
use crate::domain::person_name::PersonName;
use crate::domain::resident_id::Capacity;
use crate::tui::screen::Cx;
use crate::tui::screens::checklist::applicant_text;
use crate::tui::theme::Meaning;
use crate::tui::widgets::width::{fit, width};
use crate::tui::widgets::wrap::wrap;
use ratatui::text::{Line, Span};

impl Review {
    /// One line per fact, each with the meaning that says whether it matters.
    pub(super) fn fact_lines(&self, cx: &Cx) -> Vec<(Meaning, String)> {
        let f = &self.facts;
        let mut out = Vec::new();
        let n = |v: i64| v.to_string();
        let limit = i64::from(f.terminal_limit);
        let after = f.active_terminals + f.other_open_applications + 1;
        out.push((
            if after > limit {
                Meaning::Error
            } else {
                Meaning::Success
            },
            cx.t.f(
                "approval.terminals",
                &[("n", &n(f.active_terminals)), ("limit", &n(limit))],
            ),
        ));
        out.push((
            if f.other_open_applications > 0 {
                Meaning::Warning
            } else {
                Meaning::Success
            },
            cx.t.f(
                "approval.open_apps",
                &[("n", &n(f.other_open_applications))],
            ),
        ));
        if after > limit {
            out.push((
                Meaning::Error,
                cx.t.f(
                    "approval.over_limit",
                    &[("n", &n(after)), ("limit", &n(limit))],
                ),
            ));
        }
        out.push(if f.phone_on_other_merchants > 0 {
            (
                Meaning::Warning,
                cx.t.f(
                    "approval.phone_others",
                    &[("n", &n(f.phone_on_other_merchants))],
                ),
            )
        } else {
            (Meaning::Success, cx.tr("approval.phone_unique").to_string())
        });
        if let Some(a) = &self.applicant {
            let (m, key) = match a.capacity {
                Capacity::Adult => (Meaning::Success, "approval.age_adult"),
                Capacity::NeedsSupervisor => (Meaning::Warning, "approval.age_supervised"),
                Capacity::Minor => (Meaning::Error, "approval.age_minor"),
            };
            out.push((m, cx.t.f(key, &[("age", &a.age.to_string())])));
        }
        let form = &self.view.form;
        let own = PersonName::parse(&form.full_name)
            .map(|p| p.matches(&form.card_holder))
            .unwrap_or(false);
        if !own {
            out.push((
                Meaning::Warning,
                cx.tr("approval.holder_differs").to_string(),
            ));
        }
        out
    }

    /// Label and value per row; long values wrap under the value, not the label.
    pub(super) fn application_lines(&self, cx: &Cx, cols: usize) -> Vec<Line<'static>> {
        let f = &self.view.form;
        let model = cx
            .desk
            .policy
            .model(&f.model_code)
            .map(|m| m.name.clone())
            .unwrap_or_default();
        let kind = match f.card_kind.as_str() {
            "debit" => cx.tr("approval.debit"),
            "credit" => cx.tr("approval.credit"),
            other => other,
        };
        let rows: Vec<(&str, String)> = vec![
            ("field.full_name", f.full_name.clone()),
            ("field.id_number", f.id_number.clone()),
            ("field.id_valid_until", f.id_valid_until.clone()),
            ("field.phone", f.phone.clone()),
            ("field.business_name", f.business_name.clone()),
            ("field.business_address", f.business_address.clone()),
            ("field.card_number", f.card_number.clone()),
            ("field.card_bank", format!("{} · {kind}", f.card_bank)),
            ("field.card_branch", f.card_branch.clone()),
            ("field.card_holder", f.card_holder.clone()),
            ("field.model_code", format!("{} {model}", f.model_code)),
            (
                "field.terms_agreed",
                self.view.terms_version.clone().unwrap_or_default(),
            ),
        ];
        let label_w = rows
            .iter()
            .map(|(k, _)| width(cx.tr(k)))
            .max()
            .unwrap_or(8)
            .min(14);
        let mut lines = Vec::new();
        let value_w = cols.saturating_sub(label_w + 1);
        let indent = " ".repeat(label_w + 1);
        for (key, value) in rows {
            let value = if value.trim().is_empty() {
                "—".to_string()
            } else {
                value
            };
            for (i, part) in wrap(&value, value_w, 0).into_iter().enumerate() {
                let head = if i == 0 {
                    format!("{} ", fit(cx.tr(key), label_w))
                } else {
                    indent.clone()
                };
                lines.push(Line::from(vec![
                    Span::styled(head, cx.theme.style(Meaning::Heading)),
                    Span::raw(part),
                ]));
            }
            if key == "field.id_number" {
                if let Some(a) = &self.applicant {
                    for part in wrap(&applicant_text(a, cx), value_w, 0) {
                        lines.push(Line::styled(
                            format!("{indent}{part}"),
                            cx.theme.style(Meaning::Muted),
                        ));
                    }
                }
            }
        }
        lines
    }
}
