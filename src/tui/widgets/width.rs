//! Display-width helpers so Chinese names (two columns each, and the `·`) line up.

use unicode_width::UnicodeWidthStr;

/// `text` cut (with an ellipsis) or padded to exactly `width` columns.
pub fn fit(text: &str, width: usize) -> String {
    let cw = |c: char| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
    let mut out = String::new();
    let mut used = 0;
    if text.width() <= width {
        out.push_str(text);
        used = text.width();
    } else if width > 0 {
        for ch in text.chars() {
            if used + cw(ch) > width - 1 {
                break;
            }
            out.push(ch);
            used += cw(ch);
        }
        out.push('…');
        used += 1;
    }
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

/// `text` as it is when it fits in `width` columns, else cut with an ellipsis.
pub fn clip(text: &str, width: usize) -> String {
    if text.width() <= width {
        text.to_string()
    } else {
        fit(text, width).trim_end().to_string()
    }
}

pub fn width(text: &str) -> usize {
    text.width()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_that_does_not_fit_ends_in_an_ellipsis() {
        assert_eq!(clip("审批通过 → 已审批", 20), "审批通过 → 已审批");
        assert_eq!(clip("审批通过 → 已审批", 12), "审批通过 → …");
        assert_eq!(clip("核验 · 年龄与民事行为能力", 10), "核验 · 年…");
        assert!(width(&clip("核验 · 年龄与民事行为能力", 10)) <= 10);
    }

    #[test]
    fn chinese_names_line_up() {
        assert_eq!(width(&fit("张伟", 8)), 8);
        assert_eq!(width(&fit("阿卜杜·热合曼", 8)), 8);
        assert_eq!(width(&fit("欧阳浩然", 8)), 8);
        assert_eq!(fit("Zhang", 3), "Zh…");
        assert_eq!(width(&fit("张伟伟伟伟", 5)), 5);
        assert_eq!(fit("张伟伟伟伟", 5), "张伟…");
        assert_eq!(fit("", 0), "");
        assert_eq!(fit("abc", 0), "");
    }
}
