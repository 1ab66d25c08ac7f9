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
pub mod relaxed;

use crate::analyze::fingerprint::distance;
use crate::analyze::normalize_str;
use crate::article::Date;
use crate::error::{Error, Result};
use crate::index::Archive;
use crate::snippet::{Highlighter, Snippet, SnippetOptions};
use collect::{AllMatches, Candidate, Collected};
use query::{parse_date_range, Expr, Scope, Term};
pub use relaxed::RankParams;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Instant;
use tantivy::TantivyDocument;

/// Most hits one request may ask for.
pub const MAX_LIMIT: usize = 1000;
/// Fingerprints this close (in bits) are reprints of one story.
pub const NEAR_DUPLICATE_BITS: u32 = 3;

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best match first.
    #[default]
    Relevance,
    /// Newest first, ties broken by relevance; undated articles last.
    Date,
    /// Oldest first, ties broken by relevance; undated articles last.
    Oldest,
}

/// Filters that the query language can also express (`--since 2021` is `date:>=2021`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filters {
    /// Only articles dated on or after this day, month or year (`2021`, `2021-03`, `2021-03-08`).
    pub since: Option<String>,
    /// Only articles dated on or before this day, month or year (inclusive: `2022-06` is to the end of June).
    pub until: Option<String>,
    /// Only articles from exactly this outlet.
    pub source: Option<String>,
    /// Only articles whose author field holds this name.
    pub author: Option<String>,
}

/// What to search for and how to present it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    /// The query, in baoku's query language (see the README).
    pub query: String,
    /// Restrictions on date, source and author.
    pub filters: Filters,
    /// Order of the hits.
    pub sort: Sort,
    /// Favour recent articles (for "latest news" searches); only with relevance order.
    pub recent: bool,
    /// Number of hits to return (at most [`MAX_LIMIT`]).
    pub limit: usize,
    /// Number of best hits to skip first (for paging).
    pub offset: usize,
    /// How snippets are cut.
    pub snippets: SnippetOptions,
    /// Show reprints of one story as one hit (with `similar` counting the others).
    pub collapse: bool,
    /// Count the matches by source and by month.
    pub facets: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            filters: Filters::default(),
            sort: Sort::Relevance,
            recent: false,
            limit: 10,
            offset: 0,
            snippets: SnippetOptions::default(),
            collapse: true,
            facets: false,
        }
    }
}

impl SearchRequest {
    /// A request for the 10 best hits of `query`, with 3 snippets each.
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            ..SearchRequest::default()
        }
    }
}

/// Which matching answered the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Every part of the query matched as written.
    All,
    /// Nothing matched as written; the articles holding the most of the query's content
    /// words (without question words such as 什么, 谁), in any order, answered.
    Relaxed,
}

/// The answer to a [`SearchRequest`]; serialises to the JSON of `baoku search --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The query as given.
    pub query: String,
    /// Exact number of matching articles (reprints included, not just those returned).
    pub total: u64,
    /// Which matching answered.
    pub mode: Mode,
    /// What in the query was read differently from how it looks (a quote never
    /// closed, a word before a colon that is no field…), and how the query was
    /// answered when not as written; one line each.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Milliseconds the engine spent answering (parse, match, rank, snippets).
    pub took_ms: f64,
    /// The returned hits, in the requested order.
    pub hits: Vec<Hit>,
    /// Counts of the matching articles by source and by month, when asked for.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub facets: Option<Facets>,
}

/// Counts of the matching articles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    /// By source, most first; `null` counts articles without a source. Sums to `total`.
    pub source: Vec<FacetCount>,
    /// By month (`2022-05`), in order; `null` counts undated articles. Sums to `total`.
    pub month: Vec<FacetCount>,
}

/// One value of a facet and its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    /// The source or month; `None` for articles without one.
    pub value: Option<String>,
    /// Matching articles with it.
    pub count: u64,
}

/// One matching article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// The article id.
    pub id: String,
    /// The headline.
    pub title: Option<String>,
    /// `[start, end)` character offsets of the query words in `title`.
    pub title_highlights: Vec<[usize; 2]>,
    /// Publication date, `YYYY-MM-DD`.
    pub date: Option<Date>,
    /// The outlet.
    pub source: Option<String>,
    /// The writer(s).
    pub author: Option<String>,
    /// The article's web address.
    pub url: Option<String>,
    /// Relevance (BM25, higher is better); comparable within one result list only.
    pub score: f32,
    /// Other matching articles that are reprints of this one (collapsed into it).
    pub similar: u64,
    /// It holds only some of the query's words: shown after the fewer than a page of
    /// articles that match as written (relevance order only), not counted in `total`.
    pub partial: bool,
    /// Fragments of the body with the query words highlighted, best first.
    pub snippets: Vec<Snippet>,
    /// The file the article was indexed from.
    pub path: Option<String>,
}

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
            hits.push(Hit {
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
    let bad = |flag: &str, value: &str, reason: String| {
        Error::Query(format!("--{flag} {value}: {reason}"))
    };
    if let Some(since) = &filters.since {
        let range = parse_date_range(&format!(">={since}")).map_err(|r| bad("since", since, r))?;
        parts.push(Expr::Date(range));
    }
    if let Some(until) = &filters.until {
        let range = parse_date_range(&format!("<={until}")).map_err(|r| bad("until", until, r))?;
        parts.push(Expr::Date(range));
    }
    if let Some(source) = &filters.source {
        parts.push(Expr::Source(source.trim().to_string()));
    }
    if let Some(author) = &filters.author {
        let normalized = normalize_str(author).trim().to_string();
        if normalized.is_empty() {
            return Err(bad("author", author, "no name given".to_string()));
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

/// Multiplies scores by up to 1.5 for articles near the newest match (half-life of
/// about three months), so "latest news" searches favour what is recent in the archive.
fn blend_recency(candidates: &mut [Candidate]) {
    let Some(newest) = candidates.iter().filter_map(|c| c.day).max() else {
        return;
    };
    for candidate in candidates.iter_mut() {
        let age = candidate.day.map_or(3650.0, |day| f64::from(newest - day));
        let boost = 1.0 + 0.5 * (-age / 130.0).exp();
        candidate.score = (f64::from(candidate.score) * boost) as f32;
    }
}

/// The comparison that puts candidates in the requested order.
fn comparator(sort: Sort) -> impl Fn(&Candidate, &Candidate) -> std::cmp::Ordering + Copy {
    move |a: &Candidate, b: &Candidate| {
        let by_score = b
            .score
            .total_cmp(&a.score)
            .then(b.day.cmp(&a.day))
            .then(a.address.cmp(&b.address));
        // Undated articles last in both date orders.
        let dated_first = b.day.is_some().cmp(&a.day.is_some());
        match sort {
            Sort::Relevance => a.partial.cmp(&b.partial).then(by_score),
            Sort::Date => dated_first.then(b.day.cmp(&a.day)).then(by_score),
            Sort::Oldest => dated_first.then(a.day.cmp(&b.day)).then(by_score),
        }
    }
}

/// The hits of one page, in order, each with the number of reprints collapsed into it.
///
/// Only as many of the best candidates as the page needs are put in order (a large
/// result has 100,000 matches and a page 10): a reprint is collapsed into the first
/// article of its story in that order, so the first candidates decide the page. Each
/// hit's reprints are then counted among all matches.
fn page(
    candidates: &mut [Candidate],
    sort: Sort,
    collapse: bool,
    offset: usize,
    limit: usize,
) -> Vec<(Candidate, u64)> {
    let needed = offset + limit;
    let compare = comparator(sort);
    let mut window = (needed * 4).max(64);
    let representatives = loop {
        let window_len = window.min(candidates.len());
        if window_len == 0 {
            return Vec::new();
        }
        if window_len < candidates.len() {
            candidates.select_nth_unstable_by(window_len - 1, compare);
        }
        candidates[..window_len].sort_unstable_by(compare);
        let representatives: Vec<usize> = if collapse {
            stories(&candidates[..window_len])
        } else {
            (0..window_len).collect()
        };
        if representatives.len() >= needed || window_len == candidates.len() {
            break representatives;
        }
        window *= 4;
    };
    let shown: Vec<Candidate> = representatives
        .iter()
        .skip(offset)
        .take(limit)
        .map(|&i| candidates[i])
        .collect();
    let mut similar = vec![0u64; shown.len()];
    if collapse {
        // Every match that is a reprint of a shown hit, and not the hit itself.
        for candidate in candidates.iter().filter(|c| c.simhash != 0) {
            if let Some(at) = shown.iter().position(|hit| {
                hit.simhash != 0
                    && hit.address != candidate.address
                    && distance(hit.simhash, candidate.simhash) <= NEAR_DUPLICATE_BITS
            }) {
                similar[at] += 1;
            }
        }
    }
    shown.into_iter().zip(similar).collect()
}

/// Indices of the first article of each story in `ordered`: an article is a reprint
/// of an earlier one when their fingerprints differ in at most
/// [`NEAR_DUPLICATE_BITS`] bits. Fingerprints are split into four 16-bit bands: two
/// that differ in at most three bits share at least one band, so only articles sharing
/// a band are compared.
fn stories(ordered: &[Candidate]) -> Vec<usize> {
    let mut firsts: Vec<usize> = Vec::new();
    let mut bands: [HashMap<u16, Vec<usize>>; 4] = Default::default();
    let band_of = |hash: u64, band: usize| (hash >> (band * 16)) as u16;
    for (index, candidate) in ordered.iter().enumerate() {
        // An empty body has no fingerprint to compare.
        if candidate.simhash == 0 {
            firsts.push(index);
            continue;
        }
        let reprint = (0..4).any(|band| {
            bands[band]
                .get(&band_of(candidate.simhash, band))
                .is_some_and(|earlier| {
                    earlier.iter().any(|&e| {
                        distance(ordered[e].simhash, candidate.simhash) <= NEAR_DUPLICATE_BITS
                    })
                })
        });
        if !reprint {
            firsts.push(index);
            for (band, map) in bands.iter_mut().enumerate() {
                map.entry(band_of(candidate.simhash, band))
                    .or_default()
                    .push(index);
            }
        }
    }
    firsts
}

fn facets_of(collected: &Collected) -> Facets {
    let mut source: Vec<FacetCount> = collected
        .sources
        .iter()
        .map(|(value, &count)| FacetCount {
            value: value.clone(),
            count,
        })
        .collect();
    source.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.value.is_none().cmp(&b.value.is_none()))
            .then(a.value.cmp(&b.value))
    });
    let mut months: Vec<(Option<i32>, u64)> =
        collected.months.iter().map(|(m, c)| (*m, *c)).collect();
    months.sort_by_key(|(m, _)| (m.is_none(), *m));
    let month = months
        .into_iter()
        .map(|(m, count)| FacetCount {
            value: m.map(|m| format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)),
            count,
        })
        .collect();
    Facets { source, month }
}

/// Scores with three decimals: more would only be float noise in the JSON.
fn round_score(score: f32) -> f32 {
    (score * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(n: u32, score: f32, day: Option<i32>, simhash: u64) -> Candidate {
        Candidate {
            address: tantivy::DocAddress::new(0, n),
            score,
            day,
            simhash,
            partial: false,
        }
    }

    #[test]
    fn reprints_collapse_under_the_best_ranked() {
        let story = 0b1011_0110_1100_0011_1010u64 << 20 | 0xF0F0;
        let mut list = [
            candidate(1, 9.0, None, story),
            candidate(2, 8.0, None, 0xFFFF_0000_FFFF_0000),
            candidate(3, 7.0, None, story ^ 0b101), // two bits off: a reprint
            candidate(4, 6.0, None, story ^ 0xFF),  // eight bits off: another story
            candidate(5, 5.0, None, 0),
            candidate(6, 4.0, None, 0),
        ];
        let summary = |groups: Vec<(Candidate, u64)>| -> Vec<(u32, u64)> {
            groups.iter().map(|(c, n)| (c.address.doc_id, *n)).collect()
        };
        assert_eq!(
            summary(page(&mut list, Sort::Relevance, true, 0, 10)),
            [(1, 1), (2, 0), (4, 0), (5, 0), (6, 0)]
        );
        assert_eq!(
            summary(page(&mut list, Sort::Relevance, true, 1, 2)),
            [(2, 0), (4, 0)]
        );
        assert_eq!(
            summary(page(&mut list, Sort::Relevance, false, 0, 3)),
            [(1, 0), (2, 0), (3, 0)]
        );
    }

    #[test]
    fn a_page_of_a_large_result_matches_a_full_sort() {
        // 5,000 matches in 700 stories, a third of them reprints one bit off.
        let mut list: Vec<Candidate> = (0..5000u32)
            .map(|n| {
                let story = u64::from(n % 700).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
                let reprint = if n % 3 == 0 { 1u64 << (n % 64) } else { 0 };
                let score = ((n * 7919) % 5003) as f32;
                candidate(n, score, Some((n % 400) as i32), story ^ reprint)
            })
            .collect();
        for sort in [Sort::Relevance, Sort::Date, Sort::Oldest] {
            let mut sorted = list.clone();
            sorted.sort_by(comparator(sort));
            let firsts: Vec<u32> = stories(&sorted)
                .into_iter()
                .skip(20)
                .take(10)
                .map(|i| sorted[i].address.doc_id)
                .collect();
            let paged: Vec<u32> = page(&mut list, sort, true, 20, 10)
                .into_iter()
                .map(|(c, _)| c.address.doc_id)
                .collect();
            assert_eq!(paged, firsts, "{sort:?}");
        }
    }

    #[test]
    fn date_order_puts_undated_last_and_breaks_ties_by_score() {
        let mut list = [
            candidate(1, 1.0, Some(100), 0),
            candidate(2, 5.0, None, 0),
            candidate(3, 2.0, Some(200), 0),
            candidate(4, 3.0, Some(100), 0),
        ];
        list.sort_by(comparator(Sort::Date));
        let ids: Vec<u32> = list.iter().map(|c| c.address.doc_id).collect();
        assert_eq!(ids, [3, 4, 1, 2]);
        list.sort_by(comparator(Sort::Oldest));
        let ids: Vec<u32> = list.iter().map(|c| c.address.doc_id).collect();
        assert_eq!(ids, [4, 1, 3, 2]);
    }

    #[test]
    fn recency_favours_the_newest() {
        let mut list = [
            candidate(1, 1.0, Some(1000), 0),
            candidate(2, 1.0, Some(100), 0),
        ];
        blend_recency(&mut list);
        assert!(list[0].score > 1.4 && list[1].score < 1.01);
    }
}
