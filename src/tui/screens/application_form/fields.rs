//! The form's fields: the section each belongs to, how it is edited, and how
//! the clerk's inputs become an `ApplicationForm` and back.

use crate::domain::application_form::{ApplicationForm, FormCheck};
use crate::domain::problem::Problem;
use crate::tui::widgets::text_field::{Grouping, TextField, CARD_GROUPS, ID_GROUPS, PHONE_GROUPS};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldId {
    FullName,
    IdNumber,
    IdValidUntil,
    Phone,
    BusinessName,
    BusinessAddress,
    CardNumber,
    CardBank,
    CardBranch,
    CardHolder,
    CardKind,
    Model,
    Terms,
}

pub const ALL_FIELDS: [FieldId; 13] = [
    FieldId::FullName,
    FieldId::IdNumber,
    FieldId::IdValidUntil,
    FieldId::Phone,
    FieldId::BusinessName,
    FieldId::BusinessAddress,
    FieldId::CardNumber,
    FieldId::CardBank,
    FieldId::CardBranch,
    FieldId::CardHolder,
    FieldId::CardKind,
    FieldId::Model,
    FieldId::Terms,
];

/// The ten typed fields, in `FieldId` order; the last three are choices.
const TEXT_FIELDS: usize = 10;

impl FieldId {
    /// i18n key of the label.
    pub fn label(self) -> &'static str {
        match self {
            FieldId::FullName => "appform.full_name",
            FieldId::IdNumber => "appform.id_number",
            FieldId::IdValidUntil => "appform.id_valid_until",
            FieldId::Phone => "appform.phone",
            FieldId::BusinessName => "appform.business_name",
            FieldId::BusinessAddress => "appform.business_address",
            FieldId::CardNumber => "appform.card_number",
            FieldId::CardBank => "appform.card_bank",
            FieldId::CardBranch => "appform.card_branch",
            FieldId::CardHolder => "appform.card_holder",
            FieldId::CardKind => "appform.card_kind",
            FieldId::Model => "appform.model",
            FieldId::Terms => "appform.terms",
        }
    }

    /// The field's name in the domain's `FormCheck`.
    pub fn domain(self) -> &'static str {
        match self {
            FieldId::FullName => "full_name",
            FieldId::IdNumber => "id_number",
            FieldId::IdValidUntil => "id_valid_until",
            FieldId::Phone => "phone",
            FieldId::BusinessName => "business_name",
            FieldId::BusinessAddress => "business_address",
            FieldId::CardNumber => "card_number",
            FieldId::CardBank => "card_bank",
            FieldId::CardBranch => "card_branch",
            FieldId::CardHolder => "card_holder",
            FieldId::CardKind => "card_kind",
            FieldId::Model => "model_code",
            FieldId::Terms => "terms_agreed",
        }
    }

    fn text_index(self) -> Option<usize> {
        let i = self as usize;
        (i < TEXT_FIELDS).then_some(i)
    }

    pub fn is_text(self) -> bool {
        self.text_index().is_some()
    }

    fn input(self) -> TextField {
        let plain = |n| TextField::new(Grouping::None, n);
        match self {
            FieldId::IdNumber => TextField::new(ID_GROUPS, 18),
            FieldId::Phone => TextField::new(PHONE_GROUPS, 11),
            FieldId::CardNumber => TextField::new(CARD_GROUPS, 19),
            FieldId::IdValidUntil => plain(12),
            FieldId::BusinessAddress => plain(120),
            FieldId::BusinessName => plain(60),
            _ => plain(40),
        }
    }

    /// What a paste or a scanner delivers, made fit for this field: numbers
    /// lose their separators and a `+86`/`0086` in front of a phone number.
    pub fn clean_paste(self, text: &str) -> String {
        let text = text.trim();
        let keep_digits = |s: &str| -> String {
            s.chars()
                .filter(|c| c.is_ascii_digit() || matches!(c, 'x' | 'X'))
                .map(|c| c.to_ascii_uppercase())
                .collect()
        };
        match self {
            FieldId::IdNumber | FieldId::CardNumber => keep_digits(text),
            FieldId::Phone => {
                let digits = keep_digits(text);
                let national = digits
                    .strip_prefix("0086")
                    .or_else(|| text.starts_with("+86").then(|| &digits[2..]))
                    .unwrap_or(&digits);
                national.to_string()
            }
            _ => text.replace(['\r', '\n', '\t'], " "),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Applicant,
    Contact,
    Card,
    Device,
    Terms,
    Review,
}

pub const SECTIONS: [Section; 6] = [
    Section::Applicant,
    Section::Contact,
    Section::Card,
    Section::Device,
    Section::Terms,
    Section::Review,
];

pub const REVIEW: usize = 5;

impl Section {
    pub fn title(self) -> &'static str {
        match self {
            Section::Applicant => "appform.section_applicant",
            Section::Contact => "appform.section_contact",
            Section::Card => "appform.section_card",
            Section::Device => "appform.section_device",
            Section::Terms => "appform.section_terms",
            Section::Review => "appform.section_review",
        }
    }

    pub fn fields(self) -> &'static [FieldId] {
        use FieldId as F;
        match self {
            Section::Applicant => &[F::FullName, F::IdNumber, F::IdValidUntil],
            Section::Contact => &[F::Phone, F::BusinessName, F::BusinessAddress],
            Section::Card => &[
                F::CardNumber,
                F::CardBank,
                F::CardBranch,
                F::CardHolder,
                F::CardKind,
            ],
            Section::Device => &[F::Model],
            Section::Terms => &[F::Terms],
            Section::Review => &[],
        }
    }
}

/// Everything the clerk has entered, as entered.
#[derive(Debug, Clone)]
pub struct Inputs {
    text: Vec<TextField>,
    /// `""`, `debit` or `credit`.
    pub card_kind: String,
    pub model_code: String,
    pub terms: bool,
    pub luhn_confirmed: bool,
}

impl Inputs {
    pub fn new() -> Inputs {
        Inputs {
            text: ALL_FIELDS[..TEXT_FIELDS]
                .iter()
                .map(|f| f.input())
                .collect(),
            card_kind: String::new(),
            model_code: String::new(),
            terms: false,
            luhn_confirmed: false,
        }
    }

    pub fn from_form(form: &ApplicationForm) -> Inputs {
        let mut inputs = Inputs::new();
        let f = form;
        for (field, value) in [
            (FieldId::FullName, &f.full_name),
            (FieldId::IdNumber, &f.id_number),
            (FieldId::IdValidUntil, &f.id_valid_until),
            (FieldId::Phone, &f.phone),
            (FieldId::BusinessName, &f.business_name),
            (FieldId::BusinessAddress, &f.business_address),
            (FieldId::CardNumber, &f.card_number),
            (FieldId::CardBank, &f.card_bank),
            (FieldId::CardBranch, &f.card_branch),
            (FieldId::CardHolder, &f.card_holder),
        ] {
            inputs.set(field, value);
        }
        inputs.card_kind = f.card_kind.clone();
        inputs.model_code = f.model_code.clone();
        inputs.terms = f.terms_agreed;
        inputs.luhn_confirmed = f.card_luhn_confirmed;
        inputs
    }

    pub fn form(&self) -> ApplicationForm {
        let v = |f: FieldId| self.value(f);
        ApplicationForm {
            full_name: v(FieldId::FullName),
            id_number: v(FieldId::IdNumber),
            id_valid_until: v(FieldId::IdValidUntil),
            phone: v(FieldId::Phone),
            business_name: v(FieldId::BusinessName),
            business_address: v(FieldId::BusinessAddress),
            card_number: v(FieldId::CardNumber),
            card_bank: v(FieldId::CardBank),
            card_branch: v(FieldId::CardBranch),
            card_holder: v(FieldId::CardHolder),
            card_kind: self.card_kind.clone(),
            card_luhn_confirmed: self.luhn_confirmed,
            model_code: self.model_code.clone(),
            terms_agreed: self.terms,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.form() == ApplicationForm::default()
    }

    pub fn value(&self, f: FieldId) -> String {
        f.text_index()
            .and_then(|i| self.text.get(i))
            .map(TextField::value)
            .unwrap_or_default()
    }

    pub fn set(&mut self, f: FieldId, value: &str) {
        if let Some(input) = self.input_mut(f) {
            input.set(value);
        }
    }

    pub fn input(&self, f: FieldId) -> Option<&TextField> {
        f.text_index().and_then(|i| self.text.get(i))
    }

    pub fn input_mut(&mut self, f: FieldId) -> Option<&mut TextField> {
        f.text_index().and_then(|i| self.text.get_mut(i))
    }
}

/// The first error for `field`, else its first warning.
pub fn problem_for(check: &FormCheck, field: FieldId) -> Option<(bool, &Problem)> {
    let name = field.domain();
    check
        .errors
        .iter()
        .find(|e| e.field == name)
        .map(|e| (true, &e.problem))
        .or_else(|| {
            check
                .warnings
                .iter()
                .find(|w| w.field == name)
                .map(|w| (false, &w.problem))
        })
}

/// Problems that only say "not finished yet": quiet while the clerk is still typing.
pub fn is_unfinished(code: &str) -> bool {
    matches!(code, "id.length" | "card.length" | "phone.format")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_survives_the_round_trip_through_the_inputs() {
        let form = crate::tui::testing::sample_form(3);
        assert_eq!(Inputs::from_form(&form).form(), form);
        assert!(Inputs::new().is_empty());
    }

    #[test]
    fn pasted_numbers_lose_their_separators() {
        assert_eq!(
            FieldId::Phone.clean_paste("+86 138-1234-5678"),
            "13812345678"
        );
        assert_eq!(
            FieldId::Phone.clean_paste("0086 13812345678"),
            "13812345678"
        );
        assert_eq!(
            FieldId::IdNumber.clean_paste(" 110105 19491231 002x\r\n"),
            "11010519491231002X"
        );
        assert_eq!(
            FieldId::CardNumber.clean_paste("6222-0200-0004-0001-232"),
            "6222020000040001232"
        );
        assert_eq!(FieldId::FullName.clean_paste(" 张伟\n"), "张伟");
    }

    #[test]
    fn every_field_is_in_exactly_one_section() {
        for f in ALL_FIELDS {
            let n = SECTIONS.iter().filter(|s| s.fields().contains(&f)).count();
            assert_eq!(n, 1, "{f:?}");
        }
    }
}
