//! The kiosk's common questions, answered from the policy and the config, so
//! the help says what the counter actually does.

use crate::tui::i18n::Lang;
use crate::tui::screen::Cx;
use crate::tui::theme::Meaning;
use crate::tui::widgets::wrap::wrap;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// The questions and answers, wrapped to `cols`.
pub(super) fn lines(cx: &Cx, cols: u16) -> Vec<Line<'static>> {
    let cols = usize::from(cols.max(20));
    let rules = &cx.desk.policy.rules;
    let mut out: Vec<Line<'static>> = Vec::new();
    let question = |out: &mut Vec<Line<'static>>, key: &str| {
        if !out.is_empty() {
            out.push(Line::default());
        }
        for l in wrap(cx.tr(key), cols, 0) {
            out.push(Line::styled(l, cx.theme.style(Meaning::Heading)));
        }
    };
    let para = |out: &mut Vec<Line<'static>>, text: &str, hang: usize| {
        out.extend(wrap(text, cols, hang).into_iter().map(Line::from));
    };

    question(&mut out, "kiosk.help.q_refund");
    para(&mut out, cx.tr("kiosk.help.a_refund"), 0);
    for key in [
        "kiosk.help.cond_activated",
        "kiosk.help.cond_fees",
        "kiosk.help.cond_breach",
    ] {
        para(&mut out, &format!("  • {}", cx.tr(key)), 4);
    }
    let targets: Vec<String> = cx
        .desk
        .policy
        .models
        .iter()
        .filter_map(|m| {
            m.volume_target.map(|t| {
                cx.t.f(
                    "kiosk.help.target",
                    &[
                        ("model", &m.code),
                        ("amount", &t.amount.to_string()),
                        ("days", &t.days.to_string()),
                    ],
                )
            })
        })
        .collect();
    if !targets.is_empty() {
        let sep = if cx.t.lang == Lang::ZhCn { "；" } else { "; " };
        let text =
            cx.t.f("kiosk.help.cond_volume", &[("targets", &targets.join(sep))]);
        para(&mut out, &format!("  • {text}"), 4);
    }
    let when = cx.t.f(
        "kiosk.help.a_refund_when",
        &[
            ("earliest", &rules.refund_window_earliest.to_string()),
            ("latest", &rules.refund_window_latest.to_string()),
        ],
    );
    para(&mut out, &when, 0);

    question(&mut out, "kiosk.help.q_steps");
    for (i, key) in [
        "kiosk.help.step_apply",
        "kiosk.help.step_review",
        "kiosk.help.step_verify",
        "kiosk.help.step_contract",
        "kiosk.help.step_ready",
        "kiosk.help.step_pickup",
        "kiosk.help.step_activate",
    ]
    .iter()
    .enumerate()
    {
        para(&mut out, &format!("  {}. {}", i + 1, cx.tr(key)), 5);
    }

    question(&mut out, "kiosk.help.q_works");
    para(&mut out, cx.tr("kiosk.help.a_works"), 0);

    question(&mut out, "kiosk.help.q_cost");
    para(&mut out, cx.tr("kiosk.help.a_cost"), 0);
    for m in &cx.desk.policy.models {
        let mut text = cx.t.f(
            "kiosk.help.model_deposit",
            &[
                ("name", &m.name),
                ("code", &m.code),
                ("deposit", &m.deposit.to_string()),
            ],
        );
        if !m.device_fee.is_zero() {
            let key = if rules.first_terminal_device_fee_waived {
                "kiosk.help.device_fee_waived"
            } else {
                "kiosk.help.device_fee"
            };
            text.push_str(&cx.t.f(key, &[("amount", &m.device_fee.to_string())]));
        }
        if !m.monthly_fee.is_zero() {
            text.push_str(&cx.t.f(
                "kiosk.help.monthly_fee",
                &[("amount", &m.monthly_fee.to_string())],
            ));
        }
        para(&mut out, &format!("  • {text}"), 4);
    }

    question(&mut out, "kiosk.help.q_other");
    para(
        &mut out,
        &cx.t
            .f("kiosk.help.a_other", &[("phone", &cx.config.service_phone)]),
        0,
    );
    out
}

pub(super) fn render(
    lines: Vec<Line<'static>>,
    scroll: u16,
    frame: &mut Frame,
    area: Rect,
    cx: &Cx,
) {
    let r = Rect {
        x: area.x + 1,
        width: area.width.saturating_sub(2),
        ..area
    };
    let more = (lines.len() as u16).saturating_sub(area.height.saturating_sub(2)) > scroll;
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(cx.theme.style(Meaning::Border))
        .title(format!(" {} ", cx.tr("kiosk.help.title")));
    if more {
        block = block.title_bottom(format!(" {} ", cx.tr("kiosk.help.more")));
    }
    let inner = block.inner(r);
    frame.render_widget(block, r);
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll, 0)),
        Rect {
            x: inner.x + 1,
            width: inner.width.saturating_sub(1),
            ..inner
        },
    );
}
