//! The query parser on arbitrary text: a query parses or is a one-line error.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Err(error) = baoku::search::query::parse_query(text) {
        let message = error.to_string();
        assert!(!message.contains('\n') || text.contains('\n'), "{message}");
    }
});
