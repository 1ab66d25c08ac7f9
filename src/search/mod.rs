//! Search: a [`SearchRequest`] in, [`SearchResults`] out.
//!
//! These two types are the contract between the library and every front end: the
//! command line prints `SearchResults` as JSON (`baoku search --json`) or for a
//! terminal, and programs that embed baoku get the same values.
//!
//! This module parses the query ([`query`]), builds the tantivy query ([`plan`]),
//! collects the top hits with an exact total, and asks [`crate::snippet`] for the
//! highlighted fragments. It must not print.

pub mod plan;
pub mod query;

use crate::article::Date;
use crate::error::Result;
use crate::index::Archive;
use crate::snippet::{Highlighter, Snippet, SnippetOptions};
use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::TantivyDocument;

/// Most hits one request may ask for.
pub const MAX_LIMIT: usize = 1000;

/// What to search for and how much to return.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchRequest {
    /// The query, in baoku's query language (see the README).
    pub query: String,
    /// Number of hits to return (at most [`MAX_LIMIT`]).
    pub limit: usize,
    /// Number of best hits to skip first (for paging).
    pub offset: usize,
    /// How snippets are cut.
    pub snippets: SnippetOptions,
}

impl SearchRequest {
    /// A request for the 10 best hits of `query`, with 3 snippets each.
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            limit: 10,
            offset: 0,
            snippets: SnippetOptions::default(),
        }
    }
}

/// The answer to a [`SearchRequest`]; serialises to the JSON of `baoku search --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The query as given.
    pub query: String,
    /// Exact number of matching articles (not just those returned).
    pub total: u64,
    /// The returned hits, best first.
    pub hits: Vec<Hit>,
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
    /// Fragments of the body with the query words highlighted, best first.
    pub snippets: Vec<Snippet>,
    /// The file the article was indexed from.
    pub path: Option<String>,
}

impl Archive {
    /// Runs a search on the latest commit this handle has seen.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let clauses = query::parse_query(&request.query)?;
        let schema = self.schema();
        let tantivy_query = plan::build_query(schema, &clauses)?;
        let searcher = self.searcher();
        let limit = request.limit.min(MAX_LIMIT);
        let (top, total) = if limit == 0 {
            (Vec::new(), searcher.search(&tantivy_query, &Count)?)
        } else {
            let top_docs = TopDocs::with_limit(limit)
                .and_offset(request.offset)
                .order_by_score();
            searcher.search(&tantivy_query, &(top_docs, Count))?
        };

        let terms: Vec<&str> = clauses.iter().map(|c| c.normalized.as_str()).collect();
        let highlighter = Highlighter::new(&terms);
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let article = schema.to_article(&doc);
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
                score: round_score(score),
                path: article.path,
            });
        }
        Ok(SearchResults {
            query: request.query.clone(),
            total: total as u64,
            hits,
        })
    }
}

/// Scores with three decimals: more would only be float noise in the JSON.
fn round_score(score: f32) -> f32 {
    (score * 1000.0).round() / 1000.0
}
