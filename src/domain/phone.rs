//! Mainland China mobile numbers: after removing spaces, dashes and an
//! optional `+86` / `0086` prefix, `^1[3-9]\d{9}$`. The prefix is not checked
//! against carrier lists (those go stale): ownership is proven by a one-time code.

use crate::domain::problem::Problem;

/// An 11-digit mainland mobile number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    pub fn parse(input: &str) -> Result<Phone, Problem> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && !is_dash(*c))
            .map(fold_full_width)
            .collect();
        let national = compact
            .strip_prefix("+86")
            .or_else(|| compact.strip_prefix("0086"))
            .unwrap_or(&compact);
        if is_mainland_mobile(national) {
            Ok(Phone(national.to_owned()))
        } else {
            Err(Problem::new(
                "phone.format",
                "The mobile number must be 11 digits starting with 13 to 19, \
                 optionally after +86.",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// First 3 and last 4 digits: `138****5678`.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }

    /// `138 1234 5678`.
    pub fn grouped(&self) -> String {
        format!("{} {} {}", &self.0[..3], &self.0[3..7], &self.0[7..])
    }
}

/// `^1[3-9][0-9]{9}$` over ASCII digits only.
fn is_mainland_mobile(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11
        && b.iter().all(u8::is_ascii_digit)
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
}

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'
            | '\u{2011}'
            | '\u{2012}'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{2212}'
            | '\u{FF0D}'
    )
}

/// Full-width digits and plus sign, as typed with a Chinese input method.
fn fold_full_width(c: char) -> char {
    match c {
        '\u{FF10}'..='\u{FF19}' => {
            char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')).unwrap_or(c)
        }
        '\u{FF0B}' => '+',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(input: &str) -> &'static str {
        match Phone::parse(input) {
            Ok(_) => "ok",
            Err(p) => p.code,
        }
    }

    #[test]
    fn accepted_forms() {
        for s in [
            "13812345678",
            "138 1234 5678",
            "138-1234-5678",
            "+8613812345678",
            "+86 138 1234 5678",
            "+86-138-1234-5678",
            "0086 13812345678",
            "  13812345678\n",
            "１３８１２３４５６７８",
            "＋８６ １３８ １２３４ ５６７８",
        ] {
            let p = Phone::parse(s).expect(s);
            assert_eq!(p.as_str(), "13812345678");
        }
    }

    #[test]
    fn refused_forms() {
        for s in [
            "",
            "1381234567",
            "138123456789",
            "12812345678",
            "10812345678",
            "23812345678",
            "8613812345678",
            "+8513812345678",
            "+86+8613812345678",
            "138.1234.5678",
            "1381234567a",
            "(+86)13812345678",
            "١٣٨١٢٣٤٥٦٧٨",
        ] {
            assert_eq!(code(s), "phone.format", "{s}");
        }
    }

    #[test]
    fn masked_three_plus_four_and_grouped() {
        let p = Phone::parse("13812345678").expect("valid");
        assert_eq!(p.masked(), "138****5678");
        assert_eq!(p.grouped(), "138 1234 5678");
    }

    fn valid_phone() -> impl Strategy<Value = String> {
        "1[3-9][0-9]{9}"
    }

    proptest! {
        #[test]
        fn formatted_numbers_round_trip(
            n in valid_phone(),
            prefix in prop::sample::select(vec!["", "+86", "+86 ", "0086", "0086-", " +86-"]),
            sep in prop::sample::select(vec!["", " ", "-", " - ", "  "]),
        ) {
            let typed = format!("{prefix}{}{sep}{}{sep}{}", &n[..3], &n[3..7], &n[7..]);
            let p = Phone::parse(&typed);
            prop_assert!(p.is_ok(), "{typed}");
            let p = p.expect("checked");
            prop_assert_eq!(p.as_str(), n.as_str());
            prop_assert_eq!(Phone::parse(&p.grouped()).ok(), Some(p.clone()));
            prop_assert_eq!(p.masked().chars().count(), 11);
        }

        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            if let Ok(p) = Phone::parse(&s) {
                let _ = (p.masked(), p.grouped());
            }
        }
    }
}
