//! Searching the cluster with baoku's own semantics: the query is understood as the
//! embedded archive understands it (`search::understand_with`), translated to the DSL
//! (`query.rs`) and run with `dfs_query_then_fetch` (scores comparable across
//! shards); the best matches come back with only their date and fingerprint, are
//! ordered, collapsed and paged by the same code as the embedded archive's
//! (`search::rank::page`), and only the page's articles are fetched, their snippets
//! and highlights cut by baoku from `_source`. This module must not print.

use super::mapping::names_of;
use super::mapping::{article_of, STORED};
use super::query::dsl;
use super::Cluster;
use crate::analyze::fingerprint::distance;
use crate::analyze::EntityKind;
use crate::article::{Article, Date};
use crate::error::Result;
use crate::index::{SourceCount, Stats};
use crate::search::collect::{Candidate, Collected};
use crate::search::query::Term;
use crate::search::rank::{blend_recency, page};
use crate::search::{
    highlighter_for, hit_of, understand_with, Facets, Mode, SearchRequest, SearchResults, Sort,
    MAX_LIMIT, NEAR_DUPLICATE_BITS,
};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Instant;
use tantivy::DocAddress;

/// Outlets listed by a search's source lookup and by facets (the embedded archive
/// lists them all; a cluster's aggregation needs a size).
const MAX_OUTLETS: usize = 10_000;
/// Names counted per kind for a facet (the top ones are shown); past it the counts
/// of the rarest names are the cluster's estimates.
const MAX_NAMES: usize = 10_000;
/// The name an aggregation gives articles without a value.
const MISSING: &str = "\u{0}missing";

impl Cluster {
    /// Runs a search; `--json` of the answer has exactly the embedded archive's shape.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let started = Instant::now();
        let (expr, notes) =
            understand_with(&request.query, &request.filters, None, || self.outlets())?;
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
        let mut aggs = json!({
            "source": {"terms": {"field": "source", "size": MAX_OUTLETS, "missing": MISSING}},
            "month": {"date_histogram": {"field": "date", "calendar_interval": "month",
                                         "format": "yyyy-MM", "min_doc_count": 1}},
            "undated": {"missing": {"field": "date"}},
        });
        // Every name counted, the top ones chosen by the embedded archive's code.
        if request.facet_set.has_names() {
            for kind in EntityKind::ALL {
                aggs[kind.name()] = json!({"terms": {"field": kind.name(), "size": MAX_NAMES}});
            }
        }
        if request.facets {
            body["aggs"] = aggs.clone();
        }
        let mut answer =
            self.client
                .json("POST", "/_search?search_type=dfs_query_then_fetch", &body)?;
        let mut total = answer["hits"]["total"]["value"].as_u64().unwrap_or(0);
        let mut mode = Mode::All;
        let mut terms: Vec<Term> = expr.positive_terms().into_iter().cloned().collect();
        let mut found = answer["hits"]["hits"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut candidates: Vec<Candidate> = found
            .iter()
            .enumerate()
            .map(|(i, hit)| candidate_of(i, hit))
            .collect();
        let mut partial_terms: Vec<Term> = Vec::new();
        if total == 0 && !expr.has_no_words() {
            let facets = request.facets.then_some(&aggs);
            if let Some(relaxed) = self.relaxed(&expr, needed, facets)? {
                if relaxed.total > 0 {
                    mode = Mode::Relaxed;
                    total = relaxed.total;
                    terms = relaxed.content.highlight_terms();
                    found = relaxed.hits;
                    candidates = relaxed.candidates;
                    for candidate in candidates.iter_mut() {
                        candidate.partial = false;
                    }
                    answer = relaxed.answer;
                }
            }
        } else if (total as usize) < needed
            && sort == Sort::Relevance
            && expr.is_plain_with_filters()
        {
            // Fewer exact matches than the page shows: the best articles holding some of
            // the words follow them, marked partial (reprints of an exact match left
            // out), as the embedded archive fills a page.
            if let Some(relaxed) = self.relaxed(&expr, needed, None)? {
                let exact_ids: Vec<&str> = found.iter().filter_map(|h| h["_id"].as_str()).collect();
                let mut more = Vec::new();
                for (candidate, hit) in relaxed.candidates.into_iter().zip(relaxed.hits) {
                    let reprint = candidates.iter().any(|e| {
                        e.simhash != 0
                            && distance(e.simhash, candidate.simhash) <= NEAR_DUPLICATE_BITS
                    });
                    if !reprint && !exact_ids.contains(&hit["_id"].as_str().unwrap_or_default()) {
                        more.push((candidate, hit));
                    }
                }
                if !more.is_empty() {
                    partial_terms = relaxed.content.highlight_terms();
                }
                for (mut candidate, hit) in more {
                    candidate.address = DocAddress::new(0, found.len() as u32);
                    candidates.push(candidate);
                    found.push(hit);
                }
            }
        }
        let ids: Vec<String> = found
            .iter()
            .map(|hit| hit["_id"].as_str().unwrap_or_default().to_string())
            .collect();
        if request.recent && sort == Sort::Relevance {
            blend_recency(&mut candidates);
        }
        let groups = page(
            &mut candidates,
            sort,
            request.collapse,
            request.offset,
            limit,
        );
        // Relaxed candidates came with their whole articles; exact matches are fetched.
        let mut articles: HashMap<String, Article> = HashMap::new();
        let mut missing = Vec::new();
        for (candidate, _) in &groups {
            let i = candidate.address.doc_id as usize;
            match found[i]["_source"].get("body") {
                Some(_) => {
                    articles.insert(ids[i].clone(), article_of(&found[i]["_source"]));
                }
                None => missing.push(ids[i].as_str()),
            }
        }
        articles.extend(self.articles(&missing)?);
        let highlighter = highlighter_for(&terms, &request.query);
        // A partial hit holds only some of the words: its own, as the relaxed answer found them.
        let partial_highlighter = highlighter_for(&partial_terms, &request.query);
        let mut hits = Vec::with_capacity(groups.len());
        for (candidate, similar) in &groups {
            let id = &ids[candidate.address.doc_id as usize];
            let highlighter = match candidate.partial {
                true => &partial_highlighter,
                false => &highlighter,
            };
            // An article deleted between the two requests is left out.
            if let Some(article) = articles.remove(id.as_str()) {
                let names = names_of(&article);
                let mut hit = hit_of(article, candidate, *similar, highlighter, request);
                hit.names = names;
                hits.push(hit);
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
            mode,
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
        simhash: fingerprint(source),
        partial: false,
    }
}

/// The fingerprint of a document's `_source` (0 when it has none).
pub(super) fn fingerprint(source: &Value) -> u64 {
    source["simhash"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
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
    for kind in EntityKind::ALL {
        for (name, count) in buckets(&aggs[kind.name()]) {
            if let Some(name) = name {
                collected.names[kind as usize].insert(name, count);
            }
        }
    }
    crate::search::collect::facets_of(&collected)
}
