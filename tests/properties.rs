//! Property tests for the parts the fuzz targets in `fuzz/` cover and that had none:
//! the text-page extractor, JSON Lines with field mapping, and encoding detection.
//! (The HTML extractor, query parser, snippets and analyzer have theirs beside their
//! code.) They run with `cargo test`; the fuzzers explore further.

use baoku::extract::{extract_text_page, ExtractOptions, FieldMap};
use baoku::source::decode;
use proptest::prelude::*;

/// Text shaped like a saved news page: headline, metadata labels, dates, brackets,
/// full-width punctuation, blank lines, and anything else.
fn page_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("日期：".to_string()),
        Just("来源:".to_string()),
        Just("作者 ".to_string()),
        Just("责任编辑：".to_string()),
        Just("2022年05月17日 ".to_string()),
        Just("新华社北京5月17日电（记者 张三）".to_string()),
        Just("【明報專訊】".to_string()),
        Just("——".to_string()),
        Just("http://example.com/a.html".to_string()),
        Just("分享到：".to_string()),
        "[\\u{4e00}-\\u{4e80}，。！？；：（）]{0,20}",
        "\\PC{0,12}",
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_text_extractor_never_panics_and_keeps_text_it_was_given(text in page_text()) {
        if let Ok(article) = extract_text_page(&text) {
            prop_assert!(!article.body.trim().is_empty() || article.title.is_some());
            if let Some(title) = &article.title {
                prop_assert!(!title.contains('\n'), "{title:?}");
            }
        }
    }

    #[test]
    fn json_lines_with_field_mapping_never_panic(
        lines in proptest::collection::vec("\\PC{0,40}", 0..8),
        keys in proptest::collection::vec("(content|h|pub_time|title|body|id|[a-z]{1,3})", 1..4),
        map in any::<bool>(),
    ) {
        let mut fields = FieldMap::default();
        if map {
            fields.add("body=content").unwrap();
            fields.add("title=h").unwrap();
        }
        // Some lines are JSON objects with the keys, some are anything at all.
        let mut text = String::new();
        for (n, line) in lines.iter().enumerate() {
            if n % 2 == 0 {
                let mut object = serde_json::Map::new();
                for key in &keys {
                    object.insert(key.clone(), serde_json::Value::String(line.clone()));
                }
                text.push_str(&serde_json::Value::Object(object).to_string());
            } else {
                text.push_str(line);
            }
            text.push('\n');
        }
        let options = ExtractOptions { fields, ..ExtractOptions::default() };
        let items = baoku::extract_bytes("feed.jsonl", text.as_bytes(), &options);
        for item in items {
            match item {
                Ok(article) => prop_assert!(!article.id.is_empty()),
                Err(error) => prop_assert!(!error.to_string().contains('\n')),
            }
        }
    }

    #[test]
    fn utf8_text_decodes_to_itself(text in "\\PC{1,200}") {
        let decoded = decode(text.as_bytes(), None).unwrap();
        prop_assert_eq!(decoded.replacements, 0);
        prop_assert_eq!(decoded.text.trim_start_matches('\u{feff}'), text.trim_start_matches('\u{feff}'));
    }

    #[test]
    fn any_bytes_decode_or_are_refused_in_words(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        match decode(&bytes, None) {
            Ok(decoded) => prop_assert!(decoded.text.len() <= bytes.len() * 3 + 3),
            Err(reason) => prop_assert!(!reason.is_empty() && !reason.contains('\n')),
        }
        let _ = decode(&bytes, Some(encoding_rs::GBK));
        let _ = decode(&bytes, Some(encoding_rs::UTF_16BE));
    }
}
