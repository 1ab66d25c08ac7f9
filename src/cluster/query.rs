//! The query language's [`Expr`] as the cluster's query DSL: what `search/plan.rs` is
//! for tantivy. A term is a `match_phrase` of folded text on the bigram fields (any
//! substring of two or more characters; a lone CJK character on the one-character
//! `.chars` fields), boosted like the embedded schema, with a `match` of its jieba
//! words on the word fields adding score; `NEAR` is an `intervals` query on the
//! one-character fields (distances in characters); dates are ranges, outlets `terms`.
//! This module must not send requests.

use super::mapping::{TEXT_FIELDS, WORD_BOOST};
use crate::analyze::query_words;
use crate::search::plan::{proximity_anchors, PROXIMITY_BOOST, PROXIMITY_CHARS};
use crate::search::proximity::Spelling;
use crate::search::query::{DateRange, Expr, Near, Scope, Term};
use serde_json::{json, Value};

/// The DSL query that matches what `expr` admits.
pub(crate) fn dsl(expr: &Expr) -> Value {
    if expr.is_only_negative() {
        return json!({"bool": {"must": [{"match_all": {}}], "filter": [expr_dsl(expr)]}});
    }
    match proximity_dsl(expr) {
        Some(bonus) => json!({"bool": {"must": [expr_dsl(expr)], "should": [bonus]}}),
        None => expr_dsl(expr),
    }
}

/// `query` restricted by the filters and exclusions at the top of `expr` (its dates,
/// sources, names and `-words`), as relaxed matching keeps them (`plan::with_constraints`).
pub(crate) fn with_constraints(expr: &Expr, query: Value) -> Value {
    let parts = match expr {
        Expr::And(parts) => parts.as_slice(),
        other => std::slice::from_ref(other),
    };
    let (mut filter, mut must_not) = (Vec::new(), Vec::new());
    for part in parts {
        match part {
            Expr::Date(_) | Expr::Source(_) | Expr::Entity(_) => filter.push(expr_dsl(part)),
            Expr::Not(inner) => must_not.push(expr_dsl(inner)),
            _ => {}
        }
    }
    if filter.is_empty() && must_not.is_empty() {
        return query;
    }
    json!({"bool": {"must": [query], "filter": filter, "must_not": must_not}})
}

fn expr_dsl(expr: &Expr) -> Value {
    match expr {
        Expr::Term(term) => term_dsl(term),
        Expr::Near(near) => near_dsl(near),
        Expr::Source(source) => {
            let outlets = match source.outlets.is_empty() {
                true => std::slice::from_ref(&source.typed),
                false => source.outlets.as_slice(),
            };
            json!({"constant_score": {"filter": {"terms": {"source": outlets}}, "boost": 0.0}})
        }
        Expr::Date(range) => {
            json!({"constant_score": {"filter": date_dsl(range), "boost": 0.0}})
        }
        Expr::Entity(filter) => {
            let names: Vec<&str> = filter.names().collect();
            json!({"terms": {filter.kind.name(): names}})
        }
        Expr::And(parts) if parts.is_empty() => json!({"match_all": {}}),
        Expr::And(parts) => {
            let (mut must, mut must_not) = (Vec::new(), Vec::new());
            for part in parts {
                match part {
                    Expr::Not(inner) => must_not.push(expr_dsl(inner)),
                    other => must.push(expr_dsl(other)),
                }
            }
            if must.is_empty() {
                must.push(json!({"match_all": {}}));
            }
            json!({"bool": {"must": must, "must_not": must_not}})
        }
        Expr::Or(parts) => json!({"bool": {
            "should": parts.iter().map(expr_dsl).collect::<Vec<_>>(),
            "minimum_should_match": 1
        }}),
        Expr::Not(inner) => json!({"bool": {
            "must": [{"constant_score": {"filter": {"match_all": {}}, "boost": 0.0}}],
            "must_not": [expr_dsl(inner)]
        }}),
    }
}

/// The fields a scope searches, with their weights.
pub(crate) fn fields_of(scope: Scope) -> Vec<(&'static str, f32)> {
    let wanted: &[&str] = match scope {
        Scope::Default => &["title", "subtitle", "body", "author"],
        Scope::Title => &["title", "subtitle"],
        Scope::Body => &["body"],
        Scope::Author => &["author"],
    };
    TEXT_FIELDS
        .iter()
        .filter(|(name, _)| wanted.contains(name))
        .copied()
        .collect()
}

/// In each field of the scope the term must stand as a phrase of bigrams; where the
/// field's own words are the term's words, the match scores more (`plan::term_query`).
fn term_dsl(term: &Term) -> Value {
    let text = term.normalized.as_str();
    let lone_char = matches!(Spelling::of(text), Spelling::Char(_));
    let words: Vec<String> = query_words(text).into_iter().map(|(_, w)| w).collect();
    let per_field: Vec<Value> = fields_of(term.scope)
        .into_iter()
        .map(|(name, boost)| {
            let found = match lone_char {
                true => {
                    json!({"match": {format!("{name}_f.chars"): {"query": text, "boost": boost}}})
                }
                false => {
                    json!({"match_phrase": {format!("{name}_f"): {"query": text, "boost": boost}}})
                }
            };
            let bonus: Vec<Value> = match words.is_empty() {
                true => Vec::new(),
                false => vec![json!({"match": {format!("{name}_w"): {
                    "query": words.join(" "),
                    "boost": boost * WORD_BOOST
                }}})],
            };
            json!({"bool": {"must": [found], "should": bonus}})
        })
        .collect();
    json!({"bool": {"should": per_field, "minimum_should_match": 1}})
}

/// Extra score where neighbouring required terms of a plain AND stand within
/// [`PROXIMITY_CHARS`] of each other in the body or the title (`plan::proximity_query`):
/// a sloppy phrase of their first bigrams.
fn proximity_dsl(expr: &Expr) -> Option<Value> {
    let anchors = proximity_anchors(expr);
    let mut bonuses = Vec::new();
    for field in ["body_f", "title_f"] {
        for pair in anchors.windows(2).filter(|pair| pair[0] != pair[1]) {
            bonuses.push(json!({"match_phrase": {field: {
                "query": format!("{} {}", pair[0], pair[1]),
                "slop": PROXIMITY_CHARS,
                "boost": PROXIMITY_BOOST
            }}}));
        }
    }
    (!bonuses.is_empty()).then(|| json!({"bool": {"should": bonuses}}))
}

/// Every term within `within` characters of the others, in any order, in one field.
fn near_dsl(near: &Near) -> Value {
    let scope = near.terms.first().map_or(Scope::Default, |t| t.scope);
    let fields = fields_of(scope);
    let per_field: Vec<Value> = fields
        .iter()
        .map(|(name, boost)| {
            let field = format!("{name}_f.chars");
            let intervals: Vec<Value> = near
                .terms
                .iter()
                .map(|t| json!({"match": {"query": t.normalized, "max_gaps": 0, "ordered": true}}))
                .collect();
            json!({"intervals": {field: {
                "all_of": {"intervals": intervals, "max_gaps": near.within, "ordered": false},
                "boost": boost
            }}})
        })
        .collect();
    json!({"bool": {"should": per_field, "minimum_should_match": 1}})
}

fn date_dsl(range: &DateRange) -> Value {
    let mut bounds = serde_json::Map::new();
    if let Some(from) = range.from {
        bounds.insert("gte".into(), json!(from.to_string()));
    }
    if let Some(until) = range.until {
        bounds.insert("lt".into(), json!(until.to_string()));
    }
    bounds.insert("format".into(), json!("strict_date"));
    json!({"range": {"date": bounds}})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::parse;

    fn dsl_of(query: &str) -> Value {
        dsl(&parse(query).unwrap().expr)
    }

    #[test]
    fn a_run_is_a_phrase_over_bigrams_and_a_lone_character_uses_the_chars_field() {
        let text = dsl_of("鄉村振興").to_string();
        assert!(
            text.contains(r#"{"match_phrase":{"body_f":{"boost":1.0,"query":"乡村振兴"}}}"#),
            "{text}"
        );
        assert!(
            text.contains(r#""body_w":{"boost":1.5,"query":"乡村 振兴"}"#),
            "{text}"
        );
        let text = dsl_of("收").to_string();
        assert!(
            text.contains(r#""body_f.chars":{"boost":1.0,"query":"收"}"#),
            "{text}"
        );
    }

    #[test]
    fn operators_become_bool_clauses_ranges_and_intervals() {
        let value = dsl_of("台风 -演习 date:2022-05");
        assert_eq!(value["bool"]["must_not"].as_array().unwrap().len(), 1);
        let text = value.to_string();
        assert!(
            text.contains(r#""gte":"2022-05-01","lt":"2022-06-01""#),
            "{text}"
        );
        let text = dsl_of("收入 NEAR/10 增收").to_string();
        assert!(text.contains(r#""max_gaps":10,"ordered":false"#), "{text}");
        let value = dsl_of("-广告");
        assert!(value["bool"]["must"][0].get("match_all").is_some());
    }
}
