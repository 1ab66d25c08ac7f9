//! Snippets and highlights, measured in characters.
//!
//! tantivy's `SnippetGenerator` is not used: it sizes fragments in bytes (a "30 char"
//! fragment is 10 Chinese characters), returns byte ranges, gives one fragment, and
//! panics on overlapping search-mode tokens. Here a [`Highlighter`] finds the query's
//! words in the text with the index's own matching rules — normalised text, CJK
//! matched anywhere, other letters and digits only as whole runs — so a highlight
//! lands exactly where the index found a match, in the original characters.
//!
//! Fragments are a given number of characters long, cut at sentence punctuation where
//! possible, kept within one paragraph, and chosen by how many distinct query words
//! they show. Highlight ranges are `[start, end)` in characters of the returned text,
//! sorted, and merged when they touch. Nothing in here can panic on any input.

use crate::analyze::{is_cjk, is_word_char, normalize_chars, normalize_str, query_words};
use serde::{Deserialize, Serialize};

/// The fragment lengths, in characters, that `baoku search --snippet-chars` and the
/// HTTP API accept.
pub const FRAGMENT_CHARS: std::ops::RangeInclusive<usize> = 10..=2000;

/// How snippets are cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnippetOptions {
    /// Most snippets per article.
    pub max_snippets: usize,
    /// Length of a snippet in characters (before the `……` marks).
    pub fragment_chars: usize,
}

impl Default for SnippetOptions {
    fn default() -> Self {
        SnippetOptions {
            max_snippets: 3,
            fragment_chars: 80,
        }
    }
}

/// A fragment of an article with the query words marked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snippet {
    /// The fragment, with `……` where text before or after it was left out.
    pub text: String,
    /// `[start, end)` character offsets into `text` of the matched words.
    pub highlights: Vec<[usize; 2]>,
}

/// One thing to highlight: the word-character pieces of a query clause, with their
/// character offsets inside the clause (`machine learning` → `machine`@0, `learning`@8).
#[derive(Debug, Clone)]
struct Needle {
    pieces: Vec<(usize, Vec<char>)>,
}

impl Needle {
    fn new(text: &str) -> Option<Needle> {
        let chars: Vec<char> = normalize_str(text).chars().collect();
        let mut pieces = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if !is_word_char(chars[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < chars.len() && is_word_char(chars[i]) {
                i += 1;
            }
            pieces.push((start, chars[start..i].to_vec()));
        }
        let first_offset = pieces.first()?.0;
        for piece in &mut pieces {
            piece.0 -= first_offset;
        }
        Some(Needle { pieces })
    }

    /// Normalised characters spanned by the needle, from its first to its last piece.
    fn span(&self) -> usize {
        self.pieces
            .last()
            .map_or(0, |(offset, piece)| offset + piece.len())
    }

    /// Whether the needle occurs at normalised character `at` of `text`.
    fn matches_at(&self, text: &[char], at: usize) -> bool {
        let span = self.span();
        if at + span > text.len() {
            return false;
        }
        let mut expected_end = at;
        for (offset, piece) in &self.pieces {
            let start = at + offset;
            // Between pieces only non-word characters, as in the index's positions.
            if text[expected_end..start].iter().any(|&c| is_word_char(c)) {
                return false;
            }
            if text[start..start + piece.len()] != piece[..] {
                return false;
            }
            expected_end = start + piece.len();
        }
        // Letters and digits match only as whole runs (`ai` is not in `said`).
        let first = self.pieces[0].1[0];
        let last = *self.pieces[self.pieces.len() - 1]
            .1
            .last()
            .expect("pieces are not empty");
        let left_ok = is_cjk(first) || at == 0 || !is_run_char(text[at - 1]);
        let right_ok = is_cjk(last) || at + span == text.len() || !is_run_char(text[at + span]);
        left_ok && right_ok
    }
}

/// A character that continues a run of non-CJK letters and digits.
fn is_run_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

/// A match of a needle: `[start, end)` in characters of the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Match {
    start: usize,
    end: usize,
    needle: usize,
}

/// Finds and marks a query's words in text.
#[derive(Debug, Clone)]
pub struct Highlighter {
    needles: Vec<Needle>,
    /// The whole query, normalised, when matches may grow to the text's whole words,
    /// and the words never grown over.
    query: Option<(Vec<char>, WordTest)>,
}

/// Whether a word is one that highlights never grow over.
type WordTest = fn(&str) -> bool;

/// How far around a match the text is cut into words to find the word it lies in.
const WORD_CONTEXT: usize = 8;

impl Highlighter {
    /// A highlighter for these query words or phrases (as typed or normalised).
    pub fn new<S: AsRef<str>>(terms: &[S]) -> Highlighter {
        Highlighter {
            needles: terms
                .iter()
                .filter_map(|t| Needle::new(t.as_ref()))
                .collect(),
            query: None,
        }
    }

    /// Marks whole words: a match that is part of a name or word the text writes
    /// whole is widened to it, word by word of the text, as long as the query holds
    /// the widened text — a question about 林郑月娥 whose words matched only 郑月
    /// marks 林鄭月娥, not 林【鄭月】娥 — and never over a word for which `skip` is
    /// true (the query's function words: 收入 stays 收入 in 收入是多少). A word
    /// inside a longer one the query does not hold stays as it is (大桥 in 长江大桥).
    ///
    /// ```
    /// use baoku::snippet::Highlighter;
    ///
    /// let text = "行政長官林鄭月娥今日宣布";
    /// let plain = Highlighter::new(&["郑月"]);
    /// assert_eq!(plain.highlight(text), vec![[5, 7]]);
    /// let whole = Highlighter::new(&["郑月"]).whole_words("林郑月娥宣布了什么", |_| false);
    /// assert_eq!(whole.highlight(text), vec![[4, 8]]);
    /// ```
    pub fn whole_words(mut self, query: &str, skip: fn(&str) -> bool) -> Highlighter {
        self.query = Some((normalize_str(query).chars().collect(), skip));
        self
    }

    /// The normalised range `[start, end)` widened to the text's words around it
    /// that the query holds with it.
    fn widened(&self, text: &[char], start: usize, end: usize) -> (usize, usize) {
        let Some((query, skip)) = &self.query else {
            return (start, end);
        };
        // Whether the query has text[from..to] in it, compared in place: this runs for
        // every match in every text a hit shows.
        let holds = |from: usize, to: usize| {
            to > from && query.windows(to - from).any(|w| w == &text[from..to])
        };
        // Cheap test first: could one more character on either side be the query's?
        let left = start > 0 && is_cjk(text[start - 1]) && holds(start - 1, end);
        let right = end < text.len() && is_cjk(text[end]) && holds(start, end + 1);
        if !left && !right {
            return (start, end);
        }
        let from = start.saturating_sub(WORD_CONTEXT);
        let to = (end + WORD_CONTEXT).min(text.len());
        let window: String = text[from..to].iter().collect();
        let words: Vec<(usize, usize, String)> = query_words(&window)
            .into_iter()
            .map(|(at, word)| (from + at, from + at + word.chars().count(), word))
            .collect();
        let (mut a, mut b) = (start, end);
        // The words the match lies in.
        let (mut wa, mut wb) = (start, end);
        for (s, e, _) in &words {
            if *s < end && *e > start {
                wa = wa.min(*s);
                wb = wb.max(*e);
            }
        }
        if (wa, wb) != (a, b) && holds(wa, wb) {
            (a, b) = (wa, wb);
        }
        // Then whole neighbouring words, while the query holds them too.
        loop {
            let before = words
                .iter()
                .find(|(_, e, w)| *e == a && !skip(w) && is_cjk(text[a - 1]));
            let after = words
                .iter()
                .find(|(s, _, w)| *s == b && !skip(w) && is_cjk(text[b]));
            match (before, after) {
                (Some((s, _, _)), _) if holds(*s, b) => a = *s,
                (_, Some((_, e, _))) if holds(a, *e) => b = *e,
                _ => break,
            }
        }
        (a, b)
    }

    /// Character ranges of `text` where the query words occur, merged where they
    /// overlap or touch.
    pub fn highlight(&self, text: &str) -> Vec<[usize; 2]> {
        merge(self.matches(text).iter().map(|m| [m.start, m.end]))
    }

    /// For each of the query's words or phrases (in the order given), whether it
    /// occurs in `text`.
    pub fn terms_found(&self, text: &str) -> Vec<bool> {
        let mut found = vec![false; self.needles.len()];
        for m in self.matches(text) {
            found[m.needle] = true;
        }
        found
    }

    fn matches(&self, text: &str) -> Vec<Match> {
        if self.needles.is_empty() || text.is_empty() {
            return Vec::new();
        }
        let normalized = normalize_chars(text);
        let norm_chars = normalized.chars();
        let mut matches = Vec::new();
        for (index, needle) in self.needles.iter().enumerate() {
            let first = needle.pieces[0].1[0];
            for at in 0..norm_chars.len() {
                if norm_chars[at] == first && needle.matches_at(norm_chars, at) {
                    let (from, to) = self.widened(norm_chars, at, at + needle.span());
                    let (start, end) = normalized.original_range(from, to);
                    if start < end {
                        matches.push(Match {
                            start,
                            end,
                            needle: index,
                        });
                    }
                }
            }
        }
        matches.sort_by_key(|m| (m.start, m.end));
        matches
    }

    /// Up to `options.max_snippets` fragments of `text`, best first: those showing the
    /// most distinct query words. Without any match, the opening of the text.
    pub fn snippets(&self, text: &str, options: &SnippetOptions) -> Vec<Snippet> {
        let chars: Vec<char> = text.chars().collect();
        if chars.is_empty() || options.max_snippets == 0 {
            return Vec::new();
        }
        let size = options.fragment_chars.max(1);
        let matches = self.matches(text);
        if matches.is_empty() {
            let window = lead_window(&chars, size);
            return vec![render(&chars, window, &[])];
        }

        let mut candidates: Vec<(Window, usize, usize)> = matches
            .iter()
            .map(|m| {
                let window = whole_matches(window_around(&chars, m.start, m.end, size), &matches);
                let inside: Vec<&Match> = matches
                    .iter()
                    .filter(|o| o.start >= window.start && o.end <= window.end)
                    .collect();
                let mut distinct: Vec<usize> = inside.iter().map(|o| o.needle).collect();
                distinct.sort_unstable();
                distinct.dedup();
                (window, distinct.len(), inside.len())
            })
            .collect();
        // Most distinct words, then most matches, then earliest.
        candidates.sort_by(|a, b| (b.1, b.2).cmp(&(a.1, a.2)).then(a.0.start.cmp(&b.0.start)));

        let mut chosen: Vec<Window> = Vec::new();
        for (window, _, _) in candidates {
            if chosen.len() == options.max_snippets {
                break;
            }
            if chosen
                .iter()
                .all(|c| window.end <= c.start || window.start >= c.end)
            {
                chosen.push(window);
            }
        }
        chosen
            .into_iter()
            .map(|window| {
                let ranges: Vec<[usize; 2]> = matches
                    .iter()
                    .filter(|m| m.start < window.end && m.end > window.start)
                    .map(|m| [m.start.max(window.start), m.end.min(window.end)])
                    .collect();
                render(&chars, window, &merge(ranges.into_iter()))
            })
            .collect()
    }
}

/// Widens a window so that no match is cut in two at either end.
fn whole_matches(window: Window, matches: &[Match]) -> Window {
    let mut window = window;
    for m in matches {
        if m.start < window.start && m.end > window.start {
            window.start = m.start;
        }
        if m.start < window.end && m.end > window.end {
            window.end = m.end;
        }
    }
    window
}

/// Sorts ranges and merges those that overlap or touch.
fn merge(ranges: impl Iterator<Item = [usize; 2]>) -> Vec<[usize; 2]> {
    let mut ranges: Vec<[usize; 2]> = ranges.filter(|r| r[0] < r[1]).collect();
    ranges.sort_unstable();
    let mut merged: Vec<[usize; 2]> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range[0] <= last[1] => last[1] = last[1].max(range[1]),
            _ => merged.push(range),
        }
    }
    merged
}

/// A fragment: `[start, end)` in characters of the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Window {
    start: usize,
    end: usize,
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '…')
}

/// A closing quote or bracket: it belongs to the sentence before it (`…元。”`).
fn is_closer(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '」' | '』' | '）' | ')' | '】' | '》' | '〉' | '］' | ']'
    )
}

/// `i` moved past the closing quotes and brackets that stand at it.
fn past_closers(chars: &[char], i: usize) -> usize {
    let mut i = i;
    while i < chars.len() && is_closer(chars[i]) {
        i += 1;
    }
    i
}

/// Whether a sentence ends just before `i`: a sentence end, maybe followed by closers.
fn sentence_ends_before(chars: &[char], i: usize) -> bool {
    let mut j = i;
    while j > 0 && is_closer(chars[j - 1]) {
        j -= 1;
    }
    j > 0 && is_sentence_end(chars[j - 1])
}

fn is_clause_end(c: char) -> bool {
    is_sentence_end(c) || matches!(c, '，' | ',' | '、' | '：' | ':')
}

fn is_paragraph_break(c: char) -> bool {
    c == '\n' || c == '\r'
}

/// The opening of the text, ending at a sentence end where one is near.
fn lead_window(chars: &[char], size: usize) -> Window {
    let start = chars
        .iter()
        .position(|&c| !c.is_whitespace() && !is_closer(c))
        .unwrap_or(0);
    let paragraph_end = chars[start..]
        .iter()
        .position(|&c| is_paragraph_break(c))
        .map_or(chars.len(), |n| start + n);
    let end = (start + size).min(paragraph_end);
    Window {
        start,
        end: sentence_cut(chars, start, end, start),
    }
}

/// A window of about `size` characters holding `[match_start, match_end)`: from the
/// start of the match's sentence if that leaves room, otherwise with a little context
/// before the match; never across a paragraph break; ending at a sentence end if one
/// falls in its second half.
fn window_around(chars: &[char], match_start: usize, match_end: usize, size: usize) -> Window {
    let paragraph_start = chars[..match_start]
        .iter()
        .rposition(|&c| is_paragraph_break(c))
        .map_or(0, |p| p + 1);
    let paragraph_end = chars[match_end..]
        .iter()
        .position(|&c| is_paragraph_break(c))
        .map_or(chars.len(), |n| match_end + n);
    let sentence_start = chars[paragraph_start..match_start]
        .iter()
        .rposition(|&c| is_sentence_end(c))
        .map_or(paragraph_start, |p| {
            past_closers(chars, paragraph_start + p + 1).min(match_start)
        });

    let room = size.saturating_sub(match_end - match_start);
    let mut start = if match_start - sentence_start <= room * 3 / 4 {
        sentence_start
    } else {
        match_start.saturating_sub(room / 4).max(paragraph_start)
    };
    let end = (start + size).max(match_end).min(paragraph_end);
    // Near the end of a paragraph, use the room before the match instead.
    if end - start < size && start > paragraph_start {
        start = end.saturating_sub(size).max(paragraph_start).min(start);
    }
    // Start cleanly: at the next sentence, or else after the next comma, before the match.
    if start > paragraph_start
        && !is_clause_end(chars[start - 1])
        && !sentence_ends_before(chars, start)
    {
        let before = &chars[start..match_start];
        start = before
            .iter()
            .position(|&c| is_sentence_end(c))
            .or_else(|| before.iter().position(|&c| is_clause_end(c)))
            .map_or(start, |p| {
                past_closers(chars, start + p + 1).min(match_start)
            });
    }
    // A closing quote or bracket belongs to the sentence before: never open with one.
    let start = past_closers(chars, start).min(match_start);
    Window {
        start: skip_spaces(chars, start, match_start),
        end: sentence_cut(chars, start, end, match_end),
    }
}

fn skip_spaces(chars: &[char], start: usize, limit: usize) -> usize {
    let mut start = start;
    while start < limit && chars[start].is_whitespace() {
        start += 1;
    }
    start
}

/// Moves `end` back to just after the last sentence end in the second half of
/// `[start, end)`, but not before `keep`.
fn sentence_cut(chars: &[char], start: usize, end: usize, keep: usize) -> usize {
    if end == chars.len() || (end < chars.len() && is_paragraph_break(chars[end])) {
        return end;
    }
    let half = start + (end - start) / 2;
    let earliest = half.max(keep);
    if earliest >= end {
        return end;
    }
    let last_in = |is_end: fn(char) -> bool| {
        chars[earliest..end]
            .iter()
            .rposition(|&c| is_end(c))
            .map(|p| earliest + p + 1)
    };
    last_in(is_sentence_end)
        .map(|cut| past_closers(chars, cut))
        .or_else(|| last_in(is_clause_end))
        .unwrap_or(end)
}

/// The text of a window, whitespace runs folded to one space, `……` where a sentence was
/// cut, and the highlight ranges moved to the rendered text.
fn render(chars: &[char], window: Window, highlights: &[[usize; 2]]) -> Snippet {
    let Window { start, end } = window;
    let cut_before =
        start > 0 && !sentence_ends_before(chars, start) && !is_paragraph_break(chars[start - 1]);
    let cut_after = end < chars.len()
        && !is_paragraph_break(chars[end])
        && !(end > start && sentence_ends_before(chars, end));

    let mut text: Vec<char> = Vec::with_capacity(end - start + 4);
    if cut_before {
        text.extend(['…', '…']);
    }
    // Where each source character landed in `text`.
    let mut landed: Vec<usize> = Vec::with_capacity(end - start + 1);
    let mut previous_space = true;
    for &c in &chars[start..end] {
        landed.push(text.len());
        if c.is_whitespace() {
            if !previous_space {
                text.push(' ');
            }
            previous_space = true;
        } else {
            text.push(c);
            previous_space = false;
        }
    }
    while text.last() == Some(&' ') {
        text.pop();
    }
    let body_end = text.len();
    landed.push(body_end);
    if cut_after {
        text.extend(['…', '…']);
    }
    let highlights = merge(highlights.iter().filter_map(|&[s, e]| {
        let from = *landed.get(s.checked_sub(start)?)?;
        let to = (*landed.get(e.checked_sub(start)?)?).min(body_end);
        (from < to).then_some([from, to])
    }));
    Snippet {
        text: text.into_iter().collect(),
        highlights,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(snippet: &Snippet) -> String {
        let chars: Vec<char> = snippet.text.chars().collect();
        let mut out = String::new();
        let mut at = 0;
        for [s, e] in &snippet.highlights {
            out.extend(&chars[at..*s]);
            out.push('[');
            out.extend(&chars[*s..*e]);
            out.push(']');
            at = *e;
        }
        out.extend(&chars[at..]);
        out
    }

    #[test]
    fn highlights_are_characters_of_the_original() {
        let h = Highlighter::new(&["乡村振兴", "收入"]);
        let text = "推进鄉村振興，农民收入增加，纯收入达到１２６６２元。";
        assert_eq!(h.highlight(text), [[2, 6], [9, 11], [15, 17]]);
    }

    #[test]
    fn letters_match_whole_runs_only() {
        let h = Highlighter::new(&["ai"]);
        assert_eq!(
            h.highlight("He said ＡＩ and AI-chips, not AIR."),
            [[8, 10], [15, 17]]
        );
    }

    #[test]
    fn phrases_span_the_gaps_the_index_allows() {
        let h = Highlighter::new(&["machine learning"]);
        assert_eq!(h.highlight("Machine-learning models"), [[0, 16]]);
    }

    #[test]
    fn adjacent_matches_merge() {
        let h = Highlighter::new(&["乡村", "振兴"]);
        assert_eq!(h.highlight("乡村振兴"), [[0, 4]]);
    }

    #[test]
    fn fragments_prefer_sentences_that_show_more_words() {
        let h = Highlighter::new(&["乡村振兴", "收入"]);
        let text = "第一句只提到收入。\n第二句与此无关，讲的是天气。\n第三句说乡村振兴让农民收入增加了不少。";
        let options = SnippetOptions {
            max_snippets: 2,
            fragment_chars: 40,
        };
        let snippets = h.snippets(text, &options);
        assert_eq!(
            marked(&snippets[0]),
            "第三句说[乡村振兴]让农民[收入]增加了不少。"
        );
        assert_eq!(marked(&snippets[1]), "第一句只提到[收入]。");
    }

    #[test]
    fn long_paragraphs_are_cut_with_ellipses() {
        let h = Highlighter::new(&["目标"]);
        let text = format!("{}目标{}", "前".repeat(100), "后".repeat(100));
        let snippets = h.snippets(
            &text,
            &SnippetOptions {
                max_snippets: 1,
                fragment_chars: 20,
            },
        );
        let s = &snippets[0];
        assert!(
            s.text.starts_with("……") && s.text.ends_with("……"),
            "{}",
            s.text
        );
        assert_eq!(s.text.chars().count(), 24);
        let [a, b] = s.highlights[0];
        assert_eq!(
            s.text.chars().skip(a).take(b - a).collect::<String>(),
            "目标"
        );
    }

    #[test]
    fn fragments_never_cut_a_match() {
        let h = Highlighter::new(&["乡村振兴"]);
        let text = format!("{}乡村振兴{}乡村振兴", "甲".repeat(30), "乙".repeat(40));
        for size in 10..60 {
            let options = SnippetOptions {
                max_snippets: 3,
                fragment_chars: size,
            };
            for snippet in h.snippets(&text, &options) {
                let chars: Vec<char> = snippet.text.chars().collect();
                for [a, b] in &snippet.highlights {
                    assert_eq!(
                        chars[*a..*b].iter().collect::<String>(),
                        "乡村振兴",
                        "size {size}: {}",
                        snippet.text
                    );
                }
            }
        }
    }

    #[test]
    fn without_a_match_the_lead_is_shown() {
        let h = Highlighter::new(&["不存在"]);
        let snippets = h.snippets("开头一句。后面还有。", &SnippetOptions::default());
        assert_eq!(snippets.len(), 1);
        assert_eq!(snippets[0].text, "开头一句。后面还有。");
        assert!(snippets[0].highlights.is_empty());
    }

    use proptest::prelude::*;

    /// Text mixing what news pages hold: CJK (simplified and traditional), letters,
    /// full-width forms, digits, punctuation, line breaks, combining marks.
    fn text_strategy(max: usize) -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                proptest::sample::select(vec![
                    '乡', '村', '振', '兴', '鄉', '興', '收', '入', '。', '，', '！', '\n', ' ',
                    'a', 'I', 'Ａ', '１', '2', '…', '\u{301}', '㎒', '"', '-', '\u{3000}',
                ]),
                any::<char>(),
            ],
            0..max,
        )
        .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #[test]
        fn snippets_never_panic_and_ranges_are_valid(
            text in text_strategy(300),
            terms in proptest::collection::vec(text_strategy(6), 0..4),
            max_snippets in 0usize..5,
            fragment_chars in 1usize..120,
        ) {
            let h = Highlighter::new(&terms);
            let text_len = text.chars().count();
            let ranges = h.highlight(&text);
            for pair in ranges.windows(2) {
                prop_assert!(pair[0][1] < pair[1][0], "{ranges:?}");
            }
            for [a, b] in &ranges {
                prop_assert!(a < b && *b <= text_len);
            }
            let options = SnippetOptions { max_snippets, fragment_chars };
            let snippets = h.snippets(&text, &options);
            prop_assert!(snippets.len() <= max_snippets);
            for snippet in snippets {
                let len = snippet.text.chars().count();
                let mut previous_end = None;
                for [a, b] in &snippet.highlights {
                    prop_assert!(a < b && *b <= len, "{:?} in {:?}", snippet.highlights, snippet.text);
                    if let Some(end) = previous_end {
                        prop_assert!(end < *a, "{:?}", snippet.highlights);
                    }
                    previous_end = Some(*b);
                }
            }
        }

        #[test]
        fn cjk_highlights_cover_exactly_the_word(
            before in "[乡村振兴收入鄉興，。 ]{0,20}",
            after in "[乡村振兴收入鄉興，。 ]{0,20}",
        ) {
            let text = format!("{before}鄉村振興{after}");
            let h = Highlighter::new(&["乡村振兴"]);
            let chars: Vec<char> = text.chars().collect();
            let ranges = h.highlight(&text);
            prop_assert!(!ranges.is_empty());
            for [a, b] in ranges {
                let marked: String = chars[a..b].iter().collect();
                // Merged neighbours are whole repetitions of the word.
                prop_assert!(normalize_str(&marked).replace("乡村振兴", "").is_empty(), "{marked}");
            }
        }
    }
}
