//! One file per screen, named for what the clerk does there.

pub mod activation;
pub mod application_form;
pub mod bank;
pub mod binding;
pub mod change_pin;
pub mod checklist;
pub mod contract;
pub mod dashboard;
pub mod detail;
pub mod fees;
pub mod handover;
pub mod home;
pub mod kiosk;
pub mod login;
pub mod refund;
pub mod review;
pub mod welcome;

use super::keymap::Binding;
use super::screen::Screen;
use crate::desk::Desk;
use std::collections::BTreeSet;

/// Every screen's key tables: the commands a config's `[keys]` may name.
const KEY_TABLES: &[&[Binding]] = &[
    activation::KEYS,
    application_form::KEYS,
    bank::export::KEYS,
    bank::import::KEYS,
    binding::KEYS,
    change_pin::KEYS,
    checklist::KEYS,
    checklist::NOTE_KEYS,
    checklist::CODE_KEYS,
    contract::KEYS,
    dashboard::KEYS,
    dashboard::SEARCH_KEYS,
    detail::KEYS,
    detail::REVEAL_KEYS,
    fees::KEYS,
    handover::KEYS,
    home::KEYS,
    home::FIND_KEYS,
    kiosk::PROMPT_KEYS,
    kiosk::RESULT_KEYS,
    kiosk::HELP_KEYS,
    kiosk::exit::KEYS,
    login::KEYS,
    login::LOCK_KEYS,
    refund::VIEW_KEYS,
    refund::CARD_KEYS,
    refund::REASON_KEYS,
    review::KEYS,
    review::APPROVE_KEYS,
    review::REJECT_KEYS,
    welcome::KEYS,
    welcome::SETUP_KEYS,
    crate::tui::widgets::dialog::KEYS,
];

/// Every screen's key tables, as declared (before config overrides).
pub fn key_tables() -> &'static [&'static [Binding]] {
    KEY_TABLES
}

/// The id of every command a key can be bound to (`home.new`, `appform.save` …).
pub fn command_ids() -> BTreeSet<&'static str> {
    KEY_TABLES
        .iter()
        .flat_map(|table| table.iter().map(|b| b.id))
        .collect()
}

/// An empty store offers to set itself up; otherwise staff log in.
pub fn start_screen(desk: &Desk) -> Box<dyn Screen> {
    let empty = desk.staff_count().map(|n| n == 0).unwrap_or(false);
    if empty {
        Box::new(welcome::Welcome::new())
    } else {
        Box::new(login::Login::new())
    }
}

/// The screen that takes an application its next step (used by home and detail).
pub fn masked_phone(phone: Option<&str>) -> String {
    phone
        .and_then(|p| crate::domain::phone::Phone::parse(p).ok())
        .map(|p| p.masked())
        .unwrap_or_default()
}

use super::screen::{Action, Cx};

/// Open an application where its next step is done.
pub fn open_application(id: i64, cx: &mut Cx) -> Action {
    match detail::Detail::new(id, cx) {
        Ok(screen) => Action::Push(Box::new(screen)),
        Err(e) => Action::Notice(super::screen::Notice::Error(e)),
    }
}

/// Start a new application at the actor's pickup point.
pub fn new_application(cx: &mut Cx) -> Action {
    Action::Push(Box::new(application_form::ApplicationFormScreen::new(cx)))
}

/// The screen where `state`'s next step is done, if the actor may do it.
/// Each step's screen registers itself here.
pub fn next_step(
    state: crate::domain::lifecycle::ApplicationState,
    id: i64,
    cx: &mut Cx,
) -> Option<Box<dyn super::screen::Screen>> {
    use crate::domain::lifecycle::ApplicationState as S;
    let _ = (id, &cx);
    match state {
        S::Draft => application_form::ApplicationFormScreen::resume(id, cx)
            .ok()
            .map(|s| Box::new(s) as _),
        S::Submitted => review::Review::open(id, cx),
        S::Approved => checklist::Checklist::open(id, cx),
        S::Verified => contract::Contract::open(id, cx),
        S::Contracted => binding::BindDevice::new(id, cx)
            .ok()
            .map(|s| Box::new(s) as _),
        S::ReadyForPickup => handover::HandOver::new(id, cx)
            .ok()
            .map(|s| Box::new(s) as _),
        S::PickedUp => activation::Activation::new(id, cx)
            .ok()
            .map(|s| Box::new(s) as _),
        S::Activated => refund::Refund::open(id, cx),
        S::Rejected | S::Cancelled => None,
    }
}

/// A stored UTC instant as the counter's local `MM-DD HH:MM` (or `YYYY-MM-DD HH:MM`).
pub fn local_time(instant: &str, with_year: bool) -> String {
    match chrono::DateTime::parse_from_rfc3339(instant) {
        Ok(t) => {
            let local = t.with_timezone(&crate::desk::china_offset());
            local
                .format(if with_year {
                    "%Y-%m-%d %H:%M"
                } else {
                    "%m-%d %H:%M"
                })
                .to_string()
        }
        Err(_) => instant.to_string(),
    }
}

/// An audit entry's action in the screen's language: `check face_check` reads
/// "Checked · Face check passed"; unknown actions show as stored.
pub fn action_label(cx: &Cx, action: &str) -> String {
    if let Some(item) = action.strip_prefix("check ") {
        return format!(
            "{} · {}",
            cx.tr("audit.check"),
            cx.tr(&format!("check.{item}"))
        );
    }
    let key = format!("audit.{}", action.replace(' ', "_"));
    if cx.t.has(&key) {
        cx.tr(&key).to_string()
    } else {
        action.to_string()
    }
}

/// An audit entry's reason in the screen's language: posdesk's own (fees
/// taken, a batch, a breach, why a deposit is held) said from its parts, a
/// clerk's words as they were typed.
pub fn reason_label(cx: &Cx, action: &str, reason: &str) -> String {
    use crate::domain::audit_reason::{read, Said};
    let Some(said) = read(action, reason) else {
        return reason.to_string();
    };
    match said {
        Said::Paid { amount, method } => {
            let key = format!("handover.method.{method}");
            let method = if cx.t.has(&key) { cx.tr(&key) } else { method };
            cx.t.f(
                "audit_reason.paid",
                &[("amount", amount), ("method", method)],
            )
        }
        Said::Batch { refunds, total } => cx.t.f(
            "audit_reason.batch",
            &[("n", &refunds.to_string()), ("total", total)],
        ),
        Said::Volumes { lines, total } => cx.t.f(
            "audit_reason.volumes",
            &[("n", &lines.to_string()), ("total", total)],
        ),
        Said::Breach { number, text } => cx.t.f(
            "audit_reason.breach",
            &[("n", &number.to_string()), ("text", text)],
        ),
        Said::Unmet { code, detail } => match (code, detail) {
            ("eligibility.breach", Some(text)) => {
                cx.t.f("audit_reason.unmet_breach", &[("text", text)])
            }
            ("eligibility.fees", Some(amount)) => {
                cx.t.f("audit_reason.unmet_fees", &[("amount", amount)])
            }
            // Chinese by the code; English keeps the desk's sentence, which
            // carries the amounts and days.
            _ => kiosk::unmet_text(code, reason, cx),
        },
        Said::Demo => cx.tr("audit_reason.demo").to_string(),
    }
}

/// A stored state (of an application, deposit, refund or device) in the screen's language.
pub fn state_label(cx: &Cx, state: &str) -> String {
    // The names do not overlap: an application's, a deposit's
    // (`refund_requested`…), a refund's (`requested`…), a device's.
    for prefix in ["state", "deposit", "refund_state", "device_state"] {
        let key = format!("{prefix}.{state}");
        if cx.t.has(&key) {
            return cx.tr(&key).to_string();
        }
    }
    state.to_string()
}

#[cfg(test)]
mod key_table_tests {
    use super::*;

    /// A key table left out of `KEY_TABLES` would make its commands
    /// impossible to rebind (config refuses ids it does not know).
    #[test]
    fn every_key_table_is_listed() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui");
        let mut declared = 0;
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    declared += text
                        .lines()
                        .filter(|l| l.trim_start().starts_with("pub(crate) const"))
                        .filter(|l| l.contains(": &[Binding] = &["))
                        .count();
                }
            }
        }
        assert_eq!(
            declared,
            KEY_TABLES.len(),
            "a key table is missing from KEY_TABLES"
        );
        let ids = command_ids();
        assert!(ids.contains("home.new") && ids.contains("confirm.no"));
        assert!(ids.iter().all(|id| id.contains('.')), "{ids:?}");
    }
}

#[cfg(test)]
mod reason_tests {
    use super::*;
    use crate::config::Config;
    use crate::domain::audit_reason as said;
    use crate::domain::money::Fen;
    use crate::tui::i18n::{I18n, Lang};
    use crate::tui::keymap::KeyOverrides;
    use crate::tui::theme::Theme;

    fn label(lang: Lang, action: &str, reason: &str) -> String {
        let mut desk = crate::tui::testing::desk();
        let (t, theme) = (I18n::new(lang), Theme::color());
        let (config, keys) = (Config::default(), KeyOverrides::default());
        let cx = Cx {
            desk: &mut desk,
            actor: None,
            t: &t,
            theme: &theme,
            config: &config,
            keys: &keys,
            search: None,
        };
        reason_label(&cx, action, reason)
    }

    #[test]
    fn posdesks_own_reasons_in_each_language() {
        let cases = [
            (
                "pay fees",
                said::paid(Fen(500), "wechat"),
                "¥5.00，微信支付",
                "¥5.00 by WeChat Pay",
            ),
            (
                "export",
                said::batch(13, Fen(362_900)),
                "13 笔退款，合计 ¥3,629.00",
                "13 refunds, ¥3,629.00",
            ),
            (
                "import volumes",
                said::volumes(2, Fen(100)),
                "2 行，合计 ¥1.00",
                "2 lines, ¥1.00",
            ),
            (
                "record breach",
                said::breach(7, "转借"),
                "违约 7：转借",
                "breach 7: 转借",
            ),
            ("stock in", said::DEMO.to_string(), "演示数据", "demo"),
            (
                "eligibility",
                "Fees of ¥5.00 are still unpaid.".to_string(),
                "尚有费用 ¥5.00 未缴清。",
                "Fees of ¥5.00 are still unpaid.",
            ),
            (
                "eligibility",
                "The terminal has not been activated yet.".to_string(),
                "终端尚未激活。",
                "The terminal has not been activated yet.",
            ),
            // A clerk's words, whatever they look like, as typed.
            (
                "cancel",
                "申请人放弃申请".to_string(),
                "申请人放弃申请",
                "申请人放弃申请",
            ),
            ("reject", "demo".to_string(), "demo", "demo"),
        ];
        for (action, reason, zh, en) in cases {
            assert_eq!(label(Lang::ZhCn, action, &reason), zh, "{reason}");
            assert_eq!(label(Lang::En, action, &reason), en, "{reason}");
        }
    }
}
