//! `posdesk check id|phone|card VALUE [--json]`: exit 0 valid, 1 not.

use crate::domain::bank_card::{BankCard, BinTable};
use crate::domain::phone::Phone;
use crate::domain::problem::Problem;
use crate::domain::resident_id::{ResidentId, Sex};
use clap::{Args, ValueEnum};
use serde::Serialize;

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// What the value is.
    pub kind: CheckKind,
    /// The value as typed (quote it if it has spaces).
    pub value: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum CheckKind {
    Id,
    Phone,
    Card,
}

#[derive(Serialize, Default)]
struct Report {
    valid: bool,
    normalized: Option<String>,
    errors: Vec<Problem>,
    warnings: Vec<Problem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    birth_date: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sex: Option<Option<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    age: Option<Option<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    adult: Option<Option<bool>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bank: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    luhn: Option<Option<bool>>,
}

pub fn run(args: &CheckArgs) -> anyhow::Result<i32> {
    let today = crate::desk::Clock::System.today();
    let report = match args.kind {
        CheckKind::Id => check_id(&args.value, today),
        CheckKind::Phone => match Phone::parse(&args.value) {
            Ok(p) => Report {
                valid: true,
                normalized: Some(p.as_str().to_string()),
                ..Report::default()
            },
            Err(e) => invalid(e),
        },
        CheckKind::Card => {
            let setup = crate::desk::Setup::from_config_dir(crate::paths::config_dir().as_deref());
            let bins = setup
                .map(|s| s.bins)
                .unwrap_or_else(|_| BinTable::builtin());
            match BankCard::parse(&args.value, &bins) {
                Ok(c) => Report {
                    valid: true,
                    normalized: Some(c.card.as_str().to_string()),
                    warnings: c.warnings,
                    bank: Some(c.bank.map(|b| b.bank)),
                    luhn: Some(Some(c.luhn_ok)),
                    ..Report::default()
                },
                Err(e) => Report {
                    bank: Some(None),
                    luhn: Some(None),
                    ..invalid(e)
                },
            }
        }
    };
    if args.json {
        super::output::json(&report)?;
    } else {
        print_text(&report);
    }
    Ok(if report.valid { 0 } else { 1 })
}

fn invalid(e: Problem) -> Report {
    Report {
        valid: false,
        errors: vec![e],
        ..Report::default()
    }
}

fn check_id(value: &str, today: chrono::NaiveDate) -> Report {
    match ResidentId::parse(value, today) {
        Ok(id) => Report {
            valid: true,
            normalized: Some(id.as_str().to_string()),
            birth_date: Some(Some(id.birth_date().format("%Y-%m-%d").to_string())),
            sex: Some(Some(match id.sex() {
                Sex::Male => "male",
                Sex::Female => "female",
            })),
            age: Some(Some(id.age_on(today))),
            adult: Some(Some(id.is_adult_on(today, 18))),
            ..Report::default()
        },
        Err(e) => Report {
            birth_date: Some(None),
            sex: Some(None),
            age: Some(None),
            adult: Some(None),
            ..invalid(e)
        },
    }
}

fn print_text(r: &Report) {
    if r.valid {
        println!("valid: {}", r.normalized.as_deref().unwrap_or(""));
    } else {
        println!("not valid");
    }
    if let (Some(Some(b)), Some(Some(s)), Some(Some(a))) = (&r.birth_date, &r.sex, &r.age) {
        let adult = matches!(r.adult, Some(Some(true)));
        println!(
            "born {b}, {s}, age {a}{}",
            if adult { ", adult" } else { ", not an adult" }
        );
    }
    if let Some(bank) = &r.bank {
        println!("bank: {}", bank.as_deref().unwrap_or("not recognised"));
    }
    for e in &r.errors {
        println!("error: {}", e.message);
    }
    for w in &r.warnings {
        println!("warning: {}", w.message);
    }
}
