//! What a cluster index already holds, input by input — the embedded archive's
//! `inputs.json`, kept in the cluster beside the index (`INDEX.inputs`, one document
//! per input: its key, size, modification time and articles), so that every machine
//! that indexes into it, and every later run, skips what is there as it was read.
//!
//! An input is recorded only after a run's every article was taken by the cluster
//! (and the index refreshed), and only when it was read without a failure; entries
//! are tied to the index's UUID, so that an index deleted and made again under the
//! same name does not inherit them. A run cut short records nothing: its inputs are
//! read again, which replaces their articles (the safe direction). This module must
//! not print.

use super::client::error_reason;
use super::Cluster;
use crate::error::{Error, Result};
use crate::ingest::InputState;
use serde_json::{json, Value};
use std::collections::HashMap;
use xxhash_rust::xxh3::xxh3_64;

/// Entries read or written per request.
const PAGE: usize = 5_000;

impl Cluster {
    /// The side index's name, as a cluster-wide path (`//INDEX.inputs`).
    fn inputs_path(&self) -> String {
        format!("//{}.inputs", self.client.url.index)
    }

    /// The index's UUID, which its entries carry.
    fn uuid(&self) -> Result<String> {
        let answer = self
            .client
            .json("GET", "/_settings/index.uuid", &Value::Null)?;
        answer
            .as_object()
            .and_then(|indices| indices.values().next())
            .and_then(|index| index["settings"]["index"]["uuid"].as_str())
            .map(str::to_string)
            .ok_or_else(|| Error::Engine(format!("{}: the cluster gave no index uuid", self.url())))
    }

    /// The inputs recorded as completely held, by key; empty when none are.
    pub(super) fn held_inputs(&self) -> Result<HashMap<String, InputState>> {
        let uuid = self.uuid()?;
        let mut held = HashMap::new();
        let mut after: Option<Value> = None;
        loop {
            let mut body = json!({
                "size": PAGE,
                "query": {"term": {"uuid": uuid}},
                "sort": [{"key": "asc"}],
            });
            if let Some(after) = &after {
                body["search_after"] = after.clone();
            }
            let path = format!("{}/_search", self.inputs_path());
            let text = body.to_string();
            let answer = self
                .client
                .request("POST", &path, Some(("application/json", &text)))?;
            match answer.status {
                200..=299 => {}
                // No side index yet: nothing recorded.
                404 => return Ok(held),
                status => {
                    return Err(Error::Engine(format!(
                        "POST {}.inputs/_search: HTTP {status}: {}",
                        self.url(),
                        error_reason(&answer.body)
                    )))
                }
            }
            let answer = answer.body;
            let hits = answer["hits"]["hits"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for hit in &hits {
                let entry = &hit["_source"];
                let number = |name: &str| entry[name].as_u64().unwrap_or(0);
                if let Some(key) = entry["key"].as_str() {
                    held.insert(
                        key.to_string(),
                        InputState {
                            size: number("size"),
                            mtime_ns: number("mtime_ns"),
                            articles: number("articles"),
                        },
                    );
                }
            }
            match hits.last() {
                Some(last) if hits.len() == PAGE => after = Some(last["sort"].clone()),
                _ => return Ok(held),
            }
        }
    }

    /// Records `inputs` as completely held (replacing what was recorded for them).
    pub(super) fn record_inputs(&self, inputs: &[(String, InputState)]) -> Result<()> {
        if inputs.is_empty() {
            return Ok(());
        }
        let uuid = self.uuid()?;
        self.create_inputs_index()?;
        for page in inputs.chunks(PAGE) {
            let mut lines = String::new();
            for (key, state) in page {
                let id = format!("{uuid}:{:016x}", xxh3_64(key.as_bytes()));
                lines.push_str(&json!({"index": {"_id": id}}).to_string());
                lines.push('\n');
                let entry = json!({
                    "uuid": uuid, "key": key, "size": state.size,
                    "mtime_ns": state.mtime_ns, "articles": state.articles,
                });
                lines.push_str(&entry.to_string());
                lines.push('\n');
            }
            let path = format!("{}/_bulk?refresh=true", self.inputs_path());
            let answer =
                self.client
                    .request("POST", &path, Some(("application/x-ndjson", &lines)))?;
            if !(200..300).contains(&answer.status) || answer.body["errors"] == true {
                return Err(Error::Engine(format!(
                    "POST {}.inputs/_bulk: the inputs read could not be recorded: {}",
                    self.url(),
                    error_reason(&answer.body)
                )));
            }
        }
        Ok(())
    }

    /// Makes the side index with its mapping unless it is there.
    fn create_inputs_index(&self) -> Result<()> {
        let body = json!({
            "settings": {"index": {"number_of_shards": 1, "auto_expand_replicas": "0-1"}},
            "mappings": {"dynamic": "strict", "properties": {
                "uuid": {"type": "keyword"}, "key": {"type": "keyword"},
                "size": {"type": "long"}, "mtime_ns": {"type": "long"},
                "articles": {"type": "long"},
            }},
        })
        .to_string();
        let answer = self.client.request(
            "PUT",
            &self.inputs_path(),
            Some(("application/json", &body)),
        );
        match answer {
            Ok(answer) if (200..300).contains(&answer.status) => Ok(()),
            Ok(answer) => Err(Error::Engine(format!(
                "PUT {}.inputs: HTTP {}: {}",
                self.url(),
                answer.status,
                error_reason(&answer.body)
            ))),
            // Already there (the cluster refuses with 400).
            Err(Error::Engine(reason)) if reason.contains("already exists") => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// Forgets what was recorded for this index (when the index itself is deleted).
    pub(super) fn forget_inputs(&self) -> Result<()> {
        let answer = self.client.request("DELETE", &self.inputs_path(), None)?;
        match answer.status {
            200..=299 | 404 => Ok(()),
            status => Err(Error::Engine(format!(
                "DELETE {}.inputs: HTTP {status}: {}",
                self.url(),
                error_reason(&answer.body)
            ))),
        }
    }
}
