//! Prose in a fixed number of lines, for messages under a field.

use crate::tui::widgets::width::fit;
use crate::tui::widgets::wrap::wrap;

/// `text` wrapped to `cols` with continuation lines indented by `hang`, in at
/// most `max` lines; a cut shows as `…`.
pub(super) fn wrap_at_most(text: &str, cols: usize, hang: usize, max: usize) -> Vec<String> {
    let mut lines = wrap(text, cols, hang);
    if lines.len() > max {
        lines.truncate(max.max(1));
        if let Some(last) = lines.last_mut() {
            *last = fit(&format!("{last}…"), cols).trim_end().to_string();
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::widgets::width::width;

    #[test]
    fn long_text_is_cut_with_an_ellipsis() {
        let lines = wrap_at_most("请与申请人一起阅读《POS 机具服务条款》。", 20, 0, 5);
        assert!(lines.iter().all(|l| width(l) <= 20), "{lines:?}");
        assert_eq!(wrap_at_most("one two three", 7, 0, 5), ["one two", "three"]);
        let cut = wrap_at_most("one two three four", 9, 2, 2);
        assert_eq!(cut, ["one two", "  three…"]);
        let full = wrap_at_most("aaaaaaaa bbbbbbbbb ccc", 9, 0, 2);
        assert_eq!(full, ["aaaaaaaa", "bbbbbbbb…"]);
    }
}
