//! Normalisation before segmentation, with a map back to the original text.
//!
//! Three foldings, in this order: NFKC (full-width `ＡＩ１２` → `AI12`, compatibility
//! ideographs → unified ones), lowercase, and traditional → simplified Chinese
//! (`fast2s`, which keeps the character count). jieba segments traditional text badly
//! (鄉村振興 → 鄉|村振興), so folding must happen before segmentation, and the same
//! folding on both sides makes a traditional query find simplified articles.
//!
//! Every character of the normalised text remembers the byte range of the original
//! text it came from, so tokens and highlights point at the text as written.

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Text after normalisation, with the original byte range of each of its characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    text: String,
    /// `spans[i]` is the byte range of the original text that normalised character `i`
    /// came from. Characters produced from one original character (NFKC may expand)
    /// share its range.
    spans: Vec<(u32, u32)>,
}

impl Normalized {
    /// The normalised text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Number of characters in the normalised text.
    pub fn char_len(&self) -> usize {
        self.spans.len()
    }

    /// Byte range in the original text of the normalised characters `start..end`
    /// (character indices). An empty range maps to an empty range at `start`.
    pub fn original_byte_range(&self, start: usize, end: usize) -> (usize, usize) {
        if start >= end || start >= self.spans.len() {
            let at = self
                .spans
                .get(start)
                .map_or_else(|| self.spans.last().map_or(0, |s| s.1), |s| s.0);
            return (at as usize, at as usize);
        }
        let end = end.min(self.spans.len());
        (self.spans[start].0 as usize, self.spans[end - 1].1 as usize)
    }
}

/// Normalises `original`: NFKC, lowercase, traditional → simplified.
pub fn normalize(original: &str) -> Normalized {
    let mut folded = String::with_capacity(original.len());
    let mut spans = Vec::with_capacity(original.len() / 2);
    let mut chars = original.char_indices().peekable();
    let mut cluster = String::new();

    while let Some((start, c)) = chars.next() {
        let next_is_combining = chars.peek().is_some_and(|&(_, n)| {
            !n.is_ascii() && !is_unified_ideograph(n) && canonical_combining_class(n) != 0
        });
        // Fast paths: most characters of Chinese news are unaffected by NFKC.
        if !next_is_combining {
            if c.is_ascii() {
                folded.push(c.to_ascii_lowercase());
                spans.push((start as u32, (start + 1) as u32));
                continue;
            }
            if is_unified_ideograph(c) || is_stable(c) {
                folded.push(c);
                spans.push((start as u32, (start + c.len_utf8()) as u32));
                continue;
            }
        }
        // A starter and the combining marks after it normalise together.
        cluster.clear();
        cluster.push(c);
        let mut end = start + c.len_utf8();
        while let Some(&(at, n)) = chars.peek() {
            if canonical_combining_class(n) == 0 {
                break;
            }
            cluster.push(n);
            end = at + n.len_utf8();
            chars.next();
        }
        for n in cluster.nfkc() {
            for l in n.to_lowercase() {
                folded.push(l);
                spans.push((start as u32, end as u32));
            }
        }
    }

    // fast2s maps character for character, so the spans stay aligned.
    let text = fast2s::convert(&folded);
    debug_assert_eq!(text.chars().count(), spans.len());
    Normalized { text, spans }
}

fn is_unified_ideograph(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// A character that NFKC and lowercasing leave as it is (`。`, `“`, `、`): a quick
/// table lookup instead of a normalisation.
fn is_stable(c: char) -> bool {
    let caseless = !c.is_alphabetic() || c.is_lowercase();
    caseless && is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes
}

/// Like [`normalize`], but remembers the last long text normalised on this thread.
///
/// tantivy analyses each text field twice (word field and bigram field) one right
/// after the other on the same thread; the second analysis then reuses the first
/// normalisation instead of repeating it.
pub fn normalize_cached(original: &str) -> std::rc::Rc<Normalized> {
    use std::cell::RefCell;
    use std::rc::Rc;
    thread_local! {
        static LAST: RefCell<Option<(u64, usize, Rc<Normalized>)>> = const { RefCell::new(None) };
    }
    if original.len() < 256 {
        return Rc::new(normalize(original));
    }
    let hash = xxhash_rust::xxh3::xxh3_64(original.as_bytes());
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((h, len, normalized)) = last.as_ref() {
            if *h == hash && *len == original.len() {
                return normalized.clone();
            }
        }
        let normalized = Rc::new(normalize(original));
        *last = Some((hash, original.len(), normalized.clone()));
        normalized
    })
}

/// Normalises a short string without keeping the map (queries, needles, keywords).
pub fn normalize_str(text: &str) -> String {
    normalize(text).text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_case_and_script() {
        assert_eq!(normalize_str("ＡＩ"), "ai");
        assert_eq!(normalize_str("１２６６２元"), "12662元");
        assert_eq!(normalize_str("鄉村振興"), "乡村振兴");
        assert_eq!(normalize_str("iPhone GPU"), "iphone gpu");
        assert_eq!(normalize_str("乡村振兴"), "乡村振兴");
    }

    #[test]
    fn spans_point_at_the_original_characters() {
        let original = "ＡＩ鄉村";
        let n = normalize(original);
        assert_eq!(n.text(), "ai乡村");
        assert_eq!(n.original_byte_range(0, 2), (0, 6));
        assert_eq!(&original[n.original_byte_range(2, 4).0..], "鄉村");
    }

    #[test]
    fn expansions_share_the_span_of_their_source() {
        // U+3392 SQUARE MHZ expands to three characters under NFKC.
        let n = normalize("a㎒b");
        assert_eq!(n.text(), "amhzb");
        assert_eq!(n.original_byte_range(1, 4), (1, 4));
        assert_eq!(n.original_byte_range(4, 5), (4, 5));
    }

    #[test]
    fn combining_marks_compose_with_their_base() {
        let n = normalize("Cafe\u{301}!");
        assert_eq!(n.text(), "café!");
        assert_eq!(n.char_len(), 5);
        assert_eq!(n.original_byte_range(3, 4), (3, 6));
    }
}
