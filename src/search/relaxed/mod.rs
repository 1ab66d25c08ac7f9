//! Relaxed matching: how a query that matches nothing as written is answered — a
//! question (`锣鼓经是什么？`), text pasted from elsewhere, words that never stand
//! together in one article.
//!
//! 1. **Content words**: jieba's words of every term of the query, without question
//!    words and particles (什么, 哪些, 谁, 吗, 呢, 的…) — whole words only, so 几内亚,
//!    哪吒 and 什么值得买 keep their characters. Each weighs by its rarity in the archive.
//! 2. **Candidates**: the articles holding any character pair or word of them, within the
//!    query's filters and exclusions; `total` counts them all. The best few hundred by
//!    BM25 over those pairs and words (tantivy's block-max WAND scores only these in
//!    full) go on to the next step.
//! 3. **Re-ranking** by where the words stand, read from the positions the index keeps
//!    (no stored article is read): how much of the query's weight an article holds, the
//!    most of it within one window of a few dozen characters, in the headline, whole
//!    runs of the query's words standing together, and BM25 over whole words. The
//!    weights of these signals ([`RankParams`]) were measured on judged question sets
//!    (`bench/relevance/`).
//!
//! This module must not print or read stored articles.
mod content;
mod rerank;

pub use content::is_function_word;
pub(crate) use content::{content, Content};
#[cfg(feature = "cluster")]
pub(crate) use rerank::{combine, FieldOf, Scoring};

use super::collect::{AllMatches, Collected};
use super::plan::{self, scope_fields};
use super::proximity::Spelling;
use super::query::Expr;
use crate::analyze::is_dictionary_word;
use crate::error::Result;
use crate::schema::{AnalyzerKind, IndexSchema};
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, Score, Searcher, SegmentReader, Term as TantivyTerm};

/// The weights of relaxed ranking: measured defaults, public so that evaluations can
/// vary them (`benches/ranking.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RankParams {
    /// Candidates re-ranked (the rest keep their BM25 order after them).
    pub candidates: usize,
    /// Weight of the BM25 over character pairs and words (scaled to the best candidate's).
    pub pairs: f32,
    /// Weight of the BM25 over whole content words (scaled to the best candidate's).
    pub words: f32,
    /// Weight of the share of the query's weight the article holds.
    pub coverage: f32,
    /// Weight of the most of the query's weight within one window of the body.
    pub window: f32,
    /// Window length in characters.
    pub window_chars: u32,
    /// Weight of the share of the query's weight in the headline.
    pub title: f32,
    /// Weight of the share of runs of adjacent content words found together.
    pub runs: f32,
    /// Weight of a word match in the candidate search.
    pub word_boost: f32,
    /// Weight of a character-pair match in the candidate search.
    pub pair_boost: f32,
    /// When fewer articles than a page match as written (in relevance order), follow
    /// them with the relaxed answer's best, marked `partial`.
    pub fill: bool,
}

impl Default for RankParams {
    /// Weights chosen by coordinate ascent on half of 1,280 judged questions
    /// (`cargo bench --bench ranking -- --tune`), checked on the other half. Measured
    /// without one signal at a time, the window and the runs carry most of the gain
    /// over the candidate search's own order; whole-word BM25 and a separate coverage
    /// term add nothing once the candidates are ordered by the weight they hold.
    fn default() -> Self {
        RankParams {
            candidates: 100,
            pairs: 1.5,
            words: 0.0,
            coverage: 0.0,
            window: 1.5,
            window_chars: 20,
            title: 0.1,
            runs: 0.6,
            word_boost: 1.0,
            pair_boost: 0.02,
            fill: true,
        }
    }
}

/// The relaxed answer: the best candidates re-ranked (best first), how many articles
/// match, and their facet counts when asked.
pub(super) struct Answer {
    pub collected: Collected,
    pub total: u64,
    pub content: Content,
}

/// Answers `expr` in relaxed mode; `None` when it has no word to relax.
pub(super) fn answer(
    searcher: &Searcher,
    schema: &IndexSchema,
    expr: &Expr,
    params: &RankParams,
    needed: usize,
    facets: bool,
    names: bool,
) -> Result<Option<Answer>> {
    let mut content = content(expr);
    if content.units.is_empty() {
        return Ok(None);
    }
    weigh(searcher, schema, &mut content)?;
    let any = candidate_query(schema, &content, params)?;
    let query = plan::with_constraints(schema, expr, any)?;
    let mut collected = Collected::default();
    let depth = params.candidates.max(needed).max(1);
    // Candidates' scores are sums of a few constant weights and tie often. A tie is
    // broken by the article's content hash, not by where the article stands in the
    // index (tantivy's own order), so that which candidates go on to re-ranking does
    // not depend on how the archive happens to be split into segments.
    let best = TopDocs::with_limit(depth).tweak_score(|reader: &SegmentReader| {
        let hashes = reader
            .fast_fields()
            .u64("content_hash")
            .ok()
            .map(|column| column.first_or_default_col(0));
        move |doc: DocId, score: Score| {
            let hash = hashes.as_ref().map_or(0, |hashes| hashes.get_val(doc));
            (score, Reverse(hash))
        }
    });
    let (top, total) = if facets || names {
        let (top, all) = searcher.search(
            &*query,
            &(
                best,
                AllMatches {
                    facets,
                    names,
                    scores: true,
                },
            ),
        )?;
        let total = all.candidates.len() as u64;
        collected = all;
        (top, total)
    } else {
        let (top, count) = searcher.search(&*query, &(best, Count))?;
        (top, count as u64)
    };
    let top = top
        .into_iter()
        .map(|((score, _), address)| (score, address))
        .collect();
    if total == 0 {
        return Ok(Some(Answer {
            collected,
            total,
            content,
        }));
    }
    collected.candidates = rerank::rerank(searcher, schema, &content, params, top)?;
    Ok(Some(Answer {
        collected,
        total,
        content,
    }))
}

/// Weighs each unit by its rarity: `ln(1 + (N - df + 0.5) / (df + 0.5))`, with `df`
/// the articles holding it as a word (or, for a word the index cut otherwise, the
/// articles holding its rarest pair).
fn weigh(searcher: &Searcher, schema: &IndexSchema, content: &mut Content) -> Result<()> {
    let documents = searcher.num_docs().max(1) as f32;
    let body = field_of(schema, "body");
    for unit in content.units.iter_mut() {
        let mut df = 0u64;
        if let Some(words) = body.and_then(|fields| fields.1) {
            df = searcher.doc_freq(&TantivyTerm::from_field_text(words, &unit.text))?;
        }
        if df == 0 {
            if let (Some((Some(pairs), _)), Spelling::Tokens(tokens)) =
                (body, Spelling::of(&unit.text))
            {
                let mut rarest = u64::MAX;
                for (_, token) in &tokens {
                    rarest =
                        rarest.min(searcher.doc_freq(&TantivyTerm::from_field_text(pairs, token))?);
                }
                df = if tokens.is_empty() { 0 } else { rarest };
            }
        }
        unit.weight = rarity(documents, df as f32);
    }
    Ok(())
}

/// A unit's weight when `df` of the archive's `documents` hold it.
pub(crate) fn rarity(documents: f32, df: f32) -> f32 {
    (1.0 + (documents - df + 0.5) / (df + 0.5)).ln()
}

/// The bigram and words fields of a schema field.
fn field_of(schema: &IndexSchema, name: &str) -> Option<(Option<Field>, Option<Field>)> {
    schema
        .searchable_fields()
        .find(|(spec, _)| spec.name == name)
        .map(|(_, fields)| {
            let of = |kind| fields.iter().find(|f| f.analyzer == kind).map(|f| f.field);
            (of(AnalyzerKind::Bigram), of(AnalyzerKind::Words))
        })
}

/// The candidate search: every article holding a content word (as a word of the
/// segmented text, or, for a word the segmenter may cut otherwise, as a phrase of
/// its pairs), scored by the weight of the words it holds — how much of the query it
/// covers — plus a little BM25 over the words' character pairs to order articles that
/// cover as much.
fn candidate_query(
    schema: &IndexSchema,
    content: &Content,
    params: &RankParams,
) -> Result<Box<dyn Query>> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for unit in &content.units {
        let mut presence: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let dictionary = is_dictionary_word(&unit.text) || unit.text.chars().count() == 1;
        for (_, fields) in scope_fields(schema, unit.scope) {
            for field in fields {
                let query: Box<dyn Query> = match field.analyzer {
                    AnalyzerKind::Words => Box::new(TermQuery::new(
                        TantivyTerm::from_field_text(field.field, &unit.text),
                        IndexRecordOption::Basic,
                    )),
                    AnalyzerKind::Bigram if !dictionary => {
                        match plan::spelling_query(field.field, &Spelling::of(&unit.text))? {
                            Some(query) => query,
                            None => continue,
                        }
                    }
                    AnalyzerKind::Bigram => continue,
                };
                presence.push((Occur::Should, query));
            }
        }
        if presence.is_empty() {
            continue;
        }
        let held = ConstScoreQuery::new(Box::new(BooleanQuery::new(presence)), unit.weight);
        clauses.push((Occur::Should, Box::new(held)));
    }
    if params.pair_boost > 0.0 {
        let mut seen: std::collections::HashSet<(Field, String)> = Default::default();
        for run in &content.runs {
            let Spelling::Tokens(tokens) = Spelling::of(&run.text) else {
                continue;
            };
            for (boost, fields) in scope_fields(schema, run.scope) {
                let Some(bigram) = fields.iter().find(|f| f.analyzer == AnalyzerKind::Bigram)
                else {
                    continue;
                };
                for (_, token) in &tokens {
                    if seen.insert((bigram.field, token.clone())) {
                        let term = TermQuery::new(
                            TantivyTerm::from_field_text(bigram.field, token),
                            IndexRecordOption::WithFreqs,
                        );
                        let weight = boost * params.pair_boost;
                        clauses.push((
                            Occur::Should,
                            Box::new(BoostQuery::new(Box::new(term), weight)),
                        ));
                    }
                }
            }
        }
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}
