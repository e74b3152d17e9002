//! A TOML reader's mistake in a person's words: what is wrong, and the line
//! it is on (the people who edit these files open them in an editor).

/// The parser's message, on one line and without its full stop, and the
/// 1-based line of the mistake when the parser knows where it is.
pub fn describe(text: &str, e: &toml::de::Error) -> (Option<usize>, String) {
    let detail = e.message().trim().replace('\n', " ");
    let detail = detail.trim_end_matches('.').to_string();
    let line = e.span().map(|span| line_of(text, span.start));
    (line, detail)
}

/// "at line 5: detail", or ": detail" when the line is unknown: to follow
/// "The … file could not be read".
pub fn place_and_detail(text: &str, e: &toml::de::Error) -> String {
    match describe(text, e) {
        (Some(line), detail) => format!(" at line {line}: {detail}"),
        (None, detail) => format!(": {detail}"),
    }
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Deserialize an amount written as text (`"299.00"`): a bare number is
/// refused with how to write it, since `299` could be meant as yuan or fen.
pub fn amount_text<'de, D>(d: D) -> Result<String, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Text;
    impl serde::de::Visitor<'_> for Text {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an amount in yuan, in quotes")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
            Err(bare(&format!("{v}.00"), v))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
            Err(bare(&format!("{v}.00"), v))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<String, E> {
            Err(bare(&format!("{v:.2}"), v))
        }
    }
    d.deserialize_any(Text)
}

/// The refusal of a bare number `v` where an amount goes, showing it as text.
fn bare<E: serde::de::Error>(as_text: &str, v: impl std::fmt::Display) -> E {
    E::custom(format!(
        "an amount is written in yuan and in quotes, as in \"{as_text}\", not {v}"
    ))
}

/// `amount_text` for an amount that may be left out (with `#[serde(default)]`).
pub fn some_amount_text<'de, D>(d: D) -> Result<Option<String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    amount_text(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Row {
        #[serde(deserialize_with = "amount_text")]
        deposit: String,
    }

    #[test]
    fn a_mistake_says_its_line() {
        let text = "a = 1\n\nb = [\n";
        let e = toml::from_str::<toml::Table>(text).unwrap_err();
        let (line, detail) = describe(text, &e);
        assert_eq!(line, Some(3), "{detail}");
        assert!(!detail.ends_with('.') && !detail.contains('\n'));
        assert!(place_and_detail(text, &e).starts_with(" at line 3: "));
    }

    #[test]
    fn a_bare_number_for_an_amount_says_how_to_write_it() {
        let text = "\ndeposit = 299\n";
        let e = toml::from_str::<Row>(text).unwrap_err();
        assert_eq!(
            place_and_detail(text, &e),
            " at line 2: an amount is written in yuan and in quotes, as in \"299.00\", not 299"
        );
        let e = toml::from_str::<Row>("deposit = 2.5").unwrap_err();
        assert!(e.message().contains("\"2.50\""), "{}", e.message());
        let row: Row = toml::from_str("deposit = '¥299'").unwrap();
        assert_eq!(row.deposit, "¥299");
    }
}
