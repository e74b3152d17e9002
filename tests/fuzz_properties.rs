//! The fuzz targets' properties in `cargo test`: each one over arbitrary bytes
//! and over inputs shaped like the real thing (proptest), and over every input
//! saved in the repository — the fuzzers' seeds (fuzz/seeds/<target>/) and what
//! fuzzing found (fuzz/regressions/<target>/). The long runs: scripts/fuzz.sh.

mod support {
    pub mod properties;
}

use posdesk::domain::resident_id::check_character;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use support::properties::{self as p, TARGETS};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

#[test]
fn every_saved_input_still_holds() {
    let mut replayed = 0;
    for (name, check) in TARGETS {
        let mut seeds = 0;
        for kind in ["seeds", "regressions"] {
            let Ok(entries) = std::fs::read_dir(fuzz_dir().join(kind).join(name)) else {
                continue;
            };
            for entry in entries {
                let path = entry.expect("a directory entry").path();
                let bytes = std::fs::read(&path).expect("a saved input");
                let outcome = std::panic::catch_unwind(|| check(&bytes));
                assert!(outcome.is_ok(), "{name}: {} fails", path.display());
                replayed += 1;
                seeds += usize::from(kind == "seeds");
            }
        }
        assert!(seeds > 0, "{name} has seed inputs in fuzz/seeds/{name}/");
    }
    assert!(replayed >= TARGETS.len());
}

#[test]
fn every_property_is_a_fuzz_target() {
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml");
    for (name, _) in TARGETS {
        let file = fuzz_dir().join("fuzz_targets").join(format!("{name}.rs"));
        let source = std::fs::read_to_string(&file).expect("a fuzz target file");
        assert!(
            source.contains(&format!("properties::{name}(")),
            "{}",
            file.display()
        );
        assert!(
            manifest.contains(&format!("name = \"{name}\"")),
            "{name} in fuzz/Cargo.toml"
        );
    }
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..600)
}

/// Bytes for the `*_fields` targets, which draw typed values from them: long
/// enough for a file of several sections.
fn field_bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..4096)
}

/// A CSV file: `header`, then lines of `cells`, joined by commas.
fn csv(header: &'static str, cells: Vec<BoxedStrategy<String>>) -> impl Strategy<Value = Vec<u8>> {
    let line = cells.prop_map(|c| c.join(","));
    (proptest::collection::vec(line, 0..6), any::<bool>()).prop_map(move |(lines, bom)| {
        let bom = if bom { "\u{feff}" } else { "" };
        format!("{bom}{header}\n{}\n", lines.join("\n")).into_bytes()
    })
}

/// A TOML file of `key = value` lines from `keys`, under some of `tables`.
fn toml(
    tables: &'static [&'static str],
    keys: &'static [&'static str],
) -> impl Strategy<Value = Vec<u8>> {
    let value = prop_oneof![
        (0u32..200).prop_map(|n| n.to_string()),
        "-?[0-9]{1,12}",
        "\"[0-9¥.,a-zA-Z\\[\\]{}*+-]{0,12}\"",
        Just("true".to_string()),
        Just("\"\"".to_string()),
        Just("[]".to_string()),
    ];
    let line = prop_oneof![
        (prop::sample::select(keys), value).prop_map(|(k, v)| format!("{k} = {v}")),
        prop::sample::select(tables).prop_map(str::to_string),
        ".{0,12}",
    ];
    proptest::collection::vec(line, 0..14).prop_map(|l| l.join("\n").into_bytes())
}

fn valid_id() -> impl Strategy<Value = String> {
    (
        "[1-6][0-9]{5}",
        1900u32..2026,
        1u32..13,
        1u32..29,
        "[0-9]{3}",
    )
        .prop_map(|(a, y, m, d, s)| {
            let first17 = format!("{a}{y}{m:02}{d:02}{s}");
            let check = check_character(&first17).unwrap_or('0');
            format!("{first17}{check}")
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_bytes_hold_for_every_target(data in bytes()) {
        for (_, check) in TARGETS {
            check(&data);
        }
    }

    #[test]
    fn id_like_inputs(s in prop_oneof![valid_id(), "[0-9xX]{15,18}", "[0-9 ]{6,8}[0-9Xx ]{6,12}"]) {
        p::resident_id(s.as_bytes());
    }

    #[test]
    fn phone_like_inputs(s in "(\\+86|0086|86)?[ -]{0,2}1[0-9]{2}[ -]?[0-9]{4}[ -]?[0-9]{4}") {
        p::phone(s.as_bytes());
    }

    #[test]
    fn card_like_inputs(s in "(62|4|5)[0-9 -]{10,24}") {
        p::bank_card(s.as_bytes());
    }

    #[test]
    fn name_like_inputs(s in "[张王欧阳阿卜杜热合曼a-zA-Z ·.•'-]{0,24}") {
        p::person_name(s.as_bytes());
    }

    #[test]
    fn money_like_inputs(s in "[¥￥+-]?[0-9,，]{0,16}([.．][0-9]{0,3})?(元)?") {
        p::money(s.as_bytes());
    }

    #[test]
    fn settlement_like_files(data in csv("refund_ref,result,bank_ref,amount,reason", vec![
        "RF[0-9]{8}|rf[0-9]{1,9}|".boxed(),
        "success|failed|成功|失败|ok|".boxed(),
        "[A-Z0-9]{0,5}".boxed(),
        "-?[0-9]{0,6}([.][0-9]{0,3})?".boxed(),
        "[a-z账户冻结 ]{0,6}".boxed(),
    ])) {
        p::settlement_csv(&data);
    }

    #[test]
    fn volume_like_files(data in csv("serial,date,amount", vec![
        "[A-Za-z0-9]{0,15}".boxed(),
        "20[0-9]{2}-[0-1][0-9]-[0-3][0-9]|[0-9/-]{0,10}".boxed(),
        "-?[0-9]{0,7}([.][0-9]{0,3})?".boxed(),
    ])) {
        p::volume_csv(&data);
    }

    #[test]
    fn policy_like_files(data in toml(&["[rules]", "[[model]]", "[model]"], &[
        "refund_window_earliest", "refund_window_latest", "max_active_terminals_per_id",
        "adult_age", "supervised_min_age", "first_terminal_device_fee_waived",
        "terms_version", "contract_version", "code", "name", "serial_pattern", "deposit",
        "device_fee", "monthly_fee", "volume_target", "volume_days",
    ])) {
        p::policy_toml(&data);
    }

    #[test]
    fn config_like_files(data in toml(&["[keys]", "[[bin]]", "[bin]"], &[
        "language", "theme", "idle_minutes", "pickup_point", "service_phone",
        "\"form.save\"", "prefix", "bank", "kind", "length",
    ])) {
        p::config_toml(&data);
    }

    #[test]
    fn holiday_like_files(
        years in proptest::collection::vec(
            (
                2000i32..2100,
                proptest::collection::vec((1u32..13, 1u32..29, 0u32..5), 0..6),
                proptest::collection::vec((1u32..13, 1u32..29), 0..4),
            ),
            0..3,
        )
    ) {
        let text: String = years
            .iter()
            .map(|(y, off, work)| {
                let off: Vec<String> = off
                    .iter()
                    .map(|(m, d, n)| match n {
                        0 => format!("{y}-{m:02}-{d:02}"),
                        n => format!("{y}-{m:02}-{d:02}..{y}-{m:02}-{:02}", d + n),
                    })
                    .collect();
                let work: Vec<String> =
                    work.iter().map(|(m, d)| format!("{y}-{m:02}-{d:02}")).collect();
                format!("[[year]]\nyear = {y}\ndays_off = {off:?}\nworking_weekends = {work:?}\n")
            })
            .collect();
        p::holiday_toml(text.as_bytes());
    }

    #[test]
    fn config_field_files(data in field_bytes()) {
        p::config_fields(&data);
    }

    #[test]
    fn holiday_field_files(data in field_bytes()) {
        p::holiday_fields(&data);
    }

    #[test]
    fn policy_field_files(data in field_bytes()) {
        p::policy_fields(&data);
    }

    #[test]
    fn settlement_field_files(data in field_bytes()) {
        p::settlement_fields(&data);
    }
}
