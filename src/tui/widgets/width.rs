//! Display-width helpers so Chinese names (two columns each, and the `·`) line up.

use unicode_width::UnicodeWidthStr;

/// `text` cut or padded to exactly `width` columns.
pub fn fit(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for ch in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        if used + w > width {
            if width > 0 && used < width {
                // Leave room for the ellipsis when cutting.
                while used + 1 > width {
                    let c = out.pop().unwrap_or(' ');
                    used -= unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                }
                out.push('…');
                used += 1;
            }
            break;
        }
        out.push(ch);
        used += w;
    }
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

pub fn width(text: &str) -> usize {
    text.width()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_names_line_up() {
        assert_eq!(width(&fit("张伟", 8)), 8);
        assert_eq!(width(&fit("阿卜杜·热合曼", 8)), 8);
        assert_eq!(width(&fit("欧阳浩然", 8)), 8);
        assert_eq!(fit("Zhang", 3), "Zh…");
        assert_eq!(width(&fit("张伟伟伟伟", 5)), 5);
    }
}
