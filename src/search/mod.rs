//! Search: a [`SearchRequest`] in, [`SearchResults`] out.
//!
//! These two types are the contract between the library and every front end: the
//! command line prints `SearchResults` as JSON (`baoku search --json`) or for a
//! terminal, and programs that embed baoku get the same values.
//!
//! The query is parsed ([`query`]) and planned ([`plan`]); every match is collected
//! with its score, date and fingerprint ([`collect`]) so that `total` is exact and
//! results can be sorted by relevance or date, reprints collapsed and facets counted;
//! then the page of hits is read and given highlighted snippets ([`crate::snippet`]).
//! A long question that matches nothing as typed is answered in a relaxed mode. This
//! module must not print.

pub mod collect;
pub mod plan;
pub mod proximity;
pub mod query;
mod rank;
pub mod relaxed;
mod request;
mod results;

use crate::analyze::fingerprint::distance;
use crate::analyze::normalize_str;
use crate::error::{Error, Result};
use crate::index::Archive;
use crate::snippet::Highlighter;
use collect::{facets_of, AllMatches, Candidate, Collected};
use query::{DateRange, Expr, Scope, Term};
pub use rank::NEAR_DUPLICATE_BITS;
use rank::{blend_recency, page, round_score};
pub use relaxed::RankParams;
pub use request::{Filters, Period, SearchRequest, Sort, MAX_LIMIT};
pub use results::{FacetCount, Facets, Hit, Mode, SearchResults};
use std::time::Instant;
use tantivy::TantivyDocument;
impl Archive {
    /// Runs a search on the latest commit this handle has seen.
    ///
    /// ```no_run
    /// use baoku::{Archive, SearchRequest};
    ///
    /// let archive = Archive::open("baoku-index")?;
    /// let results = archive.search(&SearchRequest::new("锣鼓经是什么？"))?;
    /// for hit in &results.hits {
    ///     println!("{} {:?}", hit.id, hit.title);
    /// }
    /// # Ok::<(), baoku::Error>(())
    /// ```
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        self.search_with(request, &RankParams::default())
    }

    /// [`search`](Archive::search) with other weights for relaxed ranking: for
    /// evaluations that measure what each signal is worth.
    pub fn search_with(
        &self,
        request: &SearchRequest,
        params: &RankParams,
    ) -> Result<SearchResults> {
        let started = Instant::now();
        let parsed = query::parse(&request.query)?;
        let notes = parsed.notes;
        let expr = with_filters(parsed.expr, &request.filters)?;
        let schema = self.schema();
        // One searcher for the whole request: addresses stay valid across its steps.
        let searcher = self.searcher();
        let collector = AllMatches {
            facets: request.facets,
        };

        let strict = plan::build_query(schema, &expr)?;
        let mut collected = if cannot_match(&searcher, schema, &expr)? {
            Collected::default()
        } else {
            searcher.search(&*strict, &collector)?
        };
        let mut mode = Mode::All;
        let mut highlight_terms: Vec<Term> = expr.positive_terms().into_iter().cloned().collect();
        let mut total = collected.candidates.len() as u64;
        let limit = request.limit.min(MAX_LIMIT);
        let needed = request.offset + limit;
        let mut partial: Vec<Candidate> = Vec::new();
        let mut partial_terms: Vec<Term> = Vec::new();
        if total == 0 {
            if let Some(answer) =
                relaxed::answer(&searcher, schema, &expr, params, needed, request.facets)?
            {
                if answer.total > 0 {
                    mode = Mode::Relaxed;
                    total = answer.total;
                    highlight_terms = answer.content.highlight_terms();
                    collected = answer.collected;
                    for candidate in collected.candidates.iter_mut() {
                        candidate.partial = false;
                    }
                }
            }
        } else if params.fill
            && (total as usize) < needed
            && request.sort == Sort::Relevance
            && expr.is_plain_with_filters()
        {
            // Fewer exact matches than the page shows: the best articles holding some of
            // the words follow them, marked partial (reprints of an exact match left out).
            if let Some(answer) = relaxed::answer(&searcher, schema, &expr, params, needed, false)?
            {
                let exact = &collected.candidates;
                partial = answer
                    .collected
                    .candidates
                    .into_iter()
                    .filter(|c| {
                        !exact.iter().any(|e| {
                            e.address == c.address
                                || (e.simhash != 0
                                    && distance(e.simhash, c.simhash) <= NEAR_DUPLICATE_BITS)
                        })
                    })
                    .collect();
                if !partial.is_empty() {
                    partial_terms = answer.content.highlight_terms();
                }
            }
        }
        let facets = request.facets.then(|| facets_of(&collected));
        let highlighter_of = |terms: &[Term]| {
            Highlighter::new(
                &terms
                    .iter()
                    .map(|t| t.normalized.as_str())
                    .collect::<Vec<_>>(),
            )
        };
        let highlighter = highlighter_of(&highlight_terms);
        // A partial hit holds only some of the words: its own, as the relaxed answer found them.
        let partial_highlighter = highlighter_of(&partial_terms);

        let mut candidates = std::mem::take(&mut collected.candidates);
        candidates.extend(partial);
        if request.recent && request.sort == Sort::Relevance {
            blend_recency(&mut candidates);
        }
        let groups = page(
            &mut candidates,
            request.sort,
            request.collapse,
            request.offset,
            limit,
        );
        let mut hits = Vec::with_capacity(limit);
        for (candidate, similar) in groups {
            let doc: TantivyDocument = searcher.doc(candidate.address)?;
            let article = schema.to_article(&doc);
            let highlighter = if candidate.partial {
                &partial_highlighter
            } else {
                &highlighter
            };
            let subtitle_highlights = article
                .subtitle
                .as_deref()
                .map(|t| highlighter.highlight(t))
                .unwrap_or_default();
            hits.push(Hit {
                subtitle: article.subtitle.filter(|_| !subtitle_highlights.is_empty()),
                subtitle_highlights,
                title_highlights: article
                    .title
                    .as_deref()
                    .map(|t| highlighter.highlight(t))
                    .unwrap_or_default(),
                snippets: highlighter.snippets(&article.body, &request.snippets),
                id: article.id,
                title: article.title,
                date: article.date,
                source: article.source,
                author: article.author,
                url: article.url,
                score: round_score(candidate.score),
                similar,
                partial: candidate.partial,
                path: article.path,
            });
        }
        Ok(SearchResults {
            query: request.query.clone(),
            total,
            mode,
            notes,
            took_ms: (started.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
            hits,
            facets,
        })
    }
}

/// Whether a query that requires a lone CJK character (`问：…` pasted from a Q&A)
/// cannot match because its other required parts match nothing: a lone character is
/// looked up in every pair that holds it, which costs tens of milliseconds, so the
/// cheaper parts are asked first.
fn cannot_match(
    searcher: &tantivy::Searcher,
    schema: &crate::schema::IndexSchema,
    expr: &Expr,
) -> Result<bool> {
    let Expr::And(parts) = expr else {
        return Ok(false);
    };
    let lone = |part: &Expr| {
        matches!(part, Expr::Term(t) if matches!(
            proximity::Spelling::of(&t.normalized),
            proximity::Spelling::Char(_)
        ))
    };
    if !parts.iter().any(lone) {
        return Ok(false);
    }
    let rest: Vec<Expr> = parts.iter().filter(|p| !lone(p)).cloned().collect();
    if rest.is_empty() || rest.iter().all(|p| matches!(p, Expr::Not(_))) {
        return Ok(false);
    }
    let probe = plan::build_query(schema, &Expr::And(rest))?;
    Ok(searcher.search(&*probe, &tantivy::collector::Count)? == 0)
}

/// Adds the filter flags to the query, as the query forms they stand for.
fn with_filters(expr: Expr, filters: &Filters) -> Result<Expr> {
    let mut parts = match expr {
        Expr::And(parts) => parts,
        other => vec![other],
    };
    if let Some(since) = &filters.since {
        parts.push(Expr::Date(DateRange {
            from: Some(since.first),
            until: None,
        }));
    }
    if let Some(until) = &filters.until {
        parts.push(Expr::Date(DateRange {
            from: None,
            until: Some(until.after),
        }));
    }
    if let Some(source) = &filters.source {
        parts.push(Expr::Source(source.trim().to_string()));
    }
    if let Some(author) = &filters.author {
        let normalized = normalize_str(author).trim().to_string();
        if normalized.is_empty() {
            return Err(Error::Query(format!("author {author:?}: no name given")));
        }
        parts.push(Expr::Term(Term {
            text: author.clone(),
            normalized,
            quoted: true,
            scope: Scope::Author,
        }));
    }
    Ok(if parts.len() == 1 {
        parts.pop().expect("one part")
    } else {
        Expr::And(parts)
    })
}
