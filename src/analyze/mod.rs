//! Text analysis: the one analyzer shared by indexing, queries and snippets.
//!
//! Text is first [normalised](normalize) (NFKC, lowercase, traditional → simplified),
//! then cut two ways:
//!
//! * [`words`]: jieba search-mode segmentation — whole words and the dictionary words
//!   inside them (纯收入 gives 收入 and 纯收入) — precise, but it depends on context.
//! * [`bigrams`]: overlapping pairs of CJK characters, and whole runs of other letters
//!   and digits — every substring of two or more characters is findable, at the cost of
//!   matches across word boundaries (同乡 inside 同乡村振兴).
//!
//! The index holds both; a query asks both and boosts the word match. Token
//! positions are **character offsets** in the normalised text, not token ordinals:
//! search-mode tokens overlap, and only character offsets keep phrase queries such as
//! 南京市长江大桥 exact. Byte offsets point into the original text.
//!
//! This module owns what a token is; it must not know about fields or queries.

mod entities;
pub mod fingerprint;
mod normalize;
mod segment;
mod tokenizer;

pub use entities::{entities, is_bare_person_name, Entities, EntityKind};
pub use normalize::{normalize, normalize_chars, normalize_str, Normalized, NormalizedChars};
pub use tokenizer::{register_tokenizers, BigramTokenizer, EntityTokenizer, WordTokenizer};

/// Version of the analysis. An index records it; bump it whenever a change here (or a
/// new jieba dictionary) would cut the same text into different tokens.
pub const ANALYZER_VERSION: u32 = 1;

/// Name under which [`WordTokenizer`] is registered on a tantivy index.
pub const WORDS_TOKENIZER: &str = "baoku_words";
/// Name under which [`BigramTokenizer`] is registered on a tantivy index.
pub const BIGRAM_TOKENIZER: &str = "baoku_bigram";

/// Name under which the [`EntityTokenizer`] of a kind of name is registered on a
/// tantivy index (`baoku_person`, `baoku_place`, `baoku_org`).
pub fn entity_tokenizer_name(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "baoku_person",
        EntityKind::Place => "baoku_place",
        EntityKind::Org => "baoku_org",
    }
}

/// Tokens longer than this many characters (hashes, base64 blobs) are not indexed.
const MAX_TOKEN_CHARS: usize = 64;

/// One token of analysed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The normalised token text, as stored in the index.
    pub text: String,
    /// Character offset of the token in the normalised text (its index position).
    pub position: usize,
    /// Length of the token in characters of the normalised text.
    pub char_len: usize,
    /// Byte offset where the token starts in the original text.
    pub byte_from: usize,
    /// Byte offset where the token ends in the original text.
    pub byte_to: usize,
}

/// Whether `c` belongs to a script written without spaces between words (Han, kana,
/// Hangul, bopomofo): such text is cut into bigrams rather than whitespace words.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3005}' | '\u{3007}'
        | '\u{3021}'..='\u{3029}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{3100}'..='\u{312F}'
        | '\u{3130}'..='\u{318F}'
        | '\u{31A0}'..='\u{31BF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{1100}'..='\u{11FF}'
        | '\u{20000}'..='\u{3134F}')
}

/// Whether `c` can be part of a searchable token: CJK characters, letters, digits.
pub fn is_word_char(c: char) -> bool {
    is_cjk(c) || c.is_alphanumeric()
}

/// Cuts `text` into jieba search-mode words, sorted by position.
///
/// Tokens without a letter, digit or CJK character (punctuation, spaces) are dropped.
pub fn words(text: &str) -> Vec<Token> {
    let normalized = normalize(text);
    words_of(&normalized)
}

/// [`words`] of `original`, from the spans [`word_spans_cached`] keeps: a body cut
/// once for its words and for its names ([`entities_cached`]). Only the cluster's
/// documents need it (the embedded index's tokenizer cuts its own).
#[cfg(feature = "cluster")]
pub(crate) fn words_cached(original: &str) -> Vec<Token> {
    let (normalized, spans) = word_spans_cached(original);
    to_tokens(&normalized, spans.as_ref().clone())
}

/// Cuts already normalised text into words; see [`words`].
pub fn words_of(normalized: &Normalized) -> Vec<Token> {
    to_tokens(normalized, word_spans(normalized))
}

/// Cuts the words of a query run with plain (not search-mode) segmentation: the
/// coarsest words, which a search-mode index holds at the same offsets.
pub fn query_words(normalized_text: &str) -> Vec<(usize, String)> {
    segment::plain_words(normalized_text)
        .into_iter()
        .filter(|w| w.char_len <= MAX_TOKEN_CHARS && w.text.chars().any(is_word_char))
        .map(|w| (w.start, w.text.to_string()))
        .collect()
}

/// Whether a normalised word is in the segmenter's dictionary: the index's word fields
/// then hold it wherever the text has it as a word (a name the segmenter guessed may
/// be cut otherwise in other contexts).
pub fn is_dictionary_word(word: &str) -> bool {
    segment::is_dictionary_word(word)
}

/// Cuts `text` into CJK bigrams and runs of other letters and digits.
pub fn bigrams(text: &str) -> Vec<Token> {
    let normalized = normalize(text);
    bigrams_of(&normalized)
}

/// Cuts already normalised text into bigrams; see [`bigrams`].
pub fn bigrams_of(normalized: &Normalized) -> Vec<Token> {
    to_tokens(normalized, bigram_spans(normalized))
}

/// A token as ranges: where its text is in the normalised text, and what it covers
/// of the original. The tantivy tokenizers stream these without a string per token.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    pub position: u32,
    pub char_len: u32,
    /// Byte range of the token's text in the normalised text.
    pub text: (u32, u32),
    /// Byte range of what it covers in the original text.
    pub original: (u32, u32),
}

fn to_tokens(normalized: &Normalized, spans: Vec<Span>) -> Vec<Token> {
    spans
        .into_iter()
        .map(|span| Token {
            text: normalized.text()[span.text.0 as usize..span.text.1 as usize].to_string(),
            position: span.position as usize,
            char_len: span.char_len as usize,
            byte_from: span.original.0 as usize,
            byte_to: span.original.1 as usize,
        })
        .collect()
}

fn span(normalized: &Normalized, start: usize, char_len: usize, text: (usize, usize)) -> Span {
    let (from, to) = normalized.original_byte_range(start, start + char_len);
    Span {
        position: start as u32,
        char_len: char_len as u32,
        text: (text.0 as u32, text.1 as u32),
        original: (from as u32, to as u32),
    }
}

/// jieba search-mode words, sorted by position, each term once per position.
pub(crate) fn word_spans(normalized: &Normalized) -> Vec<Span> {
    let mut spans: Vec<Span> = segment::search_words(normalized.text())
        .filter(|w| w.char_len <= MAX_TOKEN_CHARS && w.text.chars().any(is_word_char))
        .map(|w| {
            span(
                normalized,
                w.start,
                w.char_len,
                (w.byte_start, w.byte_start + w.text.len()),
            )
        })
        .collect();
    // Search mode emits a word's inner words before the word itself; the index needs
    // each term's positions in increasing order.
    spans.sort_by_key(|s| (s.position, s.char_len));
    spans.dedup_by(|a, b| a.position == b.position && a.text == b.text);
    spans
}

/// The last texts of this thread and what was computed from them: indexing analyses
/// one text several times (words, then the names among those words for three fields
/// and their fast columns), and must segment it only once. Four slots: an article's
/// title, body and author are tokenized in turn before the name fields ask again.
struct Recent<T> {
    slots: [Option<(u64, usize, std::rc::Rc<T>)>; 4],
    next: usize,
}

impl<T> Recent<T> {
    const fn new() -> Self {
        Recent {
            slots: [None, None, None, None],
            next: 0,
        }
    }

    fn get(&self, hash: u64, len: usize) -> Option<std::rc::Rc<T>> {
        self.slots
            .iter()
            .flatten()
            .find(|(h, l, _)| *h == hash && *l == len)
            .map(|(_, _, value)| value.clone())
    }

    fn put(&mut self, hash: u64, len: usize, value: std::rc::Rc<T>) {
        self.slots[self.next] = Some((hash, len, value));
        self.next = (self.next + 1) % self.slots.len();
    }
}

/// The word spans of `original` with its normalised text, computed once for the last
/// long texts of this thread (short ones, such as an author, are cut again rather
/// than push a body out of the cache).
pub(crate) fn word_spans_cached(
    original: &str,
) -> (std::rc::Rc<Normalized>, std::rc::Rc<Vec<Span>>) {
    use std::cell::RefCell;
    thread_local! {
        static SPANS: RefCell<Recent<Vec<Span>>> = const { RefCell::new(Recent::new()) };
    }
    let normalized = normalize::normalize_cached(original);
    if original.len() < 256 {
        return (
            normalized.clone(),
            std::rc::Rc::new(word_spans(&normalized)),
        );
    }
    let hash = xxhash_rust::xxh3::xxh3_64(original.as_bytes());
    if let Some(spans) = SPANS.with(|recent| recent.borrow().get(hash, original.len())) {
        return (normalized, spans);
    }
    let spans = std::rc::Rc::new(word_spans(&normalized));
    SPANS.with(|recent| recent.borrow_mut().put(hash, original.len(), spans.clone()));
    (normalized, spans)
}

/// The names in `original` (see [`entities`]), computed once for the last four texts
/// of this thread, from the same words the word field indexes.
pub(crate) fn entities_cached(original: &str) -> std::rc::Rc<Entities> {
    use std::cell::RefCell;
    thread_local! {
        static FOUND: RefCell<Recent<Entities>> = const { RefCell::new(Recent::new()) };
    }
    let hash = xxhash_rust::xxh3::xxh3_64(original.as_bytes());
    if let Some(found) = FOUND.with(|recent| recent.borrow().get(hash, original.len())) {
        return found;
    }
    let (normalized, spans) = word_spans_cached(original);
    let found = std::rc::Rc::new(entities::entities_of(&normalized, &spans));
    FOUND.with(|recent| recent.borrow_mut().put(hash, original.len(), found.clone()));
    found
}

/// CJK bigrams (a lone CJK character as itself) and runs of other letters and digits.
pub(crate) fn bigram_spans(normalized: &Normalized) -> Vec<Span> {
    let text = normalized.text();
    // Byte offset of every character, and one past the end.
    let mut offsets: Vec<(usize, char)> = text.char_indices().collect();
    let chars: Vec<char> = offsets.iter().map(|&(_, c)| c).collect();
    offsets.push((text.len(), ' '));
    let mut spans = Vec::with_capacity(chars.len());
    let mut push = |start: usize, end: usize| {
        spans.push(span(
            normalized,
            start,
            end - start,
            (offsets[start].0, offsets[end].0),
        ));
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_cjk(c) {
            let run_end = run_end(&chars, i, is_cjk);
            if run_end - i == 1 {
                push(i, i + 1);
            }
            for start in i..run_end.saturating_sub(1) {
                push(start, start + 2);
            }
            i = run_end;
        } else if c.is_alphanumeric() {
            let run_end = run_end(&chars, i, |c| c.is_alphanumeric() && !is_cjk(c));
            if run_end - i <= MAX_TOKEN_CHARS {
                push(i, run_end);
            }
            i = run_end;
        } else {
            i += 1;
        }
    }
    spans
}

fn run_end(chars: &[char], start: usize, belongs: impl Fn(char) -> bool) -> usize {
    chars[start..]
        .iter()
        .position(|&c| !belongs(c))
        .map_or(chars.len(), |n| start + n)
}

/// Builds the jieba dictionary now rather than on the first text analysed.
///
/// Building it takes about a tenth of a second; a long-running program can call this
/// at start-up so that its first query is not slower than the others.
pub fn warm_up() {
    segment::warm_up();
}

#[cfg(test)]
mod tests;
