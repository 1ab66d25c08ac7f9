//! Trends on the cluster, counted as the embedded archive counts them
//! (`research::trend`: the same request checks, periods and JSON). When every article
//! counts (`--no-collapse`, and the denominators of shares) the cluster counts with a
//! `date_histogram` aggregation, in one request. When a story counts once, where its
//! earliest article appeared, the date and fingerprint of every match are fetched —
//! pages of [`PAGE`] in id order — and collapsed by the embedded archive's code: one
//! request per [`PAGE`] matches. This module must not print.

use super::query::dsl;
use super::search::candidate_of;
use super::Cluster;
use crate::error::{Error, Result};
use crate::research::trend::{assemble, check, Counts};
use crate::research::{Interval, Trend, TrendRequest};
use crate::search::collect::Candidate;
use crate::search::understand_with;
use serde_json::{json, Value};
use std::time::Instant;

/// Matches fetched per request when reprints are collapsed (the clusters' default
/// `index.max_result_window`).
const PAGE: usize = 10_000;

/// Milliseconds in a day: a histogram bucket's key is its first day at midnight UTC.
const DAY_MS: i64 = 86_400_000;

impl Cluster {
    /// Counts the matches of each query per period ([`crate::Archive::trend`]).
    pub fn trend(&self, request: &TrendRequest) -> Result<Trend> {
        let started = Instant::now();
        check(request)?;
        let mut counted = Vec::with_capacity(request.queries.len());
        for text in &request.queries {
            let (expr, notes) = understand_with(text, &request.filters, None, || self.outlets())?;
            super::query::check_supported(&expr)?;
            let query = dsl(&expr);
            let counts = match request.collapse {
                true => Counts::of(self.dated_matches(&query)?, request.by, true),
                false => self.histogram(&query, request.by)?,
            };
            counted.push((counts, notes));
        }
        let all = match request.share {
            true if request.filters.is_empty() => {
                Some(self.histogram(&json!({"match_all": {}}), request.by)?)
            }
            true => {
                let (expr, _) = understand_with("", &request.filters, None, || self.outlets())?;
                Some(self.histogram(&dsl(&expr), request.by)?)
            }
            false => None,
        };
        assemble(request, counted, all, started)
    }

    /// Every article `query` matches, counted per period by the cluster.
    fn histogram(&self, query: &Value, by: Interval) -> Result<Counts> {
        let body = json!({
            "size": 0,
            "track_total_hits": true,
            "query": {"bool": {"filter": [query]}},
            "aggs": {
                "periods": {"date_histogram": {
                    "field": "date",
                    "calendar_interval": by.to_string(),
                    "min_doc_count": 1
                }},
                "undated": {"missing": {"field": "date"}}
            }
        });
        let answer = self.client.json("POST", "/_search", &body)?;
        let aggregations = &answer["aggregations"];
        let mut counts = Counts::default();
        for bucket in aggregations["periods"]["buckets"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let count = bucket["doc_count"].as_u64().unwrap_or(0);
            let Some(key) = bucket["key"].as_i64() else {
                return Err(Error::Engine(format!(
                    "{}: a date histogram bucket without a key: {bucket}",
                    self.url()
                )));
            };
            counts.add(Some(key.div_euclid(DAY_MS)), count, by);
        }
        counts.add(
            None,
            aggregations["undated"]["doc_count"].as_u64().unwrap_or(0),
            by,
        );
        let total = answer["hits"]["total"]["value"].as_u64().unwrap_or(0);
        if counts.total != total {
            return Err(Error::Engine(format!(
                "{}: the date histogram counted {} of {total} matches",
                self.url(),
                counts.total
            )));
        }
        Ok(counts)
    }

    /// Every article `query` matches, with its date and fingerprint.
    fn dated_matches(&self, query: &Value) -> Result<Vec<Candidate>> {
        let mut matches = Vec::new();
        let mut after: Option<Value> = None;
        loop {
            let mut body = json!({
                "query": {"bool": {"filter": [query]}},
                "size": PAGE,
                "_source": ["date", "simhash"],
                "sort": [{"id": "asc"}],
                "track_total_hits": false
            });
            if let Some(after) = after.take() {
                body["search_after"] = after;
            }
            let answer = self.client.json("POST", "/_search", &body)?;
            let hits = answer["hits"]["hits"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for hit in &hits {
                matches.push(candidate_of(matches.len(), hit));
            }
            match hits.last() {
                Some(last) if hits.len() == PAGE => after = Some(last["sort"].clone()),
                _ => return Ok(matches),
            }
        }
    }
}
