//! People for the bulk demo: unique ID and phone numbers by construction (no
//! set of every number made so far, so memory stays flat at a million), names,
//! shops and cards like the use-case demo's.

use super::super::demo::{card_number, district, AREAS, DOTTED, GIVEN, SHOPS, SURNAMES};
use super::Gen;
use crate::domain::application_form::{ApplicationForm, FormRules, LONG_TERM};
use crate::domain::resident_id::check_character;
use crate::store::bulk::People;
use chrono::{Duration, NaiveDate};
use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;

const PHONE_PREFIXES: [&str; 7] = ["13", "15", "18", "17", "19", "16", "14"];
/// Phone digits are `i * MUL + add` modulo 10⁹: a permutation, as MUL shares no
/// factor with 10⁹, so no two merchants get the same number.
const PHONE_MUL: u64 = 387_420_489;
const BILLION: u64 = 1_000_000_000;

pub(super) struct Registry {
    /// Sequence numbers handed out per (area, birth date): the 3 digits after
    /// the birth date, so no two people share an ID number.
    sequences: HashMap<(usize, i32), u16>,
    phone_add: u64,
    on_file: People,
    merchants: u64,
}

pub(super) struct Person {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub area: &'static str,
}

impl Registry {
    pub fn new(rng: &mut ChaCha8Rng, on_file: People, merchants: usize) -> Registry {
        Registry {
            sequences: HashMap::new(),
            phone_add: rng.random_range(0..BILLION),
            on_file,
            merchants: merchants as u64,
        }
    }

    /// Merchant `i`, of an age that can apply on `on`.
    pub fn person(&mut self, rng: &mut ChaCha8Rng, i: usize, on: NaiveDate) -> Person {
        let area_index = rng.random_range(0..AREAS.len());
        let (code, area) = AREAS[area_index];
        let name = if code == "650102" || code == "540102" {
            DOTTED.choose(rng).unwrap_or(&DOTTED[0]).to_string()
        } else {
            format!(
                "{}{}",
                SURNAMES.choose(rng).unwrap_or(&"王"),
                GIVEN.choose(rng).unwrap_or(&"伟")
            )
        };
        // Mostly adults; a few 16–17 year olds for the supervisor's exception.
        let minor = rng.random_bool(0.02);
        let age_days = if minor {
            rng.random_range(16 * 366..17 * 365 + 300)
        } else {
            rng.random_range(19 * 366..65 * 365)
        };
        let mut birth = on - Duration::days(age_days);
        let id_number = loop {
            let key = (area_index, chrono::Datelike::num_days_from_ce(&birth));
            let n = self.sequences.entry(key).or_insert(0);
            if *n >= 1000 {
                birth -= Duration::days(1);
                continue;
            }
            // Spread the sequence numbers so neighbours do not look alike.
            let seq = (u32::from(*n) * 389 + key.1.unsigned_abs() * 7) % 1000;
            *n += 1;
            let first17 = format!("{code}{}{seq:03}", birth.format("%Y%m%d"));
            let id = format!("{first17}{}", check_character(&first17).unwrap_or('0'));
            if !self.on_file.id_numbers.contains(&id) {
                break id;
            }
        };
        let prefix = PHONE_PREFIXES.choose(rng).unwrap_or(&"13");
        // A number already on file makes way: i + k·n is no other merchant's i.
        let mut k = i as u64;
        let phone = loop {
            let digits = (k.wrapping_mul(PHONE_MUL) + self.phone_add) % BILLION;
            let phone = format!("{prefix}{digits:09}");
            if !self.on_file.phones.contains(&phone) {
                break phone;
            }
            k += self.merchants.max(1);
        };
        Person {
            name,
            id_number,
            phone,
            area,
        }
    }
}

/// Merchant `i`'s application form as the desk stores it (normalised).
pub(super) fn application(
    g: &mut Gen,
    i: usize,
    on: NaiveDate,
    terms_agreed: bool,
) -> ApplicationForm {
    let person = g.people.person(&mut g.rng, i, on);
    let model = g
        .policy
        .models
        .choose(&mut g.rng)
        .map(|m| m.code.clone())
        .unwrap_or_default();
    let card = match g.bin_list.choose(&mut g.rng) {
        Some(bin) => card_number(&mut g.rng, bin),
        None => String::new(),
    };
    let rng = &mut g.rng;
    let form = ApplicationForm {
        full_name: person.name.clone(),
        id_number: person.id_number.clone(),
        id_valid_until: if rng.random_bool(0.15) {
            LONG_TERM.into()
        } else {
            (g.today + Duration::days(rng.random_range(200..3650)))
                .format("%Y-%m-%d")
                .to_string()
        },
        phone: person.phone.clone(),
        business_name: format!("{}{}", person.name, SHOPS.choose(rng).unwrap_or(&"小店")),
        business_address: format!(
            "{}{}路{}号",
            person.area,
            ["人民", "解放", "建设", "中山", "和平"][i % 5],
            rng.random_range(1..300)
        ),
        card_number: card,
        card_bank: String::new(),
        card_branch: format!("{}支行", district(person.area)),
        card_holder: person.name.clone(),
        card_kind: "debit".into(),
        card_luhn_confirmed: false,
        model_code: model,
        terms_agreed,
    };
    let rules = FormRules {
        today: on,
        bins: g.bins,
        policy: g.policy,
    };
    form.normalize(&rules).0
}
