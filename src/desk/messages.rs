//! What a merchant's phone receives, one function per message: the use cases
//! and the bulk demo word them the same way.

use super::checklist::CODE_MINUTES;
use crate::domain::money::Fen;

/// An SMS for the outbox: which template, and its text.
pub struct Sms {
    pub template: &'static str,
    pub body: String,
}

pub fn phone_code(code: &str) -> Sms {
    Sms {
        template: "phone_code",
        body: format!("【POS服务】您的验证码是 {code}，{CODE_MINUTES}分钟内有效。请勿告诉他人。"),
    }
}

pub fn application_rejected(reference: &str, reason: &str) -> Sms {
    Sms {
        template: "application_rejected",
        body: format!(
            "【POS服务】您的终端申请 {reference} 未通过审核：{reason}。如有疑问请到申请网点咨询。"
        ),
    }
}

/// `place` is the pickup point as the merchant finds it: name（address）.
pub fn ready_for_pickup(reference: &str, place: &str) -> Sms {
    Sms {
        template: "ready_for_pickup",
        body: format!(
            "【POS服务】您申请的POS终端已备好（申请号 {reference}），请携带本人身份证到{place}领取。"
        ),
    }
}

pub fn pickup_place(name: &str, address: &str) -> String {
    format!("{name}（{address}）")
}

/// `window` is the expected first and last day, when confirmation fixed one.
pub fn refund_sent(refund_ref: &str, amount: Fen, window: Option<(&str, &str)>) -> Sms {
    let window = match window {
        Some((a, b)) => format!("，预计 {a} 至 {b} 到账"),
        None => String::new(),
    };
    Sms {
        template: "refund_sent",
        body: format!("【POS服务】您的押金退款 {refund_ref}（{amount}）已提交银行{window}。"),
    }
}

pub fn refund_done(amount: Fen, card_number: &str) -> Sms {
    let last4 = &card_number[card_number.len().saturating_sub(4)..];
    Sms {
        template: "refund_done",
        body: format!("【POS服务】您的押金 {amount} 已退回尾号 {last4} 的银行卡，请注意查收。"),
    }
}

pub fn refund_failed(refund_ref: &str, reason: &str) -> Sms {
    Sms {
        template: "refund_failed",
        body: format!(
            "【POS服务】您的押金退款 {refund_ref} 未能到账：{reason}。请携带本人身份证和本人名下的其他银行卡到网点重新办理。"
        ),
    }
}
