//! What a search answers: [`SearchResults`] with their [`Hit`]s, serialised to exactly
//! the JSON of `baoku search --json` (and of `/api/search`). This module must not
//! search.

use crate::article::Date;
use crate::snippet::Snippet;
use serde::{Deserialize, Serialize};

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
    /// Number of matching articles (reprints included, not just those returned):
    /// exact, unless [`total_is_lower_bound`](Self::total_is_lower_bound) says it is
    /// only a lower bound.
    pub total: u64,
    /// `total` is "at least": in relevance order without facets, matches are counted
    /// exactly up to [`EXACT_TOTAL_UP_TO`](crate::search::EXACT_TOTAL_UP_TO); past
    /// that the search skips the articles that cannot reach the page, uncounted. Date
    /// order, `--recent` and facets count every match (and each hit's `similar` counts
    /// its reprints among all matches; with a lower bound, among the best examined).
    #[serde(default)]
    pub total_is_lower_bound: bool,
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

/// Counts of the matching articles, by the facets the request chose
/// ([`FacetSet`](crate::search::FacetSet); source and month unless told otherwise).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    /// By source, most first; `null` counts articles without a source. Sums to `total`.
    /// Empty when the source facet was not chosen.
    pub source: Vec<FacetCount>,
    /// By month (`2022-05`), newest first; `null` (undated articles) last. Sums to
    /// `total`. Empty when the month facet was not chosen.
    pub month: Vec<FacetCount>,
    /// The people most named among all matches, at most
    /// [`TOP_NAMES`](crate::search::TOP_NAMES), most first: each count is the number
    /// of matches that name them (`search "Q person:NAME"` has that total). Names are
    /// folded to simplified characters. Absent unless chosen (`--facets=person`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub person: Option<Vec<FacetCount>>,
    /// The places most named among all matches, like [`person`](Self::person).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub place: Option<Vec<FacetCount>>,
    /// The organisations most named among all matches, like [`person`](Self::person).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub org: Option<Vec<FacetCount>>,
}

impl Facets {
    /// Keeps only the facets of `chosen` (the others empty or absent).
    pub fn keep(&mut self, chosen: &crate::search::FacetSet) {
        use crate::search::FacetName;
        if !chosen.has(FacetName::Source) {
            self.source.clear();
        }
        if !chosen.has(FacetName::Month) {
            self.month.clear();
        }
        for (name, list) in [
            (FacetName::Person, &mut self.person),
            (FacetName::Place, &mut self.place),
            (FacetName::Org, &mut self.org),
        ] {
            if !chosen.has(name) {
                *list = None;
            } else if list.is_none() {
                *list = Some(Vec::new());
            }
        }
    }

    /// The names of one kind, if that facet was chosen.
    pub fn names(&self, kind: crate::analyze::EntityKind) -> Option<&[FacetCount]> {
        use crate::analyze::EntityKind;
        match kind {
            EntityKind::Person => self.person.as_deref(),
            EntityKind::Place => self.place.as_deref(),
            EntityKind::Org => self.org.as_deref(),
        }
    }
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
    /// The subtitle, when the query words are in it (`title:` searches it too).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub subtitle: Option<String>,
    /// `[start, end)` character offsets of the query words in `subtitle`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub subtitle_highlights: Vec<[usize; 2]>,
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
    /// The people, places and organisations the article names (folded to simplified
    /// characters), as the JSON keys `person`, `place` and `org`.
    #[serde(flatten)]
    pub names: crate::analyze::Entities,
}
