//! From a parsed query to a tantivy query.
//!
//! A term matches a field when its characters stand in the field in order and
//! adjacent: a phrase of overlapping character pairs at their character offsets in the
//! bigram field, which finds every substring. The word field then adds score where
//! the text's own words (as jieba cut it) are the term's words: it tells a real word
//! from two characters that happen to meet (同乡 in 同乡村振兴). When several terms are
//! required, articles where they stand close together get extra score.

use super::proximity::{NearQuery, Spelling};
use super::query::{DateRange, Expr, Near, Scope, Term};
use crate::analyze::{bigrams, query_words};
use crate::error::{Error, Result};
use crate::schema::{AnalyzedField, AnalyzerKind, IndexSchema};
use std::ops::Bound;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery,
    RegexQuery, TermQuery,
};
use tantivy::query::{EnableScoring, Explanation, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DateTime, DocId, DocSet, Score, SegmentReader, Term as TantivyTerm};

/// Characters within which required terms count as "close together".
pub(crate) const PROXIMITY_CHARS: u32 = 30;
/// Weight of the closeness bonus relative to a match in the body.
pub(crate) const PROXIMITY_BOOST: f32 = 0.5;

/// Builds the tantivy query for a parsed query.
pub fn build_query(schema: &IndexSchema, expr: &Expr) -> Result<Box<dyn Query>> {
    let query = expr_query(schema, expr)?;
    let proximity = proximity_query(schema, expr);
    Ok(match (expr.is_only_negative(), proximity) {
        // Only exclusions: everything else matches.
        (true, _) => Box::new(BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(AllQuery), 1.0)),
            ),
            (Occur::Must, query),
        ])),
        (false, Some(proximity)) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, query),
            (Occur::Should, proximity),
        ])),
        (false, None) => query,
    })
}

/// The query that matches articles whose default fields hold at least `minimum` of
/// the given words (any order): the relaxed form of a long question.
pub fn any_words_query(
    schema: &IndexSchema,
    words: &[Term],
    minimum: usize,
) -> Result<Box<dyn Query>> {
    let clauses = words
        .iter()
        .map(|word| Ok((Occur::Should, term_query(schema, word)?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(Box::new(BooleanQuery::with_minimum_required_clauses(
        clauses,
        minimum.clamp(1, words.len().max(1)),
    )))
}

/// `query` restricted by the filters and exclusions at the top of `expr` (its dates,
/// sources and `-words`), as relaxed matching keeps them.
pub(super) fn with_constraints(
    schema: &IndexSchema,
    expr: &Expr,
    query: Box<dyn Query>,
) -> Result<Box<dyn Query>> {
    let parts = match expr {
        Expr::And(parts) => parts.as_slice(),
        other => std::slice::from_ref(other),
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for part in parts {
        match part {
            Expr::Date(_) | Expr::Source(_) | Expr::Entity(_) => {
                clauses.push((Occur::Must, expr_query(schema, part)?))
            }
            Expr::Not(inner) => {
                clauses.push((Occur::MustNot, excluded(expr_query(schema, inner)?)))
            }
            _ => {}
        }
    }
    if clauses.is_empty() {
        return Ok(query);
    }
    clauses.push((Occur::Must, query));
    Ok(Box::new(BooleanQuery::new(clauses)))
}

fn expr_query(schema: &IndexSchema, expr: &Expr) -> Result<Box<dyn Query>> {
    Ok(match expr {
        Expr::Term(term) => term_query(schema, term)?,
        Expr::Near(near) => near_query(schema, near)?,
        Expr::Source(source) => {
            // Looked up by the search; unresolved, the name as typed.
            let outlets = match source.outlets.is_empty() {
                true => std::slice::from_ref(&source.typed),
                false => source.outlets.as_slice(),
            };
            let clauses = outlets
                .iter()
                .map(|outlet| {
                    let term = TantivyTerm::from_field_text(schema.fields().source, outlet);
                    let query: Box<dyn Query> =
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                    (Occur::Should, query)
                })
                .collect();
            filter(Box::new(BooleanQuery::new(clauses)))
        }
        Expr::Entity(entity) => {
            // The folded names, as the field's tokenizer indexed them.
            let field = schema.fields().entity(entity.kind);
            let clauses: Vec<(Occur, Box<dyn Query>)> = entity
                .names()
                .map(|name| {
                    let term = TantivyTerm::from_field_text(field, name);
                    let query: Box<dyn Query> =
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                    (Occur::Should, query)
                })
                .collect();
            filter(Box::new(BooleanQuery::new(clauses)))
        }
        Expr::Date(range) => filter(date_query(schema, range)),
        Expr::And(parts) => {
            let mut clauses = parts
                .iter()
                .map(|part| match part {
                    Expr::Not(inner) => Ok((Occur::MustNot, excluded(expr_query(schema, inner)?))),
                    other => Ok((Occur::Must, expr_query(schema, other)?)),
                })
                .collect::<Result<Vec<_>>>()?;
            // Exclusions only (`-收入 -台风`): every article but theirs. A boolean
            // query of nothing but MUST_NOT clauses matches no document.
            if clauses.iter().all(|(occur, _)| *occur == Occur::MustNot) {
                clauses.push((Occur::Must, every_article()));
            }
            Box::new(BooleanQuery::new(clauses))
        }
        Expr::Or(parts) => {
            let clauses = parts
                .iter()
                .map(|part| Ok((Occur::Should, expr_query(schema, part)?)))
                .collect::<Result<Vec<_>>>()?;
            Box::new(BooleanQuery::new(clauses))
        }
        // A lone exclusion (`-x`, or `a OR -x`): what does not match `x`.
        Expr::Not(inner) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, every_article()),
            (Occur::MustNot, excluded(expr_query(schema, inner)?)),
        ])),
    })
}

/// Every article, scoring nothing: what exclusions are taken from.
fn every_article() -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(Box::new(AllQuery), 0.0))
}

/// The query of an exclusion, checked with exact seeks.
///
/// tantivy 0.27 tests each candidate against an exclusion with `seek_danger`, but
/// does not heed the lower bound it returns; a phrase scorer that has moved past the
/// next candidate then fails its own assertion (quickwit-oss/tantivy#2811) and
/// cannot be trusted on that candidate. Exact seeks never leave it ahead of a target
/// it has not answered.
fn excluded(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ExactSeek(query))
}

#[derive(Debug)]
struct ExactSeek(Box<dyn Query>);

impl Clone for ExactSeek {
    fn clone(&self) -> Self {
        ExactSeek(self.0.box_clone())
    }
}

impl Query for ExactSeek {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ExactSeekWeight(self.0.weight(scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a TantivyTerm, bool)) {
        self.0.query_terms(visitor);
    }
}

struct ExactSeekWeight(Box<dyn Weight>);

impl Weight for ExactSeekWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ExactSeekScorer(self.0.scorer(reader, boost)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

/// Forwards everything but `seek_danger`, which keeps tantivy's exact default (a
/// `seek`, only ever forwards).
struct ExactSeekScorer(Box<dyn Scorer>);

impl DocSet for ExactSeekScorer {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let doc = self.0.doc();
        if doc >= target {
            doc
        } else {
            self.0.seek(target)
        }
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }

    fn cost(&self) -> u64 {
        self.0.cost()
    }
}

impl Scorer for ExactSeekScorer {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}

/// A clause that restricts without scoring.
fn filter(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

fn date_query(schema: &IndexSchema, range: &DateRange) -> Box<dyn Query> {
    let field = schema.fields().date;
    let bound = |date: Option<crate::article::Date>, inclusive: bool| match date {
        None => Bound::Unbounded,
        Some(date) => {
            let term = TantivyTerm::from_field_date(
                field,
                DateTime::from_timestamp_secs(date.days_since_epoch() * 86_400),
            );
            if inclusive {
                Bound::Included(term)
            } else {
                Bound::Excluded(term)
            }
        }
    };
    Box::new(RangeQuery::new(
        bound(range.from, true),
        bound(range.until, false),
    ))
}

/// The fields a scope searches, with their boosts.
pub(super) fn scope_fields(schema: &IndexSchema, scope: Scope) -> Vec<(f32, &[AnalyzedField])> {
    let wanted: &[&str] = match scope {
        Scope::Default => &[],
        Scope::Title => &["title", "subtitle"],
        Scope::Body => &["body"],
        Scope::Author => &["author"],
    };
    schema
        .searchable_fields()
        .filter(|(spec, _)| match scope {
            Scope::Default => spec.boost.is_some(),
            _ => wanted.contains(&spec.name.as_str()),
        })
        .map(|(spec, fields)| (spec.boost.unwrap_or(1.0), fields))
        .collect()
}

/// One term over the fields of its scope. In each field the term must stand as a
/// phrase in the bigram analysis; where the field's own words are the term's words,
/// the match scores more.
fn term_query(schema: &IndexSchema, term: &Term) -> Result<Box<dyn Query>> {
    // Analysed once, used on every field of the scope.
    let pairs = Spelling::of(&term.normalized);
    let words = query_words(&term.normalized);
    let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (field_boost, fields) in scope_fields(schema, term.scope) {
        let bigram = fields.iter().find(|f| f.analyzer == AnalyzerKind::Bigram);
        let word_field = fields.iter().find(|f| f.analyzer == AnalyzerKind::Words);
        let Some(bigram) = bigram else {
            continue;
        };
        let Some(matching) = spelling_query(bigram.field, &pairs)? else {
            continue;
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            Box::new(BoostQuery::new(matching, field_boost)),
        )];
        if let Some(bonus) = word_field.and_then(|f| words_query(f.field, &words)) {
            let boost = field_boost * schema.word_boost();
            clauses.push((Occur::Should, Box::new(BoostQuery::new(bonus, boost))));
        }
        alternatives.push((Occur::Should, Box::new(BooleanQuery::new(clauses))));
    }
    if alternatives.is_empty() {
        return Err(Error::Query(format!(
            "{:?} has nothing to search for",
            term.text
        )));
    }
    Ok(Box::new(BooleanQuery::new(alternatives)))
}

/// Terms close together in one field of the default scope: each field's matches
/// scored with that field's boost.
fn near_query(schema: &IndexSchema, near: &Near) -> Result<Box<dyn Query>> {
    let spellings: Vec<Spelling> = near
        .terms
        .iter()
        .map(|t| Spelling::of(&t.normalized))
        .collect();
    if spellings
        .iter()
        .any(|s| matches!(s, Spelling::Tokens(t) if t.is_empty()))
    {
        return Err(Error::Query(
            "NEAR has a side with nothing to search for".to_string(),
        ));
    }
    let alternatives: Vec<(Occur, Box<dyn Query>)> = scope_fields(schema, Scope::Default)
        .into_iter()
        .filter_map(|(boost, fields)| {
            let bigram = fields.iter().find(|f| f.analyzer == AnalyzerKind::Bigram)?;
            let query = NearQuery::new(bigram.field, spellings.clone(), near.within);
            Some((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(query), boost)) as Box<dyn Query>,
            ))
        })
        .collect();
    Ok(Box::new(BooleanQuery::new(alternatives)))
}

/// The term as a phrase of bigrams (or a single CJK character in any pair), or `None`
/// if it has no token.
pub(super) fn spelling_query(field: Field, spelling: &Spelling) -> Result<Option<Box<dyn Query>>> {
    let tokens = match spelling {
        Spelling::Char(c) => return single_cjk_char(field, *c).map(Some),
        Spelling::Tokens(tokens) => tokens,
    };
    Ok(match tokens.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(
            TantivyTerm::from_field_text(field, &tokens[0].1),
            IndexRecordOption::WithFreqs,
        ))),
        _ => {
            let terms = tokens
                .iter()
                .map(|(offset, text)| (*offset, TantivyTerm::from_field_text(field, text)))
                .collect();
            Some(Box::new(PhraseQuery::new_with_offset(terms)))
        }
    })
}

/// The term's words (as jieba cuts the term alone), each scoring where the field
/// holds it as a word.
fn words_query(field: Field, words: &[(usize, String)]) -> Option<Box<dyn Query>> {
    let clauses: Vec<(Occur, Box<dyn Query>)> = words
        .iter()
        .map(|(_, word)| {
            let query: Box<dyn Query> = Box::new(TermQuery::new(
                TantivyTerm::from_field_text(field, word),
                IndexRecordOption::WithFreqs,
            ));
            (Occur::Should, query)
        })
        .collect();
    match clauses.len() {
        0 => None,
        _ => Some(Box::new(BooleanQuery::new(clauses))),
    }
}

/// One CJK character on the bigram field: it stands in the pairs that start or end
/// with it, or alone when it had no neighbour.
fn single_cjk_char(field: Field, c: char) -> Result<Box<dyn Query>> {
    let escaped = regex::escape(&c.to_string());
    let pattern = format!("{escaped}|{escaped}.|.{escaped}");
    let query = RegexQuery::from_pattern(&pattern, field)
        .map_err(|e| Error::Query(format!("cannot search for {c:?}: {e}")))?;
    Ok(Box::new(query))
}

/// Extra score where the required terms of a plain AND stand within
/// [`PROXIMITY_CHARS`] of each other, pair by pair, in the body and the title.
fn proximity_query(schema: &IndexSchema, expr: &Expr) -> Option<Box<dyn Query>> {
    let bonuses: Vec<(Occur, Box<dyn Query>)> = proximity_pairs(schema, expr)
        .into_iter()
        .map(|(terms, weight)| {
            let terms = terms.into_iter().enumerate().collect();
            let near = PhraseQuery::new_with_offset_and_slop(terms, PROXIMITY_CHARS);
            let bonus: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(near), weight));
            (Occur::Should, bonus)
        })
        .collect();
    (!bonuses.is_empty()).then(|| Box::new(BooleanQuery::new(bonuses)) as Box<dyn Query>)
}

/// The first bigram of each required term of a plain AND (in the default fields): the
/// neighbouring pairs of these earn the closeness bonus, on every engine.
pub(crate) fn proximity_anchors(expr: &Expr) -> Vec<String> {
    let Expr::And(parts) = expr else {
        return Vec::new();
    };
    parts
        .iter()
        .filter_map(|part| match part {
            Expr::Term(term) if term.scope == Scope::Default => {
                bigrams(&term.normalized).into_iter().next().map(|t| t.text)
            }
            _ => None,
        })
        .collect()
}

/// The pairs of [`proximity_query`]: the first bigrams of two neighbouring required
/// terms, in one field, with the weight of their closeness.
fn proximity_pairs(schema: &IndexSchema, expr: &Expr) -> Vec<([TantivyTerm; 2], f32)> {
    let anchors = proximity_anchors(expr);
    if anchors.len() < 2 {
        return Vec::new();
    }
    let mut pairs = Vec::new();
    for (name, weight) in [("body", PROXIMITY_BOOST), ("title", PROXIMITY_BOOST)] {
        let Some(field) = schema
            .searchable_fields()
            .find(|(spec, _)| spec.name == name)
            .and_then(|(_, fields)| fields.iter().find(|f| f.analyzer == AnalyzerKind::Bigram))
        else {
            continue;
        };
        for pair in anchors.windows(2) {
            if pair[0] == pair[1] {
                continue;
            }
            let terms = [
                TantivyTerm::from_field_text(field.field, &pair[0]),
                TantivyTerm::from_field_text(field.field, &pair[1]),
            ];
            pairs.push((terms, weight));
        }
    }
    pairs
}

/// One part of the score of [`build_query`]: a document that holds none of the
/// `probes` gets nothing from it, and no document gets more than `max`.
#[derive(Debug, Clone)]
pub struct ScoreBound {
    /// Every document this part scores holds at least one of these terms.
    pub probes: Vec<TantivyTerm>,
    /// The most this part adds to a score (BM25 with a term frequency saturated to 1,
    /// times its boosts).
    pub max: Score,
}

/// The parts of [`build_query`]'s score for `expr`, each with an upper bound, when
/// its score is a sum of such parts: terms (not NEAR, OR or a lone CJK character),
/// with filters and exclusions beside them, which add nothing. `None` for other
/// queries. [`super::collect::top_matches`] skips documents that can hold only parts
/// whose bounds add up to less than the scores it has already found.
pub fn score_bounds(
    schema: &IndexSchema,
    searcher: &tantivy::Searcher,
    expr: &Expr,
) -> Result<Option<Vec<ScoreBound>>> {
    if expr.is_only_negative() {
        return Ok(None);
    }
    let parts = match expr {
        Expr::And(parts) => parts.as_slice(),
        other => std::slice::from_ref(other),
    };
    let max_of = |terms: &[TantivyTerm], boost: f32| -> Result<Score> {
        let weight = tantivy::query::Bm25Weight::for_terms(searcher, terms)?;
        Ok(weight.boost_by(boost).max_score())
    };
    let mut bounds = Vec::new();
    for part in parts {
        let term = match part {
            Expr::Date(_) | Expr::Source(_) | Expr::Entity(_) | Expr::Not(_) => continue,
            Expr::Term(term) => term,
            Expr::Near(_) | Expr::Or(_) | Expr::And(_) => return Ok(None),
        };
        let Spelling::Tokens(tokens) = Spelling::of(&term.normalized) else {
            return Ok(None);
        };
        let words = query_words(&term.normalized);
        for (field_boost, fields) in scope_fields(schema, term.scope) {
            let Some(bigram) = fields.iter().find(|f| f.analyzer == AnalyzerKind::Bigram) else {
                continue;
            };
            if tokens.is_empty() {
                continue;
            }
            let terms: Vec<TantivyTerm> = tokens
                .iter()
                .map(|(_, text)| TantivyTerm::from_field_text(bigram.field, text))
                .collect();
            bounds.push(ScoreBound {
                max: max_of(&terms, field_boost)?,
                probes: vec![terms[0].clone()],
            });
            let Some(word_field) = fields.iter().find(|f| f.analyzer == AnalyzerKind::Words) else {
                continue;
            };
            for (_, word) in &words {
                let term = TantivyTerm::from_field_text(word_field.field, word);
                bounds.push(ScoreBound {
                    max: max_of(
                        std::slice::from_ref(&term),
                        field_boost * schema.word_boost(),
                    )?,
                    probes: vec![term],
                });
            }
        }
    }
    for (terms, weight) in proximity_pairs(schema, expr) {
        bounds.push(ScoreBound {
            max: max_of(&terms, weight)?,
            probes: vec![terms[0].clone()],
        });
    }
    Ok((!bounds.is_empty()).then_some(bounds))
}
