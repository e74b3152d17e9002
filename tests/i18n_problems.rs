//! A refusal says the same in Chinese as in English: where the desk's English
//! message quotes a value (a serial, an amount, tries left), the Chinese text
//! for its code quotes it too. Read from the source: every place a refusal is
//! made with a formatted message, the values it hands on (`.with("name", …)`)
//! and the `{name}` placeholders of its zh-CN text must be the same set.

use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Codes whose formatted English message may be said without its values in
/// Chinese, and why.
const SAID_WITHOUT_VALUES: &[(&str, &str)] = &[
    (
        "role.supervisor_only",
        "the clerk has just tried that very action",
    ),
    ("reason.missing", "asked at the prompt for that reason"),
    (
        "payment.method",
        "the Chinese text lists the methods itself",
    ),
    (
        "card.luhn_unconfirmed",
        "the warning it repeats is shown beside the field",
    ),
    ("setup.code", "shown beside the field it is about"),
    ("setup.text", "shown beside the field it is about"),
];

/// Codes only the command line says, in English: reading configuration files
/// (before any screen opens) and `posdesk demo`.
const COMMAND_LINE_ONLY: &[&str] = &[
    "calendar.",
    "card.bin_table",
    "policy.ages",
    "policy.file",
    "policy.incomplete",
    "policy.money",
    "policy.refund_window",
    "policy.serial_pattern",
    "policy.volume_target",
    "demo.",
];

struct Site {
    file: PathBuf,
    code: String,
    formatted: bool,
    args: BTreeSet<String>,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The end of the call whose `(` is at `open`: the index after its `)`,
/// skipping string literals.
fn call_end(text: &[u8], open: usize) -> usize {
    let mut depth = 0;
    let mut i = open;
    while i < text.len() {
        match text[i] {
            b'"' => {
                i += 1;
                while i < text.len() && text[i] != b'"' {
                    if text[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    text.len()
}

fn sites() -> Vec<Site> {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let start = Regex::new(r#"\b(Problem::new|refuse)\(\s*"([a-z_]+\.[a-z0-9_.]+)",\s*"#).unwrap();
    let with = Regex::new(r#"^\s*\.with(?:_key|_keys)?\(\s*"([a-z_]+)""#).unwrap();
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let bytes = text.as_bytes();
        for m in start.captures_iter(&text) {
            let whole = m.get(0).unwrap();
            let open = whole.start() + m[1].len();
            let message = &text[whole.end()..];
            let formatted = message.starts_with("format!(")
                && message["format!(".len()..]
                    .trim_start()
                    .split('"')
                    .nth(1)
                    .is_some_and(|f| f.contains('{'));
            let mut end = call_end(bytes, open);
            let mut args = BTreeSet::new();
            while let Some(w) = with.captures(&text[end..]) {
                args.insert(w[1].to_string());
                let paren = end + w.get(0).unwrap().start() + w[0].find('(').unwrap();
                end = call_end(bytes, paren);
            }
            out.push(Site {
                file: file.clone(),
                code: m[2].to_string(),
                formatted,
                args,
            });
        }
    }
    out
}

fn zh_problems() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/i18n/zh-CN.toml"),
    )
    .unwrap();
    posdesk::tui::i18n::flatten(&text)
        .unwrap()
        .into_iter()
        .filter_map(|(k, v)| k.strip_prefix("problem.").map(|c| (c.to_string(), v)))
        .collect()
}

fn placeholders(text: &str) -> BTreeSet<String> {
    Regex::new(r"\{([a-z_]+)\}")
        .unwrap()
        .captures_iter(text)
        .map(|c| c[1].to_string())
        .collect()
}

#[test]
fn the_source_is_read() {
    let sites = sites();
    assert!(sites.len() > 100, "only {} refusals found", sites.len());
    let overpay = sites
        .iter()
        .find(|s| s.code == "payment.overpay" && s.file.ends_with("src/desk/fees.rs"))
        .expect("payment.overpay in desk/fees.rs");
    assert!(overpay.formatted);
    assert_eq!(overpay.args, ["amount", "owed"].map(String::from).into());
}

#[test]
fn chinese_refusals_quote_what_english_ones_do() {
    let zh = zh_problems();
    let mut wrong = Vec::new();
    for site in sites() {
        let place = format!("{} ({})", site.code, site.file.display());
        if COMMAND_LINE_ONLY.iter().any(|p| site.code.starts_with(p)) {
            continue;
        }
        let Some(text) = zh.get(&site.code) else {
            wrong.push(format!(
                "{place}: no Chinese text (problem.{} in zh-CN.toml)",
                site.code
            ));
            continue;
        };
        let wanted = placeholders(text);
        if site.args != wanted {
            wrong.push(format!(
                "{place}: hands on {:?}, the Chinese text quotes {:?}",
                site.args, wanted
            ));
        }
        let exempt = SAID_WITHOUT_VALUES.iter().any(|(c, _)| *c == site.code);
        if site.formatted && site.args.is_empty() && !exempt {
            wrong.push(format!(
                "{place}: the English message quotes values the Chinese one does not \
                 (hand them on with .with(\"name\", value) and put {{name}} in its text)"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
