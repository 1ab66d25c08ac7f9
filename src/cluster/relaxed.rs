//! Relaxed answers on a cluster: a question, pasted text or words that never stand
//! together in one article, answered as the embedded archive answers them
//! (`search/relaxed`). The same content words, weighed by their rarity in the index;
//! the same candidate search (any content word, scored by the weight it holds, plus a
//! little BM25 over character pairs), translated to the DSL and counted by the
//! cluster; the best candidates re-ranked by the same scoring code, from where the
//! words stand in each candidate's folded text instead of from postings. This module
//! must not print.

use super::mapping::{STORED, TEXT_FIELDS};
use super::query::{fields_of, with_constraints};
use super::search::candidate_of;
use super::Cluster;
use crate::analyze::{is_dictionary_word, normalize_str, words};
use crate::error::Result;
use crate::search::collect::Candidate;
use crate::search::proximity::Spelling;
use crate::search::query::{Expr, Scope};
use crate::search::relaxed::{combine, content, rarity, Content, FieldOf, RankParams, Scoring};
use serde_json::{json, Map, Value};
use std::collections::HashSet;

/// A relaxed answer: the re-ranked best candidates (their addresses index `hits`), how
/// many articles hold any content word, and the search's answer (its aggregations).
pub(super) struct Relaxed {
    pub(super) candidates: Vec<Candidate>,
    pub(super) hits: Vec<Value>,
    pub(super) total: u64,
    pub(super) content: Content,
    pub(super) answer: Value,
}

impl Cluster {
    /// Answers `expr` in relaxed mode with `aggs` counted over every candidate; `None`
    /// when it has no word to relax.
    pub(super) fn relaxed(
        &self,
        expr: &Expr,
        needed: usize,
        aggs: Option<&Value>,
    ) -> Result<Option<Relaxed>> {
        let params = RankParams::default();
        let mut content = content(expr);
        if content.units.is_empty() {
            return Ok(None);
        }
        self.weigh(&mut content)?;
        let query = with_constraints(expr, candidate_dsl(&content, &params));
        let depth = params.candidates.max(needed).max(1);
        let mut sources: Vec<&str> = STORED.to_vec();
        sources.push("simhash");
        let mut body = json!({
            "query": query,
            "size": depth,
            "_source": sources,
            "track_total_hits": true,
        });
        if let Some(aggs) = aggs {
            body["aggs"] = aggs.clone();
        }
        let answer =
            self.client
                .json("POST", "/_search?search_type=dfs_query_then_fetch", &body)?;
        let total = answer["hits"]["total"]["value"].as_u64().unwrap_or(0);
        let hits = answer["hits"]["hits"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let candidates = rerank(&content, &params, &hits);
        Ok(Some(Relaxed {
            candidates,
            hits,
            total,
            content,
            answer,
        }))
    }

    /// Weighs each unit by its rarity, as `relaxed::weigh` does: the articles holding
    /// it as a word of the body, or, for a word the index cut otherwise, its rarest
    /// pair — all counted in one request.
    fn weigh(&self, content: &mut Content) -> Result<()> {
        let mut aggs = Map::new();
        for (u, unit) in content.units.iter().enumerate() {
            aggs.insert(
                format!("w{u}"),
                json!({"filter": {"term": {"body_w": unit.text}}}),
            );
            if let Spelling::Tokens(tokens) = Spelling::of(&unit.text) {
                for (t, (_, token)) in tokens.iter().enumerate() {
                    aggs.insert(
                        format!("p{u}_{t}"),
                        json!({"filter": {"term": {"body_f": token}}}),
                    );
                }
            }
        }
        let answer = self.client.json(
            "POST",
            "/_search",
            &json!({"size": 0, "track_total_hits": true, "aggs": aggs}),
        )?;
        let documents = answer["hits"]["total"]["value"]
            .as_u64()
            .unwrap_or(0)
            .max(1) as f32;
        let count = |name: String| {
            answer["aggregations"][name.as_str()]["doc_count"]
                .as_u64()
                .unwrap_or(0)
        };
        for (u, unit) in content.units.iter_mut().enumerate() {
            let mut df = count(format!("w{u}"));
            if df == 0 {
                if let Spelling::Tokens(tokens) = Spelling::of(&unit.text) {
                    df = (0..tokens.len())
                        .map(|t| count(format!("p{u}_{t}")))
                        .min()
                        .unwrap_or(0);
                }
            }
            unit.weight = rarity(documents, df as f32);
        }
        Ok(())
    }
}

/// The candidate search (`relaxed::candidate_query`): every article holding a content
/// word — as a word of the segmented text, or, for a word the segmenter may cut
/// otherwise, as a phrase of its pairs — scored by the weight of the words it holds,
/// plus a little BM25 over the words' pairs.
fn candidate_dsl(content: &Content, params: &RankParams) -> Value {
    let mut clauses = Vec::new();
    for unit in &content.units {
        let dictionary = is_dictionary_word(&unit.text) || unit.text.chars().count() == 1;
        let mut presence = Vec::new();
        for (name, _) in fields_of(unit.scope) {
            presence.push(json!({"term": {format!("{name}_w"): unit.text}}));
            if !dictionary {
                presence.push(json!({"match_phrase": {format!("{name}_f"): unit.text}}));
            }
        }
        clauses.push(json!({"constant_score": {
            "filter": {"bool": {"should": presence, "minimum_should_match": 1}},
            "boost": unit.weight
        }}));
    }
    if params.pair_boost > 0.0 {
        let mut seen = HashSet::new();
        for run in &content.runs {
            let Spelling::Tokens(tokens) = Spelling::of(&run.text) else {
                continue;
            };
            for (name, boost) in fields_of(run.scope) {
                for (_, token) in &tokens {
                    if seen.insert((name, token.clone())) {
                        clauses.push(json!({"term": {format!("{name}_f"): {
                            "value": token,
                            "boost": boost * params.pair_boost
                        }}}));
                    }
                }
            }
        }
    }
    json!({"bool": {"should": clauses, "minimum_should_match": 1}})
}

/// Re-scores the candidates by where the content stands in their folded text, with
/// the embedded archive's scoring ([`Scoring`]). A field's length is counted in
/// characters, its average over the candidates (the cluster keeps no such statistic
/// that a search can read).
fn rerank(content: &Content, params: &RankParams, hits: &[Value]) -> Vec<Candidate> {
    let texts: Vec<Vec<(&str, f32, String)>> = hits
        .iter()
        .map(|hit| {
            TEXT_FIELDS
                .iter()
                .filter_map(|&(name, boost)| {
                    let text = hit["_source"][name].as_str()?;
                    Some((name, boost, normalize_str(text)))
                })
                .collect()
        })
        .collect();
    let average = |name: &str| {
        let lengths: Vec<usize> = texts
            .iter()
            .flatten()
            .filter(|(n, _, _)| *n == name)
            .map(|(_, _, text)| text.chars().count())
            .collect();
        lengths.iter().sum::<usize>() as f32 / lengths.len().max(1) as f32
    };
    let averages: Vec<(&str, f32)> = TEXT_FIELDS.iter().map(|(n, _)| (*n, average(n))).collect();
    let best_pairs = hits
        .iter()
        .filter_map(|hit| hit["_score"].as_f64())
        .fold(0.0f64, f64::max) as f32;
    let mut scoring = Scoring::new(content, params);
    let mut scored = Vec::with_capacity(hits.len());
    let mut starts = Vec::new();
    for (i, (hit, fields)) in hits.iter().zip(&texts).enumerate() {
        scoring.start_article();
        for (name, boost, text) in fields {
            let average = averages
                .iter()
                .find(|(n, _)| n == name)
                .map_or(1.0, |(_, a)| *a);
            let is_title = *name == "title" || *name == "subtitle";
            let field = FieldOf::new(
                *boost,
                text.chars().count() as f32,
                average,
                *name == "body",
                is_title,
            );
            let mut field_words: Option<Vec<String>> = None;
            for (index, unit) in content.units.iter().enumerate() {
                if !in_scope(unit.scope, name) {
                    continue;
                }
                let tf = match Spelling::of(&unit.text) {
                    // A lone character counts where the text has it as a word.
                    Spelling::Char(_) => {
                        starts.clear();
                        let words = field_words.get_or_insert_with(|| {
                            words(text).into_iter().map(|t| t.text).collect()
                        });
                        words.iter().filter(|w| **w == unit.text).count() as f32
                    }
                    Spelling::Tokens(_) => {
                        char_starts(text, &unit.text, &mut starts);
                        starts.len() as f32
                    }
                };
                scoring.unit(&field, index, tf, &starts);
            }
            for (index, run) in scoring.runs().to_vec().iter().enumerate() {
                if in_scope(run.scope, name) && text.contains(run.text.as_str()) {
                    scoring.run_found(index);
                }
            }
            scoring.end_field(&field);
        }
        let pairs = hit["_score"].as_f64().unwrap_or(0.0) as f32;
        let mut candidate = candidate_of(i, hit);
        candidate.partial = true;
        scored.push((candidate, scoring.features(pairs, best_pairs)));
    }
    combine(scored, params)
}

/// Whether a unit of `scope` is looked for in the field `name`.
fn in_scope(scope: Scope, name: &str) -> bool {
    match scope {
        Scope::Default => true,
        Scope::Title => name == "title" || name == "subtitle",
        Scope::Body => name == "body",
        Scope::Author => name == "author",
    }
}

/// Where `word` starts in `text`, in characters (overlapping occurrences too).
fn char_starts(text: &str, word: &str, out: &mut Vec<u32>) {
    out.clear();
    if word.is_empty() {
        return;
    }
    let mut chars = 0u32;
    let mut last = 0usize;
    let mut from = 0usize;
    while let Some(found) = text[from..].find(word) {
        let at = from + found;
        chars += text[last..at].chars().count() as u32;
        last = at;
        out.push(chars);
        from = at + text[at..].chars().next().map_or(1, char::len_utf8);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_are_character_offsets_and_may_overlap() {
        let mut out = Vec::new();
        char_starts("收入增收入收入", "收入", &mut out);
        assert_eq!(out, vec![0, 3, 5]);
        char_starts("哈哈哈", "哈哈", &mut out);
        assert_eq!(out, vec![0, 1]);
        char_starts("abc", "收入", &mut out);
        assert!(out.is_empty());
    }
}
