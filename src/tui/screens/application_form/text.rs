//! Fitting text into columns where Chinese and Latin text mix.

use crate::tui::widgets::width::width;

/// `text` in at most `cols` columns, with `…` where it was cut (`fit` only
/// marks a cut that falls inside a wide character).
pub(super) fn cut(text: &str, cols: usize) -> String {
    if width(text) <= cols {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for ch in text.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        if used + cw + 1 > cols {
            break;
        }
        out.push(ch);
        used += cw;
    }
    format!("{}…", out.trim_end())
}

/// Lines of at most `cols` columns, at most `max` of them (the last cut with
/// `…`). Breaks between words, and between any two Chinese characters, which
/// ratatui's word wrap would keep together as one long word.
pub(super) fn wrap(text: &str, cols: usize, max: usize) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    let mut word = String::new();
    for ch in text.chars() {
        let wide = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0) > 1;
        if ch.is_whitespace() || wide {
            if !word.is_empty() {
                tokens.push(std::mem::take(&mut word));
            }
            tokens.push(if wide {
                ch.to_string()
            } else {
                " ".to_string()
            });
        } else {
            word.push(ch);
        }
    }
    if !word.is_empty() {
        tokens.push(word);
    }
    let mut lines = vec![String::new()];
    for token in tokens {
        let used = lines.last().map(|l| width(l)).unwrap_or(0);
        if token == " " {
            if let Some(l) = lines.last_mut().filter(|_| used > 0 && used < cols) {
                l.push(' ');
            }
            continue;
        }
        if used > 0 && used + width(&token) > cols {
            if let Some(l) = lines.last_mut() {
                l.truncate(l.trim_end().len());
            }
            lines.push(String::new());
        }
        for ch in token.chars() {
            let cw = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
            let used = lines.last().map(|l| width(l)).unwrap_or(0);
            if used > 0 && used + cw > cols {
                lines.push(String::new());
            }
            if let Some(l) = lines.last_mut() {
                l.push(ch);
            }
        }
    }
    if lines.len() > max {
        lines.truncate(max.max(1));
        if let Some(l) = lines.last_mut() {
            // Always marked as cut, even when the last line happens to fit.
            *l = cut(&format!("{l}{}", " ".repeat(cols + 1)), cols);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;
    use crate::tui::widgets::width::width;

    #[test]
    fn chinese_text_wraps_between_characters() {
        let lines = wrap(
            "请与申请人一起阅读《POS 机具服务条款》（版本 2026.1）。",
            20,
            5,
        );
        assert!(lines.iter().all(|l| width(l) <= 20), "{lines:?}");
        assert_eq!(lines[0], "请与申请人一起阅读《");
        assert_eq!(wrap("one two three", 7, 5), ["one two", "three"]);
        let cut = wrap("one two three four", 7, 2);
        assert_eq!(cut.len(), 2);
        assert!(cut[1].ends_with('…'), "{cut:?}");
        assert_eq!(super::cut("张伟伟", 3), "张…");
        assert_eq!(super::cut("abcdef", 4), "abc…");
        assert_eq!(super::cut("abc", 4), "abc");
    }
}
