//! Keyword-in-context lines ([`crate::research::Line`]) for a person: date, left
//! context, match, right context and outlet, each line aligned on the match in
//! display columns (a CJK character takes two), so that the matches stand in one
//! column; or one JSON object per line.

use super::{Markup, OutputFormat, MATCH, RESET};
use crate::research::Line;
use std::io::{self, Write};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Columns of the date at the start of a line (`2022-05-17`, blank when undated).
const DATE_COLUMNS: usize = 10;

/// Writes one line: for [`OutputFormat::Text`] laid out by [`kwic_text`] with the
/// match in colour when the markup says so; for any other format one JSON object
/// (`{"id","date","source","left","match","right","offset"}`) and a newline.
///
/// ```
/// use baoku::output::{write_kwic_line, Markup, OutputFormat};
/// use baoku::research::Line;
///
/// let line = Line {
///     id: "a1".into(),
///     date: baoku::Date::new(2022, 5, 17),
///     source: Some("吉林日报".into()),
///     left: "今年第3号".into(),
///     matched: "台风".into(),
///     right: "登陆".into(),
///     offset: 5,
/// };
/// let mut out = Vec::new();
/// let text = OutputFormat::Text { markup: Markup::Plain, width: 80 };
/// write_kwic_line(&mut out, &line, 6, text).unwrap();
/// assert_eq!(String::from_utf8(out).unwrap(), "2022-05-17     今年第3号 台风 登陆          吉林日报\n");
/// ```
pub fn write_kwic_line(
    out: &mut impl Write,
    line: &Line,
    width: usize,
    format: OutputFormat,
) -> io::Result<()> {
    match format {
        OutputFormat::Text { markup, .. } => {
            let text = kwic_text(line, width, markup);
            writeln!(out, "{text}")
        }
        _ => super::write_json_line(out, line),
    }
}

/// A line laid out for a terminal: the date, the left context right-aligned in
/// `2 × width` columns (the most `width` characters can take), the match, the right
/// context left-aligned in as many, the outlet. Line breaks and tabs in the context
/// are shown as spaces, so that a line stays one line.
pub fn kwic_text(line: &Line, width: usize, markup: Markup) -> String {
    let columns = 2 * width;
    let left = one_line(&line.left);
    let right = one_line(&line.right);
    let date = line.date.map(|d| d.to_string()).unwrap_or_default();
    let (open, close) = match markup {
        Markup::Ansi => (MATCH, RESET),
        Markup::Plain => ("", ""),
    };
    let mut text = format!(
        "{date:<DATE_COLUMNS$}  {:pad$}{left} {open}{}{close} {right}",
        "",
        one_line(&line.matched),
        pad = columns.saturating_sub(left.width()),
    );
    if let Some(source) = &line.source {
        let pad = columns.saturating_sub(right.width());
        text.push_str(&format!("{:pad$}  {source}", ""));
    }
    text
}

/// Text with every whitespace or control character as one space, and characters
/// that take no columns (other than marks that join the one before) left out.
fn one_line(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            c if c.is_whitespace() || c.is_control() => Some(' '),
            c if c.width().is_none() => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(left: &str, matched: &str, right: &str) -> Line {
        Line {
            id: "x".into(),
            date: None,
            source: Some("明報".into()),
            left: left.into(),
            matched: matched.into(),
            right: right.into(),
            offset: 0,
        }
    }

    #[test]
    fn matches_stand_in_one_column_whatever_the_script() {
        let lines = [
            line("ab", "台风", "c"),
            line("今年第3号", "颱風", "\n登陆广东"),
            line("", "台风", ""),
            line("WHO表示", "台风", "登陆"),
        ];
        let starts: Vec<usize> = lines
            .iter()
            .map(|l| {
                let text = kwic_text(l, 6, Markup::Plain);
                let at = text.find(&l.matched).unwrap();
                text[..at].width()
            })
            .collect();
        assert!(starts.iter().all(|&s| s == starts[0]), "{starts:?}");
        assert_eq!(starts[0], DATE_COLUMNS + 2 + 12 + 1);
        let text = kwic_text(&lines[1], 6, Markup::Plain);
        assert!(!text.contains('\n') && text.ends_with("  明報"), "{text:?}");
        let colour = kwic_text(&lines[0], 6, Markup::Ansi);
        assert!(colour.contains("\x1b[1;31m台风\x1b[0m"), "{colour:?}");
    }
}
