//! The application form as the clerk fills it in: raw text per field, checked
//! field by field with the domain validators. A draft may be incomplete; a
//! submitted application must pass `check_complete`.

use super::bank_card::{BankCard, BinTable};
use super::person_name::PersonName;
use super::phone::Phone;
use super::policy::Policy;
use super::problem::Problem;
use super::resident_id::{capacity_on, Capacity, ResidentId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What the clerk typed; empty text means "not filled in yet".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApplicationForm {
    pub full_name: String,
    pub id_number: String,
    /// `YYYY-MM-DD`, or `long-term` / `长期` for a card without an end date.
    pub id_valid_until: String,
    pub phone: String,
    pub business_name: String,
    pub business_address: String,
    pub card_number: String,
    pub card_bank: String,
    pub card_branch: String,
    pub card_holder: String,
    /// `debit` or `credit`.
    pub card_kind: String,
    /// The clerk confirmed a card number that fails the Luhn check with the card in hand.
    pub card_luhn_confirmed: bool,
    pub model_code: String,
    pub terms_agreed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    pub field: &'static str,
    #[serde(flatten)]
    pub problem: Problem,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FormCheck {
    pub errors: Vec<FieldProblem>,
    pub warnings: Vec<FieldProblem>,
}

impl FormCheck {
    fn error(&mut self, field: &'static str, problem: Problem) {
        self.errors.push(FieldProblem { field, problem });
    }
    fn warn(&mut self, field: &'static str, problem: Problem) {
        self.warnings.push(FieldProblem { field, problem });
    }
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
    /// One sentence listing every blocking problem, for a refusal.
    pub fn summary(&self) -> String {
        self.errors
            .iter()
            .map(|e| format!("{}: {}", field_label(e.field), e.problem.message))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Every field of the form, by the name a problem gives it.
pub const FIELDS: &[&str] = &[
    "full_name",
    "id_number",
    "id_valid_until",
    "phone",
    "business_name",
    "business_address",
    "card_number",
    "card_bank",
    "card_branch",
    "card_holder",
    "card_kind",
    "model_code",
    "terms_agreed",
];

pub fn field_label(field: &str) -> &'static str {
    match field {
        "full_name" => "Full name",
        "id_number" => "ID number",
        "id_valid_until" => "ID valid until",
        "phone" => "Mobile phone",
        "business_name" => "Business name",
        "business_address" => "Business address",
        "card_number" => "Card number",
        "card_bank" => "Bank",
        "card_branch" => "Branch",
        "card_holder" => "Account holder",
        "card_kind" => "Card type",
        "model_code" => "Device model",
        "terms_agreed" => "Terms",
        _ => "Field",
    }
}

pub const LONG_TERM: &str = "long-term";

/// An ID card's end date, or 长期 (long-term, issued to people over 46).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdValidity {
    Until(NaiveDate),
    LongTerm,
}

pub fn parse_validity(text: &str) -> Result<IdValidity, Problem> {
    let t = text.trim();
    if t.eq_ignore_ascii_case(LONG_TERM) || t == "长期" || t.eq_ignore_ascii_case("longterm") {
        return Ok(IdValidity::LongTerm);
    }
    let t = t.replace(['.', '/'], "-");
    NaiveDate::parse_from_str(&t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&t, "%Y%m%d"))
        .map(IdValidity::Until)
        .map_err(|_| {
            Problem::new(
                "id_validity.format",
                "Type the end date printed on the ID card as YYYY-MM-DD, or long-term (长期).",
            )
        })
}

/// The checks behind each field, in the domain's words.
pub struct FormRules<'a> {
    pub today: NaiveDate,
    pub bins: &'a BinTable,
    pub policy: &'a Policy,
}

impl ApplicationForm {
    /// Normalise what is valid (upper-case X, digits only, bank from BIN) and
    /// report problems in the fields that are filled in. Empty fields are fine here.
    pub fn normalize(&self, rules: &FormRules) -> (ApplicationForm, FormCheck) {
        let mut f = self.clone();
        let mut check = FormCheck::default();
        trim_all(&mut f);

        if !f.full_name.is_empty() {
            match PersonName::parse(&f.full_name) {
                Ok(n) => f.full_name = n.as_str().to_string(),
                Err(p) => check.error("full_name", p),
            }
        }
        if !f.id_number.is_empty() {
            match ResidentId::parse(&f.id_number, rules.today) {
                Ok(id) => {
                    f.id_number = id.as_str().to_string();
                    match capacity_on(&id, rules.today) {
                        Capacity::Adult => {}
                        Capacity::NeedsSupervisor => check.warn(
                            "id_number",
                            Problem::new(
                                "id.age_supervisor",
                                format!(
                                    "The applicant is {}: a supervisor must decide, with a reason, before verification.",
                                    id.age_on(rules.today)
                                ),
                            )
                            .with("age", id.age_on(rules.today)),
                        ),
                        Capacity::Minor => check.error(
                            "id_number",
                            Problem::new(
                                "id.age_minor",
                                format!(
                                    "The applicant is {}: under {} cannot sign a terminal agreement.",
                                    id.age_on(rules.today),
                                    rules.policy.rules.supervised_min_age
                                ),
                            )
                            .with("age", id.age_on(rules.today))
                            .with("min", rules.policy.rules.supervised_min_age),
                        ),
                    }
                }
                Err(p) => check.error("id_number", p),
            }
        }
        if !f.id_valid_until.is_empty() {
            match parse_validity(&f.id_valid_until) {
                Ok(IdValidity::LongTerm) => f.id_valid_until = LONG_TERM.to_string(),
                Ok(IdValidity::Until(d)) => {
                    f.id_valid_until = d.format("%Y-%m-%d").to_string();
                    if d < rules.today {
                        check.error(
                            "id_valid_until",
                            Problem::new(
                                "id_validity.expired",
                                format!("The ID card expired on {d}; ask for a valid card."),
                            )
                            .with("date", d),
                        );
                    }
                }
                Err(p) => check.error("id_valid_until", p),
            }
        }
        if !f.phone.is_empty() {
            match Phone::parse(&f.phone) {
                Ok(p) => f.phone = p.as_str().to_string(),
                Err(p) => check.error("phone", p),
            }
        }
        if !f.card_number.is_empty() {
            match BankCard::parse(&f.card_number, rules.bins) {
                Ok(card) => {
                    f.card_number = card.card.as_str().to_string();
                    if let Some(bin) = &card.bank {
                        if f.card_bank.is_empty() {
                            f.card_bank = bin.bank.clone();
                        }
                    }
                    for w in card.warnings {
                        let confirmed = w.code == "card.luhn" && f.card_luhn_confirmed;
                        if !confirmed {
                            check.warn("card_number", w);
                        }
                    }
                }
                Err(p) => check.error("card_number", p),
            }
        }
        if !f.card_holder.is_empty() {
            match PersonName::parse(&f.card_holder) {
                Ok(holder) => {
                    f.card_holder = holder.as_str().to_string();
                    let own = PersonName::parse(&f.full_name)
                        .map(|n| n.matches(holder.as_str()))
                        .unwrap_or(true);
                    if !own {
                        check.error(
                            "card_holder",
                            Problem::new(
                                "card.not_own_name",
                                "The card must be in the applicant's own name; the account holder differs.",
                            ),
                        );
                    }
                }
                Err(p) => check.error("card_holder", p),
            }
        }
        if !f.card_kind.is_empty() {
            f.card_kind = f.card_kind.to_ascii_lowercase();
            match f.card_kind.as_str() {
                "debit" | "借记卡" => f.card_kind = "debit".into(),
                "credit" | "信用卡" => f.card_kind = "credit".into(),
                _ => check.error(
                    "card_kind",
                    Problem::new("card.kind", "The card type is debit or credit."),
                ),
            }
        }
        if !f.model_code.is_empty() {
            match rules.policy.require_model(&f.model_code) {
                Ok(m) => f.model_code = m.code.clone(),
                Err(p) => check.error("model_code", p),
            }
        }
        (f, check)
    }

    /// Everything a submitted application needs, on top of `normalize`.
    pub fn check_complete(&self, rules: &FormRules) -> (ApplicationForm, FormCheck) {
        let (f, mut check) = self.normalize(rules);
        let required: [(&'static str, &str); 11] = [
            ("full_name", &f.full_name),
            ("id_number", &f.id_number),
            ("id_valid_until", &f.id_valid_until),
            ("phone", &f.phone),
            ("business_name", &f.business_name),
            ("business_address", &f.business_address),
            ("card_number", &f.card_number),
            ("card_bank", &f.card_bank),
            ("card_holder", &f.card_holder),
            ("card_kind", &f.card_kind),
            ("model_code", &f.model_code),
        ];
        for (field, value) in required {
            if value.is_empty() {
                check.error(
                    field,
                    Problem::new("form.missing", "This must be filled in."),
                );
            }
        }
        if let Some(w) = check
            .warnings
            .iter()
            .find(|w| w.problem.code == "card.luhn")
            .cloned()
        {
            check.error(
                "card_number",
                Problem::new(
                    "card.luhn_unconfirmed",
                    format!("{} Confirm it before submitting.", w.problem.message),
                ),
            );
        }
        if !f.terms_agreed {
            check.error(
                "terms_agreed",
                Problem::new(
                    "form.terms",
                    "The applicant has not agreed to the terms yet.",
                ),
            );
        }
        (f, check)
    }
}

fn trim_all(f: &mut ApplicationForm) {
    for s in [
        &mut f.full_name,
        &mut f.id_number,
        &mut f.id_valid_until,
        &mut f.phone,
        &mut f.business_name,
        &mut f.business_address,
        &mut f.card_number,
        &mut f.card_bank,
        &mut f.card_branch,
        &mut f.card_holder,
        &mut f.card_kind,
        &mut f.model_code,
    ] {
        let t = s.trim();
        if t.len() != s.len() {
            *s = t.to_string();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules_at<'a>(bins: &'a BinTable, policy: &'a Policy) -> FormRules<'a> {
        FormRules {
            today: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
            bins,
            policy,
        }
    }

    fn full() -> ApplicationForm {
        ApplicationForm {
            full_name: " 阿卜杜•热合曼 ".into(),
            id_number: "11010519491231002x".into(),
            id_valid_until: "长期".into(),
            phone: "+86 138-1234-5678".into(),
            business_name: "热合曼烤馕店".into(),
            business_address: "乌鲁木齐市天山区解放路1号".into(),
            card_number: "6222 0200 0004 0001 232".into(),
            card_bank: String::new(),
            card_branch: "天山支行".into(),
            card_holder: "阿卜杜·热合曼".into(),
            card_kind: "借记卡".into(),
            card_luhn_confirmed: false,
            model_code: "LD-A8".into(),
            terms_agreed: true,
        }
    }

    #[test]
    fn a_complete_form_normalizes_every_field() {
        let (bins, policy) = (BinTable::builtin(), Policy::builtin());
        let (f, check) = full().check_complete(&rules_at(&bins, &policy));
        assert!(check.is_ok(), "{:?}", check.errors);
        assert!(check.warnings.is_empty(), "{:?}", check.warnings);
        assert_eq!(f.full_name, "阿卜杜·热合曼");
        assert_eq!(f.id_number, "11010519491231002X");
        assert_eq!(f.id_valid_until, LONG_TERM);
        assert_eq!(f.phone, "13812345678");
        assert_eq!(f.card_number, "6222020000040001232");
        assert_eq!(f.card_bank, "中国工商银行");
        assert_eq!(f.card_kind, "debit");
    }

    #[test]
    fn empty_fields_are_fine_in_a_draft_but_named_at_submit() {
        let (bins, policy) = (BinTable::builtin(), Policy::builtin());
        let rules = rules_at(&bins, &policy);
        let (_, check) = ApplicationForm::default().normalize(&rules);
        assert!(check.is_ok());
        let (_, check) = ApplicationForm::default().check_complete(&rules);
        let missing: Vec<&str> = check.errors.iter().map(|e| e.field).collect();
        for field in [
            "full_name",
            "id_number",
            "phone",
            "card_number",
            "model_code",
            "terms_agreed",
        ] {
            assert!(missing.contains(&field), "{field}");
        }
        assert!(check
            .summary()
            .contains("Mobile phone: This must be filled in."));
    }

    #[test]
    fn the_card_must_be_in_the_applicants_own_name() {
        let (bins, policy) = (BinTable::builtin(), Policy::builtin());
        let mut f = full();
        f.card_holder = "热合曼".into();
        let (_, check) = f.normalize(&rules_at(&bins, &policy));
        assert_eq!(check.errors[0].problem.code, "card.not_own_name");
        assert_eq!(check.errors[0].field, "card_holder");
    }

    #[test]
    fn an_expired_card_or_unknown_model_is_an_error() {
        let (bins, policy) = (BinTable::builtin(), Policy::builtin());
        let mut f = full();
        f.id_valid_until = "2026.11.24".into();
        f.model_code = "IPHONE".into();
        let (_, check) = f.normalize(&rules_at(&bins, &policy));
        let codes: Vec<&str> = check.errors.iter().map(|e| e.problem.code).collect();
        assert_eq!(codes, ["id_validity.expired", "policy.unknown_model"]);
        f.id_valid_until = "2026-11-25".into();
        f.model_code = "LD-A8".into();
        assert!(
            f.normalize(&rules_at(&bins, &policy)).1.is_ok(),
            "valid through today"
        );
    }

    #[test]
    fn validity_dates_in_the_ways_clerks_type_them() {
        let d = NaiveDate::from_ymd_opt(2031, 5, 9).unwrap();
        for t in ["2031-05-09", "2031.05.09", "2031/05/09", "20310509"] {
            assert_eq!(parse_validity(t).unwrap(), IdValidity::Until(d), "{t}");
        }
        assert_eq!(parse_validity("长期").unwrap(), IdValidity::LongTerm);
        assert_eq!(parse_validity("Long-Term").unwrap(), IdValidity::LongTerm);
        assert!(parse_validity("2031-02-30").is_err());
        assert!(parse_validity("soon").is_err());
    }
}
