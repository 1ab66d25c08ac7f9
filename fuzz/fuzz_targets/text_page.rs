//! The text-page extractor on arbitrary text: it may refuse a page, never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = baoku::extract::extract_text_page(text);
});
