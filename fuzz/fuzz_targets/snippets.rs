//! The snippet generator on arbitrary text, terms and sizes: highlights lie inside
//! their snippet, in characters, in order, and never cut a character.
#![no_main]
use baoku::snippet::Highlighter;
use baoku::SnippetOptions;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (Vec<String>, String, u8, u8)| {
    let (terms, text, snippets, chars) = input;
    let highlighter = Highlighter::new(&terms);
    let options = SnippetOptions {
        max_snippets: usize::from(snippets % 8),
        fragment_chars: usize::from(chars),
    };
    for snippet in highlighter.snippets(&text, &options) {
        let length = snippet.text.chars().count();
        let mut previous_end = 0;
        for [start, end] in &snippet.highlights {
            assert!(start < end && *end <= length, "{snippet:?}");
            assert!(*start >= previous_end, "{snippet:?}");
            previous_end = *end;
        }
    }
    let _ = highlighter.highlight(&text);
});
