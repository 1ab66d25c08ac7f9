//! The HTML extractor on arbitrary markup (the first line may be taken as the URL).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let (url, html) = match text.split_once('\n') {
        Some((first, rest)) if first.starts_with("http") => (Some(first), rest),
        _ => (None, text),
    };
    let _ = baoku::extract::extract_html_page(html, url);
});
