//! What the cluster's index holds: its settings and mappings, and an [`Article`] as a
//! document. baoku folds (NFKC, lowercase, traditional → simplified) and segments
//! (jieba) in Rust; the cluster only cuts what it is sent with its built-in analysis:
//!
//! * `*_f` fields hold the folded text, analysed by `standard` + `cjk_width` +
//!   `lowercase` + `cjk_bigram` (`baoku_bigram`): a phrase of bigrams finds any
//!   substring of two or more characters. Their `.chars` sub-field (an `ngram`
//!   tokenizer of one character: every character a token at its own position) finds a
//!   single character anywhere and measures `NEAR` distances in characters.
//! * `*_w` fields hold jieba's search-mode words separated by spaces, analysed by
//!   `whitespace`: a match there is a real word, which adds score.
//! * `person`, `place`, `org` hold the names indexing finds in the title and body
//!   (folded), as the embedded archive's fields of those names.
//! * `simhash_bands` holds the body's fingerprint cut in [`BANDS`] pieces: two
//!   fingerprints within [`NEAR_DUPLICATE_BITS`] of each other share a piece, so the
//!   reprints of a story are found by a `terms` query and checked exactly.
//! * The article itself is stored as written (`_source`); the folded and segmented
//!   fields and the bands are left out of `_source`, so they cost index space only.
//!
//! No Chinese plugin (IK, smartcn, ICU) is needed. This module must not send requests.

use crate::analyze::fingerprint::simhash;
use crate::analyze::{
    entities_cached, normalize_str, words_cached, Entities, EntityKind, ANALYZER_VERSION,
};
use crate::article::{Article, Date, Original};
use crate::schema::IndexSchema;
use crate::search::NEAR_DUPLICATE_BITS;
use serde_json::{json, Map, Value};

/// The text fields searched, with the cluster's field prefix and the weight of a match
/// in it (the embedded schema's boosts).
pub(crate) const TEXT_FIELDS: &[(&str, f32)] = &[
    ("title", 3.0),
    ("subtitle", 1.5),
    ("body", 1.0),
    ("author", 1.0),
];

/// How much more a match in a word field counts than one in the bigram field (the
/// schema's `word_boost`).
pub(crate) const WORD_BOOST: f32 = 1.5;

/// How many pieces a fingerprint is cut into for `simhash_bands`: more than
/// [`NEAR_DUPLICATE_BITS`], so that fingerprints that differ in that many bits still
/// share one piece whole.
pub(crate) const BANDS: u32 = 4;
const _: () = assert!(BANDS > NEAR_DUPLICATE_BITS && 64 % BANDS == 0);

/// What the mapping itself looks like, beside the schema and analyzer versions: 2
/// added `simhash_bands`.
const MAPPING_VERSION: u32 = 2;

/// The pieces of a fingerprint as `simhash_bands` holds them (`"2:9f3a"`: piece 2).
pub(crate) fn bands(hash: u64) -> Vec<String> {
    let width = 64 / BANDS;
    (0..BANDS)
        .map(|i| format!("{i}:{:x}", (hash >> (i * width)) & ((1 << width) - 1)))
        .collect()
}

/// The article's fields stored in `_source` as written (`raw_title` and `raw_body`
/// only where cleaning changed the headline or body: [`crate::Original`]): every field
/// of [`crate::Article`].
pub(crate) const STORED: &[&str] = crate::schema::ARTICLE_FIELDS;

/// The settings and mappings baoku creates the index with.
pub(crate) fn index_body(shards: u32, replicas: u32) -> Value {
    let mut properties = Map::new();
    for name in ["id", "source"] {
        properties.insert(name.into(), json!({"type": "keyword"}));
    }
    // The author is both an exact value (`--author`, facets) and searchable text.
    properties.insert("author".into(), json!({"type": "keyword"}));
    for name in [
        "title",
        "subtitle",
        "body",
        "editor",
        "url",
        "path",
        "raw_title",
        "raw_body",
    ] {
        properties.insert(name.into(), json!({"type": "text", "index": false}));
    }
    properties.insert(
        "date".into(),
        json!({"type": "date", "format": "strict_date"}),
    );
    properties.insert("simhash".into(), json!({"type": "keyword"}));
    for (name, _) in TEXT_FIELDS {
        properties.insert(
            format!("{name}_f"),
            json!({
                "type": "text",
                "analyzer": "baoku_bigram",
                "fields": {"chars": {"type": "text", "analyzer": "baoku_chars"}}
            }),
        );
        properties.insert(
            format!("{name}_w"),
            json!({"type": "text", "analyzer": "whitespace"}),
        );
    }
    properties.insert("simhash_bands".into(), json!({"type": "keyword"}));
    // The names indexing finds (folded), for `person:` filters and name facets.
    for kind in EntityKind::ALL {
        properties.insert(kind.name().into(), json!({"type": "keyword"}));
    }
    let mut excluded: Vec<String> = TEXT_FIELDS
        .iter()
        .flat_map(|(name, _)| [format!("{name}_f"), format!("{name}_w")])
        .collect();
    excluded.push("simhash_bands".into());
    excluded.extend(EntityKind::ALL.iter().map(|kind| kind.name().to_string()));
    json!({
        "settings": {
            "index": {
                "number_of_shards": shards,
                "number_of_replicas": replicas,
                "refresh_interval": "30s"
            },
            "analysis": {
                "analyzer": {
                    "baoku_bigram": {
                        "type": "custom",
                        "tokenizer": "standard",
                        "filter": ["cjk_width", "lowercase", "cjk_bigram"]
                    },
                    "baoku_chars": {
                        "type": "custom",
                        "tokenizer": "baoku_one_char",
                        "filter": ["cjk_width", "lowercase"]
                    }
                },
                // Every character a token at its own position (punctuation and
                // spaces too): NEAR counts characters as the embedded index does.
                "tokenizer": {
                    "baoku_one_char": {"type": "ngram", "min_gram": 1, "max_gram": 1, "token_chars": []}
                }
            }
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": {"baoku": versions()},
            "_source": {"excludes": excluded},
            "properties": properties
        }
    })
}

/// The versions an index records: another baoku's analysis is refused, as the
/// embedded archive refuses it.
pub(crate) fn versions() -> Value {
    json!({
        "schema_version": IndexSchema::embedded().version(),
        "analyzer_version": ANALYZER_VERSION,
        "mapping_version": MAPPING_VERSION,
    })
}

/// An article as the cluster's document.
pub(crate) fn document(article: &Article) -> Value {
    let mut doc = Map::new();
    doc.insert("id".into(), json!(article.id));
    let optional = [
        ("title", &article.title),
        ("subtitle", &article.subtitle),
        ("source", &article.source),
        ("author", &article.author),
        ("editor", &article.editor),
        ("url", &article.url),
        ("path", &article.path),
        ("raw_title", &article.original.title),
        ("raw_body", &article.original.body),
    ];
    for (name, value) in optional {
        if let Some(value) = value {
            doc.insert(name.into(), json!(value));
        }
    }
    doc.insert("body".into(), json!(article.body));
    if let Some(date) = article.date {
        doc.insert("date".into(), json!(date.to_string()));
    }
    let hash = simhash(&article.body);
    doc.insert("simhash".into(), json!(hash.to_string()));
    if hash != 0 {
        doc.insert("simhash_bands".into(), json!(bands(hash)));
    }
    let names = names_of(article);
    for kind in EntityKind::ALL {
        if !names.of(kind).is_empty() {
            doc.insert(kind.name().into(), json!(names.of(kind)));
        }
    }
    let texts = [
        ("title", article.title.as_deref()),
        ("subtitle", article.subtitle.as_deref()),
        ("body", Some(article.body.as_str())),
        ("author", article.author.as_deref()),
    ];
    for (name, text) in texts {
        let Some(text) = text.filter(|t| !t.is_empty()) else {
            continue;
        };
        doc.insert(format!("{name}_f"), json!(normalize_str(text)));
        let words: Vec<String> = words_cached(text).into_iter().map(|t| t.text).collect();
        doc.insert(format!("{name}_w"), json!(words.join(" ")));
    }
    Value::Object(doc)
}

/// The names an article holds as the embedded archive's `person`, `place` and `org`
/// columns give them: found in its title, then its body (as indexing finds them), each
/// once, in the order they are found.
pub(crate) fn names_of(article: &Article) -> Entities {
    let mut names = Entities::default();
    let texts = article
        .title
        .iter()
        .map(String::as_str)
        .chain([article.body.as_str()]);
    for found in texts.map(entities_cached) {
        for kind in EntityKind::ALL {
            let out = names.of_mut(kind);
            for name in found.of(kind) {
                if !out.contains(name) {
                    out.push(name.clone());
                }
            }
        }
    }
    names
}

/// The article of a document's `_source`.
pub(crate) fn article_of(source: &Value) -> Article {
    let text = |name: &str| source[name].as_str().map(str::to_string);
    Article {
        id: text("id").unwrap_or_default(),
        title: text("title"),
        subtitle: text("subtitle"),
        date: source["date"].as_str().and_then(Date::parse_iso),
        source: text("source"),
        author: text("author"),
        editor: text("editor"),
        url: text("url"),
        body: text("body").unwrap_or_default(),
        path: text("path"),
        original: Original {
            title: text("raw_title"),
            body: text("raw_body"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_hold_the_article_and_its_folded_words() {
        let article = Article {
            id: "a1".into(),
            title: Some("鄉村振興".into()),
            date: Date::new(2022, 5, 17),
            body: "全省脫貧群眾人均收入達到１２０７９元".into(),
            original: Original {
                title: Some("鄉村振興_新華網".into()),
                body: None,
            },
            ..Article::default()
        };
        let doc = document(&article);
        // What the input wrote is kept where cleaning changed it, and nowhere else.
        assert_eq!(doc["raw_title"], "鄉村振興_新華網");
        assert!(doc.get("raw_body").is_none());
        assert_eq!(doc["title_f"], "乡村振兴");
        assert_eq!(doc["body_f"], "全省脱贫群众人均收入达到12079元");
        assert!(doc["body_w"].as_str().unwrap().contains("收入"));
        assert_eq!(doc["date"], "2022-05-17");
        assert!(doc.get("subtitle_f").is_none());
        assert_eq!(article_of(&doc), article);
    }

    #[test]
    fn near_fingerprints_share_a_band() {
        let hash = 0x0123_4567_89ab_cdef_u64;
        assert_eq!(bands(hash), ["0:cdef", "1:89ab", "2:4567", "3:123"]);
        // Three bits apart, each in another piece: the fourth is whole.
        let near = hash ^ (1 << 3) ^ (1 << 20) ^ (1 << 40);
        let shared = bands(near).into_iter().filter(|b| bands(hash).contains(b));
        assert_eq!(shared.collect::<Vec<_>>(), ["3:123"]);
    }

    #[test]
    fn the_mapping_leaves_derived_fields_out_of_source() {
        let body = index_body(2, 1);
        let excludes = body["mappings"]["_source"]["excludes"].as_array().unwrap();
        assert!(excludes.contains(&json!("body_f")) && excludes.contains(&json!("body_w")));
        for name in STORED {
            assert!(
                body["mappings"]["properties"].get(*name).is_some(),
                "{name}"
            );
        }
    }
}
