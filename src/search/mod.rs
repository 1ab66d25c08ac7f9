//! Search: a [`SearchRequest`] in, [`SearchResults`] out.
//!
//! These two types are the contract between the library and every front end: the
//! command line prints `SearchResults` as JSON (`baoku search --json`) or for a
//! terminal, and programs that embed baoku get the same values.
//!
//! The query is parsed ([`query`]) and planned ([`plan`]); matches are collected with
//! their score, date and fingerprint ([`collect`]) so that results can be sorted by
//! relevance or date, reprints collapsed and facets counted — every match, or in
//! relevance order without facets the best ones, with `total` exact up to
//! [`EXACT_TOTAL_UP_TO`] and a lower bound past it;
//! then the page of hits is read and given highlighted snippets ([`crate::snippet`]).
//! A long question that matches nothing as typed is answered in a relaxed mode. This
//! module must not print.

pub mod collect;
pub mod plan;
pub mod proximity;
pub mod query;
pub(crate) mod rank;
pub mod relaxed;
mod request;
mod results;
mod synonyms;

use crate::analyze::fingerprint::distance;
use crate::analyze::normalize_str;
use crate::error::{Error, Result};
use crate::index::Archive;
use crate::snippet::Highlighter;
pub use collect::EXACT_TOTAL_UP_TO;
pub use collect::TOP_NAMES;
use collect::{facets_of, AllMatches, Candidate, Collected};
use query::{DateRange, Expr, Scope, SourceFilter, Term};
pub use rank::NEAR_DUPLICATE_BITS;
use rank::{blend_recency, page, round_score};
pub use relaxed::RankParams;
pub use request::{FacetName, FacetSet, Filters, Period, SearchRequest, Sort, MAX_LIMIT};
pub use results::{FacetCount, Facets, Hit, Mode, SearchResults};
use std::time::Instant;
pub use synonyms::{Synonyms, SYNONYMS_FILE};
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
        let schema = self.schema();
        // One searcher for the whole request: addresses stay valid across its steps.
        let searcher = self.searcher();
        let (expr, mut notes) = understand(self, &searcher, &request.query, &request.filters)?;
        // Nothing to rank by: newest first.
        let sort = match (expr.has_no_words(), request.sort) {
            (true, Sort::Relevance) => Sort::Date,
            (_, sort) => sort,
        };
        let names = request.facets && request.facet_set.has_names();
        let collector = AllMatches {
            facets: request.facets,
            names,
            scores: true,
        };

        let strict = plan::build_query(schema, &expr)?;
        let limit = request.limit.min(MAX_LIMIT);
        let needed = request.offset + limit;
        // Relevance order without facets needs only the best matches, as many as the
        // page's first window of reprint collapsing (see `rank::page`); every match is
        // still counted up to EXACT_TOTAL_UP_TO.
        let best_of = (needed * 4).max(64);
        let bounds = match sort == Sort::Relevance
            && !request.facets
            && !request.recent
            && best_of as u64 <= EXACT_TOTAL_UP_TO
        {
            true => plan::score_bounds(schema, &searcher, &expr)?,
            false => None,
        };
        let mut total_is_lower_bound = false;
        let mut total;
        let mut collected = if cannot_match(&searcher, schema, &expr)? {
            total = 0;
            Collected::default()
        } else if let Some(bounds) = &bounds {
            let found =
                collect::top_matches(&searcher, &*strict, bounds, best_of, EXACT_TOTAL_UP_TO)?;
            total = found.seen;
            total_is_lower_bound = found.skipped;
            found.collected
        } else {
            let collected = searcher.search(&*strict, &collector)?;
            total = collected.candidates.len() as u64;
            collected
        };
        let mut mode = Mode::All;
        let mut highlight_terms: Vec<Term> = expr.positive_terms().into_iter().cloned().collect();
        highlight_terms.extend(entity_highlights(&expr));
        let mut partial: Vec<Candidate> = Vec::new();
        let mut partial_terms: Vec<Term> = Vec::new();
        if total == 0 {
            if let Some(answer) = relaxed::answer(
                &searcher,
                schema,
                &expr,
                params,
                needed,
                request.facets,
                names,
            )? {
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
            && sort == Sort::Relevance
            && expr.is_plain_with_filters()
        {
            // Fewer exact matches than the page shows: the best articles holding some of
            // the words follow them, marked partial (reprints of an exact match left out).
            if let Some(answer) =
                relaxed::answer(&searcher, schema, &expr, params, needed, false, false)?
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
        let facets = request.facets.then(|| {
            let mut facets = facets_of(&collected);
            facets.keep(&request.facet_set);
            facets
        });
        let highlighter_of = |terms: &[Term]| highlighter_for(terms, &request.query);
        let highlighter = highlighter_of(&highlight_terms);
        // A partial hit holds only some of the words: its own, as the relaxed answer found them.
        let partial_highlighter = highlighter_of(&partial_terms);

        let mut candidates = std::mem::take(&mut collected.candidates);
        candidates.extend(partial);
        let unknown_source = notes
            .iter()
            .any(|n| n.contains("is no outlet of the archive"));
        if total == 0 && !unknown_source {
            notes.extend(filter_emptied(&searcher, schema, &expr)?);
        }
        if request.recent && sort == Sort::Relevance {
            blend_recency(&mut candidates);
        }
        let mut groups = page(
            &mut candidates,
            sort,
            request.collapse,
            request.offset,
            limit,
        );
        if total_is_lower_bound && groups.len() < limit {
            // So many reprints among the best that they do not fill the page: every
            // match is needed after all.
            candidates = searcher.search(&*strict, &collector)?.candidates;
            total = candidates.len() as u64;
            total_is_lower_bound = false;
            groups = page(
                &mut candidates,
                sort,
                request.collapse,
                request.offset,
                limit,
            );
        }
        let mut hits = Vec::with_capacity(limit);
        for (candidate, similar) in groups {
            let doc: TantivyDocument = searcher.doc(candidate.address)?;
            let article = schema.to_article(&doc);
            let highlighter = if candidate.partial {
                &partial_highlighter
            } else {
                &highlighter
            };
            let mut hit = hit_of(article, &candidate, similar, highlighter, request);
            hit.names = self.names_at(&searcher, candidate.address)?;
            hits.push(hit);
        }
        Ok(SearchResults {
            query: request.query.clone(),
            total,
            total_is_lower_bound,
            mode,
            notes,
            took_ms: (started.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
            hits,
            facets,
        })
    }
}

/// A page's hit: the article with its highlights and snippets, as every engine
/// shows it.
pub(crate) fn hit_of(
    article: crate::Article,
    candidate: &Candidate,
    similar: u64,
    highlighter: &Highlighter,
    request: &SearchRequest,
) -> Hit {
    let subtitle_highlights = article
        .subtitle
        .as_deref()
        .map(|t| highlighter.highlight(t))
        .unwrap_or_default();
    Hit {
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
        names: Default::default(),
    }
}

/// The highlighter of a query's terms, as every engine marks them.
pub(crate) fn highlighter_for(terms: &[Term], query: &str) -> Highlighter {
    Highlighter::new(
        &terms
            .iter()
            .map(|t| t.normalized.as_str())
            .collect::<Vec<_>>(),
    )
    .whole_words(query, relaxed::is_function_word)
}

/// A query and the filters beside it as one expression, expanded by the archive's
/// synonyms, its source filters resolved against the archive's outlets, with the
/// notes on how it was read. Filters alone (`baoku search --source 吉林日报`, an empty
/// query) stand for what they admit. Every request's query passes through here.
pub(crate) fn understand(
    archive: &Archive,
    searcher: &tantivy::Searcher,
    text: &str,
    filters: &Filters,
) -> Result<(Expr, Vec<String>)> {
    let schema = archive.schema();
    understand_with(text, filters, archive.synonyms(), || {
        outlets(searcher, schema)
    })
}

/// [`understand`] for any engine: `synonyms` expands the query's words and source
/// filters; `outlets` lists the archive's outlets with their numbers of articles, most
/// first (asked only when the query has a source filter).
pub(crate) fn understand_with(
    text: &str,
    filters: &Filters,
    synonyms: Option<&Synonyms>,
    outlets: impl FnOnce() -> Result<Vec<(String, u64)>>,
) -> Result<(Expr, Vec<String>)> {
    let (mut expr, mut notes) = if text.trim().is_empty() && !filters.is_empty() {
        (with_filters(Expr::And(Vec::new()), filters)?, Vec::new())
    } else {
        let parsed = query::parse(text)?;
        (with_filters(parsed.expr, filters)?, parsed.notes)
    };
    if let Some(synonyms) = synonyms {
        notes.extend(synonyms.expand(&mut expr));
    }
    notes.extend(resolve_sources(&mut expr, outlets)?);
    Ok((expr, notes))
}

/// The tantivy query that matches exactly what `expr` admits, or `None` when nothing
/// can match: what every count over all matches (search totals, trends, exports)
/// runs.
pub(crate) fn strict_query(
    searcher: &tantivy::Searcher,
    schema: &crate::schema::IndexSchema,
    expr: &Expr,
) -> Result<Option<Box<dyn tantivy::query::Query>>> {
    let strict = plan::build_query(schema, expr)?;
    Ok(match cannot_match(searcher, schema, expr)? {
        true => None,
        false => Some(strict),
    })
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

/// Looks up the outlets each source filter means (`人民日报` → `人民网－人民日报`,
/// `人民日报`), with a note for a filter that names none.
fn resolve_sources(
    expr: &mut Expr,
    outlets: impl FnOnce() -> Result<Vec<(String, u64)>>,
) -> Result<Vec<String>> {
    let mut filters: Vec<&mut SourceFilter> = Vec::new();
    collect_sources(expr, &mut filters);
    if filters.is_empty() {
        return Ok(Vec::new());
    }
    let outlets = outlets()?;
    let mut notes = Vec::new();
    for filter in filters {
        filter.outlets = outlets
            .iter()
            .filter(|(name, _)| filter.admits(name))
            .map(|(name, _)| name.clone())
            .collect();
        if filter.outlets.is_empty() {
            let largest: Vec<String> = outlets
                .iter()
                .take(5)
                .map(|(name, count)| format!("{name} ({count})"))
                .collect();
            notes.push(format!(
                "source {:?} is no outlet of the archive{}; the largest are: {}",
                filter.typed,
                if filter.exact {
                    " (exactly so named)"
                } else {
                    ""
                },
                largest.join(", ")
            ));
        }
    }
    Ok(notes)
}

fn collect_sources<'a>(expr: &'a mut Expr, out: &mut Vec<&'a mut SourceFilter>) {
    match expr {
        Expr::Source(filter) => out.push(filter),
        Expr::And(parts) | Expr::Or(parts) => {
            for part in parts {
                collect_sources(part, out);
            }
        }
        Expr::Not(inner) => collect_sources(inner, out),
        Expr::Term(_) | Expr::Near(_) | Expr::Date(_) | Expr::Entity(_) => {}
    }
}

/// The names of `person:` `place:` `org:` filters, as terms that the snippets
/// highlight wherever the article has them (in either script).
pub(crate) fn entity_highlights(expr: &Expr) -> Vec<Term> {
    expr.positive_entities()
        .into_iter()
        .flat_map(|entity| {
            let typed = std::iter::once(entity.typed.clone()).chain(entity.also.iter().cloned());
            typed.zip(entity.names()).map(|(text, normalized)| Term {
                text,
                normalized: normalized.to_string(),
                quoted: true,
                scope: Scope::Default,
            })
        })
        .collect()
}

/// Every outlet of the archive with its number of articles, most first.
fn outlets(
    searcher: &tantivy::Searcher,
    schema: &crate::schema::IndexSchema,
) -> Result<Vec<(String, u64)>> {
    let mut counts: std::collections::HashMap<String, u64> = Default::default();
    for reader in searcher.segment_readers() {
        let index = reader.inverted_index(schema.fields().source)?;
        let mut stream = index
            .terms()
            .stream()
            .map_err(tantivy::TantivyError::from)?;
        while let Some((key, info)) = stream.next() {
            if let Ok(name) = std::str::from_utf8(key) {
                *counts.entry(name.to_string()).or_default() += u64::from(info.doc_freq);
            }
        }
    }
    let mut outlets: Vec<(String, u64)> = counts.into_iter().collect();
    outlets.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(outlets)
}

/// When words match but the date or source filters beside them leave nothing: a note
/// saying so, with how many articles the words match without the filters.
fn filter_emptied(
    searcher: &tantivy::Searcher,
    schema: &crate::schema::IndexSchema,
    expr: &Expr,
) -> Result<Option<String>> {
    let Expr::And(parts) = expr else {
        return Ok(None);
    };
    let is_filter = |p: &Expr| matches!(p, Expr::Date(_) | Expr::Source(_) | Expr::Entity(_));
    let filters: Vec<&Expr> = parts.iter().filter(|p| is_filter(p)).collect();
    let rest: Vec<Expr> = parts.iter().filter(|p| !is_filter(p)).cloned().collect();
    if filters.is_empty() || rest.is_empty() || Expr::And(rest.clone()).has_no_words() {
        return Ok(None);
    }
    let without = plan::build_query(schema, &Expr::And(rest))?;
    let count = searcher.search(&*without, &tantivy::collector::Count)?;
    if count == 0 {
        return Ok(None);
    }
    let described: Vec<String> = filters
        .iter()
        .map(|f| match f {
            Expr::Source(s) => format!("source {:?}", s.typed),
            Expr::Entity(e) => format!("{} {:?}", e.kind, e.typed),
            Expr::Date(range) => match (range.from, range.until) {
                (Some(from), Some(until)) => format!(
                    "dates {from} to {}",
                    crate::article::Date::from_days_since_epoch(until.days_since_epoch() - 1)
                        .unwrap_or(until)
                ),
                (Some(from), None) => format!("dates from {from}"),
                (None, Some(until)) => format!("dates before {until}"),
                (None, None) => "dates".to_string(),
            },
            _ => String::new(),
        })
        .collect();
    Ok(Some(format!(
        "{count} articles match without the filter on {}; none within it",
        described.join(" and ")
    )))
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
        let source = SourceFilter::new(source, source.trim().starts_with('"'));
        let source = SourceFilter {
            typed: source.typed.trim_matches('"').to_string(),
            ..source
        };
        if source.typed.is_empty() {
            return Err(Error::Query("source: needs an outlet name".to_string()));
        }
        parts.push(Expr::Source(source));
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
