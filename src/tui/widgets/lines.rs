//! Lines drawn one per row and cut at the right edge: what `Paragraph` draws
//! without wrapping, cell for cell, but without its grapheme machinery for the
//! plain ASCII most cells hold. A full 200×50 dashboard frame has a 1 ms
//! budget, and half of it went to `Paragraph` segmenting digits and spaces
//! into graphemes one by one.

use ratatui::buffer::{Buffer, CellWidth};
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthChar;

/// Lines as `Paragraph::new(lines)` draws them (no wrap, no scroll, no block).
pub struct Lines<'a>(pub &'a [Line<'a>]);

impl Widget for Lines<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        for (y, line) in (area.top()..area.bottom()).zip(self.0) {
            render_line(line, area.left(), area.right(), y, buf);
        }
    }
}

fn render_line(line: &Line, left: u16, right: u16, y: u16, buf: &mut Buffer) {
    let room = right - left;
    if room == 0 {
        return;
    }
    // As Paragraph: an aligned line is placed by the width of what fits.
    let offset = match line.alignment {
        None | Some(Alignment::Left) => 0,
        Some(Alignment::Center) => (room / 2).saturating_sub(walk(line, room, |_, _, _| ()) / 2),
        Some(Alignment::Right) => room.saturating_sub(walk(line, room, |_, _, _| ())),
    };
    walk(line, room, |dx, what, style| {
        let cell = &mut buf[(left + offset + dx, y)];
        match what {
            Cell::Char(c) => cell.set_char(c),
            Cell::Symbol(s) => cell.set_symbol(s),
        };
        cell.set_style(style);
    });
}

enum Cell<'a> {
    Char(char),
    Symbol(&'a str),
}

/// Each cell of `line` that fits in `room` columns, with its offset; the
/// columns used. Paragraph's truncation to the letter: control characters
/// dropped, a character wider than the whole room skipped, the first one that
/// would stick out ends the line, zero-width ones take no cell.
fn walk<'a>(line: &'a Line, room: u16, mut put: impl FnMut(u16, Cell<'a>, Style)) -> u16 {
    let mut used = 0;
    for span in &line.spans {
        let style = line.style.patch(span.style);
        let text: &str = span.content.as_ref();
        if text.is_ascii() {
            for b in text.bytes().filter(|b| !b.is_ascii_control()) {
                if used == room {
                    return used;
                }
                put(used, Cell::Char(char::from(b)), style);
                used += 1;
            }
        } else if text.chars().all(alone) {
            for c in text.chars() {
                let w = u16::try_from(c.width().unwrap_or(0)).unwrap_or(u16::MAX);
                if w > room {
                    continue;
                }
                if used + w > room {
                    return used;
                }
                put(used, Cell::Char(c), style);
                used += w;
            }
        } else {
            for g in span.styled_graphemes(line.style) {
                let w = g.symbol.cell_width();
                if w > room {
                    continue;
                }
                if used + w > room {
                    return used;
                }
                if w > 0 {
                    put(used, Cell::Symbol(g.symbol), style);
                }
                used += w;
            }
        }
    }
    used
}

/// A character that is a grapheme on its own whatever stands beside it (no
/// combining mark, joiner, selector, prepend or control among these), with
/// one width: the text of a counter — Chinese, the dashes, dots and arrows
/// between, the chart's bars — drawn without grapheme segmentation.
fn alone(c: char) -> bool {
    matches!(c,
        ' '..='~'
        | '\u{B7}'
        | '\u{2010}'..='\u{2027}'
        | '\u{2190}'..='\u{21FF}'
        | '\u{2500}'..='\u{25FF}'
        | '\u{3000}'..='\u{3029}'
        | '\u{3030}'..='\u{303F}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{FF01}'..='\u{FF60}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::style::{Color, Modifier};
    use ratatui::text::Span;
    use ratatui::widgets::Paragraph;

    fn both(lines: &[Line], area: Rect) -> (Buffer, Buffer) {
        let canvas = Rect::new(0, 0, area.right() + 2, area.bottom() + 1);
        let mut ours = Buffer::empty(canvas);
        let mut theirs = Buffer::empty(canvas);
        Lines(lines).render(area, &mut ours);
        Paragraph::new(lines.to_vec()).render(area, &mut theirs);
        (ours, theirs)
    }

    #[test]
    fn draws_what_paragraph_draws_for_mixed_text() {
        let lines = vec![
            Line::from(vec![
                Span::styled("D00012 ", Style::new().add_modifier(Modifier::BOLD)),
                Span::raw("王小明 138****5678"),
            ]),
            Line::styled("已退款 · 299.00", Style::new().fg(Color::Green)),
            Line::from("tab\tand\u{7}bell, é, 👍🏽, ａ full-width"),
            Line::from("right").alignment(Alignment::Right),
            Line::from("中间").alignment(Alignment::Center),
            Line::from("一二三四五六七八九十"),
        ];
        for width in [0, 1, 5, 9, 10, 11, 40] {
            let (ours, theirs) = both(&lines, Rect::new(1, 0, width, 5));
            assert_eq!(ours, theirs, "width {width}");
        }
    }

    #[test]
    fn every_character_taken_alone_is_one_grapheme_of_its_own_width() {
        use unicode_segmentation::UnicodeSegmentation;
        let all = (0..=0x10FFFF_u32)
            .filter_map(char::from_u32)
            .filter(|&c| alone(c));
        for c in all {
            let one = c.to_string();
            assert_eq!(
                u16::try_from(c.width().unwrap_or(0)).unwrap(),
                one.as_str().cell_width(),
                "{c:?}"
            );
            assert!(c.width().unwrap_or(0) > 0, "{c:?}");
            for pair in [
                format!("{c}{c}"),
                format!("a{c}"),
                format!("{c}a"),
                format!("王{c}"),
            ] {
                assert_eq!(pair.graphemes(true).count(), 2, "{pair:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn any_text_is_drawn_as_paragraph_draws_it(
            texts in proptest::collection::vec("[ -~\t\u{7}王小明·é\u{301}👍ａ—…→▁█●、。〪\u{2028}\u{ff9e}\u{1100}\u{1161}\u{200d}\u{fe0f}\u{0600}]{0,30}", 0..6),
            width in 0u16..32,
            height in 0u16..6,
            x in 0u16..3,
        ) {
            let lines: Vec<Line> = texts
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let line = Line::from(vec![
                        Span::styled(t.clone(), Style::new().fg(Color::Indexed(i as u8))),
                        Span::raw(t.chars().rev().collect::<String>()),
                    ]);
                    match i % 3 {
                        1 => line.alignment(Alignment::Right),
                        2 => line.alignment(Alignment::Center),
                        _ => line,
                    }
                })
                .collect();
            let (ours, theirs) = both(&lines, Rect::new(x, 0, width, height));
            prop_assert_eq!(ours, theirs);
        }
    }
}
