//! Encoding detection and decoding on arbitrary bytes, detected and forced.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(decoded) = baoku::source::decode(data, None) {
        // At most three bytes of text per byte read (a replacement character for
        // each byte, plus a BOM-less start).
        assert!(decoded.text.len() <= data.len() * 3 + 3);
    }
    let _ = baoku::source::decode(data, Some(encoding_rs::GBK));
    let _ = baoku::source::decode(data, Some(encoding_rs::UTF_16LE));
});
