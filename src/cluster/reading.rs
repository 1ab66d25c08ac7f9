//! One article opened for reading on a cluster, as `research/reading.rs` opens it in
//! the embedded archive: the query's highlights marked by the same code, and the
//! story's reprints over the whole index — every article whose fingerprint is within
//! [`NEAR_DUPLICATE_BITS`] of this one's, found by the pieces of the fingerprint they
//! share (`simhash_bands`) and checked exactly. This module must not print.

use super::mapping::{article_of, bands, names_of, STORED};
use super::search::fingerprint;
use super::Cluster;
use crate::analyze::fingerprint::distance;
use crate::error::{Error, Result};
use crate::research::reading::{highlights_of, oldest_first, related_of};
use crate::research::{Reading, Related};
use crate::search::{understand_with, Filters, NEAR_DUPLICATE_BITS};
use serde_json::json;

/// The most reprints one request lists (the cluster's default result window).
const MAX_REPRINTS: usize = 10_000;

impl Cluster {
    /// The article with this id, with `query`'s highlights when one is given and its
    /// story's reprints, oldest first ([`crate::Archive::read`]). `None` when the
    /// index holds no article with this id.
    pub fn read(&self, id: &str, query: Option<&str>) -> Result<Option<Reading>> {
        let path = format!("/_mget?_source_includes={},simhash", STORED.join(","));
        let answer = self.client.json("POST", &path, &json!({"ids": [id]}))?;
        let doc = &answer["docs"][0];
        if doc["found"] != true {
            return Ok(None);
        }
        let source = &doc["_source"];
        let article = article_of(source);
        let highlights = match query.filter(|q| !q.trim().is_empty()) {
            Some(query) => {
                let (expr, _notes) =
                    understand_with(query, &Filters::default(), None, || self.outlets())?;
                Some(highlights_of(&expr, query, &article))
            }
            None => None,
        };
        let simhash = fingerprint(source);
        let reprints = self.reprints_of(id, simhash)?;
        let names = names_of(&article);
        Ok(Some(Reading {
            article,
            highlights,
            reprints,
            names,
            raw: None,
        }))
    }

    /// The articles other than `id` whose fingerprint is near `simhash`, oldest first.
    fn reprints_of(&self, id: &str, simhash: u64) -> Result<Vec<Related>> {
        if simhash == 0 {
            return Ok(Vec::new());
        }
        let body = json!({
            "query": {"bool": {
                "filter": [{"terms": {"simhash_bands": bands(simhash)}}],
                "must_not": [{"ids": {"values": [id]}}],
            }},
            "size": MAX_REPRINTS,
            "_source": ["id", "title", "date", "source", "url", "simhash"],
            "track_total_hits": true,
        });
        let answer = self.client.json("POST", "/_search", &body)?;
        let total = answer["hits"]["total"]["value"].as_u64().unwrap_or(0);
        if total > MAX_REPRINTS as u64 {
            return Err(Error::Engine(format!(
                "{}: {total} articles share a piece of the fingerprint of {id}; at most {MAX_REPRINTS} can be checked",
                self.url()
            )));
        }
        let mut related: Vec<Related> = answer["hits"]["hits"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|hit| &hit["_source"])
            .filter(|source| {
                let hash = fingerprint(source);
                hash != 0 && distance(hash, simhash) <= NEAR_DUPLICATE_BITS
            })
            .map(|source| related_of(article_of(source), true))
            .collect();
        oldest_first(&mut related);
        Ok(related)
    }
}
