//! From parsed clauses to a tantivy query.
//!
//! Each clause must match (AND). A clause matches a field when its words stand in the
//! field in order and adjacent — in the word field (jieba words at their character
//! offsets) or in the bigram field (overlapping character pairs at their offsets) —
//! and the word match is boosted: the bigram field finds every substring, the word
//! field tells a real word from two characters that happen to meet (同乡 in 同乡村).

use super::query::Clause;
use crate::analyze::{bigrams, is_cjk, query_words};
use crate::error::{Error, Result};
use crate::schema::{AnalyzedField, AnalyzerKind, IndexSchema};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

/// Builds the query that matches articles containing every clause.
pub fn build_query(schema: &IndexSchema, clauses: &[Clause]) -> Result<Box<dyn Query>> {
    let mut required: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(clauses.len());
    for clause in clauses {
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (spec, fields) in schema.default_search_fields() {
            let field_boost = spec.boost.unwrap_or(1.0);
            for analyzed in fields {
                if let Some(query) = clause_query(analyzed, &clause.normalized)? {
                    let boost = match analyzed.analyzer {
                        AnalyzerKind::Words => field_boost * schema.word_boost(),
                        AnalyzerKind::Bigram => field_boost,
                    };
                    alternatives.push((Occur::Should, Box::new(BoostQuery::new(query, boost))));
                }
            }
        }
        if alternatives.is_empty() {
            return Err(Error::Query(format!(
                "{:?} has nothing to search for",
                clause.text
            )));
        }
        required.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
    }
    Ok(Box::new(BooleanQuery::new(required)))
}

/// The query for one clause on one analysed field, or `None` if the analyzer finds no
/// token in it.
fn clause_query(analyzed: &AnalyzedField, text: &str) -> Result<Option<Box<dyn Query>>> {
    let field = analyzed.field;
    let tokens: Vec<(usize, String)> = match analyzed.analyzer {
        AnalyzerKind::Words => query_words(text),
        AnalyzerKind::Bigram => {
            let mut chars = text.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                if is_cjk(c) {
                    return single_cjk_char(field, c).map(Some);
                }
            }
            bigrams(text)
                .into_iter()
                .map(|t| (t.position, t.text))
                .collect()
        }
    };
    Ok(match tokens.len() {
        0 => None,
        1 => Some(term_query(field, &tokens[0].1)),
        _ => {
            let terms = tokens
                .into_iter()
                .map(|(offset, text)| (offset, Term::from_field_text(field, &text)))
                .collect();
            Some(Box::new(PhraseQuery::new_with_offset(terms)))
        }
    })
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
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
