//! Which engine answers: the embedded archive (a folder, the default) or an index of
//! an OpenSearch / Elasticsearch cluster (`--engine URL`, the `cluster` feature).
//! Front ends hold an [`Engine`] and ask it; they do not know which one answers. This
//! module only dispatches.

use crate::article::Article;
use crate::error::Result;
use crate::index::{Archive, Stats};
use crate::research::{Export, Kwic, KwicOptions, Reading, Trend, TrendRequest};
use crate::search::{SearchRequest, SearchResults};
use std::path::Path;

/// The engine that stores and searches the articles.
#[derive(Debug, Clone)]
pub enum Engine {
    /// The embedded tantivy archive in a folder.
    Embedded(Archive),
    /// An index of an OpenSearch / Elasticsearch cluster.
    #[cfg(feature = "cluster")]
    Cluster(crate::cluster::Cluster),
}

impl Engine {
    /// The cluster index at `engine` when one is given, else the archive in `dir`.
    ///
    /// ```no_run
    /// use baoku::engine::Engine;
    /// use baoku::SearchRequest;
    ///
    /// let url = std::env::var("BAOKU_ENGINE").ok();
    /// let engine = Engine::open("baoku-index", url.as_deref())?;
    /// let results = engine.search(&SearchRequest::new("乡村振兴"))?;
    /// println!("{} articles in {}", results.total, engine.location());
    /// # Ok::<(), baoku::Error>(())
    /// ```
    pub fn open(dir: impl AsRef<Path>, engine: Option<&str>) -> Result<Engine> {
        match engine {
            None => Ok(Engine::Embedded(Archive::open(dir)?)),
            Some(url) => Engine::cluster(url),
        }
    }

    #[cfg(feature = "cluster")]
    fn cluster(url: &str) -> Result<Engine> {
        Ok(Engine::Cluster(crate::cluster::Cluster::open(url)?))
    }

    #[cfg(not(feature = "cluster"))]
    fn cluster(url: &str) -> Result<Engine> {
        Err(crate::Error::Request(format!(
            "engine {url}: this baoku was built without the `cluster` feature"
        )))
    }

    /// Where the articles are: the archive's folder or the index's URL.
    pub fn location(&self) -> String {
        match self {
            Engine::Embedded(archive) => archive.dir().display().to_string(),
            #[cfg(feature = "cluster")]
            Engine::Cluster(cluster) => cluster.url(),
        }
    }

    /// Runs a search ([`Archive::search`]).
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        match self {
            Engine::Embedded(archive) => archive.search(request),
            #[cfg(feature = "cluster")]
            Engine::Cluster(cluster) => cluster.search(request),
        }
    }

    /// The article with this id ([`Archive::get`]).
    pub fn get(&self, id: &str) -> Result<Option<Article>> {
        match self {
            Engine::Embedded(archive) => archive.get(id),
            #[cfg(feature = "cluster")]
            Engine::Cluster(cluster) => cluster.get(id),
        }
    }

    /// The article with this id opened for reading: `query`'s highlights when one is
    /// given, and its story's reprints ([`Archive::read`]).
    pub fn read(&self, id: &str, query: Option<&str>) -> Result<Option<Reading>> {
        match self {
            Engine::Embedded(archive) => archive.read(id, query),
            #[cfg(feature = "cluster")]
            Engine::Cluster(cluster) => cluster.read(id, query),
        }
    }

    /// Every match of `request`, in its order ([`Archive::export`]).
    pub fn export(&self, request: &SearchRequest, snippets: bool) -> Result<Export> {
        match self {
            Engine::Embedded(archive) => archive.export(request, snippets),
            #[cfg(feature = "cluster")]
            Engine::Cluster(cluster) => cluster.export(request, snippets),
        }
    }

    /// Every occurrence of `request`'s words in context ([`Archive::kwic`]).
    pub fn kwic(&self, request: &SearchRequest, options: &KwicOptions) -> Result<Kwic> {
        match self {
            Engine::Embedded(archive) => archive.kwic(request, options),
            #[cfg(feature = "cluster")]
            Engine::Cluster(cluster) => cluster.kwic(request, options),
        }
    }

    /// Articles held ([`Archive::num_articles`]; a cluster is asked each time).
    pub fn num_articles(&self) -> Result<u64> {
        match self {
            Engine::Embedded(archive) => Ok(archive.num_articles()),
            #[cfg(feature = "cluster")]
            Engine::Cluster(cluster) => cluster.count(),
        }
    }

    /// The embedded archive, or an error naming `what` when a cluster answers: for
    /// what only the embedded archive does yet (`similar`, `check`…).
    #[cfg_attr(not(feature = "cluster"), allow(unused_variables))]
    pub fn embedded(&self, what: &str) -> Result<&Archive> {
        match self {
            Engine::Embedded(archive) => Ok(archive),
            #[cfg(feature = "cluster")]
            Engine::Cluster(_) => Err(crate::Error::Unsupported(format!(
                "{what} works with the index directory only, not yet with --engine"
            ))),
        }
    }

    /// The matches of each query per period ([`Archive::trend`]).
    pub fn trend(&self, request: &TrendRequest) -> Result<Trend> {
        match self {
            Engine::Embedded(archive) => archive.trend(request),
            #[cfg(feature = "cluster")]
            Engine::Cluster(cluster) => cluster.trend(request),
        }
    }

    /// What the engine holds ([`Archive::stats`]).
    pub fn stats(&self) -> Result<Stats> {
        match self {
            Engine::Embedded(archive) => archive.stats(),
            #[cfg(feature = "cluster")]
            Engine::Cluster(cluster) => cluster.stats(),
        }
    }
}
