//! Expected-token tables: the specification of the analyzer.
//!
//! A failure here means the index would hold different tokens than before: if the
//! change is intended, update the table AND bump `ANALYZER_VERSION`, so that existing
//! indexes are refused instead of silently missing matches.

use super::*;
use proptest::prelude::*;

/// `text → [(token, position)]`, positions in characters of the normalised text.
macro_rules! expect_tokens {
    ($analyze:ident: $($input:expr => [$(($token:expr, $position:expr)),* $(,)?]),+ $(,)?) => {
        $(
            let got: Vec<(String, usize)> =
                $analyze($input).into_iter().map(|t| (t.text, t.position)).collect();
            let expected: Vec<(String, usize)> = vec![$(($token.to_string(), $position)),*];
            assert_eq!(got, expected, "{}({:?}) changed: update the table and bump ANALYZER_VERSION", stringify!($analyze), $input);
        )+
    };
}

#[test]
fn word_tokens() {
    expect_tokens!(words:
        "乡村振兴" => [("乡村", 0), ("振兴", 2)],
        // Traditional input is folded before segmentation.
        "鄉村振興" => [("乡村", 0), ("振兴", 2)],
        // Search mode keeps 收入 inside 纯收入; full-width digits become ASCII.
        "人均纯收入达到１２６６２元" => [
            ("人均", 0), ("纯收入", 2), ("收入", 3), ("达到", 5), ("12662", 7), ("元", 12),
        ],
        "孙翠翠" => [("孙翠翠", 0)],
        "认可度达到95.42%" => [("认可", 0), ("认可度", 0), ("达到", 3), ("95.42%", 5)],
        // Overlapping words at their character offsets keep phrases exact.
        "南京市长江大桥" => [
            ("南京", 0), ("南京市", 0), ("京市", 1), ("长江", 3), ("长江大桥", 3), ("大桥", 5),
        ],
        "ＡＩ芯片 iPhone" => [("ai", 0), ("芯片", 2), ("iphone", 5)],
        "，。！" => [],
    );
}

#[test]
fn bigram_tokens() {
    expect_tokens!(bigrams:
        "乡村振兴" => [("乡村", 0), ("村振", 1), ("振兴", 2)],
        "鄉村振興" => [("乡村", 0), ("村振", 1), ("振兴", 2)],
        // A lone CJK character between other characters is kept as a unigram.
        "5G通达率98%" => [("5g", 0), ("通达", 2), ("达率", 3), ("98", 5)],
        "港 AI" => [("港", 0), ("ai", 2)],
        "Hello, World" => [("hello", 0), ("world", 7)],
        "" => [],
    );
}

#[test]
fn query_words_are_the_coarsest_cut() {
    let cut = |text: &str| query_words(&normalize_str(text));
    assert_eq!(
        cut("南京市长江大桥"),
        [(0, "南京市".to_string()), (3, "长江大桥".to_string())]
    );
    assert_eq!(
        cut("鄉村振興"),
        [(0, "乡村".to_string()), (2, "振兴".to_string())]
    );
}

#[test]
fn offsets_point_at_the_original_text() {
    let text = "ＡＩ推動鄉村振興";
    for token in words(text).into_iter().chain(bigrams(text)) {
        let original = &text[token.byte_from..token.byte_to];
        assert_eq!(normalize_str(original), token.text, "{token:?}");
    }
}

proptest! {
    #[test]
    fn tokens_are_sorted_and_inside_the_text(text in "\\PC{0,60}") {
        for tokens in [words(&text), bigrams(&text)] {
            let mut previous = 0;
            for token in &tokens {
                prop_assert!(token.position >= previous);
                previous = token.position;
                prop_assert!(token.byte_from <= token.byte_to && token.byte_to <= text.len());
                prop_assert!(text.is_char_boundary(token.byte_from));
                prop_assert!(text.is_char_boundary(token.byte_to));
                prop_assert!(!token.text.is_empty());
            }
        }
    }
}
