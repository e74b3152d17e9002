//! How the fees screen looks: the fees due with paid and open amounts, then the
//! payment form.

use super::{Fees, Focus};
use crate::desk::PAYMENT_METHODS;
use crate::domain::money::Fen;
use crate::tui::screen::Cx;
use crate::tui::screens::binding::{error_line, header, label, VALUE_X};
use crate::tui::theme::Meaning;
use crate::tui::widgets::width::{fit, width};
use crate::tui::widgets::wrap::Wrapped;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

impl Fees {
    fn fee_name(kind: &str, period: Option<&str>, cx: &Cx) -> String {
        let key = format!("fees_screen.kind.{kind}");
        let name = if cx.t.has(&key) { cx.tr(&key) } else { kind };
        match period {
            Some(p) => format!("{name} {p}"),
            None => name.to_string(),
        }
    }

    fn table(&self, rows: u16, cx: &Cx) -> Vec<Line<'static>> {
        let col = |s: &str, w: usize| fit(s, w);
        // Right-aligned by display width, so Chinese headings line up too.
        let right = |s: &str| format!("{}{s} ", " ".repeat(11usize.saturating_sub(width(s))));
        let money = |f: Fen| right(&f.to_string());
        let mut lines = vec![Line::styled(
            format!(
                "{}{}{}{}{}",
                col(cx.tr("fees_screen.col_fee"), 20),
                col(cx.tr("fees_screen.col_due"), 12),
                right(cx.tr("fees_screen.col_amount")),
                right(cx.tr("fees_screen.col_paid")),
                right(cx.tr("fees_screen.col_open")),
            ),
            cx.theme.style(Meaning::Heading),
        )];
        if self.status.fees.is_empty() {
            let key = if self.view.state == "activated" {
                "fees_screen.none_due"
            } else {
                "fees_screen.not_activated"
            };
            lines.push(Line::styled(
                cx.tr(key).to_string(),
                cx.theme.style(Meaning::Muted),
            ));
            return lines;
        }
        // The newest fees matter most; older ones scroll off the top.
        let room = usize::from(rows.saturating_sub(2)).max(1);
        let skipped = self.status.fees.len().saturating_sub(room);
        if skipped > 0 {
            lines.push(Line::styled(
                cx.t.f("fees_screen.earlier", &[("n", &(skipped + 1).to_string())]),
                cx.theme.style(Meaning::Muted),
            ));
        }
        let shown = self
            .status
            .fees
            .iter()
            .skip(if skipped > 0 { skipped + 1 } else { 0 });
        for f in shown {
            let open = f.amount.checked_sub(f.paid).unwrap_or(Fen::ZERO);
            let m = if open.is_zero() {
                Meaning::Muted
            } else {
                Meaning::Normal
            };
            lines.push(Line::styled(
                format!(
                    "{}{}{}{}{}",
                    col(&Self::fee_name(&f.kind, f.period.as_deref(), cx), 20),
                    col(&f.due_date, 12),
                    money(f.amount),
                    money(f.paid),
                    money(open),
                ),
                cx.theme.style(m),
            ));
        }
        lines
    }

    pub(super) fn draw(&mut self, frame: &mut Frame, area: Rect, cx: &Cx) {
        let inner = Rect {
            x: area.x + 1,
            width: area.width.saturating_sub(2),
            ..area
        };
        let bottom = 8u16;
        let at = |y: u16, h: u16| Rect {
            y: inner.y + y.min(inner.height),
            height: h.min(inner.height.saturating_sub(y)),
            ..inner
        };
        let value = |r: Rect| Rect {
            x: r.x + VALUE_X,
            width: r.width.saturating_sub(VALUE_X),
            ..r
        };
        frame.render_widget(Paragraph::new(header(&self.view, cx)), at(0, 2));
        let table_h = inner.height.saturating_sub(bottom + 4);
        frame.render_widget(Paragraph::new(self.table(table_h, cx)), at(3, table_h));
        let base = inner.height.saturating_sub(bottom);
        frame.render_widget(
            Paragraph::new(Line::from(
                [
                    label(cx.tr("fees_screen.outstanding"), false, cx),
                    vec![Span::styled(
                        self.status.outstanding.to_string(),
                        cx.theme.style(Meaning::Heading),
                    )],
                ]
                .concat(),
            )),
            at(base, 1),
        );
        let amount_focused = self.focus == Focus::Amount;
        frame.render_widget(
            Paragraph::new(Line::from(label(
                cx.tr("fees_screen.amount"),
                amount_focused,
                cx,
            ))),
            at(base + 2, 1),
        );
        let field = value(at(base + 2, 1));
        self.amount.render(
            frame,
            Rect {
                width: field.width.min(16),
                ..field
            },
            amount_focused,
            cx.theme,
        );
        let method_focused = self.focus == Focus::Method;
        let mut spans = label(cx.tr("handover.method_label"), method_focused, cx);
        for (i, m) in PAYMENT_METHODS.iter().enumerate() {
            let name = cx.tr(&format!("handover.method.{m}")).to_string();
            let chosen = self.method == Some(i);
            // Brackets mark the choice without colour.
            let text = if chosen {
                format!("[{} {name}]", i + 1)
            } else {
                format!(" {} {name} ", i + 1)
            };
            let style = if chosen {
                Meaning::Selected
            } else {
                Meaning::Normal
            };
            spans.push(Span::styled(text, cx.theme.style(style)));
            spans.push(Span::raw(" "));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), at(base + 3, 1));
        let hint = if method_focused {
            "handover.method_hint"
        } else {
            "fees_screen.amount_hint"
        };
        frame.render_widget(
            Paragraph::new(Span::styled(
                cx.tr(hint).to_string(),
                cx.theme.style(Meaning::Muted),
            )),
            value(at(base + 4, 1)),
        );
        if let Some(e) = &self.error {
            frame.render_widget(
                Wrapped::new(error_line(e, cx)).trim(true),
                value(at(base + 6, 2)),
            );
        }
    }
}
