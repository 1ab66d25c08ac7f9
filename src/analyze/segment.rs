//! Word segmentation with jieba-rs (HMM on: it keeps names such as 孙翠翠 and numbers
//! such as 95.42% whole).
//!
//! Indexing builds jieba's whole dictionary once per process (about 0.1 s). A query
//! is short, so segmenting it must not cost that: [`plain_words`] builds a jieba
//! holding only the dictionary words that occur in the text, looked up in a table
//! compiled into the binary (`build.rs`), plus one placeholder word that carries the
//! rest of the dictionary's frequency mass. jieba chooses among the words that occur
//! in the text and weighs them by their frequency against the dictionary's total, so
//! this segments exactly as the whole dictionary does (tested below). A process that
//! goes on segmenting (a server, a batch) builds the whole dictionary after a while.

use jieba_rs::Jieba;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

static JIEBA: OnceLock<Jieba> = OnceLock::new();

fn jieba() -> &'static Jieba {
    JIEBA.get_or_init(Jieba::new)
}

pub(super) fn warm_up() {
    jieba();
}

/// A word cut from normalised text: its text, character span and byte offset.
pub(super) struct WordSpan<'a> {
    pub text: &'a str,
    pub start: usize,
    pub char_len: usize,
    pub byte_start: usize,
}

impl<'a> From<jieba_rs::Token<'a>> for WordSpan<'a> {
    fn from(t: jieba_rs::Token<'a>) -> Self {
        WordSpan {
            text: t.word,
            start: t.start,
            char_len: t.end - t.start,
            byte_start: t.byte_start,
        }
    }
}

/// Search-mode words: whole words plus the dictionary words inside long ones.
pub(super) fn search_words(text: &str) -> impl Iterator<Item = WordSpan<'_>> {
    jieba()
        .cut_for_search(text, true)
        .into_iter()
        .map(WordSpan::from)
}

/// Plain segmentation: the coarsest words, not overlapping. Uses the whole dictionary
/// if this process has built it already, else a dictionary of just the text's words;
/// the [`SMALL_BUILDS_BEFORE_WHOLE`]th of those starts building the whole one on a
/// thread of its own, for a process that segments many texts (a server, a batch).
pub(super) fn plain_words(text: &str) -> Vec<WordSpan<'_>> {
    let spans = |jieba: &Jieba| -> Vec<WordSpan<'_>> {
        jieba
            .cut(text, true)
            .into_iter()
            .map(WordSpan::from)
            .collect()
    };
    match JIEBA.get() {
        Some(jieba) => spans(jieba),
        None => {
            if SMALL_BUILDS.fetch_add(1, Ordering::Relaxed) + 1 == SMALL_BUILDS_BEFORE_WHOLE {
                // If no thread can be had, texts go on with dictionaries of their own.
                let _ = std::thread::Builder::new()
                    .name("baoku-dictionary".into())
                    .spawn(warm_up);
            }
            spans(&jieba_for(text))
        }
    }
}

/// How many texts are segmented with a dictionary of their own words before the whole
/// dictionary is built: a small one costs ~77 µs, the whole one ~170 ms (and ~35 MB),
/// so a process pays at most about twice what the better choice would have cost. A
/// search for a page of hits builds a few (2–4 for one or two words) to a few dozen
/// (questions: 27 on average over 1,091 bench queries), mostly to mark whole words in
/// its snippets; so one such search never builds the whole dictionary, and a server
/// does after some 75–300 searches (bench/README.md § "Whole words in snippets").
const SMALL_BUILDS_BEFORE_WHOLE: usize = 2_000;

static SMALL_BUILDS: AtomicUsize = AtomicUsize::new(0);

/// Whether `word` is in jieba's dictionary (so that search-mode segmentation emits it
/// wherever it stands as a word).
pub(super) fn is_dictionary_word(word: &str) -> bool {
    table::frequency(word).is_some()
}

/// The frequency of a dictionary word tagged as a name, and the kind of name its
/// part-of-speech tag says it is: 1 person (`nr`, `nrfg`, `nrt`), 2 place (`ns`), 3
/// organisation (`nt`). A hash map of those words alone, built on first use (indexing
/// asks for every word, and a binary search of the whole table costs too much there).
pub(super) fn name_entry(word: &str) -> Option<(u32, u8)> {
    static NAMES: OnceLock<std::collections::HashMap<&'static str, (u32, u8)>> = OnceLock::new();
    NAMES
        .get_or_init(|| {
            table::names()
                .map(|(word, frequency, kind)| (word, (frequency, kind)))
                .collect()
        })
        .get(word)
        .copied()
}

mod table {
    include!(concat!(env!("OUT_DIR"), "/jieba_words.rs"));

    static BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/jieba_words.bin"));

    fn u32_at(index: usize) -> u32 {
        let at = index * 4;
        u32::from_le_bytes([BYTES[at], BYTES[at + 1], BYTES[at + 2], BYTES[at + 3]])
    }

    fn count() -> usize {
        u32_at(0) as usize
    }

    fn word_at(i: usize) -> &'static [u8] {
        let n = count();
        let base = 4 * (1 + (n + 1) + n) + n;
        let (from, to) = (u32_at(1 + i) as usize, u32_at(2 + i) as usize);
        &BYTES[base + from..base + to]
    }

    /// Where `word` is in the table, if it is a word of jieba's dictionary.
    fn find(word: &str) -> Option<usize> {
        let n = count();
        let (mut low, mut high) = (0, n);
        while low < high {
            let middle = (low + high) / 2;
            match word_at(middle).cmp(word.as_bytes()) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Some(middle),
            }
        }
        None
    }

    /// The frequency of `word` in jieba's dictionary, if it is a word there.
    pub fn frequency(word: &str) -> Option<u32> {
        find(word).map(|i| u32_at(1 + (count() + 1) + i))
    }

    /// Every word tagged as a name: its text, frequency and entity kind (1 person,
    /// 2 place, 3 organisation; see `build.rs`).
    pub fn names() -> impl Iterator<Item = (&'static str, u32, u8)> {
        let n = count();
        (0..n).filter_map(move |i| {
            let kind = BYTES[4 * (1 + (n + 1) + n) + i];
            let word = std::str::from_utf8(word_at(i)).ok()?;
            (kind != 0).then(|| (word, u32_at(1 + (n + 1) + i), kind))
        })
    }
}

/// A placeholder no text contains (two private-use characters of plane 16).
const PLACEHOLDER: &str = "\u{10FFFD}\u{10FFFD}";

/// A jieba whose dictionary is every dictionary word occurring in `text`, plus the
/// placeholder that keeps the total frequency the whole dictionary's.
fn jieba_for(text: &str) -> Jieba {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut lines = String::new();
    let mut seen = std::collections::HashSet::new();
    let mut kept: u64 = 0;
    for start in 0..chars.len() {
        for end in start + 1..=(start + table::LONGEST_WORD).min(chars.len()) {
            let from = chars[start].0;
            let to = chars.get(end).map_or(text.len(), |(at, _)| *at);
            let candidate = &text[from..to];
            if let Some(freq) = table::frequency(candidate) {
                if seen.insert(candidate) {
                    kept += u64::from(freq);
                    lines.push_str(candidate);
                    lines.push(' ');
                    lines.push_str(&freq.to_string());
                    lines.push('\n');
                }
            }
        }
    }
    let rest = table::TOTAL_FREQUENCY.saturating_sub(kept);
    lines.push_str(&format!("{PLACEHOLDER} {rest}\n"));
    Jieba::with_dict(&mut lines.as_bytes()).expect("dictionary lines written above are valid")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cut_with(jieba: &Jieba, text: &str) -> Vec<String> {
        jieba
            .cut(text, true)
            .into_iter()
            .map(|t| t.word.to_string())
            .collect()
    }

    fn same_as_whole_dictionary(text: &str) {
        let whole = cut_with(jieba(), text);
        let reduced = cut_with(&jieba_for(text), text);
        assert_eq!(reduced, whole, "{text}");
    }

    #[test]
    fn the_table_holds_jiebas_words() {
        assert!(table::frequency("乡村").is_some());
        assert!(table::frequency("南京市").is_some());
        assert!(table::frequency("乡村振兴不是词").is_none());
        const { assert!(table::TOTAL_FREQUENCY > 60_000_000) };
    }

    #[test]
    fn reduced_dictionary_segments_like_the_whole_one() {
        for text in [
            "南京市长江大桥",
            "汪清县黑木耳年产值已达到34亿元",
            "国务院常务会议部署了哪些稳定经济增长的措施？",
            "脱贫人口年人均纯收入达到12662元，第三方评估群众认可度达到95.42%",
            "孙翠翠 初慧 吉林日报",
            "iPhone 5g通达率98% AI芯片",
            "港商北上投资农文旅 粤北古村乡村振兴见成效",
            "",
            "的",
        ] {
            same_as_whole_dictionary(text);
        }
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_corpus");
        for entry in std::fs::read_dir(corpus).unwrap() {
            let Ok(text) = std::fs::read_to_string(entry.unwrap().path()) else {
                continue; // the GBK file
            };
            for line in text.lines().filter(|l| !l.trim().is_empty()).take(40) {
                same_as_whole_dictionary(&crate::analyze::normalize_str(line));
            }
        }
    }

    /// Real headlines and openings from ../shared (skipped when it is not there).
    #[test]
    fn reduced_dictionary_agrees_on_real_news() {
        use std::io::BufRead;
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        for name in [
            "cctv_xwlb.jsonl.zst",
            "hkcnews.jsonl.zst",
            "zh_inews.jsonl.zst",
        ] {
            let Ok(file) = std::fs::File::open(corpus.join(name)) else {
                eprintln!("skipped: ../shared/corpus/{name} is not here");
                continue;
            };
            let reader = std::io::BufReader::new(zstd::stream::read::Decoder::new(file).unwrap());
            for line in reader.lines().take(300) {
                let record: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
                for field in ["title", "body"] {
                    let text: String = record[field]
                        .as_str()
                        .unwrap_or("")
                        .chars()
                        .take(300)
                        .collect();
                    same_as_whole_dictionary(&crate::analyze::normalize_str(&text));
                }
            }
        }
    }

    proptest! {
        #[test]
        fn reduced_dictionary_agrees_on_any_text(
            text in "[的了是在乡村振兴收入南京市长江大桥国务院会议部署经济增长措施农民人均纯年产值黑木耳a-z0-9 ，。]{0,30}"
        ) {
            let whole = cut_with(jieba(), &text);
            let reduced = cut_with(&jieba_for(&text), &text);
            prop_assert_eq!(reduced, whole);
        }
    }
}
