//! A text as written, stored as the lines it shares with its cleaned text plus the
//! lines cleaning changed: the form in which an index keeps [`crate::Original`]'s body.
//!
//! Cleaning mostly removes lines (a source's furniture at the head and tail) or
//! rewrites a few (Markdown), so an original body stored whole doubled the stored text
//! of most hkcnews articles. A delta is one op a line:
//!
//! - `=A,N` copies `N` lines of the cleaned text from its line `A` (counted from 0);
//! - `+TEXT` is one line of the original as it was (`+` alone: an empty line).
//!
//! The original is the ops' lines joined by `\n`; lines are what `str::split('\n')`
//! gives, so every byte (a `\r`, trailing spaces, a final newline) is kept. Any text is
//! encoded (at worst one `+` a line more than the text) and decodes back byte for
//! byte. This module owns the format only; `schema.rs` decides where it is stored.

use std::collections::HashMap;

/// One op of a delta.
#[derive(Debug)]
enum Op<'a> {
    /// `len` lines of the cleaned text from line `start`.
    Copy { start: usize, len: usize },
    /// One line of the original.
    Line(&'a str),
}

/// Encodes `original` against `cleaned`: a text from which [`decode`] with the same
/// `cleaned` gives `original` back.
pub(crate) fn encode(original: &str, cleaned: &str) -> String {
    let lines: Vec<&str> = cleaned.split('\n').collect();
    // Where each non-empty line of the cleaned text is, in order: an original line is
    // matched with its next occurrence at or after the last line matched, so the
    // copied lines keep their order and a line that cleaning moved is written out.
    let mut at: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, line) in lines.iter().enumerate() {
        if !line.is_empty() {
            at.entry(line).or_default().push(i);
        }
    }
    let mut ops: Vec<Op> = Vec::new();
    let mut next = 0;
    for line in original.split('\n') {
        let found = if line.is_empty() {
            // An empty line is copied only where the cleaned text has one next: matching
            // it further on would skip lines for the cost of one character.
            (lines.get(next) == Some(&"")).then_some(next)
        } else {
            at.get(line).and_then(|positions| {
                let i = positions.partition_point(|&p| p < next);
                positions.get(i).copied()
            })
        };
        match found {
            Some(k) => {
                match ops.last_mut() {
                    Some(Op::Copy { start, len }) if *start + *len == k => *len += 1,
                    _ => ops.push(Op::Copy { start: k, len: 1 }),
                }
                next = k + 1;
            }
            None => ops.push(Op::Line(line)),
        }
    }
    let mut out: Vec<String> = Vec::with_capacity(ops.len());
    for op in ops {
        match op {
            Op::Copy { start, len } => {
                let copy = format!("={start},{len}");
                let copied = &lines[start..start + len];
                // Lines no longer than the op are written out instead, so that a delta
                // is never longer than the original with a `+` a line.
                let written = copied.iter().map(|l| l.len() + 1).sum::<usize>() + len - 1;
                if written <= copy.len() {
                    out.extend(copied.iter().map(|line| format!("+{line}")));
                } else {
                    out.push(copy);
                }
            }
            Op::Line(line) => out.push(format!("+{line}")),
        }
    }
    out.join("\n")
}

/// The original that `delta` ([`encode`]) describes against `cleaned`; `None` when
/// `delta` is not one (an op that is neither `=A,N` nor `+…`, or lines `cleaned` does
/// not have).
pub(crate) fn decode(delta: &str, cleaned: &str) -> Option<String> {
    let lines: Vec<&str> = cleaned.split('\n').collect();
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    for op in delta.split('\n') {
        if let Some(line) = op.strip_prefix('+') {
            out.push(line);
        } else {
            let (start, len) = op.strip_prefix('=')?.split_once(',')?;
            let start: usize = start.parse().ok()?;
            let len: usize = len.parse().ok()?;
            out.extend_from_slice(lines.get(start..start.checked_add(len)?)?);
        }
    }
    Some(out.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn lines_removed_at_head_and_tail_cost_a_copy_and_the_lines_themselves() {
        let cleaned = "第一段。\n第二段。\n第三段。";
        let original = "央视网消息（新闻联播）：\n第一段。\n第二段。\n第三段。\n---\n請支持眾新聞";
        let delta = encode(original, cleaned);
        assert_eq!(
            delta,
            "+央视网消息（新闻联播）：\n=0,3\n+---\n+請支持眾新聞"
        );
        assert_eq!(decode(&delta, cleaned).as_deref(), Some(original));
    }

    #[test]
    fn paragraphs_spread_by_blank_lines_are_copied_one_by_one() {
        let cleaned = "第一段正文。\n\n第二段正文。\n\n丙";
        let original = "第一段正文。\n第二段正文。\n丙\n";
        let delta = encode(original, cleaned);
        // A line no longer than its op (`丙`) is written out.
        assert_eq!(delta, "=0,1\n=2,1\n+丙\n+");
        assert_eq!(decode(&delta, cleaned).as_deref(), Some(original));
    }

    #[test]
    fn a_rewritten_line_is_written_out() {
        let cleaned = "田里有好消息。\n第二行";
        let original = "田里有**好消息**。\n第二行";
        let delta = encode(original, cleaned);
        assert_eq!(delta, "+田里有**好消息**。\n=1,1");
        assert_eq!(decode(&delta, cleaned).as_deref(), Some(original));
    }

    #[test]
    fn what_is_not_a_delta_decodes_to_none() {
        for bad in ["=3,1", "=0", "=a,1", "x", "=0,2"] {
            assert_eq!(decode(bad, "一行"), None, "{bad:?}");
        }
        assert_eq!(decode("=18446744073709551615,2", "一行"), None);
    }

    fn text() -> impl Strategy<Value = String> {
        // Few distinct lines, so that lines repeat and matches are ambiguous.
        prop::collection::vec(
            prop_oneof![
                Just(String::new()),
                Just("甲".to_string()),
                Just("乙\r".to_string()),
                Just(" ".to_string()),
                "[a-c=+,0-9]{0,3}",
            ],
            0..12,
        )
        .prop_map(|lines| lines.join("\n"))
    }

    proptest! {
        #[test]
        fn every_text_decodes_back_byte_for_byte(original in text(), cleaned in text()) {
            let delta = encode(&original, &cleaned);
            prop_assert_eq!(decode(&delta, &cleaned), Some(original.clone()));
            // At worst one `+` a line more than the text itself.
            prop_assert!(delta.len() <= original.len() + original.split('\n').count());
        }

        #[test]
        fn a_cleaned_text_made_by_dropping_lines_costs_little(
            lines in prop::collection::vec("[一-龥]{5,20}", 1..30),
            keep in prop::collection::vec(any::<bool>(), 30),
        ) {
            let original = lines.join("\n");
            let kept: Vec<&str> = lines
                .iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(l, _)| l.as_str())
                .collect();
            let cleaned = kept.join("\n");
            let delta = encode(&original, &cleaned);
            prop_assert_eq!(decode(&delta, &cleaned), Some(original.clone()));
            let dropped: usize = lines.len() - kept.len();
            // Each dropped line with its newline.
            let dropped_bytes: usize = lines
                .iter()
                .zip(&keep)
                .filter(|(_, k)| !**k)
                .map(|(l, _)| l.len() + 1)
                .sum();
            // The dropped lines and a short op for each run kept.
            prop_assert!(delta.len() <= dropped_bytes + dropped + 12 * (dropped + 1));
        }
    }
}
