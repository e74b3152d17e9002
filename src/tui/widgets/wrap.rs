//! Wrapping by display width for prose on screen (contract clauses, hints,
//! messages): Latin text breaks at spaces, Chinese between characters.

use crate::tui::theme::{Meaning, Theme};
use crate::tui::widgets::width::width;
use ratatui::text::Line;
use unicode_width::UnicodeWidthChar;

/// Greedy wrap by display width: Latin text breaks at spaces, Chinese between
/// characters but never before closing punctuation; continuation lines are
/// indented by `hang` columns.
pub fn wrap(text: &str, cols: usize, hang: usize) -> Vec<String> {
    let cols = cols.max(hang + 8);
    let mut out = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for token in tokens(text) {
        let w = width(&token);
        if used + w > cols && used > hang && !line.trim().is_empty() {
            out.push(line.trim_end().to_string());
            line = " ".repeat(hang);
            used = hang;
            if token == " " {
                continue;
            }
        }
        if w > cols - hang {
            // A word longer than the line is cut where it must be.
            for ch in token.chars() {
                let cw = ch.width().unwrap_or(0);
                if used + cw > cols {
                    out.push(line.trim_end().to_string());
                    line = " ".repeat(hang);
                    used = hang;
                }
                line.push(ch);
                used += cw;
            }
            continue;
        }
        line.push_str(&token);
        used += w;
    }
    out.push(line.trim_end().to_string());
    out
}

/// Units that stay on one line: a Latin word, a space, or one Chinese character
/// with the punctuation that opens before or closes after it.
fn tokens(text: &str) -> Vec<String> {
    const CLOSING: &str = "，。、；：！？）》」』”’";
    const OPENING: &str = "（《「『“‘";
    let mut out: Vec<String> = Vec::new();
    let mut glue = false;
    for ch in text.chars() {
        let wide = ch.width().unwrap_or(0) > 1;
        let joins_word = |last: &str| {
            last.chars()
                .last()
                .is_some_and(|c| c != ' ' && c.width().unwrap_or(0) <= 1)
        };
        match out.last_mut() {
            Some(last) if glue || CLOSING.contains(ch) => last.push(ch),
            Some(last) if !wide && ch != ' ' && joins_word(last) => last.push(ch),
            _ => out.push(ch.to_string()),
        }
        glue = OPENING.contains(ch);
    }
    out
}

/// A message with its meaning's text marker, wrapped under its own text.
pub fn marked(theme: &Theme, m: Meaning, text: &str, cols: u16) -> Vec<Line<'static>> {
    let marker = theme.marker(m);
    wrap(&format!("{marker}{text}"), usize::from(cols), width(marker))
        .into_iter()
        .map(|l| Line::styled(l, theme.style(m)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_by_width_and_keeps_punctuation_with_its_character() {
        assert_eq!(wrap("one two three", 9, 0), ["one two", "three"]);
        assert_eq!(
            wrap("1. 甲乙丙丁戊己庚辛", 11, 3),
            ["1. 甲乙丙丁", "   戊己庚辛"]
        );
        assert_eq!(wrap("甲乙丙丁戊、己", 10, 0), ["甲乙丙丁", "戊、己"]);
        assert_eq!(wrap("甲乙丙（丁）", 8, 0), ["甲乙丙", "（丁）"]);
        assert_eq!(wrap("", 10, 0), [""]);
        assert_eq!(wrap("abcdefghijklmnop", 8, 0), ["abcdefgh", "ijklmnop"]);
    }
}
