//! Searching the cluster with baoku's own semantics: the query is understood as the
//! embedded archive understands it (`search::understand_with`), translated to the DSL
//! (`query.rs`) and run with `dfs_query_then_fetch` (scores comparable across
//! shards); the best matches come back with only their date and fingerprint, are
//! ordered, collapsed and paged by the same code as the embedded archive's
//! (`search::rank::page`), and only the page's articles are fetched, their snippets
//! and highlights cut by baoku from `_source`. This module must not print.

use super::mapping::{article_of, STORED};
use super::query::dsl;
use super::Cluster;
use crate::article::{Article, Date};
use crate::error::Result;
use crate::index::{SourceCount, Stats};
use crate::search::collect::{Candidate, Collected};
use crate::search::query::Term;
use crate::search::rank::page;
use crate::search::{
    highlighter_for, hit_of, understand_with, Facets, Mode, SearchRequest, SearchResults, Sort,
    MAX_LIMIT,
};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Instant;
use tantivy::DocAddress;

/// Outlets listed by a search's source lookup and by facets (the embedded archive
/// lists them all; a cluster's aggregation needs a size).
const MAX_OUTLETS: usize = 10_000;
/// The name an aggregation gives articles without a value.
const MISSING: &str = "\u{0}missing";

impl Cluster {
    /// Runs a search; `--json` of the answer has exactly the embedded archive's shape.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let started = Instant::now();
        let (expr, mut notes) =
            understand_with(&request.query, &request.filters, None, || self.outlets())?;
        super::query::check_supported(&expr)?;
        if request.facets && request.facet_set.has_names() {
            return Err(crate::error::Error::Query(
                "person, place and org facets do not work with --engine yet".to_string(),
            ));
        }
        let sort = match (expr.has_no_words(), request.sort) {
            (true, Sort::Relevance) => Sort::Date,
            (_, sort) => sort,
        };
        let limit = request.limit.min(MAX_LIMIT);
        let needed = request.offset + limit;
        // The window `rank::page` orders and collapses first.
        let best_of = (needed * 4).max(64);
        let mut body = json!({
            "query": dsl(&expr),
            "size": best_of,
            "_source": ["date", "simhash"],
            "track_total_hits": true,
            "track_scores": true,
        });
        match sort {
            Sort::Relevance => {}
            Sort::Date => {
                body["sort"] = json!([{"date": {"order": "desc", "missing": "_last"}}, "_score"])
            }
            Sort::Oldest => {
                body["sort"] = json!([{"date": {"order": "asc", "missing": "_last"}}, "_score"])
            }
        }
        if request.facets {
            body["aggs"] = json!({
                "source": {"terms": {"field": "source", "size": MAX_OUTLETS, "missing": MISSING}},
                "month": {"date_histogram": {"field": "date", "calendar_interval": "month",
                                             "format": "yyyy-MM", "min_doc_count": 1}},
                "undated": {"missing": {"field": "date"}},
            });
        }
        let answer =
            self.client
                .json("POST", "/_search?search_type=dfs_query_then_fetch", &body)?;
        let total = answer["hits"]["total"]["value"].as_u64().unwrap_or(0);
        if total == 0 && !expr.has_no_words() {
            notes.push(
                "no article holds every word; a cluster engine gives no relaxed answers yet (the index directory does)"
                    .to_string(),
            );
        }
        let found = answer["hits"]["hits"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut ids = Vec::with_capacity(found.len());
        let mut candidates: Vec<Candidate> = found
            .iter()
            .enumerate()
            .map(|(i, hit)| {
                ids.push(hit["_id"].as_str().unwrap_or_default().to_string());
                candidate_of(i, hit)
            })
            .collect();
        let groups = page(
            &mut candidates,
            sort,
            request.collapse,
            request.offset,
            limit,
        );
        let page_ids: Vec<&str> = groups
            .iter()
            .map(|(c, _)| ids[c.address.doc_id as usize].as_str())
            .collect();
        let mut articles = self.articles(&page_ids)?;
        let terms: Vec<Term> = expr.positive_terms().into_iter().cloned().collect();
        let highlighter = highlighter_for(&terms, &request.query);
        let mut hits = Vec::with_capacity(groups.len());
        for (candidate, similar) in &groups {
            let id = &ids[candidate.address.doc_id as usize];
            // An article deleted between the two requests is left out.
            if let Some(article) = articles.remove(id.as_str()) {
                hits.push(hit_of(article, candidate, *similar, &highlighter, request));
            }
        }
        let facets = request.facets.then(|| {
            let mut facets = facets_of(&answer["aggregations"]);
            facets.keep(&request.facet_set);
            facets
        });
        Ok(SearchResults {
            query: request.query.clone(),
            total,
            total_is_lower_bound: false,
            mode: Mode::All,
            notes,
            took_ms: (started.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
            hits,
            facets,
        })
    }

    /// The article with this id, as it was indexed.
    pub fn get(&self, id: &str) -> Result<Option<Article>> {
        Ok(self.articles(&[id])?.remove(id))
    }

    /// The articles with these ids that the index holds, by id.
    pub(super) fn articles(&self, ids: &[&str]) -> Result<HashMap<String, Article>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let path = format!("/_mget?_source_includes={}", STORED.join(","));
        let answer = self.client.json("POST", &path, &json!({"ids": ids}))?;
        let docs = answer["docs"].as_array().cloned().unwrap_or_default();
        Ok(docs
            .iter()
            .filter(|doc| doc["found"].as_bool() == Some(true))
            .map(|doc| {
                let article = article_of(&doc["_source"]);
                (doc["_id"].as_str().unwrap_or_default().to_string(), article)
            })
            .collect())
    }

    /// Every outlet with its number of articles, most first.
    pub(crate) fn outlets(&self) -> Result<Vec<(String, u64)>> {
        let answer = self.client.json(
            "POST",
            "/_search",
            &json!({"size": 0, "aggs": {"source": {"terms": {"field": "source", "size": MAX_OUTLETS}}}}),
        )?;
        Ok(buckets(&answer["aggregations"]["source"])
            .into_iter()
            .filter_map(|(key, count)| key.map(|k| (k, count)))
            .collect())
    }

    /// What the index holds, as [`crate::Archive::stats`] says it.
    pub fn stats(&self) -> Result<Stats> {
        let answer = self.client.json(
            "POST",
            "/_search",
            &json!({
                "size": 0,
                "track_total_hits": true,
                "aggs": {
                    "first": {"min": {"field": "date", "format": "strict_date"}},
                    "last": {"max": {"field": "date", "format": "strict_date"}},
                    "undated": {"missing": {"field": "date"}},
                    "sources": {"cardinality": {"field": "source", "precision_threshold": 40000}},
                    "top": {"terms": {"field": "source", "size": 10}},
                    "without_source": {"missing": {"field": "source"}},
                    "reprints": {"terms": {"field": "simhash", "min_doc_count": 2, "size": 65536}},
                }
            }),
        )?;
        let aggs = &answer["aggregations"];
        let date = |name: &str| {
            aggs[name]["value_as_string"]
                .as_str()
                .and_then(Date::parse_iso)
        };
        let near_duplicates = buckets(&aggs["reprints"])
            .iter()
            .map(|(_, count)| count - 1)
            .sum();
        let store = self
            .client
            .json("GET", "/_stats/store,segments", &Value::Null);
        let (index_bytes, segments) = match store {
            Ok(stats) => (
                stats["_all"]["total"]["store"]["size_in_bytes"]
                    .as_u64()
                    .unwrap_or(0),
                stats["_all"]["primaries"]["segments"]["count"]
                    .as_u64()
                    .unwrap_or(0) as usize,
            ),
            // Some managed clusters do not let every user read index statistics.
            Err(_) => (0, 0),
        };
        Ok(Stats {
            articles: answer["hits"]["total"]["value"].as_u64().unwrap_or(0),
            first_date: date("first"),
            last_date: date("last"),
            undated: aggs["undated"]["doc_count"].as_u64().unwrap_or(0),
            sources: aggs["sources"]["value"].as_u64().unwrap_or(0),
            top_sources: buckets(&aggs["top"])
                .into_iter()
                .filter_map(|(value, count)| value.map(|value| SourceCount { value, count }))
                .collect(),
            without_source: aggs["without_source"]["doc_count"].as_u64().unwrap_or(0),
            near_duplicates,
            index_bytes,
            segments,
            schema_version: self.versions.0,
            analyzer_version: self.versions.1,
        })
    }
}

/// A hit that came back with its `date` and `simhash` in `_source`, as the ranking
/// code's candidate; `i` (its place in the answer) stands in for the address.
pub(super) fn candidate_of(i: usize, hit: &Value) -> Candidate {
    let source = &hit["_source"];
    Candidate {
        address: DocAddress::new(0, i as u32),
        score: hit["_score"].as_f64().unwrap_or(0.0) as f32,
        day: source["date"]
            .as_str()
            .and_then(Date::parse_iso)
            .map(|d| d.days_since_epoch() as i32),
        simhash: source["simhash"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0),
        partial: false,
    }
}

/// The buckets of a terms aggregation: key (`None` for [`MISSING`]) and count.
fn buckets(aggregation: &Value) -> Vec<(Option<String>, u64)> {
    aggregation["buckets"]
        .as_array()
        .map(|buckets| {
            buckets
                .iter()
                .map(|b| {
                    let key = match &b["key"] {
                        Value::String(s) if s == MISSING => None,
                        Value::String(s) => Some(s.clone()),
                        other => Some(other.to_string()),
                    };
                    (key, b["doc_count"].as_u64().unwrap_or(0))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Facets counted by the cluster, put in order by the embedded archive's code.
fn facets_of(aggs: &Value) -> Facets {
    let mut collected = Collected {
        sources: buckets(&aggs["source"]).into_iter().collect(),
        ..Collected::default()
    };
    for bucket in aggs["month"]["buckets"].as_array().into_iter().flatten() {
        let count = bucket["doc_count"].as_u64().unwrap_or(0);
        let month = bucket["key_as_string"]
            .as_str()
            .and_then(|m| Date::parse_iso(&format!("{m}-01")));
        if let (Some(month), true) = (month, count > 0) {
            let key = month.year() * 12 + month.month() as i32 - 1;
            collected.months.insert(Some(key), count);
        }
    }
    let undated = aggs["undated"]["doc_count"].as_u64().unwrap_or(0);
    if undated > 0 {
        collected.months.insert(None, undated);
    }
    crate::search::collect::facets_of(&collected)
}
