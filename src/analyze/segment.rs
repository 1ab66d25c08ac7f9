//! Word segmentation with jieba-rs (HMM on: it keeps names such as 孙翠翠 and numbers
//! such as 95.42% whole).
//!
//! The dictionary is built once per process, on first use.

use jieba_rs::Jieba;
use std::sync::OnceLock;

static JIEBA: OnceLock<Jieba> = OnceLock::new();

fn jieba() -> &'static Jieba {
    JIEBA.get_or_init(Jieba::new)
}

pub(super) fn warm_up() {
    jieba();
}

/// A word cut from normalised text: its text and character span.
pub(super) struct WordSpan<'a> {
    pub text: &'a str,
    pub start: usize,
    pub char_len: usize,
}

/// Search-mode words: whole words plus the dictionary words inside long ones.
pub(super) fn search_words(text: &str) -> impl Iterator<Item = WordSpan<'_>> {
    jieba()
        .cut_for_search(text, true)
        .into_iter()
        .map(|t| WordSpan {
            text: t.word,
            start: t.start,
            char_len: t.end - t.start,
        })
}

/// Plain segmentation: the coarsest words, not overlapping.
pub(super) fn plain_words(text: &str) -> impl Iterator<Item = WordSpan<'_>> {
    jieba().cut(text, true).into_iter().map(|t| WordSpan {
        text: t.word,
        start: t.start,
        char_len: t.end - t.start,
    })
}
