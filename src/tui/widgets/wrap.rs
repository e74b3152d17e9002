//! Wrapping by display width for prose on screen (contract clauses, hints,
//! messages): Latin text breaks at spaces, Chinese between characters.

use crate::tui::theme::{Meaning, Theme};
use crate::tui::widgets::width::width;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Paragraph, Widget};
use unicode_width::UnicodeWidthChar;

/// Greedy wrap by display width: Latin text breaks at spaces, Chinese between
/// characters but never before closing punctuation; continuation lines are
/// indented by `hang` columns.
pub fn wrap(text: &str, cols: usize, hang: usize) -> Vec<String> {
    let chars: Vec<(char, Style)> = text.chars().map(|c| (c, Style::default())).collect();
    fill(&chars, cols.max(hang + 8), hang, false)
        .into_iter()
        .map(|row| {
            row.iter()
                .map(|(c, _)| c)
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect()
}

/// The line filling under `wrap` and `wrap_lines`: `chars` cut into rows of at
/// most `cols` columns at token ends, rows after the first starting with
/// `hang` spaces; `trim` drops the spaces the first row starts with. A wide
/// character that does not fit the last column goes to the next row.
fn fill(chars: &[(char, Style)], cols: usize, hang: usize, trim: bool) -> Vec<Vec<(char, Style)>> {
    let cols = cols.max(1);
    let indent = || vec![(' ', Style::default()); hang];
    let plain: Vec<char> = chars.iter().map(|(c, _)| *c).collect();
    let mut rows: Vec<Vec<(char, Style)>> = vec![Vec::new()];
    let mut used = 0;
    let mut start = 0;
    for end in token_ends(&plain) {
        let token = &chars[start..end];
        start = end;
        let w: usize = token.iter().map(|(c, _)| c.width().unwrap_or(0)).sum();
        let row = rows.last_mut().expect("a row");
        let blank = row.iter().all(|(c, _)| *c == ' ');
        if used + w > cols && !blank {
            // The space a line breaks at belongs to neither line.
            while row.last().is_some_and(|(c, _)| *c == ' ') {
                row.pop();
            }
            rows.push(indent());
            used = hang;
            if token.iter().all(|(c, _)| *c == ' ') {
                continue;
            }
        }
        for &(c, style) in token {
            let cw = c.width().unwrap_or(0);
            let indented = if rows.len() > 1 { hang } else { 0 };
            let row = rows.last_mut().expect("a row");
            if trim && c == ' ' && row.is_empty() {
                continue;
            }
            // A word longer than the line is cut where it must be.
            if used + cw > cols && row.len() > indented {
                rows.push(indent());
                used = hang;
            }
            rows.last_mut().expect("a row").push((c, style));
            used += cw;
        }
    }
    rows
}

/// Where each token of `chars` ends: a token stays on one line (a Latin
/// word, a space, or one Chinese character with the punctuation that opens
/// before or closes after it).
fn token_ends(chars: &[char]) -> Vec<usize> {
    const CLOSING: &str = "，。、；：！？）》」』”’";
    const OPENING: &str = "（《「『“‘";
    let mut ends: Vec<usize> = Vec::new();
    let mut glue = false;
    for (i, &ch) in chars.iter().enumerate() {
        let wide = ch.width().unwrap_or(0) > 1;
        let last = i.checked_sub(1).map(|j| chars[j]);
        let joins_word = last.is_some_and(|c| c != ' ' && c.width().unwrap_or(0) <= 1);
        if i > 0 && (glue || CLOSING.contains(ch) || (!wide && ch != ' ' && joins_word)) {
            if let Some(end) = ends.last_mut() {
                *end = i + 1;
            }
        } else {
            ends.push(i + 1);
        }
        glue = OPENING.contains(ch);
    }
    ends
}

/// Styled lines wrapped to `cols` by display width, the way `wrap` breaks
/// text, keeping each character's style and each line's style and alignment;
/// `trim` drops the spaces a line starts with. No line comes out wider than
/// `cols` (a wide character that does not fit the last column goes to the
/// next line).
pub fn wrap_lines<'a>(lines: Vec<Line<'a>>, cols: u16, trim: bool) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for line in lines {
        let chars: Vec<(char, Style)> = line
            .spans
            .iter()
            .flat_map(|s| s.content.chars().map(move |c| (c, s.style)))
            .collect();
        for row in fill(&chars, usize::from(cols), 0, trim) {
            let mut spans: Vec<Span<'static>> = Vec::new();
            for (c, style) in row {
                match spans.last_mut() {
                    Some(last) if last.style == style => last.content.to_mut().push(c),
                    _ => spans.push(Span::styled(c.to_string(), style)),
                }
            }
            let mut wrapped = Line::from(spans).style(line.style);
            wrapped.alignment = line.alignment;
            out.push(wrapped);
        }
    }
    out
}

/// A paragraph wrapped by `wrap_lines` to the area it is drawn in: the
/// screens' wrapped prose. ratatui 0.30's own word wrapper lets a line run one
/// column past its area when a wide character does not fit its last column,
/// drawing over the border beside it (ratatui issue 2679).
pub struct Wrapped<'a> {
    text: Text<'a>,
    block: Option<Block<'a>>,
    trim: bool,
}

impl<'a> Wrapped<'a> {
    pub fn new(text: impl Into<Text<'a>>) -> Wrapped<'a> {
        Wrapped {
            text: text.into(),
            block: None,
            trim: false,
        }
    }

    pub fn block(mut self, block: Block<'a>) -> Self {
        self.block = Some(block);
        self
    }

    /// Drop the spaces each line starts with.
    pub fn trim(mut self, trim: bool) -> Self {
        self.trim = trim;
        self
    }
}

impl Widget for Wrapped<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let inner = match &self.block {
            Some(b) => b.inner(area),
            None => area,
        };
        if let Some(b) = self.block {
            b.render(area, buf);
        }
        let mut text = Text::from(wrap_lines(self.text.lines, inner.width, self.trim));
        text.style = self.text.style;
        text.alignment = self.text.alignment;
        Paragraph::new(text).render(inner, buf);
    }
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

    fn texts(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    /// ratatui 0.30 drew this line 44 columns wide in 43 (its issue 2679).
    #[test]
    fn a_wide_character_that_does_not_fit_goes_to_the_next_line() {
        let line = Line::from(vec![
            Span::raw("结算卡号    "),
            Span::styled("622208*********3610", Style::new().bold()),
            Span::raw(" 中国工商银行"),
        ]);
        let out = wrap_lines(vec![line], 43, false);
        assert_eq!(
            texts(&out),
            ["结算卡号    622208*********3610 中国工商银", "行"]
        );
        assert!(out.iter().all(|l| l.width() <= 43));
        assert_eq!(out[0].spans[1].content, "622208*********3610");
        assert_eq!(out[0].spans[1].style, Style::new().bold(), "styles stay");
    }

    #[test]
    fn styled_lines_wrap_like_text() {
        let out = wrap_lines(vec![Line::from("one two three")], 9, false);
        assert_eq!(texts(&out), ["one two", "three"]);
        let out = wrap_lines(vec![Line::from("甲乙丙丁戊、己")], 10, false);
        assert_eq!(texts(&out), ["甲乙丙丁", "戊、己"]);
        let out = wrap_lines(vec![Line::from("  indented text")], 20, true);
        assert_eq!(texts(&out), ["indented text"]);
        let out = wrap_lines(vec![Line::from("  indented text")], 20, false);
        assert_eq!(texts(&out), ["  indented text"]);
        let out = wrap_lines(vec![Line::from(""), Line::from("x")], 5, false);
        assert_eq!(texts(&out), ["", "x"]);
        let out = wrap_lines(vec![Line::from("abcdefghij")], 4, false);
        assert_eq!(texts(&out), ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn no_line_is_ever_wider_than_its_area() {
        let samples = [
            "银行卡号应为 15–19 位数字，现输入了 14 位。",
            "A bank card number has 15 to 19 digits, but 14 were entered.",
            "终端 N31ABCDEF012345 属于其他领机网点的库存（已预留、已绑定或已退回）。",
            "a甲b乙c丙d丁 e戊f己",
        ];
        for text in samples {
            for cols in 1..40u16 {
                for trim in [false, true] {
                    let out = wrap_lines(vec![Line::from(text)], cols, trim);
                    for l in &out {
                        let limit = usize::from(cols).max(2);
                        assert!(l.width() <= limit, "{text:?} at {cols}: {l:?}");
                    }
                    let kept: String = texts(&out).concat().replace(' ', "");
                    assert_eq!(kept, text.replace(' ', ""), "nothing lost at {cols}");
                }
                for hang in [0, 3] {
                    let out = wrap(text, usize::from(cols), hang);
                    for l in &out {
                        let limit = usize::from(cols).max(hang + 8);
                        assert!(width(l) <= limit, "{text:?} at {cols}, hang {hang}: {l:?}");
                    }
                    assert!(out.iter().skip(1).all(|l| l.starts_with(&" ".repeat(hang))));
                    let kept: String = out.concat().replace(' ', "");
                    assert_eq!(kept, text.replace(' ', ""), "nothing lost at {cols}");
                }
            }
        }
    }
}
