//! Normalisation before segmentation, with a map back to the original text.
//!
//! Three foldings, in this order: NFKC (full-width `ＡＩ１２` → `AI12`, compatibility
//! ideographs → unified ones), lowercase, and traditional → simplified Chinese
//! (`fast2s`'s mapping, character for character, read from a table `build.rs` makes
//! from it). jieba segments traditional text badly (鄉村振興 → 鄉|村振興), so folding
//! must happen before segmentation, and the same folding on both sides makes a
//! traditional query find simplified articles.
//!
//! NFKC and lowercasing go character by character (a character and the combining
//! marks after it together), and for almost every character `build.rs` has the
//! answer in a table. Every character of the normalised text remembers the byte
//! range of the original text it came from, so tokens and highlights point at the
//! text as written.

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

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
    let mut folder = Folder::with_capacity(original.len());
    fold(original, |c, bytes, _| folder.push(c, bytes));
    folder.finish()
}

/// Text after normalisation as characters, with the range of original characters
/// each came from: what finding words in a text and pointing at them needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizedChars {
    chars: Vec<char>,
    /// `[start, end)` in original characters of each normalised character; `None`
    /// while normalisation went character for character (most text), where
    /// normalised character `i` is original character `i`.
    spans: Option<Vec<(u32, u32)>>,
}

impl NormalizedChars {
    /// The normalised characters.
    pub fn chars(&self) -> &[char] {
        &self.chars
    }

    /// `[start, end)` in original characters of normalised characters `start..end`;
    /// an empty range maps to an empty range.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        let Some(spans) = &self.spans else {
            return (start, end.max(start));
        };
        if start >= end || start >= spans.len() {
            let at = spans
                .get(start)
                .map_or_else(|| spans.last().map_or(0, |s| s.1), |s| s.0);
            return (at as usize, at as usize);
        }
        let end = end.min(spans.len());
        (spans[start].0 as usize, spans[end - 1].1 as usize)
    }
}

/// Normalises `original` like [`normalize`], into characters and character ranges.
pub fn normalize_chars(original: &str) -> NormalizedChars {
    let mut chars: Vec<char> = Vec::with_capacity(original.len() / 2);
    let mut spans: Option<Vec<(u32, u32)>> = None;
    fold(original, |c, _, (from, to)| {
        if spans.is_none() && (from != chars.len() || to != from + 1) {
            spans = Some((0..chars.len() as u32).map(|i| (i, i + 1)).collect());
        }
        if let Some(spans) = &mut spans {
            spans.push((from as u32, to as u32));
        }
        chars.push(c);
    });
    // Convert with the unconverted neighbours, as fast2s sees them.
    let mut previous = '0';
    for i in 0..chars.len() {
        let c = chars[i];
        chars[i] = if depends_on_neighbours(c) {
            simplified_between(previous, c, chars.get(i + 1).copied().unwrap_or('0'))
        } else {
            simplified(c)
        };
        previous = c;
    }
    NormalizedChars { chars, spans }
}

/// NFKC and lowercase, character by character: calls `emit` with each folded (not
/// yet simplified) character and the original it came from, as a byte range and as
/// a character range.
#[inline]
fn fold(original: &str, mut emit: impl FnMut(char, (usize, usize), (usize, usize))) {
    let mut chars = original.char_indices().enumerate().peekable();
    let mut cluster = String::new();

    while let Some((index, (start, c))) = chars.next() {
        let next_is_combining = chars.peek().is_some_and(|&(_, (_, n))| is_combining(n));
        // Fast path: a character not followed by a combining mark folds on its own.
        if !next_is_combining {
            if let Some(folded) = fold_alone(c) {
                emit(folded, (start, start + c.len_utf8()), (index, index + 1));
                continue;
            }
        }
        // A starter and the combining marks after it normalise together.
        cluster.clear();
        cluster.push(c);
        let mut end = (start + c.len_utf8(), index + 1);
        while let Some(&(at_index, (at, n))) = chars.peek() {
            if canonical_combining_class(n) == 0 {
                break;
            }
            cluster.push(n);
            end = (at + n.len_utf8(), at_index + 1);
            chars.next();
        }
        for n in cluster.nfkc() {
            for l in n.to_lowercase() {
                emit(l, (start, end.0), (index, end.1));
            }
        }
    }
}

/// NFKC and lowercase of every BMP character on its own, written by `build.rs`:
/// little-endian u16 by code point, `0xFFFF` where that is not one BMP character.
static FOLD: &[u8; 131_072] = include_bytes!(concat!(env!("OUT_DIR"), "/fold.bin"));
/// Which BMP characters are combining marks (canonical combining class not 0), a
/// bit each, written by `build.rs`.
static COMBINING: &[u8; 8_192] = include_bytes!(concat!(env!("OUT_DIR"), "/combining.bin"));

/// What NFKC and lowercasing make of `c` alone, when that is one character and the
/// tables know it; `None` for the rest (which take the slow path).
#[inline]
fn fold_alone(c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(c.to_ascii_lowercase());
    }
    let point = c as usize;
    if point > 0xFFFF {
        return None;
    }
    let folded = bmp_entry(FOLD, point);
    if folded == 0xFFFF {
        return None;
    }
    char::from_u32(u32::from(folded))
}

/// Whether `c` is a combining mark, which normalises together with what precedes it.
#[inline]
fn is_combining(c: char) -> bool {
    let point = c as usize;
    if point <= 0xFFFF {
        COMBINING[point / 8] & (1 << (point % 8)) != 0
    } else {
        canonical_combining_class(c) != 0
    }
}

/// fast2s's conversion of every BMP character on its own, written by `build.rs` from
/// `fast2s::convert`: little-endian u16, indexed by code point.
static T2S: &[u8; 131_072] = include_bytes!(concat!(env!("OUT_DIR"), "/t2s.bin"));

/// The characters fast2s converts differently next to certain others (兒 stays in
/// 兒寬, 畫 is 划 in 計畫, 著 is 着 in 看著): the keys of its exception tables.
fn depends_on_neighbours(c: char) -> bool {
    matches!(
        c,
        '兒' | '覆'
            | '夥'
            | '藉'
            | '瞭'
            | '麽'
            | '幺'
            | '於'
            | '乾'
            | '著'
            | '苧'
            | '闔'
            | '鍾'
            | '讎'
            | '畫'
    )
}

/// The simplified form of `c` when its neighbours do not matter: one table lookup.
fn simplified(c: char) -> char {
    let point = c as usize;
    if !(0x800..=0xFFFF).contains(&point) {
        // fast2s converts only characters of three UTF-8 bytes.
        return c;
    }
    char::from_u32(u32::from(bmp_entry(T2S, point))).unwrap_or(c)
}

/// Entry `point` (at most `0xFFFF`) of a table `build.rs` wrote: little-endian u16
/// by code point.
#[inline]
fn bmp_entry(table: &[u8; 131_072], point: usize) -> u16 {
    u16::from_le_bytes([table[2 * point], table[2 * point + 1]])
}

/// fast2s's conversion of `c` between `before` and `after` (`'0'` at either end of
/// the text, as fast2s has it).
fn simplified_between(before: char, c: char, after: char) -> char {
    let window: String = [before, c, after].iter().collect();
    fast2s::convert(&window).chars().nth(1).unwrap_or(c)
}

/// Builds the normalised text a character at a time, converting traditional
/// characters exactly as `fast2s::convert` would convert the whole folded text.
struct Folder {
    text: String,
    spans: Vec<(u32, u32)>,
    /// The last character pushed, unconverted: fast2s judges a character by its
    /// neighbours as they were before conversion.
    previous: char,
    /// A character whose conversion waits for the next one: its byte offset in
    /// `text`, the character before it, and itself.
    pending: Option<(usize, char, char)>,
}

impl Folder {
    fn with_capacity(bytes: usize) -> Folder {
        Folder {
            text: String::with_capacity(bytes),
            spans: Vec::with_capacity(bytes / 2),
            previous: '0',
            pending: None,
        }
    }

    /// Appends `c` (folded, not yet converted), which came from `original` bytes.
    fn push(&mut self, c: char, original: (usize, usize)) {
        if let Some((at, before, waiting)) = self.pending.take() {
            self.settle(at, before, waiting, c);
        }
        if depends_on_neighbours(c) {
            self.pending = Some((self.text.len(), self.previous, c));
            self.text.push(c);
        } else {
            self.text.push(simplified(c));
        }
        self.previous = c;
        self.spans.push((original.0 as u32, original.1 as u32));
    }

    fn settle(&mut self, at: usize, before: char, c: char, after: char) {
        let converted = simplified_between(before, c, after);
        if converted != c {
            self.text
                .replace_range(at..at + c.len_utf8(), converted.encode_utf8(&mut [0; 4]));
        }
    }

    fn finish(mut self) -> Normalized {
        if let Some((at, before, waiting)) = self.pending.take() {
            self.settle(at, before, waiting, '0');
        }
        debug_assert_eq!(self.text.chars().count(), self.spans.len());
        Normalized {
            text: self.text,
            spans: self.spans,
        }
    }
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
    fn every_character_converts_as_fast2s_converts_it() {
        for point in 0..=0x10FFFFu32 {
            let Some(c) = char::from_u32(point) else {
                continue;
            };
            let alone = c.to_string();
            assert_eq!(
                fast2s_converted(&alone),
                fast2s::convert(&alone),
                "U+{point:04X}"
            );
        }
    }

    #[test]
    fn every_character_folds_as_nfkc_and_lowercase_fold_it() {
        for point in 0..=0x10FFFFu32 {
            let Some(c) = char::from_u32(point) else {
                continue;
            };
            let folded: String = std::iter::once(c)
                .nfkc()
                .flat_map(char::to_lowercase)
                .collect();
            let expected = fast2s::convert(&folded);
            assert_eq!(normalize_str(&c.to_string()), expected, "U+{point:04X}");
            // Before a combining mark, the character composes with it instead.
            let with_mark = format!("{c}\u{301}");
            let composed: String = with_mark.nfkc().flat_map(char::to_lowercase).collect();
            assert_eq!(
                normalize_str(&with_mark),
                fast2s::convert(&composed),
                "U+{point:04X} U+0301"
            );
        }
    }

    #[test]
    fn neighbours_change_the_conversion_as_in_fast2s() {
        // Every character of fast2s's exception tables, and a few ordinary ones.
        let pool: Vec<char> =
            "兒寬覆答批回夥甚藉慰狼瞭望麽幺於樊乾隆坤卦口憑著看苧麻闔家鍾書讎校定仇畫計企0a。中國"
                .chars()
                .collect();
        assert_eq!(normalize_str("計畫"), "计划");
        assert_eq!(normalize_str("畫家"), "画家");
        assert_eq!(normalize_str("乾隆"), "乾隆");
        assert_eq!(normalize_str("乾淨"), "干净");
        for &c in pool.iter().filter(|&&c| depends_on_neighbours(c)) {
            let mut texts = vec![c.to_string()];
            for &before in &pool {
                texts.push(format!("{before}{c}"));
                texts.push(format!("{c}{before}"));
                for &after in &pool {
                    texts.push(format!("{before}{c}{after}"));
                }
            }
            for text in texts {
                assert_eq!(fast2s_converted(&text), fast2s::convert(&text), "{text}");
            }
        }
    }

    /// Our conversion alone: the normalised text of text that NFKC and lowercasing
    /// leave as it is.
    fn fast2s_converted(text: &str) -> String {
        let mut folder = Folder::with_capacity(text.len());
        for (at, c) in text.char_indices() {
            folder.push(c, (at, at + c.len_utf8()));
        }
        folder.finish().text
    }

    proptest::proptest! {
        #[test]
        fn normalised_characters_are_normalize_with_character_ranges(
            text in "[兒覆藉著畫乾於鄉村振興計寬答看國語ＡＩａbC１2 。、…İ\\u{3392}\\u{301}]{0,24}"
        ) {
            let normalized = normalize(&text);
            let chars = normalize_chars(&text);
            proptest::prop_assert_eq!(chars.chars().iter().collect::<String>(), normalized.text());
            let char_at = |byte: usize| text[..byte].chars().count();
            for i in 0..chars.chars().len() {
                let (from, to) = normalized.original_byte_range(i, i + 1);
                proptest::prop_assert_eq!(chars.original_range(i, i + 1), (char_at(from), char_at(to)));
            }
        }

        #[test]
        fn folding_then_fast2s_is_what_normalize_gives(
            text in "[兒覆藉著畫乾於鄉村振興計寬答看國語ＡＩａb１2 。、\\u{3392}]{0,24}"
        ) {
            let folded: String = text.nfkc().flat_map(char::to_lowercase).collect();
            proptest::prop_assert_eq!(normalize_str(&text), fast2s::convert(&folded));
        }
    }

    #[test]
    fn character_ranges_follow_expansions() {
        let n = normalize_chars("ＡＩ鄉村 計畫");
        assert_eq!(n.chars(), "ai乡村 计划".chars().collect::<Vec<_>>());
        assert_eq!(n.original_range(2, 4), (2, 4));
        // `…` is `...` after NFKC: three characters from one.
        let n = normalize_chars("好……乡村");
        assert_eq!(n.chars().len(), 9);
        assert_eq!(n.original_range(7, 9), (3, 5));
        assert_eq!(n.original_range(1, 4), (1, 2));
        assert_eq!(normalize_chars("").chars(), &[] as &[char]);
    }

    #[test]
    fn combining_marks_compose_with_their_base() {
        let n = normalize("Cafe\u{301}!");
        assert_eq!(n.text(), "café!");
        assert_eq!(n.char_len(), 5);
        assert_eq!(n.original_byte_range(3, 4), (3, 6));
    }
}
