//! Encoding detection and decoding on arbitrary bytes, detected and forced.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(decoded) = baoku::source::decode(data, None) {
        // What is decoded is text; the replacements are counted, not hidden.
        assert!(decoded.replacements <= data.len() + 1);
    }
    let _ = baoku::source::decode(data, Some(encoding_rs::GBK));
    let _ = baoku::source::decode(data, Some(encoding_rs::UTF_16LE));
});
