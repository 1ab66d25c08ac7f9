//! An OpenSearch / Elasticsearch index as baoku's engine (`--engine URL`): the same
//! reading, analysis, query language, ranking code, snippets and JSON as the embedded
//! archive, with the storage, sharding and replication of a cluster.
//!
//! baoku keeps its analysis: it folds and segments in Rust and sends the cluster text
//! that its built-in analyzers cut the way baoku would (`mapping.rs`); queries are
//! understood by baoku and translated to the query DSL (`query.rs`); snippets and
//! highlights are cut by baoku from `_source` (`search.rs`). `ingest.rs` sends
//! articles in `_bulk` requests, `client.rs` speaks HTTP (credentials from the
//! environment, retries with backoff). No Chinese plugin is needed on the cluster.
//!
//! ```no_run
//! use baoku::cluster::Cluster;
//! use baoku::SearchRequest;
//!
//! let cluster = Cluster::open("http://127.0.0.1:9200/news")?;
//! let results = cluster.search(&SearchRequest::new("鄉村振興 收入"))?;
//! println!("{} articles", results.total);
//! # Ok::<(), baoku::Error>(())
//! ```
//!
//! This module must not print.

mod client;
mod export;
mod ingest;
mod inputs;
mod mapping;
mod query;
mod reading;
mod relaxed;
mod search;
mod trend;

pub use client::{EngineUrl, CA_VARIABLE};
pub use ingest::ClusterIndexOptions;

use crate::error::{Error, Result};
use client::Client;
use serde_json::{json, Value};

/// Shards of an index baoku creates (`BAOKU_ENGINE_SHARDS` overrides it).
pub const DEFAULT_SHARDS: u32 = 2;
/// Replicas of each shard of an index baoku creates (`BAOKU_ENGINE_REPLICAS`).
pub const DEFAULT_REPLICAS: u32 = 1;

/// One index of a cluster, holding baoku's articles.
#[derive(Debug, Clone)]
pub struct Cluster {
    client: Client,
    /// Schema and analyzer versions the index was created with.
    versions: (u32, u32),
}

impl Cluster {
    /// Opens an index baoku created; a missing index, or one made by another baoku
    /// version or by something else, is an error that says what to do.
    pub fn open(url: &str) -> Result<Cluster> {
        let client = Client::new(EngineUrl::parse(url)?)?;
        match Cluster::read_versions(&client)? {
            Some(versions) => Ok(Cluster { client, versions }),
            None => Err(Error::Engine(format!(
                "no baoku index at {}: create it with `baoku --engine {} index PATH...`",
                client.index_url(),
                client.index_url()
            ))),
        }
    }

    /// Opens the index, creating it with baoku's settings and mappings first if the
    /// cluster has none of that name.
    pub fn open_or_create(url: &str) -> Result<Cluster> {
        let client = Client::new(EngineUrl::parse(url)?)?;
        if let Some(versions) = Cluster::read_versions(&client)? {
            return Ok(Cluster { client, versions });
        }
        let number = |name: &str, default: u32| -> Result<u32> {
            match std::env::var(name) {
                Ok(text) => text.trim().parse().map_err(|_| {
                    Error::Engine(format!("{name}={text:?}: expected a whole number"))
                }),
                Err(_) => Ok(default),
            }
        };
        let body = mapping::index_body(
            number("BAOKU_ENGINE_SHARDS", DEFAULT_SHARDS)?,
            number("BAOKU_ENGINE_REPLICAS", DEFAULT_REPLICAS)?,
        );
        let text = body.to_string();
        let answer = client.request("PUT", "", Some(("application/json", &text)))?;
        let created = (200..300).contains(&answer.status);
        let raced = answer.body["error"]["type"] == "resource_already_exists_exception";
        if !created && !raced {
            return Err(Error::Engine(format!(
                "could not create the index {}: HTTP {}: {}",
                client.index_url(),
                answer.status,
                client::error_reason(&answer.body)
            )));
        }
        // The first bulk must not race the replicas' start.
        let health = format!(
            "//_cluster/health/{}?wait_for_status=green&timeout=60s",
            client.url.index
        );
        client.request("GET", &health, None)?;
        Cluster::open(url)
    }

    /// The index's URL.
    pub fn url(&self) -> String {
        self.client.index_url()
    }

    /// Articles in the index (as of its last refresh).
    pub fn count(&self) -> Result<u64> {
        let answer = self.client.json("GET", "/_count", &Value::Null)?;
        Ok(answer["count"].as_u64().unwrap_or(0))
    }

    /// Deletes the index and everything in it (and its record of the inputs read).
    pub fn delete(self) -> Result<()> {
        self.client.json("DELETE", "", &Value::Null)?;
        self.forget_inputs()
    }

    /// The versions recorded in the index's mapping; `None` when there is no such
    /// index.
    fn read_versions(client: &Client) -> Result<Option<(u32, u32)>> {
        let answer = client.request("GET", "/_mapping", None)?;
        if answer.status == 404 {
            return Ok(None);
        }
        let meta = answer
            .body
            .as_object()
            .and_then(|indices| indices.values().next())
            .map(|index| index["mappings"]["_meta"]["baoku"].clone())
            .unwrap_or(Value::Null);
        let version = |name: &str| meta[name].as_u64().map(|v| v as u32);
        let (Some(schema), Some(analyzer)) =
            (version("schema_version"), version("analyzer_version"))
        else {
            return Err(Error::Engine(format!(
                "{} is not an index baoku made (its mapping has no _meta.baoku); give another index name",
                client.index_url()
            )));
        };
        let current = mapping::versions();
        // Indexes made before the mapping had a version of its own hold version 1.
        let layout = version("mapping_version").unwrap_or(1);
        if json!({"schema_version": schema, "analyzer_version": analyzer, "mapping_version": layout})
            != current
        {
            return Err(Error::Engine(format!(
                "{} was built by another baoku (schema {schema}, analyzer {analyzer}, mapping {layout}; this one has schema {}, analyzer {}, mapping {}): index the articles again into a new index name",
                client.index_url(),
                current["schema_version"],
                current["analyzer_version"],
                current["mapping_version"]
            )));
        }
        Ok(Some((schema, analyzer)))
    }
}
