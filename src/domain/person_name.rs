//! A person's name as written on the ID card: Chinese characters, or Latin
//! letters for foreign and transliterated names, with the middle dot used in
//! names such as 阿卜杜·热合曼.
//!
//! Normalisation: surrounding whitespace trimmed, inner runs of whitespace
//! collapsed to one space, spaces between two Chinese characters or next to a
//! middle dot dropped, every middle-dot look-alike (and an ASCII `.` between
//! Chinese characters) turned into U+00B7 `·`, a typographic apostrophe into `'`.

use crate::domain::problem::Problem;

const MIDDLE_DOT: char = '\u{00B7}';
const MIN_CHARS: usize = 2;
const MAX_CHARS: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(input: &str) -> Result<PersonName, Problem> {
        let chars = normalize(input);
        if chars.is_empty() {
            return Err(Problem::new(
                "name.empty",
                "Enter the name as on the ID card.",
            ));
        }
        if chars.iter().any(|&c| is_digit(c)) {
            return Err(Problem::new(
                "name.digits",
                "A name cannot contain digits; type it exactly as on the ID card.",
            ));
        }
        let all_allowed = chars.iter().enumerate().all(|(i, &c)| {
            is_cjk(c)
                || is_latin_letter(c)
                || matches!(c, ' ' | '\'' | '-' | MIDDLE_DOT)
                || (is_combining_mark(c) && i > 0 && is_latin_or_mark(chars[i - 1]))
        });
        let has_letter = chars.iter().any(|&c| is_cjk(c) || is_latin_letter(c));
        if !all_allowed || !has_letter {
            return Err(Problem::new(
                "name.characters",
                "A name may only contain Chinese characters, Latin letters, spaces, \
                 apostrophes, hyphens and the middle dot (·).",
            ));
        }
        let dot_misplaced = chars.first() == Some(&MIDDLE_DOT)
            || chars.last() == Some(&MIDDLE_DOT)
            || chars.windows(2).any(|w| w == [MIDDLE_DOT, MIDDLE_DOT]);
        if dot_misplaced {
            return Err(Problem::new(
                "name.middle_dot",
                "The middle dot (·) may only stand between two parts of a name, once.",
            ));
        }
        if !(MIN_CHARS..=MAX_CHARS).contains(&chars.len()) {
            return Err(Problem::new(
                "name.length",
                "A name must have 2 to 40 characters; type it exactly as on the ID card.",
            ));
        }
        Ok(PersonName(chars.into_iter().collect()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a typed e-signature is this name: same normalisation, Latin
    /// letters compared case-insensitively.
    pub fn matches(&self, typed: &str) -> bool {
        let typed: String = normalize(typed).into_iter().collect();
        typed.to_lowercase() == self.0.to_lowercase()
    }

    /// Display columns: Chinese characters take 2, combining marks 0, the rest 1.
    pub fn width(&self) -> usize {
        self.0
            .chars()
            .map(|c| {
                if is_cjk(c) {
                    2
                } else if is_combining_mark(c) {
                    0
                } else {
                    1
                }
            })
            .sum()
    }
}

fn normalize(input: &str) -> Vec<char> {
    // Look-alikes mapped, whitespace runs collapsed, ends trimmed.
    let mut chars: Vec<char> = Vec::with_capacity(input.len());
    for c in input.chars() {
        let c = match c {
            '\u{2022}' | '\u{30FB}' | '\u{FF0E}' | '\u{2027}' | '\u{FF65}' => MIDDLE_DOT,
            '\u{2019}' | '\u{02BC}' => '\'',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' && matches!(chars.last(), None | Some(' ')) {
            continue;
        }
        chars.push(c);
    }
    if chars.last() == Some(&' ') {
        chars.pop();
    }
    // An ASCII full stop between Chinese characters is a middle dot.
    for i in 0..chars.len() {
        if chars[i] == '.' {
            let before = chars[..i].iter().rev().find(|&&c| c != ' ');
            let after = chars[i + 1..].iter().find(|&&c| c != ' ');
            if matches!((before, after), (Some(&b), Some(&a)) if is_cjk(b) && is_cjk(a)) {
                chars[i] = MIDDLE_DOT;
            }
        }
    }
    // Spaces next to a middle dot or between two Chinese characters go.
    let keep: Vec<bool> = (0..chars.len())
        .map(|i| {
            if chars[i] != ' ' {
                return true;
            }
            let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
            let after = chars.get(i + 1).copied();
            let by_dot = before == Some(MIDDLE_DOT) || after == Some(MIDDLE_DOT);
            let between_cjk = before.is_some_and(is_cjk) && after.is_some_and(is_cjk);
            !(by_dot || between_cjk)
        })
        .collect();
    chars
        .into_iter()
        .zip(keep)
        .filter_map(|(c, k)| k.then_some(c))
        .collect()
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('\u{FF10}'..='\u{FF19}').contains(&c)
}

/// CJK Unified Ideographs, extensions A to I and the compatibility ideographs.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2EBEF}'
        | '\u{2F800}'..='\u{2FA1F}'
        | '\u{30000}'..='\u{323AF}')
}

/// ASCII letters and the accented letters of Latin-1, Latin Extended-A/B and
/// Latin Extended Additional.
fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (matches!(c, '\u{00C0}'..='\u{024F}') && c != '\u{00D7}' && c != '\u{00F7}')
        || matches!(c, '\u{1E00}'..='\u{1EFF}')
}

/// Combining diacritical marks, as in a decomposed `é`.
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

fn is_latin_or_mark(c: char) -> bool {
    is_latin_letter(c) || is_combining_mark(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(input: &str) -> &'static str {
        match PersonName::parse(input) {
            Ok(_) => "ok",
            Err(p) => p.code,
        }
    }

    fn parsed(input: &str) -> String {
        PersonName::parse(input).expect(input).as_str().to_owned()
    }

    #[test]
    fn accepted_names() {
        for s in [
            "阿卜杜·热合曼",
            "张三",
            "Zhang San",
            "O'Brien-Smith",
            "José Müller",
            "䶮一",
        ] {
            assert_eq!(parsed(s), s);
        }
        assert_eq!(parsed("𠀀𠀁"), "𠀀𠀁");
        assert_eq!(parsed("Jose\u{0301}"), "Jose\u{0301}");
    }

    #[test]
    fn single_character_is_too_short() {
        assert_eq!(code("李"), "name.length");
        assert_eq!(code(" 李 "), "name.length");
        assert_eq!(code("A"), "name.length");
    }

    #[test]
    fn refusals() {
        assert_eq!(code(""), "name.empty");
        assert_eq!(code(" \t\u{3000} "), "name.empty");
        assert_eq!(code("张三3"), "name.digits");
        assert_eq!(code("张三３"), "name.digits");
        assert_eq!(code("张三!"), "name.characters");
        assert_eq!(code("张三@"), "name.characters");
        assert_eq!(code("J. Smith"), "name.characters");
        assert_eq!(code("Иван"), "name.characters");
        assert_eq!(code("キム"), "name.characters");
        assert_eq!(code("--"), "name.characters");
        assert_eq!(code("张×三"), "name.characters");
        assert_eq!(code("\u{0301}ab"), "name.characters");
        assert_eq!(code("·张三"), "name.middle_dot");
        assert_eq!(code("张三·"), "name.middle_dot");
        assert_eq!(code("阿卜杜··热合曼"), "name.middle_dot");
        assert_eq!(code("阿卜杜·•热合曼"), "name.middle_dot");
        assert_eq!(code(&"张".repeat(40)), "ok");
        assert_eq!(code(&"张".repeat(41)), "name.length");
        assert_eq!(code(&"a".repeat(41)), "name.length");
    }

    #[test]
    fn middle_dot_variants_become_u00b7() {
        for dot in [
            '\u{00B7}', '\u{2022}', '\u{30FB}', '\u{FF0E}', '\u{2027}', '\u{FF65}', '.',
        ] {
            let typed = format!("阿卜杜{dot}热合曼");
            assert_eq!(parsed(&typed), "阿卜杜·热合曼", "{typed}");
        }
        assert_eq!(parsed("阿卜杜 . 热合曼"), "阿卜杜·热合曼");
        assert_eq!(parsed("阿卜杜 · 热合曼"), "阿卜杜·热合曼");
    }

    #[test]
    fn whitespace_is_trimmed_and_collapsed() {
        assert_eq!(parsed("  Zhang \t\n  San  "), "Zhang San");
        assert_eq!(parsed("\u{3000}张 三\u{3000}"), "张三");
        assert_eq!(parsed("Mary  Ann O’Neil"), "Mary Ann O'Neil");
    }

    #[test]
    fn matches_after_normalisation_ignoring_latin_case() {
        let n = PersonName::parse("阿卜杜·热合曼").expect("valid");
        assert!(n.matches("阿卜杜·热合曼"));
        assert!(n.matches(" 阿卜杜.热合曼 "));
        assert!(n.matches("阿卜杜・热合曼"));
        assert!(!n.matches("阿卜杜热合曼"));
        assert!(!n.matches(""));
        let n = PersonName::parse("Zhang San").expect("valid");
        assert!(n.matches("zhang  san"));
        assert!(n.matches("ZHANG SAN"));
        assert!(!n.matches("Zhang Shan"));
        assert!(!n.matches("ZhangSan"));
        let n = PersonName::parse("José").expect("valid");
        assert!(n.matches("JOSÉ"));
        assert!(!n.matches("Jose"));
    }

    #[test]
    fn width_counts_cjk_as_two_columns() {
        let w = |s: &str| PersonName::parse(s).expect(s).width();
        assert_eq!(w("张三"), 4);
        assert_eq!(w("阿卜杜·热合曼"), 13);
        assert_eq!(w("Zhang San"), 9);
        assert_eq!(w("Jose\u{0301}"), 4);
    }

    proptest! {
        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>(), t in any::<String>()) {
            if let Ok(n) = PersonName::parse(&s) {
                let _ = (n.width(), n.matches(&t));
                prop_assert!(n.matches(&s));
                prop_assert!(n.matches(n.as_str()));
                prop_assert_eq!(PersonName::parse(n.as_str()).ok(), Some(n.clone()));
            }
        }

        #[test]
        fn name_like_strings_never_panic(s in "[张三a-zA-Z ·.•'\\-]{0,50}") {
            if let Ok(n) = PersonName::parse(&s) {
                prop_assert!(n.matches(&s));
                prop_assert_eq!(PersonName::parse(n.as_str()).ok(), Some(n.clone()));
            }
        }

        #[test]
        fn chinese_names_parse(s in "[\u{4E00}-\u{9FFF}]{2,4}") {
            prop_assert_eq!(PersonName::parse(&s).map(|n| n.width()).ok(), Some(2 * s.chars().count()));
        }
    }

    #[test]
    fn huge_input_does_not_panic() {
        assert_eq!(code(&"张".repeat(1_000_000)), "name.length");
        assert_eq!(code(&" ".repeat(1_000_000)), "name.empty");
    }
}
