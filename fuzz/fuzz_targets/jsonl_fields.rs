//! JSON Lines records with field mapping, through the same path as `baoku index`
//! (`extract_bytes` with a `.jsonl` name): bytes in any encoding, any JSON.
#![no_main]
use baoku::extract::FieldMap;
use baoku::source::ReadOptions;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks a field mapping, so mapped and recognised names are both run.
    let Some((&choice, bytes)) = data.split_first() else {
        return;
    };
    let mut fields = FieldMap::default();
    if choice & 1 == 1 {
        let _ = fields.add("body=content");
        let _ = fields.add("date=pub_time");
    }
    if choice & 2 == 2 {
        let _ = fields.add("title=h");
        let _ = fields.add("id=k");
    }
    let name = if choice & 4 == 4 {
        "feed.ndjson"
    } else {
        "feed.jsonl"
    };
    let _ = baoku::extract_bytes(name, bytes, &ReadOptions::default(), &fields);
});
